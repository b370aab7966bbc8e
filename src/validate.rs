//! Key validation (SPEC §2), provider detection and redaction.
//!
//! Nothing here panics on any input, and the input is never stored or echoed: the only trace of it
//! in a [`Validation`] is the `redacted` form.

use crate::decimal::{decimal_str, fill};
use crate::jwt;
use crate::providers::{CredentialKind, KeyRules, ProviderId, ALL_KEYS};

/// A hard validation error code (`ok = false`), or `Ok`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// The key passed every rule.
    Ok,
    /// Nothing was given.
    Empty,
    /// Leading, trailing or inner whitespace, CR or LF.
    Whitespace,
    /// The input starts with `Bearer ` or a header name such as `X-API-Key:`.
    HasScheme,
    /// A character outside ASCII.
    NonAscii,
    /// A control character (NUL, DEL, ...).
    ControlChar,
    /// The key does not start the way this provider's keys do.
    WrongPrefix,
    /// A character outside the format's alphabet.
    BadCharset,
    /// The body is shorter than 8 characters.
    TooShort,
    /// Over 512 characters for API keys, 4096 for tokens.
    TooLong,
    /// PowerPost env part is neither `live` nor `test`.
    BadEnv,
    /// PowerPost third part is not `sk`.
    NotSecretKey,
    /// Not three base64url segments whose header and payload are JSON objects.
    BadJwt,
    /// The provider does not take this kind of credential (keygate addition to SPEC §2).
    UnsupportedKind,
}

impl Code {
    /// The stable code string.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Ok => "ok",
            Code::Empty => "empty",
            Code::Whitespace => "whitespace",
            Code::HasScheme => "has_scheme",
            Code::NonAscii => "non_ascii",
            Code::ControlChar => "control_char",
            Code::WrongPrefix => "wrong_prefix",
            Code::BadCharset => "bad_charset",
            Code::TooShort => "too_short",
            Code::TooLong => "too_long",
            Code::BadEnv => "bad_env",
            Code::NotSecretKey => "not_secret_key",
            Code::BadJwt => "bad_jwt",
            Code::UnsupportedKind => "unsupported_kind",
        }
    }
}

/// A warning code (`ok` stays true).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningCode {
    /// Poelis key outside 40-60 characters.
    UnusualLength,
    /// Postiz key not 64 lowercase hex, or `pos_` token not 40 alphanumerics.
    UnusualFormat,
    /// PowerPost `test` key.
    TestKey,
    /// JWT `exp` in the past (decoded without verifying).
    JwtExpired,
    /// A key in an earlier documented format (Poelis `poelis_live_`): accepted, the server decides.
    EarlierFormat,
}

impl WarningCode {
    /// The stable code string.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::UnusualLength => "unusual_length",
            WarningCode::UnusualFormat => "unusual_format",
            WarningCode::TestKey => "test_key",
            WarningCode::JwtExpired => "jwt_expired",
            WarningCode::EarlierFormat => "earlier_format",
        }
    }
}

/// A warning with a human message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// Stable code.
    pub code: WarningCode,
    /// What it means, never containing the key.
    pub message: String,
}

/// A refusal from a format rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Stable code.
    pub code: Code,
    /// What is wrong and how to fix it, never containing the key.
    pub message: String,
}

/// Result of a provider's format rules.
pub type Check = Result<Vec<Warning>, Refusal>;

/// Facts read off a valid key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyFacts {
    /// PowerPost environment (`live`, `test`).
    pub env: Option<&'static str>,
}

/// The outcome of [`validate`]: never contains the input beyond `redacted`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validation {
    /// Whether the key can be used.
    pub ok: bool,
    /// The provider it was checked against.
    pub provider: ProviderId,
    /// The kind it was checked as (Postiz `pos_` inputs become `OAuthToken`).
    pub kind: CredentialKind,
    /// `Code::Ok`, or the first rule broken.
    pub code: Code,
    /// Human explanation.
    pub message: String,
    /// Prefix and last 4 characters at most.
    pub redacted: String,
    /// PowerPost environment.
    pub env: Option<&'static str>,
    /// Warnings (only when `ok`).
    pub warnings: Vec<Warning>,
}

pub(crate) fn refuse(code: Code, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

pub(crate) fn warn(code: WarningCode, message: impl Into<String>) -> Warning {
    Warning {
        code,
        message: message.into(),
    }
}

/// `wrong_prefix`, naming the expected prefix and, when the input carries another provider's
/// prefix, that provider.
pub(crate) fn wrong_prefix(provider: &KeyRules, expected: &str, input: &str) -> Refusal {
    wrong_prefix_because(
        provider,
        fill("{} keys start with \"{}\"", &[provider.name, expected]),
        input,
    )
}

/// `wrong_prefix` with the caller's own first sentence, plus the other provider when recognised.
pub(crate) fn wrong_prefix_because(
    provider: &KeyRules,
    mut message: String,
    input: &str,
) -> Refusal {
    if let Some((other, kind)) = detect(input) {
        if other != provider.kind {
            let what = match kind {
                CredentialKind::OAuthToken => "OAuth token",
                _ => "key",
            };
            message.push_str(&fill(
                "; this looks like a {} {}",
                &[other.keys().name, what],
            ));
        }
    }
    refuse(Code::WrongPrefix, message)
}

/// Checks a key body: alphabet, then length at least 8.
pub(crate) fn check_body(body: &str, allowed: fn(u8) -> bool, what: &str) -> Check {
    if !body.bytes().all(allowed) {
        return Err(refuse(
            Code::BadCharset,
            fill("the key may only contain {}", &[what]),
        ));
    }
    if body.len() < 8 {
        return Err(refuse(
            Code::TooShort,
            fill(
                "the key body (after any prefix) has {} characters; at least 8 are expected",
                &[decimal_str(body.len() as u64, &mut [0; 20])],
            ),
        ));
    }
    Ok(Vec::new())
}

/// Checks a JWT's shape; `exp` is checked later against a clock.
pub(crate) fn check_jwt(input: &str) -> Check {
    check_jwt_claims(input).map(|_| Vec::new())
}

fn check_jwt_claims(input: &str) -> Result<jwt::Claims, Refusal> {
    jwt::decode(input).map_err(|why| refuse(Code::BadJwt, fill("not a JWT: {}", &[&why])))
}

/// Recognises a provider (and credential kind) from the input's prefix.
///
/// ```
/// use keygate::{detect, CredentialKind, ProviderId};
/// assert_eq!(detect("pk_live0123456789abcdefXYZ"), Some((ProviderId::Poesius, CredentialKind::ApiKey)));
/// assert_eq!(detect("hello"), None);
/// ```
pub fn detect(input: &str) -> Option<(ProviderId, CredentialKind)> {
    let input = input.trim_start();
    // Longest prefixes first so `pos_` and `poelis_api_` never shadow each other.
    let mut best: Option<(usize, ProviderId, CredentialKind)> = None;
    for p in ALL_KEYS {
        let earlier = p
            .earlier_key_prefixes
            .iter()
            .map(|e| (Some(*e), CredentialKind::ApiKey));
        for (prefix, kind) in [
            (p.api_key_prefix, CredentialKind::ApiKey),
            (p.oauth_prefix, CredentialKind::OAuthToken),
        ]
        .into_iter()
        .chain(earlier)
        {
            if let Some(prefix) = prefix {
                if input.starts_with(prefix) && best.is_none_or(|(len, ..)| prefix.len() > len) {
                    best = Some((prefix.len(), p.kind, kind));
                }
            }
        }
    }
    best.map(|(_, p, k)| (p, k))
}

/// Seconds since the Unix epoch from the system clock; `None` where there is none (wasm32).
pub(crate) fn system_now() -> Option<u64> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_secs())
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}

/// Validates `input` as a `kind` credential of `provider` (SPEC §2), using the system clock
/// for JWT expiry.
///
/// ```
/// use keygate::{validate, Code, CredentialKind, ProviderId};
/// let v = validate(ProviderId::Poelis, CredentialKind::ApiKey, "Bearer poelis_api_x");
/// assert!(!v.ok);
/// assert_eq!(v.code, Code::HasScheme);
/// assert!(!v.message.contains("poelis_api_x"));
/// ```
pub fn validate(provider: ProviderId, kind: CredentialKind, input: &str) -> Validation {
    validate_at(provider, kind, input, system_now())
}

/// [`validate`] with an explicit clock (`now` in Unix seconds; `None` skips the expiry check).
pub fn validate_at(
    provider: ProviderId,
    kind: CredentialKind,
    input: &str,
    now: Option<u64>,
) -> Validation {
    let p = provider.keys();
    let kind = (p.kind_for)(kind, input.trim());
    let redacted = redact_for(p, input);
    // A JWT is decoded once, here: its shape is the check and its claims give the expiry.
    let mut claims = None;
    let result = shared_checks(p, kind, input).and_then(|()| {
        if kind == CredentialKind::Jwt {
            claims = Some(check_jwt_claims(input)?);
            Ok(Vec::new())
        } else {
            (p.check)(kind, input)
        }
    });
    let (code, message, warnings) = match result {
        Ok(mut warnings) => {
            if let (Some(now), Some(claims)) = (now, &claims) {
                if claims.exp.is_some_and(|exp| exp < now as f64) {
                    warnings.push(warn(
                        WarningCode::JwtExpired,
                        "the JWT's exp claim is in the past (decoded without verifying); sign in again for a fresh token",
                    ));
                }
            }
            let message = fill("looks like a valid {} {}", &[p.name, kind_words(kind)]);
            (Code::Ok, message, warnings)
        }
        Err(r) => (r.code, r.message, Vec::new()),
    };
    let ok = code == Code::Ok;
    Validation {
        ok,
        provider,
        kind,
        code,
        message,
        redacted,
        env: if ok { (p.facts)(input).env } else { None },
        warnings,
    }
}

fn kind_words(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::ApiKey => "API key",
        CredentialKind::Jwt => "JWT",
        CredentialKind::OAuthToken => "OAuth token",
    }
}

/// Header names or schemes that a paste may carry in front of the key.
const SCHEMES: [&str; 6] = [
    "bearer ",
    "basic ",
    "token ",
    "authorization:",
    "x-api-key:",
    "x-workspace-id:",
];

fn shared_checks(p: &KeyRules, kind: CredentialKind, input: &str) -> Result<(), Refusal> {
    if input.is_empty() {
        return Err(refuse(Code::Empty, "no key was given"));
    }
    if !p.accepts(kind) {
        return Err(refuse(
            Code::UnsupportedKind,
            fill("{} does not accept a {}", &[p.name, kind_words(kind)]),
        ));
    }
    if input.len() > kind.max_len() {
        return Err(refuse(
            Code::TooLong,
            fill(
                "the input has {} bytes; the limit for {} is {}",
                &[
                    decimal_str(input.len() as u64, &mut [0; 20]),
                    match kind {
                        CredentialKind::ApiKey => "API keys",
                        CredentialKind::Jwt => "JWTs",
                        CredentialKind::OAuthToken => "OAuth tokens",
                    },
                    decimal_str(kind.max_len() as u64, &mut [0; 20]),
                ],
            ),
        ));
    }
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(refuse(Code::Whitespace, "the input is only whitespace"));
    }
    // Byte comparisons only: these checks run on every validation and every client, and the
    // size-optimised build does not inline char iterators (measured: 2x slower in wasm).
    let starts_with_scheme = |s: &&&str| {
        trimmed
            .as_bytes()
            .get(..s.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(s.as_bytes()))
    };
    if let Some(s) = SCHEMES.iter().find(starts_with_scheme) {
        let shown = trimmed.get(..s.len()).unwrap_or(s).trim_end();
        return Err(refuse(
            Code::HasScheme,
            fill(
                "remove the leading \"{}\": give only the key, keygate adds the header and scheme itself",
                &[shown],
            ),
        ));
    }
    let ascii = input.is_ascii();
    let has_space = |t: &str| {
        if ascii {
            t.bytes().any(|b| b.is_ascii_whitespace() || b == 0x0b)
        } else {
            t.chars().any(char::is_whitespace)
        }
    };
    if has_space(input) {
        let message = if !has_space(trimmed) {
            "the key has leading or trailing whitespace or a line break, a common paste error: trim it"
        } else {
            "the key contains whitespace or a line break inside it"
        };
        return Err(refuse(Code::Whitespace, message));
    }
    let control = if ascii {
        input.bytes().any(|b| b.is_ascii_control())
    } else {
        input.chars().any(char::is_control)
    };
    if control {
        return Err(refuse(
            Code::ControlChar,
            "the key contains a control character (such as NUL)",
        ));
    }
    if !ascii {
        return Err(refuse(
            Code::NonAscii,
            "the key contains a non-ASCII character (look for smart quotes or look-alike letters)",
        ));
    }
    Ok(())
}

/// The redacted form of any input: the recognised prefix plus `…` and the last 4 characters.
///
/// ```
/// assert_eq!(keygate::redact("pp_live_sk_a1B2c3D4e5F6g7H8i9J0"), "pp_live_sk_…i9J0");
/// ```
pub fn redact(input: &str) -> String {
    match detect(input) {
        Some((p, _)) => redact_for(p.keys(), input),
        None => redact_with(None, input),
    }
}

/// Redacts an input in the context of a provider (Postiz keys have no prefix).
pub(crate) fn redact_for(p: &KeyRules, input: &str) -> String {
    redact_with((p.redact_prefix)(input), input)
}

fn redact_with(prefix: Option<&'static str>, input: &str) -> String {
    // Character counts; for ASCII (every real key) they are byte counts, without iterating.
    let len = if input.is_ascii() {
        input.len()
    } else {
        input.chars().count()
    };
    let tail = || -> Option<&str> {
        let start = input.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
        let tail = &input[start..];
        tail.bytes().all(|b| b.is_ascii_graphic()).then_some(tail)
    };
    let mut out = String::with_capacity(24);
    let show_tail = match prefix {
        Some(prefix) => {
            out.push_str(prefix);
            len - prefix.len() >= 12
        }
        None => len >= 16,
    };
    out.push('…');
    if show_tail {
        if let Some(t) = tail() {
            out.push_str(t);
        }
    }
    out
}
