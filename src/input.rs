//! Loosely typed caller input (what a dynamic host such as the npm package receives) and the one
//! set of rules that turns it into keygate's typed values: which credential option was given,
//! query values, the per-request options, the JS-number forms of the client's options.
//!
//! A Rust program builds [`Options`](crate::Options) and [`RequestSpec`] directly; the types here
//! exist so that every rule lives in this crate once and a binding only converts values.

use core::time::Duration;

use crate::error::{Error, ErrorCode, ErrorKind};
use crate::plan::{Body, Config, KeyType, RequestSpec, Target, MAX_RETRIES, MAX_TIMEOUT};
use crate::providers::{CredentialKind, ProviderId, Scheme, ALL};
use crate::secret::Credential;

/// Largest `maxResponseBytes` accepted: 1 GiB.
pub const MAX_RESPONSE_BYTES: u64 = 1024 * 1024 * 1024;
/// Default `maxResponseBytes`: 10 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 10 * 1024 * 1024;

/// Appends the decimal digits of `n` (the core's hand-written writer, no core::fmt): for a
/// binding that packs numbers into text (the npm wasm's step results).
pub fn push_decimal(out: &mut String, n: u64) {
    let mut buf = [0u8; 20];
    for &d in crate::decimal::decimal(n, &mut buf) {
        out.push(char::from(d));
    }
}

/// One option value as a dynamic caller gave it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Field<'a> {
    /// Not given (`undefined` or `null`).
    #[default]
    Absent,
    /// A string.
    Text(&'a str),
    /// Some other type, named (`"number"`, `"object"`, ...) for the error message.
    Other(&'a str),
}

/// The three credential options of a client or `buildHeaders` call: exactly one must be given.
///
/// ```
/// use keygate::input::{CredentialFields, Field};
/// use keygate::{CredentialKind, ProviderId};
///
/// let key = "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE";
/// let fields = CredentialFields { api_key: Field::Text(key), ..Default::default() };
/// let c = fields.credential(ProviderId::Poelis, None).unwrap();
/// assert_eq!(c.kind(), CredentialKind::ApiKey);
///
/// let none = CredentialFields::default().credential(ProviderId::Poelis, None).unwrap_err();
/// assert_eq!(none.code, "empty");
/// let two = CredentialFields { api_key: Field::Text(key), jwt: Field::Text(key), ..Default::default() };
/// assert_eq!(two.credential(ProviderId::Poelis, None).unwrap_err().code, "ambiguous_credential");
/// let number = CredentialFields { api_key: Field::Other("number"), ..Default::default() };
/// assert_eq!(number.credential(ProviderId::Poelis, None).unwrap_err().code, "not_a_string");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CredentialFields<'a> {
    /// `apiKey`.
    pub api_key: Field<'a>,
    /// `jwt`.
    pub jwt: Field<'a>,
    /// `oauthToken`.
    pub oauth_token: Field<'a>,
}

impl CredentialFields<'_> {
    /// The one credential given, validated for `provider` (`now`: seconds since the epoch, for
    /// JWT expiry warnings). Errors: `not_a_string`, `ambiguous_credential`, `empty`, or the
    /// validation code of the rule the credential broke.
    pub fn credential(&self, provider: ProviderId, now: Option<u64>) -> Result<Credential, Error> {
        let mut found: Option<(CredentialKind, &str)> = None;
        for (name, kind, field) in [
            ("apiKey", CredentialKind::ApiKey, self.api_key),
            ("jwt", CredentialKind::Jwt, self.jwt),
            ("oauthToken", CredentialKind::OAuthToken, self.oauth_token),
        ] {
            let text = match field {
                Field::Absent => continue,
                Field::Other(type_name) => {
                    return Err(Error::new(
                        ErrorKind::KeyFormat,
                        crate::decimal::fill("{} must be a string, not {}", &[name, type_name]),
                    )
                    .with_code(ErrorCode::NotAString)
                    .with_provider(provider))
                }
                Field::Text(s) => s,
            };
            if found.is_some() {
                return Err(Error::config(
                    ErrorCode::AmbiguousCredential,
                    "give exactly one of apiKey, jwt or oauthToken",
                )
                .with_provider(provider));
            }
            found = Some((kind, text));
        }
        let (kind, text) = found.ok_or_else(|| {
            Error::new(
                ErrorKind::KeyFormat,
                crate::decimal::fill(
                    "no credential: pass apiKey (or jwt / oauthToken), e.g. from {}",
                    &[provider.keys().env_key],
                ),
            )
            .with_code(ErrorCode::Key(crate::validate::Code::Empty))
            .with_provider(provider)
        })?;
        Credential::new_at(provider, kind, text, now)
    }
}

/// `provider must be one of "a", "b", …`, listing the providers of the description in order.
fn unknown_provider_message() -> String {
    let mut m = String::from("provider must be one of ");
    for (i, p) in crate::providers::ALL_KEYS.iter().enumerate() {
        if i > 0 {
            m.push_str(", ");
        }
        m.push('"');
        m.push_str(p.id);
        m.push('"');
    }
    m
}

/// The provider named `id`, or the `unknown_provider` [`ErrorKind::Config`] error.
///
/// ```
/// use keygate::input::provider_named;
/// use keygate::ProviderId;
/// assert_eq!(provider_named("postiz").unwrap(), ProviderId::Postiz);
/// assert_eq!(provider_named("Postiz").unwrap_err().code, "unknown_provider");
/// ```
pub fn provider_named(id: &str) -> Result<ProviderId, Error> {
    ProviderId::parse(id)
        .ok_or_else(|| Error::config(ErrorCode::UnknownProvider, unknown_provider_message()))
}

/// The header scheme named `s` (`None`: the provider's default).
///
/// ```
/// use keygate::input::scheme_named;
/// use keygate::Scheme;
/// assert_eq!(scheme_named(Some("bearer")).unwrap(), Scheme::Bearer);
/// assert!(scheme_named(Some("basic")).is_err());
/// ```
pub fn scheme_named(s: Option<&str>) -> Result<Scheme, Error> {
    match s {
        None | Some("default") => Ok(Scheme::Default),
        Some("bearer") | Some("Bearer") => Ok(Scheme::Bearer),
        Some(_) => Err(Error::config(
            ErrorCode::InvalidOption,
            "scheme must be \"default\" or \"bearer\"",
        )),
    }
}

/// The PowerPost key permission named `s` (`None`: full access).
///
/// ```
/// use keygate::input::key_type_named;
/// use keygate::KeyType;
/// assert_eq!(key_type_named(Some("read_draft")).unwrap(), KeyType::ReadDraft);
/// assert!(key_type_named(Some("admin")).is_err());
/// ```
pub fn key_type_named(s: Option<&str>) -> Result<KeyType, Error> {
    match s {
        None => Ok(KeyType::ReadWrite),
        Some(s) => KeyType::parse(s).ok_or_else(|| {
            Error::config(
                ErrorCode::InvalidOption,
                "keyType must be \"read_write\" or \"read_draft\"",
            )
        }),
    }
}

fn whole_number(v: f64, name: &str, min: u64, max: u64) -> Result<u64, Error> {
    if v.is_finite() && v.fract() == 0.0 && v >= min as f64 && v <= max as f64 {
        Ok(v as u64)
    } else {
        Err(Error::config(
            ErrorCode::InvalidOption,
            crate::decimal::fill(
                "{} must be a whole number from {} to {}",
                &[
                    name,
                    crate::decimal::decimal_str(min, &mut [0; 20]),
                    crate::decimal::decimal_str(max, &mut [0; 20]),
                ],
            ),
        ))
    }
}

/// The one `timeoutMs` rule, for the client and for a request: a whole number of milliseconds
/// from 1 to 600000.
///
/// ```
/// use std::time::Duration;
/// use keygate::input::timeout_from_ms;
/// assert_eq!(timeout_from_ms(1500.0).unwrap(), Duration::from_millis(1500));
/// assert!(timeout_from_ms(1500.5).is_err());
/// assert!(timeout_from_ms(0.0).is_err());
/// ```
pub fn timeout_from_ms(ms: f64) -> Result<Duration, Error> {
    whole_number(ms, "timeoutMs", 1, MAX_TIMEOUT.as_millis() as u64).map(Duration::from_millis)
}

/// The one `maxRetries` rule, for the client and for a request: a whole number from 0 to
/// [`MAX_RETRIES`].
///
/// ```
/// assert_eq!(keygate::input::retries_from_number(3.0).unwrap(), 3);
/// assert!(keygate::input::retries_from_number(11.0).is_err());
/// ```
pub fn retries_from_number(n: f64) -> Result<u32, Error> {
    whole_number(n, "maxRetries", 0, u64::from(MAX_RETRIES)).map(|n| n as u32)
}

/// The `maxResponseBytes` rule: a whole number from 1 to [`MAX_RESPONSE_BYTES`].
///
/// ```
/// assert_eq!(keygate::input::max_response_bytes_from_number(1024.0).unwrap(), 1024);
/// assert!(keygate::input::max_response_bytes_from_number(0.5).is_err());
/// ```
pub fn max_response_bytes_from_number(n: f64) -> Result<u64, Error> {
    whole_number(n, "maxResponseBytes", 1, MAX_RESPONSE_BYTES)
}

/// A query value: a string, a number or a boolean.
#[derive(Clone, Debug, PartialEq)]
pub enum QueryValue {
    /// Sent as is (percent-encoded).
    Text(String),
    /// Sent as JavaScript's `String(n)` writes it (`1e+21`, `0.1`, `-0` as `0`); must be finite.
    Number(f64),
    /// `true` / `false`.
    Bool(bool),
}

impl QueryValue {
    /// The text sent, or the `invalid_option` error for a number that is not finite.
    ///
    /// ```
    /// use keygate::input::QueryValue;
    /// assert_eq!(QueryValue::Number(2.0).to_text().unwrap(), "2");
    /// assert_eq!(QueryValue::Number(0.000001).to_text().unwrap(), "0.000001");
    /// assert_eq!(QueryValue::Number(1e21).to_text().unwrap(), "1e+21");
    /// assert_eq!(QueryValue::Bool(true).to_text().unwrap(), "true");
    /// assert!(QueryValue::Number(f64::NAN).to_text().is_err());
    /// ```
    pub fn to_text(&self) -> Result<String, Error> {
        self.to_text_with(js_number_text)
    }

    /// [`QueryValue::to_text`] with the host's own writing of a finite number: a JavaScript host
    /// passes its `String(n)` (the very text keygate's own formatter gives), which keeps the float
    /// formatter (about 20 KB) out of a wasm build. The rules (finite only) stay the same.
    pub fn to_text_with(&self, number: impl Fn(f64) -> String) -> Result<String, Error> {
        match self {
            QueryValue::Text(s) => Ok(s.clone()),
            QueryValue::Bool(b) => Ok(if *b { "true" } else { "false" }.to_string()),
            QueryValue::Number(n) if n.is_finite() => Ok(number(*n)),
            QueryValue::Number(_) => Err(Error::config(
                ErrorCode::InvalidOption,
                "query numbers must be finite",
            )),
        }
    }
}

impl From<&str> for QueryValue {
    fn from(s: &str) -> Self {
        QueryValue::Text(s.to_string())
    }
}

impl From<String> for QueryValue {
    fn from(s: String) -> Self {
        QueryValue::Text(s)
    }
}

impl From<f64> for QueryValue {
    fn from(n: f64) -> Self {
        QueryValue::Number(n)
    }
}

impl From<bool> for QueryValue {
    fn from(b: bool) -> Self {
        QueryValue::Bool(b)
    }
}

/// A finite number as ECMAScript's `Number::toString` writes it: the shortest digits that read
/// back as the same number, positional from 1e-6 up to 1e21, else `d.ddde±x`.
pub(crate) fn js_number_text(n: f64) -> String {
    if let Some(text) = integer_text(n) {
        return text;
    }
    // `{:e}` gives the shortest round-trip digits: `d[.ddd]e[-]x`.
    let sci = format!("{:e}", n.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let k = digits.len() as i32;
    let point = exp + 1; // the decimal point sits after `point` digits
    let mut out = String::new();
    if n < 0.0 {
        out.push('-');
    }
    if k <= point && point <= 21 {
        out.push_str(&digits);
        out.extend(core::iter::repeat_n('0', (point - k) as usize));
    } else if 0 < point && point <= 21 {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        out.extend(core::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if point - 1 < 0 { '-' } else { '+' });
        out.push_str(&(point - 1).abs().to_string());
    }
    out
}

/// A whole number below 2^53 in magnitude as JavaScript writes it (`-0` as `0`), without the
/// float formatter; `None` for anything else.
pub(crate) fn integer_text(n: f64) -> Option<String> {
    if n == 0.0 {
        return Some("0".into());
    }
    (n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0).then(|| {
        let m = n as i64;
        let mut t = String::new();
        if m < 0 {
            t.push('-');
        }
        t.push_str(crate::decimal::decimal_str(m.unsigned_abs(), &mut [0; 20]));
        t
    })
}

/// One request as a dynamic caller described it (the npm package's `request(spec)`), before the
/// rules that make it a [`RequestSpec`]: [`RequestInput::check`].
///
/// ```
/// use keygate::input::{CredentialFields, Field, QueryValue, RequestInput};
/// use keygate::{Config, Options, ProviderId, Target};
///
/// let key = "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE";
/// let credential = CredentialFields { api_key: Field::Text(key), ..Default::default() }
///     .credential(ProviderId::Poelis, None)
///     .unwrap();
/// let config = Config::new(credential, Options::default()).unwrap();
/// let input = RequestInput {
///     path: Some("/workspaces".into()),
///     query: vec![("limit".into(), QueryValue::Number(20.0))],
///     target: Some("rest".into()),
///     timeout_ms: Some(1500.0),
///     ..Default::default()
/// };
/// let spec = input.check(&config).unwrap();
/// assert_eq!(spec.method, "GET");
/// assert_eq!(spec.query, vec![("limit".to_string(), "20".to_string())]);
/// assert_eq!(spec.target, Target::Rest);
/// assert_eq!(spec.timeout, Some(std::time::Duration::from_millis(1500)));
///
/// let both = RequestInput { json: true, raw_body: true, ..Default::default() };
/// assert_eq!(both.check(&config).unwrap_err().code, "invalid_option");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestInput {
    /// HTTP method (default `GET`).
    pub method: Option<String>,
    /// Path under the base URL (default empty).
    pub path: Option<String>,
    /// Query pairs; an array value is several pairs with the same name.
    pub query: Vec<(String, QueryValue)>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// A JSON body was given.
    pub json: bool,
    /// A raw body (multipart, bytes, text) was given.
    pub raw_body: bool,
    /// `idempotencyKey`.
    pub idempotency_key: Option<String>,
    /// `"rest"` (default), `"mcp"` or `"graphql"`.
    pub target: Option<String>,
    /// The typed helper making the call.
    pub endpoint: Option<String>,
    /// `timeoutMs` for this request.
    pub timeout_ms: Option<f64>,
    /// `maxRetries` for this request.
    pub max_retries: Option<f64>,
}

impl RequestInput {
    /// Applies every per-request rule for `config`'s provider: the body is JSON or raw, not both;
    /// query values are strings, finite numbers or booleans; the target is `rest` or `mcp`; the
    /// helper exists (for some provider: [`crate::plan`] then checks it is this one's); the
    /// timeout and retries follow the client's rules. Errors carry the provider.
    pub fn check(self, config: &Config) -> Result<RequestSpec, Error> {
        self.check_with(config, js_number_text)
    }

    /// [`RequestInput::check`] with the host's own writing of finite query numbers (see
    /// [`QueryValue::to_text_with`]).
    pub fn check_with(
        self,
        config: &Config,
        number: impl Fn(f64) -> String,
    ) -> Result<RequestSpec, Error> {
        let p = config.provider;
        let with_p = |e: Error| e.with_provider(p);
        let body = match (self.json, self.raw_body) {
            (true, true) => {
                return Err(with_p(Error::config(
                    ErrorCode::InvalidOption,
                    "give json or body, not both",
                )))
            }
            (true, false) => Body::Json,
            (false, true) => Body::Raw,
            (false, false) => Body::None,
        };
        let mut query = Vec::with_capacity(self.query.len());
        for (k, v) in self.query {
            query.push((k, v.to_text_with(&number).map_err(with_p)?));
        }
        let target = match self.target.as_deref() {
            None | Some("rest") => Target::Rest,
            Some("mcp") => Target::Mcp,
            Some("graphql") => Target::Graphql,
            Some(_) => {
                return Err(with_p(Error::config(
                    ErrorCode::InvalidOption,
                    "target must be \"rest\", \"mcp\" or \"graphql\"",
                )))
            }
        };
        let endpoint = match self.endpoint {
            None => None,
            Some(name) => Some(
                p.provider()
                    .endpoints
                    .iter()
                    .chain(ALL.iter().flat_map(|o| o.endpoints.iter()))
                    .find(|e| e.name == name)
                    .map(|e| e.name)
                    .ok_or_else(|| {
                        with_p(Error::config(
                            ErrorCode::UnsupportedEndpoint,
                            "unknown helper",
                        ))
                    })?,
            ),
        };
        let timeout = self
            .timeout_ms
            .map(timeout_from_ms)
            .transpose()
            .map_err(with_p)?;
        let max_retries = self
            .max_retries
            .map(retries_from_number)
            .transpose()
            .map_err(with_p)?;
        Ok(RequestSpec {
            method: self.method.unwrap_or_else(|| "GET".into()),
            path: self.path.unwrap_or_default(),
            query,
            body,
            headers: self.headers,
            idempotency_key: self.idempotency_key,
            target,
            endpoint,
            timeout,
            max_retries,
        })
    }
}

/// Why [`validate_field`] could not run a provider's rules (a result, not a failure: the
/// package's `validateKey` never throws).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRefusal {
    /// The provider, when the id was known.
    pub provider: Option<ProviderId>,
    /// The kind asked for (`api_key` when it was not one keygate knows).
    pub kind: CredentialKind,
    /// `empty`, `not_a_string`, `unknown_provider` or `unsupported_kind`.
    pub code: ErrorCode,
    /// What is wrong, never containing the input.
    pub message: String,
    /// The input redacted (`…` when it was not a string).
    pub redacted: String,
}

/// [`crate::validate_at`] for loosely typed input: a provider id and a kind as strings (`None`:
/// `api_key`), the key as a [`Field`].
///
/// ```
/// use keygate::input::{validate_field, Field};
/// let key = "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE";
/// assert!(validate_field("poelis", None, Field::Text(key), None).unwrap().ok);
/// let r = validate_field("poelis", None, Field::Other("number"), None).unwrap_err();
/// assert_eq!((r.code.as_str(), r.redacted.as_str()), ("not_a_string", "…"));
/// let r = validate_field("acme", None, Field::Text(key), None).unwrap_err();
/// assert_eq!((r.code.as_str(), r.redacted.as_str()), ("unknown_provider", "poelis_api_…CCIE"));
/// ```
pub fn validate_field(
    provider: &str,
    kind: Option<&str>,
    input: Field<'_>,
    now: Option<u64>,
) -> Result<crate::validate::Validation, FieldRefusal> {
    let kind_parsed = match kind {
        None => Some(CredentialKind::ApiKey),
        Some(k) => CredentialKind::parse(k),
    };
    let p = ProviderId::parse(provider);
    let text = match input {
        Field::Text(t) => t,
        Field::Absent | Field::Other(_) => {
            let (code, message) = match input {
                Field::Other(t) => (
                    ErrorCode::NotAString,
                    crate::decimal::fill("the key must be a string, not {}", &[t]),
                ),
                _ => (
                    ErrorCode::Key(crate::validate::Code::Empty),
                    "no key was given".to_string(),
                ),
            };
            return Err(FieldRefusal {
                provider: p,
                kind: kind_parsed.unwrap_or(CredentialKind::ApiKey),
                code,
                message,
                redacted: "…".into(),
            });
        }
    };
    let (Some(p), Some(k)) = (p, kind_parsed) else {
        let (code, message) = if p.is_none() {
            (ErrorCode::UnknownProvider, unknown_provider_message())
        } else {
            (
                ErrorCode::Key(crate::validate::Code::UnsupportedKind),
                "kind must be \"api_key\", \"jwt\" or \"oauth_token\"".to_string(),
            )
        };
        return Err(FieldRefusal {
            provider: p,
            kind: CredentialKind::ApiKey,
            code,
            message,
            redacted: crate::validate::redact(text),
        });
    };
    Ok(crate::validate::validate_at(p, k, text, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_javascript_writes_them() {
        // Expected strings are what `String(n)` gives in Node.
        let cases: [(f64, &str); 22] = [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-42.0, "-42"),
            (0.1, "0.1"),
            (0.5, "0.5"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (0.1 + 0.2, "0.30000000000000004"),
            (123.456, "123.456"),
            (1e-6, "0.000001"),
            (1.5e-6, "0.0000015"),
            (1e-7, "1e-7"),
            (-1.25e-7, "-1.25e-7"),
            (9007199254740991.0, "9007199254740991"),
            (9007199254740992.0, "9007199254740992"),
            (1e20, "100000000000000000000"),
            (1.5e20, "150000000000000000000"),
            (1e21, "1e+21"),
            (1.2345e22, "1.2345e+22"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
        ];
        for (n, want) in cases {
            assert_eq!(js_number_text(n), want, "{:?}", n);
        }
    }

    #[test]
    fn non_finite_query_numbers_are_refused() {
        for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = QueryValue::Number(n).to_text().unwrap_err();
            assert_eq!(
                (e.kind, e.code),
                (ErrorKind::Config, ErrorCode::InvalidOption)
            );
        }
    }

    fn poelis() -> Config {
        let key = "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE";
        let c = CredentialFields {
            api_key: Field::Text(key),
            ..Default::default()
        }
        .credential(ProviderId::Poelis, None)
        .unwrap();
        Config::new(c, crate::plan::Options::default()).unwrap()
    }

    #[test]
    fn request_input_rules() {
        let c = poelis();
        let code = |i: RequestInput| i.check(&c).unwrap_err();
        let e = code(RequestInput {
            target: Some("ftp".into()),
            ..Default::default()
        });
        assert_eq!(
            (e.code, e.provider),
            (ErrorCode::InvalidOption, Some(ProviderId::Poelis))
        );
        // A helper of another provider passes here (plan names the provider); none at all fails.
        let other = RequestInput {
            endpoint: Some("listIntegrations".into()),
            ..Default::default()
        };
        assert_eq!(other.check(&c).unwrap().endpoint, Some("listIntegrations"));
        let e = code(RequestInput {
            endpoint: Some("noSuchHelper".into()),
            ..Default::default()
        });
        assert_eq!(e.code, ErrorCode::UnsupportedEndpoint);
        let e = code(RequestInput {
            query: vec![("n".into(), QueryValue::Number(f64::INFINITY))],
            ..Default::default()
        });
        assert_eq!(e.message, "query numbers must be finite");
        // Repeated names stay in order; booleans and numbers are written as JS writes them.
        let spec = RequestInput {
            method: Some("post".into()),
            query: vec![
                ("a".into(), "x".into()),
                ("a".into(), QueryValue::Number(0.5)),
                ("b".into(), QueryValue::Bool(false)),
            ],
            raw_body: true,
            max_retries: Some(0.0),
            ..Default::default()
        }
        .check(&c)
        .unwrap();
        let pairs: Vec<(&str, &str)> = spec
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(pairs, [("a", "x"), ("a", "0.5"), ("b", "false")]);
        assert_eq!(
            (spec.method.as_str(), spec.body, spec.max_retries),
            ("post", Body::Raw, Some(0))
        );
    }

    #[test]
    fn the_first_non_string_credential_is_named() {
        let f = CredentialFields {
            api_key: Field::Text("x"),
            jwt: Field::Other("number"),
            oauth_token: Field::Text("y"),
        };
        let e = f.credential(ProviderId::Poesius, None).unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (ErrorKind::KeyFormat, ErrorCode::NotAString)
        );
        assert_eq!(e.message, "jwt must be a string, not number");
    }
}
