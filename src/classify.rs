//! Response classification: (status, headers, body) into success or a typed [`Error`] carrying
//! the provider's own message and code, the request id and the server's requested wait.

use crate::json::Json as Value;

use crate::error::{Error, ErrorCode, ErrorKind};
use crate::providers::{ErrorStyle, ProviderId};
use crate::sanitize::sanitize;
use crate::secret::Credential;
use crate::validate::{detect, redact};

/// Bodies larger than this are not parsed for a message.
pub const MAX_ERROR_BODY: usize = 64 * 1024;
/// Longest provider message kept.
pub const MAX_MESSAGE: usize = 300;
/// Longest request id kept.
pub const MAX_REQUEST_ID: usize = 128;
/// Longest provider code kept.
pub const MAX_PROVIDER_CODE: usize = 64;

/// Finds a header (case-insensitive).
pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Headers that may carry a request id, in order of preference.
pub(crate) const REQUEST_ID_HEADERS: [&str; 4] = [
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "x-amzn-requestid",
];

/// Every response header classification, redirects, retries and rate limits read: a runner may
/// pass only these (they include every [`crate::RATE_LIMIT_HEADERS`] name).
pub const READ_HEADERS: [&str; 9] = [
    "location",
    "retry-after",
    crate::ratelimit::RATE_LIMIT_HEADERS[0],
    crate::ratelimit::RATE_LIMIT_HEADERS[1],
    crate::ratelimit::RATE_LIMIT_HEADERS[2],
    REQUEST_ID_HEADERS[0],
    REQUEST_ID_HEADERS[1],
    REQUEST_ID_HEADERS[2],
    REQUEST_ID_HEADERS[3],
];

/// The raw request id header (`X-Request-ID` or a similar one), before any cleaning.
pub(crate) fn raw_request_id(headers: &[(String, String)]) -> Option<&str> {
    REQUEST_ID_HEADERS.iter().find_map(|n| header(headers, n))
}

/// The longest wait keygate reports (2^53 - 1 ms, JavaScript's largest exact integer): longer
/// ones saturate to it.
pub const MAX_RETRY_AFTER_MS: u64 = (1 << 53) - 1;

/// RFC 9110 delay-seconds (`1*DIGIT`, surrounding spaces and tabs allowed) in milliseconds,
/// saturating at [`MAX_RETRY_AFTER_MS`]; anything else (`1.5`, `1e3`, `+5`, `-1`) is `None`.
pub(crate) fn delay_seconds_ms(value: &str) -> Option<u64> {
    // Milliseconds so far, saturated at each digit: once at the cap, more digits stay there.
    let mut ms = None;
    let mut after = false;
    for &c in value.as_bytes() {
        if c == b' ' || c == b'\t' {
            after = ms.is_some();
        } else if after || !c.is_ascii_digit() {
            return None;
        } else {
            let n: u64 = ms.unwrap_or(0);
            ms = Some((n * 10 + u64::from(c - b'0') * 1000).min(MAX_RETRY_AFTER_MS));
        }
    }
    ms
}

/// Parses `Retry-After`: delay-seconds (digits only, no sign or fraction) or an HTTP date
/// (needs `now_ms`, Unix milliseconds). A huge value is a long wait, not an invalid one.
///
/// ```
/// assert_eq!(keygate::parse_retry_after("3", None), Some(3000));
/// assert_eq!(keygate::parse_retry_after("soon", None), None);
/// ```
pub fn parse_retry_after(value: &str, now_ms: Option<f64>) -> Option<u64> {
    if let Some(ms) = delay_seconds_ms(value) {
        return Some(ms);
    }
    // The date parser skips the whitespace around it.
    let when_ms = crate::httpdate::parse(value)? as f64 * 1000.0;
    let now = now_ms?;
    Some(if when_ms > now {
        ((when_ms - now).ceil() as u64).min(MAX_RETRY_AFTER_MS)
    } else {
        0
    })
}

/// Keeps visible ASCII and single spaces (anything else becomes `?`), redacts every run that
/// looks like a credential, and truncates to `max` characters.
pub fn clean(s: &str, max: usize) -> String {
    let mut out = String::new();
    for word in s.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        // Credential-shaped runs are redacted wherever they stand in the word (`key=…`, `"…"`).
        let mut rest = word;
        while !rest.is_empty() {
            let run_len = rest.find(|c: char| !is_run_char(c)).unwrap_or(rest.len());
            if run_len == 0 {
                let c = rest.chars().next().unwrap_or('?');
                // Only visible ASCII is kept: no bidi overrides, zero-width or look-alike text.
                out.push(if c.is_ascii_graphic() || c == '…' {
                    c
                } else {
                    '?'
                });
                rest = &rest[c.len_utf8()..];
                continue;
            }
            let run = &rest[..run_len];
            let core = run.trim_end_matches('.');
            // A public prefix alone (`pp_live_sk_`, also the start of a redacted form
            // `pp_live_sk_…9f2c`) holds nothing secret: cleaning twice changes nothing.
            let redacted_form = core.len() == run_len && is_bare_prefix(core);
            if redacted_form {
                out.push_str(run);
            } else if looks_secret(core) {
                out.push_str(&redact(core));
                out.push_str(&run[core.len()..]);
            } else {
                // A JWT glued to the text before it (`tokeneyJ…`) is redacted from where it
                // starts; the text before it, and a run without one, piece by piece between dots
                // (`v1.pk_…`), each piece also from where a key prefix starts in it.
                let (head, jwt) = match glued_start(core, true) {
                    Some(i) => (&core[..i], Some(&core[i..])),
                    None => (core, None),
                };
                for (n, piece) in head.split('.').enumerate() {
                    if n > 0 {
                        out.push('.');
                    }
                    push_piece(&mut out, piece);
                }
                if let Some(jwt) = jwt {
                    out.push_str(&redact(jwt));
                }
                out.push_str(&run[core.len()..]);
            }
            rest = &rest[run_len..];
        }
    }
    if out.chars().count() > max {
        out = out.chars().take(max).collect::<String>() + "…";
    }
    out
}

/// A public key prefix alone (`pp_live_sk_`): what a redacted form shows before its `…`.
fn is_bare_prefix(w: &str) -> bool {
    let r = redact(w);
    r.len() == w.len() + '…'.len_utf8() && r.starts_with(w)
}

fn is_run_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'
}

/// Where a credential-shaped tail starts inside `w` (after its first byte; the leftmost such
/// place): a JWT (`eyJ` and exactly two dots after it) when `jwt`, else a key prefix. `w` holds run
/// characters only (ASCII), so every index is a character boundary. One pass from the end,
/// counting dots, so a long run costs linear time.
fn glued_start(w: &str, jwt: bool) -> Option<usize> {
    let bytes = w.as_bytes();
    let mut dots = 0;
    let mut found = None;
    for i in (1..bytes.len()).rev() {
        if bytes[i] == b'.' {
            dots += 1;
        }
        let tail = &w[i..];
        let hit = if jwt {
            dots == 2 && tail.starts_with("eyJ")
        } else {
            tail.len() >= 8 && detect(tail).is_some()
        };
        if hit {
            found = Some(i);
        }
    }
    found
}

/// A run piece (no dots): redacted whole when credential-shaped, else from where a key glued to the
/// text before it starts (`idpp_live_…`).
fn push_piece(out: &mut String, piece: &str) {
    if looks_secret(piece) {
        out.push_str(&redact(piece));
    } else if let Some(i) = glued_start(piece, false) {
        out.push_str(&piece[..i]);
        out.push_str(&redact(&piece[i..]));
    } else {
        out.push_str(piece);
    }
}

fn looks_secret(w: &str) -> bool {
    let jwt_like = w.starts_with("eyJ") && w.matches('.').count() == 2;
    let long_hex = w.len() >= 32 && w.bytes().all(|b| b.is_ascii_hexdigit());
    jwt_like || long_hex || (detect(w).is_some() && w.len() >= 8)
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    cur.as_str()
}

fn first_of<'a>(v: &'a Value, list: &str, field: &str) -> Option<&'a str> {
    v.get(list)?.first()?.get(field)?.as_str()
}

/// The provider's own message and code from an error body, through `sanitize`.
fn body_texts(
    style: ErrorStyle,
    body: &[u8],
    sanitize: &dyn Fn(&str, usize) -> String,
) -> (Option<String>, Option<String>) {
    if body.is_empty() || body.len() > MAX_ERROR_BODY {
        return (None, None);
    }
    let Some(v) = Value::parse(body) else {
        return (None, None);
    };
    let styled = match style {
        ErrorStyle::Msg => str_at(&v, &["msg"]),
        ErrorStyle::Detail => str_at(&v, &["detail"]).or_else(|| first_of(&v, "detail", "msg")),
        ErrorStyle::CodeMessage => str_at(&v, &["message"]),
        ErrorStyle::NestedError => str_at(&v, &["error", "message"]),
    };
    let message = styled
        .or_else(|| str_at(&v, &["message"]))
        .or_else(|| str_at(&v, &["error"]))
        .or_else(|| str_at(&v, &["error", "message"]))
        .or_else(|| first_of(&v, "errors", "message"))
        .or_else(|| str_at(&v, &["detail"]))
        .or_else(|| str_at(&v, &["msg"]));
    let code = match style {
        ErrorStyle::Detail => str_at(&v, &["error_code"]),
        ErrorStyle::CodeMessage => str_at(&v, &["error"]),
        ErrorStyle::NestedError => str_at(&v, &["error", "code"]),
        ErrorStyle::Msg => None,
    }
    .or_else(|| str_at(&v, &["error_code"]))
    .or_else(|| str_at(&v, &["code"]))
    .or_else(|| str_at(&v, &["error", "code"]));
    (
        message.map(|m| sanitize(m, MAX_MESSAGE)),
        code.map(|c| sanitize(c, MAX_PROVIDER_CODE)),
    )
}

/// `retryAfter` (seconds) from a JSON body, top level or under `error`: a JSON number that is a
/// whole number of seconds (`30`, `1e3`; `1e308` saturates to [`MAX_RETRY_AFTER_MS`]), or a
/// string of digits. A fraction, a negative number or anything else is absent.
pub(crate) fn body_retry_after_ms(body: &[u8]) -> Option<u64> {
    if body.is_empty() || body.len() > MAX_ERROR_BODY {
        return None;
    }
    let v = Value::parse(body)?;
    let n = v
        .get("retryAfter")
        .or_else(|| v.get("error")?.get("retryAfter"))?;
    match n {
        Value::Num(secs) if *secs >= 0.0 && (secs.is_infinite() || secs.fract() == 0.0) => {
            let ms = secs * 1000.0;
            Some(if ms >= MAX_RETRY_AFTER_MS as f64 {
                MAX_RETRY_AFTER_MS
            } else {
                ms as u64
            })
        }
        Value::Str(s) => delay_seconds_ms(s),
        _ => None,
    }
}

fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        400 | 422 => ErrorKind::BadRequest,
        401 => ErrorKind::Authentication,
        402 => ErrorKind::PaymentRequired,
        403 => ErrorKind::Permission,
        404 => ErrorKind::NotFound,
        408 => ErrorKind::Timeout,
        429 => ErrorKind::RateLimit,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Api,
    }
}

/// Classifies a final (non-redirect) response: `Ok(())` for 2xx, else the typed error, its texts
/// cleaned by the pattern rules only. With the credential at hand, use [`classify_for`].
///
/// ```
/// use keygate::{classify, ErrorKind, ProviderId};
/// let headers = vec![("Retry-After".to_string(), "2".to_string())];
/// let e = classify(ProviderId::Poelis, 429, &headers, br#"{"error":"rate_limited","message":"slow down"}"#, None)
///     .unwrap_err();
/// assert_eq!((e.kind, e.retry_after_ms), (ErrorKind::RateLimit, Some(2000)));
/// assert_eq!(e.message, "slow down");
/// assert!(classify(ProviderId::Poelis, 204, &[], b"", None).is_ok());
/// ```
pub fn classify(
    provider: ProviderId,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    now_ms: Option<f64>,
) -> Result<(), Error> {
    classify_with(provider, status, headers, body, now_ms, &|s, max| {
        clean(s, max)
    })
}

/// [`classify`] for a client's credential: message, provider code and request id go through
/// [`crate::sanitize`] (the credential removed in every form before the pattern rules and the cut).
pub fn classify_for(
    credential: &Credential,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    now_ms: Option<f64>,
) -> Result<(), Error> {
    classify_with(
        credential.provider(),
        status,
        headers,
        body,
        now_ms,
        &|s, max| sanitize(credential, s, max),
    )
}

fn classify_with(
    provider: ProviderId,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    now_ms: Option<f64>,
    sanitize: &dyn Fn(&str, usize) -> String,
) -> Result<(), Error> {
    if (200..300).contains(&status) {
        return Ok(());
    }
    let p = provider.provider();
    let (message, provider_code) = body_texts(p.error_style, body, sanitize);
    let mut kind = kind_for_status(status);
    let mut code = kind.default_code();
    if provider_code.as_deref() == Some("CREDITS_EXHAUSTED")
        || provider_code.as_deref() == Some("INSUFFICIENT_CREDITS")
    {
        kind = ErrorKind::PaymentRequired;
        code = ErrorCode::PaymentRequired;
    }
    // A 401 the description says is about the subscription, not the key (`ProviderId::subscription_401`).
    let subscription = provider.subscription_401();
    if status == 401 && subscription.is_some() && message.as_deref() == subscription {
        kind = ErrorKind::Subscription;
        code = kind.default_code();
    }
    if status == 408 {
        code = ErrorCode::RequestTimeout;
    }
    let retry_after_ms = if kind == ErrorKind::RateLimit || kind == ErrorKind::Server {
        header(headers, "retry-after")
            .and_then(|v| parse_retry_after(v, now_ms))
            .or_else(|| body_retry_after_ms(body))
    } else {
        None
    };
    let message = message.unwrap_or_else(|| {
        crate::decimal::fill(
            "{} answered {} with no usable error message",
            &[
                p.name,
                crate::decimal::decimal_str(u64::from(status), &mut [0; 20]),
            ],
        )
    });
    Err(Error {
        kind,
        code,
        message,
        provider: Some(provider),
        status: Some(status),
        provider_code,
        request_id: raw_request_id(headers)
            .map(|v| sanitize(v, MAX_REQUEST_ID))
            .filter(|v| !v.is_empty()),
        retry_after_ms,
        // Read by the exchange (with its clock): `Exchange::on_response`.
        rate_limit: None,
    })
}

/// Whether a status is a redirect keygate may follow (with a `Location`).
pub(crate) fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// A JSON value as JavaScript's `String(v)` writes a scalar (`None` for `null`, arrays,
/// objects and numbers that are not whole: JSON-RPC codes are integers).
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.clone()),
        Value::Num(n) => crate::input::integer_text(*n),
        Value::Bool(b) => Some(String::from(if *b { "true" } else { "false" })),
        _ => None,
    }
}

/// JavaScript truthiness of a JSON value.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Num(n)) => *n != 0.0 && !n.is_nan(),
        Some(Value::Str(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

/// The error inside a successful (2xx) answer of an MCP endpoint (SPEC §5): a JSON-RPC `error`
/// member is `mcp_error` ([`ErrorKind::Api`]); a tool result with `isError` and
/// `error_code: "CREDITS_EXHAUSTED"` (at its top or in `structuredContent`) is the same
/// [`ErrorKind::PaymentRequired`] the REST API gives. Every text is cleaned of `config`'s
/// credential. `body` is the JSON-RPC answer; `request_id` the response's.
///
/// ```
/// use keygate::{classify_mcp, Config, Credential, CredentialKind, ErrorKind, Options, ProviderId};
///
/// let key = "pk_live0123456789abcdefXYZ";
/// let c = Credential::new(ProviderId::Poesius, CredentialKind::ApiKey, key).unwrap();
/// let config = Config::new(c, Options::default()).unwrap();
/// let ok = br#"{"jsonrpc":"2.0","id":1,"result":{"content":[]}}"#;
/// assert!(classify_mcp(&config, 200, None, ok).is_ok());
///
/// let credits = br#"{"result":{"isError":true,"error_code":"CREDITS_EXHAUSTED","error":"no credits"}}"#;
/// let e = classify_mcp(&config, 200, Some("req-1"), credits).unwrap_err();
/// assert_eq!((e.kind, e.code.as_str()), (ErrorKind::PaymentRequired, "payment_required"));
/// assert_eq!(e.provider_code.as_deref(), Some("CREDITS_EXHAUSTED"));
///
/// let rpc = br#"{"error":{"code":-32601,"message":"no such tool"}}"#;
/// let e = classify_mcp(&config, 200, None, rpc).unwrap_err();
/// assert_eq!((e.code.as_str(), e.provider_code.as_deref()), ("mcp_error", Some("-32601")));
/// ```
pub fn classify_mcp(
    config: &crate::plan::Config,
    status: u16,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<(), Error> {
    use crate::plan::TextField;
    let Some(data) = Value::parse(body) else {
        return Ok(());
    };
    let clean = |v: Option<&Value>, field: TextField| {
        v.and_then(scalar_text)
            .map(|t| config.sanitize_field(&t, field))
    };
    let finish = |kind: ErrorKind, message: String, provider_code: Option<String>| {
        answer_error(config, status, request_id, kind, message, provider_code)
    };
    if truthy(data.get("error")) {
        let err = data.get("error");
        let message = clean(err.and_then(|e| e.get("message")), TextField::Message)
            .unwrap_or_else(|| "MCP error".into());
        let code = clean(err.and_then(|e| e.get("code")), TextField::ProviderCode);
        return Err(finish(ErrorKind::Api, message, code).with_code(ErrorCode::McpError));
    }
    let r = data.get("result");
    let credits = |v: Option<&Value>| v.and_then(|v| v.as_str()) == Some("CREDITS_EXHAUSTED");
    let Some(r) = r.filter(|r| truthy(Some(r))) else {
        return Ok(());
    };
    if truthy(r.get("isError"))
        && (credits(r.get("error_code"))
            || credits(r.get("structuredContent").and_then(|c| c.get("error_code"))))
    {
        let given = |k: &str| r.get(k).filter(|v| **v != Value::Null);
        let message = clean(
            given("error").or_else(|| given("message")),
            TextField::Message,
        )
        .unwrap_or_else(|| "Insufficient credits".into());
        return Err(finish(
            ErrorKind::PaymentRequired,
            message,
            Some("CREDITS_EXHAUSTED".into()),
        ));
    }
    Ok(())
}

/// The error in a GraphQL answer (Poelis `POST {host}/v1/graphql`): a 2xx whose body carries a
/// non-empty `errors` array. The first error's `message` (sanitised like every provider message)
/// becomes the error's message and its `extensions.code` the provider code, which picks the class:
/// `unauthenticated`/`unauthorized` → Authentication, `forbidden` → Permission, `not_found` →
/// NotFound, `bad_user_input`, `validation_error` and GraphQL's parse/validation codes →
/// BadRequest, `rate_limit_exceeded` → RateLimit, anything else an Api error `graphql_error`
/// (case-insensitive). `Ok(())` when there are no errors (the caller returns `data`).
///
/// ```
/// use keygate::{classify_graphql, Config, Credential, CredentialKind, ErrorKind, Options, ProviderId};
/// let key = "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh";
/// let c = Credential::new(ProviderId::Poelis, CredentialKind::ApiKey, key).unwrap();
/// let config = Config::new(c, Options::default()).unwrap();
/// assert!(classify_graphql(&config, 200, None, br#"{"data":{"workspaces":[]}}"#).is_ok());
/// let body = br#"{"data":null,"errors":[{"message":"Product 'p9' not found","extensions":{"code":"not_found"}}]}"#;
/// let e = classify_graphql(&config, 200, None, body).unwrap_err();
/// assert_eq!((e.kind, e.provider_code.as_deref()), (ErrorKind::NotFound, Some("not_found")));
/// ```
pub fn classify_graphql(
    config: &crate::plan::Config,
    status: u16,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<(), Error> {
    use crate::plan::TextField;
    let Some(data) = Value::parse(body) else {
        return Ok(());
    };
    let Some(first) = data.get("errors").and_then(|e| e.first()) else {
        return Ok(());
    };
    let text = |v: Option<&Value>, field: TextField| {
        v.and_then(scalar_text)
            .map(|t| config.sanitize_field(&t, field))
            .filter(|t| !t.is_empty())
    };
    let message =
        text(first.get("message"), TextField::Message).unwrap_or_else(|| "GraphQL error".into());
    let code = text(
        first.get("extensions").and_then(|x| x.get("code")),
        TextField::ProviderCode,
    );
    let kind = code
        .as_deref()
        .and_then(|c| {
            GRAPHQL_KINDS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(c))
        })
        .map_or(ErrorKind::Api, |(_, kind)| *kind);
    let mut e = answer_error(config, status, request_id, kind, message, code);
    if kind == ErrorKind::Api {
        e = e.with_code(ErrorCode::GraphqlError);
    }
    Err(e)
}

/// The GraphQL `extensions.code` values with a class of their own (matched case-insensitively).
const GRAPHQL_KINDS: [(&str, ErrorKind); 9] = [
    ("unauthenticated", ErrorKind::Authentication),
    ("unauthorized", ErrorKind::Authentication),
    ("forbidden", ErrorKind::Permission),
    ("not_found", ErrorKind::NotFound),
    ("bad_user_input", ErrorKind::BadRequest),
    ("validation_error", ErrorKind::BadRequest),
    ("graphql_parse_failed", ErrorKind::BadRequest),
    ("graphql_validation_failed", ErrorKind::BadRequest),
    ("rate_limit_exceeded", ErrorKind::RateLimit),
];

/// An error read from a 2xx answer's body (MCP, GraphQL): status, provider and request id set.
fn answer_error(
    config: &crate::plan::Config,
    status: u16,
    request_id: Option<&str>,
    kind: ErrorKind,
    message: String,
    provider_code: Option<String>,
) -> Error {
    let mut e = Error::new(kind, message).with_provider(config.provider);
    e.status = Some(status);
    e.provider_code = provider_code;
    e.request_id = request_id
        .map(|r| config.sanitize_field(r, crate::plan::TextField::RequestId))
        .filter(|r| !r.is_empty());
    e
}

#[cfg(test)]
mod graphql_tests {
    use super::*;
    use crate::plan::{Config, Options};
    use crate::providers::CredentialKind;
    use crate::secret::Credential;

    const KEY: &str = "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh";

    fn config() -> Config {
        let c = Credential::new(ProviderId::Poelis, CredentialKind::ApiKey, KEY).unwrap();
        Config::new(c, Options::default()).unwrap()
    }

    fn err(body: &str) -> Error {
        classify_graphql(&config(), 200, Some("rid-1"), body.as_bytes()).unwrap_err()
    }

    #[test]
    fn data_without_errors_is_no_error() {
        for ok in [
            r#"{"data":{"workspaces":[]}}"#,
            r#"{"data":{},"errors":[]}"#,
            r#"{"data":null,"errors":null}"#,
            "not json",
            "",
        ] {
            assert!(
                classify_graphql(&config(), 200, None, ok.as_bytes()).is_ok(),
                "{ok}"
            );
        }
    }

    #[test]
    fn extension_codes_pick_the_class() {
        let table = [
            (
                "unauthenticated",
                ErrorKind::Authentication,
                "authentication_failed",
            ),
            (
                "UNAUTHENTICATED",
                ErrorKind::Authentication,
                "authentication_failed",
            ),
            ("forbidden", ErrorKind::Permission, "permission_denied"),
            ("not_found", ErrorKind::NotFound, "not_found"),
            ("bad_user_input", ErrorKind::BadRequest, "bad_request"),
            (
                "GRAPHQL_VALIDATION_FAILED",
                ErrorKind::BadRequest,
                "bad_request",
            ),
            ("rate_limit_exceeded", ErrorKind::RateLimit, "rate_limited"),
            ("invalid_date_format", ErrorKind::Api, "graphql_error"),
        ];
        for (code, kind, ours) in table {
            let e = err(&format!(
                r#"{{"errors":[{{"message":"m","extensions":{{"code":"{code}"}}}},{{"message":"second"}}]}}"#
            ));
            assert_eq!((e.kind, e.code.as_str()), (kind, ours), "{code}");
            assert_eq!(e.provider_code.as_deref(), Some(code));
            assert_eq!(e.message, "m");
            assert_eq!(e.status, Some(200));
            assert_eq!(e.request_id.as_deref(), Some("rid-1"));
            assert_eq!(e.provider, Some(ProviderId::Poelis));
        }
        let e = err(r#"{"errors":[{}]}"#);
        assert_eq!(
            (e.kind, e.code.as_str(), e.message.as_str()),
            (ErrorKind::Api, "graphql_error", "GraphQL error")
        );
        assert_eq!(e.provider_code, None);
    }

    #[test]
    fn an_echoed_key_is_sanitised_out_of_every_field() {
        let e = err(&format!(
            r#"{{"errors":[{{"message":"bad key {KEY}","extensions":{{"code":"{KEY}"}}}}]}}"#
        ));
        let all = format!("{} {:?} {e:?} {e}", e.message, e.provider_code);
        assert!(!all.contains(&KEY[11..30]), "{all}");
    }
}

#[cfg(test)]
mod mcp_tests {
    use super::*;
    use crate::plan::{Config, Options};
    use crate::providers::CredentialKind;

    const KEY: &str = "pk_live0123456789abcdefXYZ";

    fn config() -> Config {
        let c = Credential::new(ProviderId::Poesius, CredentialKind::ApiKey, KEY).unwrap();
        Config::new(c, Options::default()).unwrap()
    }

    /// The rule pkg/src/core.js's mcpCall applied before it moved here, case by case.
    #[test]
    fn mcp_answers_are_classified_as_the_js_helper_did() {
        let c = config();
        let err = |body: &str| classify_mcp(&c, 200, Some("rid-1"), body.as_bytes()).unwrap_err();
        let ok = |body: &str| classify_mcp(&c, 200, None, body.as_bytes()).is_ok();

        // JSON-RPC errors: any truthy `error`; message defaults to "MCP error".
        let e = err(r#"{"error":{"code":-32601,"message":"Method not found"}}"#);
        assert_eq!((e.kind, e.code), (ErrorKind::Api, ErrorCode::McpError));
        assert_eq!(e.message, "Method not found");
        assert_eq!(e.provider_code.as_deref(), Some("-32601"));
        assert_eq!(
            (e.status, e.request_id.as_deref()),
            (Some(200), Some("rid-1"))
        );
        assert_eq!(e.provider, Some(ProviderId::Poesius));
        assert_eq!(err(r#"{"error":true}"#).message, "MCP error");
        assert_eq!(err(r#"{"error":{"message":null}}"#).message, "MCP error");
        assert!(ok(r#"{"error":null,"result":{"content":[]}}"#));
        assert!(ok(r#"{"error":0}"#) && ok(r#"{"error":""}"#) && ok(r#"{"error":false}"#));

        // Credits: isError and CREDITS_EXHAUSTED at the top or in structuredContent.
        for body in [
            r#"{"result":{"isError":true,"error_code":"CREDITS_EXHAUSTED","error":"out"}}"#,
            r#"{"result":{"isError":true,"structuredContent":{"error_code":"CREDITS_EXHAUSTED"},"message":"out"}}"#,
        ] {
            let e = err(body);
            assert_eq!(
                (e.kind, e.code),
                (ErrorKind::PaymentRequired, ErrorCode::PaymentRequired)
            );
            assert_eq!(e.message, "out");
            assert_eq!(e.provider_code.as_deref(), Some("CREDITS_EXHAUSTED"));
        }
        let e = err(r#"{"result":{"isError":1,"error_code":"CREDITS_EXHAUSTED","error":null}}"#);
        assert_eq!(e.message, "Insufficient credits");
        assert!(ok(
            r#"{"result":{"isError":false,"error_code":"CREDITS_EXHAUSTED"}}"#
        ));
        assert!(ok(r#"{"result":{"isError":true,"error_code":"OTHER"}}"#));
        // Not JSON-RPC at all: nothing to report.
        assert!(ok("null") && ok(r#""text""#) && ok("not json") && ok("[1,2]"));
    }

    #[test]
    fn mcp_error_text_never_holds_the_credential() {
        let c = config();
        let body = format!(
            r#"{{"error":{{"code":"{k}","message":"bad key {k} here"}}}}"#,
            k = KEY
        );
        let e = classify_mcp(&c, 200, Some(KEY), body.as_bytes()).unwrap_err();
        let dump = format!("{:?}", e);
        assert!(!dump.contains(&KEY[3..]), "{}", dump);
        assert!(e.message.starts_with("bad key "), "{}", e.message);
    }
}
