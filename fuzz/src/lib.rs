//! Helpers shared by keygate's fuzz targets: how an input is cut into fields, and the oracles the
//! targets assert with.
//!
//! Inputs are plain bytes. Targets that need several strings cut the input at `0xFF` bytes
//! ([`SEP`]): that byte never occurs in UTF-8, so every string stays reachable (each field is
//! decoded lossily), and the seed files stay readable text with a few separators in them.

use keygate::{CredentialKind, ProviderId};

/// Field separator inside one fuzz input.
pub const SEP: u8 = 0xFF;

/// One valid credential of each provider and kind (shared by the `plan` and `exchange` targets).
pub const CREDENTIALS: [(ProviderId, CredentialKind, &str); 7] = [
    (ProviderId::Poesius, CredentialKind::ApiKey, "pk_live0123456789abcdefXYZ"),
    (
        ProviderId::Poesius,
        CredentialKind::Jwt,
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjQxMDI0NDQ4MDB9.bm90LWEtcmVhbC1zaWduYXR1cmUtMDEyMw",
    ),
    (ProviderId::Poesius, CredentialKind::OAuthToken, "oat-AbCdEf0123456789.token~x"),
    (ProviderId::Poelis, CredentialKind::ApiKey, "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE"),
    (ProviderId::PowerPost, CredentialKind::ApiKey, "pp_live_sk_a1B2c3D4e5F6g7H8i9J0"),
    (
        ProviderId::Postiz,
        CredentialKind::ApiKey,
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ),
    (ProviderId::Postiz, CredentialKind::OAuthToken, "pos_abcdefghijABCDEFGHIJ0123456789klmnopqrst"),
];

/// Every credential kind.
pub const KINDS: [CredentialKind; 3] = [
    CredentialKind::ApiKey,
    CredentialKind::Jwt,
    CredentialKind::OAuthToken,
];

/// Key prefixes that are public (shown in redacted forms), longest first.
pub const PUBLIC_PREFIXES: [&str; 7] = [
    "pp_live_sk_",
    "pp_test_sk_",
    "poelis_live_",
    "poelis_api_",
    "pos_",
    "pk_",
    "pp_",
];

/// Prefixes a redacted form may start with.
pub const REDACT_PREFIXES: [&str; 8] = [
    "",
    "pk_",
    "poelis_api_",
    "poelis_live_",
    "pp_",
    "pp_live_sk_",
    "pp_test_sk_",
    "pos_",
];

/// Prefixes that mark a credential in free text (what `clean` is meant to catch).
pub const KEY_PREFIXES: [&str; 5] = ["poelis_api_", "poelis_live_", "pos_", "pk_", "pp_"];

/// Lossy UTF-8 text of some bytes.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The input cut at [`SEP`] into at most `n` fields (the last takes the rest), each decoded lossily;
/// missing fields are empty.
pub fn fields(data: &[u8], n: usize) -> Vec<String> {
    let mut out: Vec<String> = data.splitn(n, |b| *b == SEP).map(text).collect();
    out.resize(n, String::new());
    out
}

/// Visible ASCII and spaces only.
pub fn visible(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
}

/// The secret part of an input: what follows a public prefix or a pasted scheme, when it has at
/// least 8 characters and 4 letters or digits (shorter parts show up in messages by chance).
pub fn secret_part(input: &str) -> Option<&str> {
    let mut body = input;
    for scheme in [
        "Bearer ",
        "bearer ",
        "Basic ",
        "Token ",
        "x-api-key:",
        "X-API-Key:",
    ] {
        if let Some(rest) = body.strip_prefix(scheme) {
            body = rest.trim_start();
            break;
        }
    }
    if let Some(rest) = PUBLIC_PREFIXES.iter().find_map(|p| body.strip_prefix(p)) {
        body = rest;
    }
    let alnum = body.chars().filter(char::is_ascii_alphanumeric).count();
    (body.chars().count() >= 8 && alnum >= 4).then_some(body)
}

/// A bijection on characters that keeps every class keygate's format rules look at (lowercase hex,
/// other lowercase letters, uppercase letters, digits; everything else unchanged), so a rotated
/// key is, in most cases, judged like the original.
pub fn rot(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '9' => '0',
            '0'..='8' => next(c),
            'f' => 'a',
            'a'..='e' => next(c),
            'z' => 'g',
            'g'..='y' => next(c),
            'Z' => 'A',
            'A'..='Y' => next(c),
            _ => c,
        })
        .collect()
}

fn next(c: char) -> char {
    char::from_u32(c as u32 + 1).unwrap_or(c)
}

/// Whether `render` echoes the secret part of `input` (whole, or its first or second half when it
/// is 16 characters or more).
///
/// Differential, so that a secret which merely equals some fixed text of a message is not taken
/// for an echo: the part must show up for `input` and, rotated, for the rotated input too.
pub fn echoes(input: &str, render: impl Fn(&str) -> String) -> Option<String> {
    let secret = secret_part(input)?;
    let public = &input[..input.len() - secret.len()];
    let first = render(input);
    let rotated_input = format!("{}{}", public, rot(secret));
    let mut second: Option<String> = None;
    for piece in pieces(secret) {
        if first.contains(piece) {
            let second = second.get_or_insert_with(|| render(&rotated_input));
            if second.contains(&rot(piece)) {
                return Some(format!(
                    "the secret part {:?} of {:?} is echoed in {:?}",
                    piece, input, first
                ));
            }
        }
    }
    None
}

/// The whole secret, and its halves when long enough (each at least 8 characters); only pieces
/// with 4 or more letters or digits, which [`rot`] changes (a run of `\\` is left alone by it and
/// shows up doubled in any `Debug` output of a redacted tail).
fn pieces(secret: &str) -> Vec<&str> {
    let mut out = vec![secret];
    let n = secret.chars().count();
    if n >= 16 {
        let mid = secret.char_indices().nth(n / 2).map_or(0, |(i, _)| i);
        out.push(&secret[..mid]);
        out.push(&secret[mid..]);
    }
    out.retain(|p| p.chars().filter(char::is_ascii_alphanumeric).count() >= 4);
    out
}

/// Checks a redacted form of `input`: `prefix…tail` where the prefix is a public one the input
/// starts with, the tail is at most its last 4 visible characters, and at least 8 characters stay
/// hidden whenever a tail is shown.
pub fn check_redaction(input: &str, redacted: &str) -> Result<(), String> {
    let Some((prefix, tail)) = redacted.split_once('…') else {
        return Err(format!("redacted {:?} has no ellipsis", redacted));
    };
    if !REDACT_PREFIXES.contains(&prefix) || !input.starts_with(prefix) {
        return Err(format!(
            "redacted {:?} shows prefix {:?} of {:?}",
            redacted, prefix, input
        ));
    }
    if tail.chars().count() > 4 || !input.ends_with(tail) || !visible(tail) {
        return Err(format!(
            "redacted {:?} shows tail {:?} of {:?}",
            redacted, tail, input
        ));
    }
    let hidden =
        input.chars().count() as i64 - prefix.chars().count() as i64 - tail.chars().count() as i64;
    if !tail.is_empty() && hidden < 8 {
        return Err(format!(
            "redacted {:?} hides only {} characters of {:?}",
            redacted, hidden, input
        ));
    }
    Ok(())
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// A credential-looking token in text that `clean` should have redacted: a run of 32 or more hex
/// digits, a key prefix followed by 8 or more key characters, or a three-segment JWT; each standing
/// on its own (not inside a longer word), wherever it is in its whitespace-separated word.
///
/// A token directly followed by `…` is skipped: that is either the truncation mark (what followed
/// is unknown: 70 `d`s and an `x`, cut to 64, are no hex key) or a redaction next to it
/// (`eyJa.eyJb.pp_….c` was the four-segment `eyJa.eyJb.pp_<key>.c`, not a JWT).
pub fn credential_in(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let cut = |end: usize| text[end..].starts_with('…');
    let mut i = 0;
    while i < b.len() {
        let boundary = i == 0 || !is_word(b[i - 1]);
        if !boundary || !is_word(b[i]) {
            i += 1;
            continue;
        }
        // JWT: eyJ… with exactly three non-empty dot-separated segments (trailing dots dropped).
        if text[i..].starts_with("eyJ") && (i == 0 || b[i - 1] != b'.') {
            let end = run_end(b, i, |c| is_word(c) || c == b'.');
            let jwt = text[i..end].trim_end_matches('.');
            let segs: Vec<&str> = jwt.split('.').collect();
            if jwt.len() >= 16 && segs.len() == 3 && segs.iter().all(|s| !s.is_empty()) && !cut(end)
            {
                return Some(jwt.to_string());
            }
        }
        let end = run_end(b, i, is_word);
        let word = &text[i..end];
        if !cut(end) {
            for p in KEY_PREFIXES {
                if let Some(body) = word.strip_prefix(p) {
                    let redaction_prefix =
                        ["pp_live_sk_", "pp_test_sk_", "poelis_api_", "poelis_live_"].contains(&word);
                    if body.len() >= 8 && !redaction_prefix {
                        return Some(word.to_string());
                    }
                }
            }
            // Hex runs: only when the whole run between non-word characters is hex.
            if word.len() >= 32 && word.bytes().all(|c| c.is_ascii_hexdigit()) {
                return Some(word.to_string());
            }
        }
        i = end.max(i + 1);
    }
    None
}

fn run_end(b: &[u8], start: usize, ok: impl Fn(u8) -> bool) -> usize {
    let mut j = start;
    while j < b.len() && ok(b[j]) {
        j += 1;
    }
    j
}

/// Header-name token check (RFC 9110), independent of keygate's.
pub fn token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Scheme, host and effective port of an absolute `http(s)` URL, parsed independently of keygate
/// (authority ends at `/`, `?`, `#` or `\`; user info refused; host lowercased, trailing dots
/// dropped; default port filled in). `None` for anything else.
pub fn origin_of(url: &str) -> Option<(String, String, u16)> {
    let lower = url.to_ascii_lowercase();
    let (scheme, rest, default) = if let Some(r) = lower.strip_prefix("https://") {
        ("https", r, 443)
    } else if let Some(r) = lower.strip_prefix("http://") {
        ("http", r, 80)
    } else {
        return None;
    };
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let (host, port) = if authority.starts_with('[') {
        let close = authority.find(']')?;
        (&authority[..=close], &authority[close + 1..])
    } else {
        match authority.rfind(':') {
            Some(i) => (&authority[..i], &authority[i..]),
            None => (authority, ""),
        }
    };
    let port = match port.strip_prefix(':') {
        None if port.is_empty() => default,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok()?,
        _ => return None,
    };
    let host = host.trim_end_matches('.');
    if host.is_empty() {
        return None;
    }
    Some((scheme.to_string(), host.to_string(), port))
}

/// The path of an absolute URL (before `?` or `#`), after the authority.
pub fn path_of(url: &str) -> &str {
    let after = url.find("://").map_or(url, |i| &url[i + 3..]);
    let start = after.find(['/', '?', '#']).unwrap_or(after.len());
    let path = &after[start..];
    let end = path.find(['?', '#']).unwrap_or(path.len());
    &path[..end]
}

/// Whether a path segment is `.` or `..`, also percent-encoded.
pub fn dot_segment(s: &str) -> bool {
    let d = s.to_ascii_lowercase().replace("%2e", ".");
    d == "." || d == ".."
}
