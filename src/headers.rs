//! Auth headers (SPEC §3): exact names, schemes and a value type that cannot hold CR, LF or NUL.

use zeroize::Zeroize;

use crate::error::{Error, ErrorCode};
use crate::providers::Scheme;
use crate::secret::Credential;

/// A header value made only of visible ASCII and inner single spaces: CR, LF, NUL, tabs and bytes
/// above 0x7E cannot be represented.
#[derive(Clone, PartialEq, Eq)]
pub struct HeaderValue {
    value: String,
    /// Shown instead of the value by `Debug` when the value carries a secret.
    shown: Option<String>,
}

impl HeaderValue {
    /// Accepts `value` if it is visible ASCII with single inner spaces.
    pub fn new(value: &str) -> Option<HeaderValue> {
        let ok = !value.is_empty()
            && value.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
            && !value.starts_with(' ')
            && !value.ends_with(' ')
            && !value.as_bytes().windows(2).any(|w| w == b"  ");
        ok.then(|| HeaderValue {
            value: value.to_string(),
            shown: None,
        })
    }

    fn sensitive(value: &str, shown: String) -> Option<HeaderValue> {
        let mut v = HeaderValue::new(value)?;
        v.shown = Some(shown);
        Some(v)
    }

    /// The value to send.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Whether it carries a credential.
    pub fn is_sensitive(&self) -> bool {
        self.shown.is_some()
    }

    /// The value as it may be displayed (redacted when sensitive).
    pub fn shown(&self) -> &str {
        self.shown.as_deref().unwrap_or(&self.value)
    }
}

impl Drop for HeaderValue {
    fn drop(&mut self) {
        if self.shown.is_some() {
            self.value.zeroize();
        }
    }
}

impl core::fmt::Debug for HeaderValue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}", self.shown())
    }
}

/// One header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Name, in the case the provider's document writes it.
    pub name: String,
    /// Value.
    pub value: HeaderValue,
}

/// Checks a header name is an RFC 9110 token.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Checks a workspace id: 1-256 visible ASCII characters.
pub(crate) fn check_workspace_id(id: &str) -> Result<HeaderValue, Error> {
    if id.len() > 256 {
        return Err(Error::config(
            ErrorCode::InvalidWorkspaceId,
            "the workspace id is longer than 256 characters",
        ));
    }
    match HeaderValue::new(id) {
        Some(v) if !id.contains(' ') => Ok(v),
        _ => Err(Error::config(
            ErrorCode::InvalidWorkspaceId,
            "the workspace id must be 1-256 visible ASCII characters without spaces",
        )),
    }
}

/// The headers that authenticate `credential`, plus `X-Workspace-Id` where the provider has one
/// and `workspace_id` is given.
///
/// ```
/// use keygate::{build_headers, Credential, CredentialKind, ProviderId, Scheme};
/// let c = Credential::new(ProviderId::PowerPost, CredentialKind::ApiKey, "pp_live_sk_a1B2c3D4e5F6g7H8i9J0")?;
/// let headers = build_headers(&c, Scheme::Default, Some("ws_1"))?;
/// let names: Vec<&str> = headers.iter().map(|h| h.name.as_str()).collect();
/// assert_eq!(names, ["x-api-key", "X-Workspace-Id"]);
/// // Debug output never shows the credential.
/// assert!(!format!("{:?}", headers).contains("a1B2c3D4e5F6g7H8i9J0"));
/// # Ok::<(), keygate::Error>(())
/// ```
pub fn build_headers(
    credential: &Credential,
    scheme: Scheme,
    workspace_id: Option<&str>,
) -> Result<Vec<Header>, Error> {
    let p = credential.provider().keys();
    let rule = (p.header)(credential.kind(), scheme).ok_or_else(|| {
        Error::config(
            ErrorCode::UnsupportedScheme,
            crate::decimal::fill("{} has no such header scheme", &[p.name]),
        )
        .with_provider(p.kind)
    })?;
    let secret = credential.secret();
    let (value, shown) = match rule.scheme {
        Some(s) => {
            let join = |v: &str| {
                let mut out = String::with_capacity(s.len() + 1 + v.len());
                out.push_str(s);
                out.push(' ');
                out.push_str(v);
                out
            };
            (join(secret.expose()), join(secret.redacted()))
        }
        None => (secret.expose().to_string(), secret.redacted().to_string()),
    };
    let auth = HeaderValue::sensitive(&value, shown);
    let mut value = value;
    value.zeroize();
    let auth = auth.ok_or_else(|| {
        Error::new(
            crate::error::ErrorKind::KeyFormat,
            "the credential cannot be put in a header",
        )
        .with_code(ErrorCode::Key(crate::validate::Code::BadCharset))
        .with_provider(p.kind)
    })?;
    let mut headers = vec![Header {
        name: rule.name.to_string(),
        value: auth,
    }];
    if let (Some(name), Some(id)) = (p.workspace_header, workspace_id) {
        headers.push(Header {
            name: name.to_string(),
            value: check_workspace_id(id).map_err(|e| e.with_provider(p.kind))?,
        });
    }
    Ok(headers)
}

/// The form of a request header fit for display: a credential redacted (keeping a `Bearer`
/// scheme), a workspace id shown as is.
///
/// ```
/// use keygate::redact_header;
/// assert_eq!(
///     redact_header("Authorization", "Bearer poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE"),
///     "Bearer poelis_api_…CCIE"
/// );
/// assert_eq!(redact_header("X-Workspace-Id", "ws_123"), "ws_123");
/// assert_eq!(redact_header("X-API-Key", "pk_live0123456789abcdefXYZ"), "pk_…fXYZ");
/// ```
pub fn redact_header(name: &str, value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => {
            crate::decimal::fill("{} {}", &[scheme, &crate::validate::redact(rest)])
        }
        _ if name.eq_ignore_ascii_case("x-workspace-id") => value.to_string(),
        _ => crate::validate::redact(value),
    }
}
