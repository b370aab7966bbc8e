//! Decoding (never verifying) a JWT's header and payload, for shape checks and `exp`.

use crate::decimal::{decimal_str, fill};
use crate::json::Json;

/// The claims keygate reads.
#[derive(Debug, Default, PartialEq)]
pub struct Claims {
    /// Expiry, Unix seconds.
    pub exp: Option<f64>,
}

/// Decodes one unpadded base64url segment.
pub(crate) fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn json_object(segment: &str, what: &str) -> Result<Json, String> {
    let bytes = b64url_decode(segment).ok_or_else(|| fill("the {} is not base64url", &[what]))?;
    match Json::parse(&bytes) {
        Some(v) if v.is_object() => Ok(v),
        _ => Err(fill("the {} is not a JSON object", &[what])),
    }
}

/// Checks the three-segment shape and decodes the header and payload (the reason on failure
/// never quotes the input).
///
/// ```
/// // Claims are read without verifying the signature (only to warn about expiry).
/// let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjQxMDI0NDQ4MDB9.c2ln";
/// assert_eq!(keygate::decode_jwt(jwt).unwrap().exp, Some(4102444800.0));
/// assert!(keygate::decode_jwt("not.a.jwt").is_err());
/// ```
pub fn decode(input: &str) -> Result<Claims, String> {
    // The two dots by byte (no iterator collected into a Vec: this is in both wasms).
    let (mut dots, mut n) = ([0; 2], 0);
    for (i, &b) in input.as_bytes().iter().enumerate() {
        if b == b'.' {
            if n < 2 {
                dots[n] = i;
            }
            n += 1;
        }
    }
    if n != 2 {
        return Err(fill(
            "expected three dot-separated segments, found {}",
            &[decimal_str(n as u64 + 1, &mut [0; 20])],
        ));
    }
    let part = |from: usize, to: usize| input.get(from..to).unwrap_or_default();
    let (header, payload, signature) = (
        part(0, dots[0]),
        part(dots[0] + 1, dots[1]),
        part(dots[1] + 1, input.len()),
    );
    if header.is_empty() || payload.is_empty() || signature.is_empty() {
        return Err("a segment is empty".into());
    }
    json_object(header, "header")?;
    let payload = json_object(payload, "payload")?;
    if b64url_decode(signature).is_none() {
        return Err("the signature is not base64url".into());
    }
    Ok(Claims {
        exp: payload.get("exp").and_then(Json::as_f64),
    })
}

#[cfg(test)]
mod tests {
    use super::decode;

    /// Every error message `decode` builds, exactly (they were `format!` strings before they
    /// were built from parts for the wasm's size).
    #[test]
    fn decode_errors_are_the_exact_messages() {
        // {"alg":"HS256"} and {"exp":1} in base64url.
        let (h, p) = ("eyJhbGciOiJIUzI1NiJ9", "eyJleHAiOjF9");
        let not_object = "WzFd"; // [1]
        let cases: Vec<(String, &str)> = vec![
            (
                "abc".into(),
                "expected three dot-separated segments, found 1",
            ),
            (
                "a.b".into(),
                "expected three dot-separated segments, found 2",
            ),
            (
                "a.b.c.d".into(),
                "expected three dot-separated segments, found 4",
            ),
            (
                "a.b.c.d.e.f.g.h.i.j.k".into(),
                "expected three dot-separated segments, found 11",
            ),
            (".b.c".into(), "a segment is empty"),
            ("a..c".into(), "a segment is empty"),
            ("a.b.".into(), "a segment is empty"),
            (format!("*.{p}.sig"), "the header is not base64url"),
            (format!("{h}.*.sig"), "the payload is not base64url"),
            (
                format!("{not_object}.{p}.sig"),
                "the header is not a JSON object",
            ),
            (
                format!("{h}.{not_object}.sig"),
                "the payload is not a JSON object",
            ),
            (format!("{h}.{p}.*"), "the signature is not base64url"),
        ];
        for (input, want) in cases {
            assert_eq!(decode(&input).unwrap_err(), want, "{input}");
        }
        assert_eq!(decode(&format!("{h}.{p}.c2ln")).unwrap().exp, Some(1.0));
    }
}
