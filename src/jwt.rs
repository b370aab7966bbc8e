//! Decoding (never verifying) a JWT's header and payload, for shape checks and `exp`.

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
    let bytes = b64url_decode(segment).ok_or_else(|| format!("the {} is not base64url", what))?;
    match Json::parse(&bytes) {
        Some(v) if v.is_object() => Ok(v),
        _ => Err(format!("the {} is not a JSON object", what)),
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
    let parts: Vec<&str> = input.split('.').collect();
    if parts.len() != 3 {
        return Err(format!(
            "expected three dot-separated segments, found {}",
            parts.len()
        ));
    }
    if parts.iter().any(|p| p.is_empty()) {
        return Err("a segment is empty".into());
    }
    json_object(parts[0], "header")?;
    let payload = json_object(parts[1], "payload")?;
    if b64url_decode(parts[2]).is_none() {
        return Err("the signature is not base64url".into());
    }
    Ok(Claims {
        exp: payload.get("exp").and_then(Json::as_f64),
    })
}
