//! keygate's one error type. The JS class names belong to the wasm crate, not to this one.

use crate::providers::ProviderId;
use crate::validate::Code;

/// The class of an error (SPEC §5). The npm package maps each to one JS error class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A credential failed validation.
    KeyFormat,
    /// The client was configured wrongly (bad base URL, option, path...).
    Config,
    /// 400 or 422, or a request refused locally for the same reason.
    BadRequest,
    /// 401.
    Authentication,
    /// 402, or Poesius `CREDITS_EXHAUSTED`.
    PaymentRequired,
    /// 403, or a request refused locally for the same reason.
    Permission,
    /// 404.
    NotFound,
    /// Postiz "No subscription found" (a 401).
    Subscription,
    /// 429.
    RateLimit,
    /// 5xx.
    Server,
    /// No response (connection refused, reset, unreadable body).
    Network,
    /// keygate's timeout fired (or a 408).
    Timeout,
    /// The caller's own signal aborted the request.
    Abort,
    /// Any other status (or a refused redirect).
    Api,
}

impl ErrorKind {
    /// The stable code used when nothing more specific applies.
    ///
    /// ```
    /// use keygate::{ErrorCode, ErrorKind};
    /// assert_eq!(ErrorKind::RateLimit.default_code(), ErrorCode::RateLimited);
    /// assert_eq!(ErrorKind::RateLimit.default_code().as_str(), "rate_limited");
    /// ```
    pub fn default_code(self) -> ErrorCode {
        match self {
            ErrorKind::KeyFormat => ErrorCode::InvalidKey,
            ErrorKind::Config => ErrorCode::InvalidConfig,
            ErrorKind::BadRequest => ErrorCode::BadRequest,
            ErrorKind::Authentication => ErrorCode::AuthenticationFailed,
            ErrorKind::PaymentRequired => ErrorCode::PaymentRequired,
            ErrorKind::Permission => ErrorCode::PermissionDenied,
            ErrorKind::NotFound => ErrorCode::NotFound,
            ErrorKind::Subscription => ErrorCode::SubscriptionRequired,
            ErrorKind::RateLimit => ErrorCode::RateLimited,
            ErrorKind::Server => ErrorCode::ServerError,
            ErrorKind::Network => ErrorCode::NetworkError,
            ErrorKind::Timeout => ErrorCode::Timeout,
            ErrorKind::Abort => ErrorCode::Aborted,
            ErrorKind::Api => ErrorCode::ApiError,
        }
    }
}

/// keygate's stable error code: [`ErrorCode::as_str`] is the string the npm package's errors
/// carry in `code` (these strings never change meaning).
///
/// ```
/// use keygate::{Code, ErrorCode};
/// assert_eq!(ErrorCode::WorkspaceRequired.as_str(), "workspace_required");
/// // A credential that failed validation carries the rule it broke.
/// assert_eq!(ErrorCode::Key(Code::WrongPrefix).as_str(), "wrong_prefix");
/// assert_eq!(ErrorCode::RateLimited, "rate_limited");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A validation rule a credential broke ([`Code`]; never [`Code::Ok`]).
    Key(Code),
    /// `invalid_key`: A credential failed validation (the default for [`ErrorKind::KeyFormat`]).
    InvalidKey,
    /// `invalid_config`: The default for [`ErrorKind::Config`].
    InvalidConfig,
    /// `bad_request`: 400 or 422 (the default for [`ErrorKind::BadRequest`]).
    BadRequest,
    /// `authentication_failed`: 401.
    AuthenticationFailed,
    /// `payment_required`: 402, or a provider's out-of-credits code.
    PaymentRequired,
    /// `permission_denied`: 403.
    PermissionDenied,
    /// `not_found`: 404.
    NotFound,
    /// `subscription_required`: Postiz "No subscription found".
    SubscriptionRequired,
    /// `rate_limited`: 429.
    RateLimited,
    /// `server_error`: 5xx.
    ServerError,
    /// `network_error`: No response.
    NetworkError,
    /// `timeout`: keygate's timeout fired.
    Timeout,
    /// `request_timeout`: The server answered 408.
    RequestTimeout,
    /// `aborted`: The caller aborted.
    Aborted,
    /// `api_error`: Any other status.
    ApiError,
    /// `not_a_string`: A credential option that is not a string.
    NotAString,
    /// `ambiguous_credential`: More than one of `apiKey`, `jwt`, `oauthToken`.
    AmbiguousCredential,
    /// `unknown_provider`: A provider id keygate does not know.
    UnknownProvider,
    /// `browser_secret_key`: A secret API key in a browser window.
    BrowserSecretKey,
    /// `insecure_url`: `http://` to a non-loopback host without `allowInsecureHttp`.
    InsecureUrl,
    /// `invalid_base_url`: A base URL or MCP URL that is not usable.
    InvalidBaseUrl,
    /// `invalid_header`: A header name or value that cannot be sent.
    InvalidHeader,
    /// `invalid_json`: A JSON body that could not be serialised, or a 2xx body that is not the JSON announced.
    InvalidJson,
    /// `invalid_method`: An HTTP method outside GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS.
    InvalidMethod,
    /// `invalid_option`: An option of the wrong type or out of range.
    InvalidOption,
    /// `invalid_path`: A path that would leave the base URL.
    InvalidPath,
    /// `invalid_workspace_id`: A workspace id that cannot be sent.
    InvalidWorkspaceId,
    /// `managed_header`: A header keygate sets itself.
    ManagedHeader,
    /// `no_mcp`: An MCP request to a provider without an MCP endpoint.
    NoMcp,
    /// `unsupported_endpoint`: A typed helper of another provider, or no such helper.
    UnsupportedEndpoint,
    /// `unsupported_scheme`: A header scheme the provider does not accept for this credential.
    UnsupportedScheme,
    /// `wrong_credential_kind`: A helper that needs another kind of credential.
    WrongCredentialKind,
    /// `workspace_required`: A workspace-scoped path without a workspace id.
    WorkspaceRequired,
    /// `draft_key_publish`: A draft-only key asked to publish.
    DraftKeyPublish,
    /// `redirect_refused`: A redirect to another origin, or one the fetch followed itself.
    RedirectRefused,
    /// `too_many_redirects`: More than [`crate::MAX_REDIRECTS`] redirects.
    TooManyRedirects,
    /// `response_too_large`: A response body larger than the client's limit.
    ResponseTooLarge,
    /// `mcp_error`: A JSON-RPC error in an MCP answer.
    McpError,
    /// `no_graphql`: A GraphQL request to a provider without a GraphQL endpoint.
    NoGraphql,
    /// `graphql_error`: A GraphQL answer whose `errors` name no more specific class.
    GraphqlError,
}

impl ErrorCode {
    /// The stable code string.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Key(c) => c.as_str(),
            other => other.own_str(),
        }
    }

    // Kept apart from `Key` and never inlined: a match whose every arm is a constant compiles to
    // one lookup table (measured: the match with the `Key` arm was 750 B of wasm, an arm each).
    #[inline(never)]
    fn own_str(self) -> &'static str {
        match self {
            ErrorCode::Key(_) => "",
            ErrorCode::InvalidKey => "invalid_key",
            ErrorCode::InvalidConfig => "invalid_config",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::AuthenticationFailed => "authentication_failed",
            ErrorCode::PaymentRequired => "payment_required",
            ErrorCode::PermissionDenied => "permission_denied",
            ErrorCode::NotFound => "not_found",
            ErrorCode::SubscriptionRequired => "subscription_required",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::ServerError => "server_error",
            ErrorCode::NetworkError => "network_error",
            ErrorCode::Timeout => "timeout",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::Aborted => "aborted",
            ErrorCode::ApiError => "api_error",
            ErrorCode::NotAString => "not_a_string",
            ErrorCode::AmbiguousCredential => "ambiguous_credential",
            ErrorCode::UnknownProvider => "unknown_provider",
            ErrorCode::BrowserSecretKey => "browser_secret_key",
            ErrorCode::InsecureUrl => "insecure_url",
            ErrorCode::InvalidBaseUrl => "invalid_base_url",
            ErrorCode::InvalidHeader => "invalid_header",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::InvalidMethod => "invalid_method",
            ErrorCode::InvalidOption => "invalid_option",
            ErrorCode::InvalidPath => "invalid_path",
            ErrorCode::InvalidWorkspaceId => "invalid_workspace_id",
            ErrorCode::ManagedHeader => "managed_header",
            ErrorCode::NoMcp => "no_mcp",
            ErrorCode::UnsupportedEndpoint => "unsupported_endpoint",
            ErrorCode::UnsupportedScheme => "unsupported_scheme",
            ErrorCode::WrongCredentialKind => "wrong_credential_kind",
            ErrorCode::WorkspaceRequired => "workspace_required",
            ErrorCode::DraftKeyPublish => "draft_key_publish",
            ErrorCode::RedirectRefused => "redirect_refused",
            ErrorCode::TooManyRedirects => "too_many_redirects",
            ErrorCode::ResponseTooLarge => "response_too_large",
            ErrorCode::McpError => "mcp_error",
            ErrorCode::NoGraphql => "no_graphql",
            ErrorCode::GraphqlError => "graphql_error",
        }
    }
}

impl core::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// An error from validation, planning, or a provider's answer. Its text never holds a credential.
///
/// ```
/// use keygate::{Credential, CredentialKind, ErrorCode, ErrorKind, ProviderId};
///
/// let e = Credential::new(ProviderId::Poelis, CredentialKind::ApiKey, "pk_wrong_provider")
///     .unwrap_err();
/// assert_eq!(e.kind, ErrorKind::KeyFormat);
/// assert_eq!(e.code, "wrong_prefix");
/// // `Display` shows the code, the provider and the message (the input only redacted).
/// let shown = e.to_string();
/// assert!(shown.starts_with("wrong_prefix (Poelis): "), "{shown}");
/// assert!(!shown.contains("pk_wrong_provider"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Class.
    pub kind: ErrorKind,
    /// keygate's stable code (`wrong_prefix`, `workspace_required`, `rate_limited`, ...).
    pub code: ErrorCode,
    /// Human message (the provider's own message when it sent one).
    pub message: String,
    /// Provider concerned.
    pub provider: Option<ProviderId>,
    /// HTTP status, when there was a response.
    pub status: Option<u16>,
    /// The provider's own error code.
    pub provider_code: Option<String>,
    /// Request id from the response headers.
    pub request_id: Option<String>,
    /// How long the server asked to wait.
    pub retry_after_ms: Option<u64>,
    /// The response's rate-limit headers ([`crate::read_rate_limit`]): set by
    /// [`crate::Exchange`] for an HTTP error from a response that sent them (it has the clock;
    /// [`crate::classify`] alone leaves it `None`), `None` for local and network errors (boxed:
    /// it keeps `Error` small).
    pub rate_limit: Option<Box<crate::ratelimit::RateLimit>>,
}

impl Error {
    /// A new error with the kind's default code.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            code: kind.default_code(),
            message: message.into(),
            provider: None,
            status: None,
            provider_code: None,
            request_id: None,
            retry_after_ms: None,
            rate_limit: None,
        }
    }

    /// A configuration error with a specific code.
    pub fn config(code: ErrorCode, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, message).with_code(code)
    }

    /// Sets the code.
    pub fn with_code(mut self, code: ErrorCode) -> Error {
        self.code = code;
        self
    }

    /// Sets the provider.
    pub fn with_provider(mut self, provider: ProviderId) -> Error {
        self.provider = Some(provider);
        self
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.code.as_str())?;
        match (self.provider, self.status) {
            (Some(p), Some(s)) => write!(f, " ({}, HTTP {})", p, s)?,
            (Some(p), None) => write!(f, " ({})", p)?,
            (None, Some(s)) => write!(f, " (HTTP {})", s)?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    // Every code keygate's own variants map to (the strings are a stable contract): `as_str`
    // reads them from one lookup table, `Key` from the validation code.
    #[test]
    fn every_code_string() {
        let table = [
            (ErrorCode::InvalidKey, "invalid_key"),
            (ErrorCode::InvalidConfig, "invalid_config"),
            (ErrorCode::BadRequest, "bad_request"),
            (ErrorCode::AuthenticationFailed, "authentication_failed"),
            (ErrorCode::PaymentRequired, "payment_required"),
            (ErrorCode::PermissionDenied, "permission_denied"),
            (ErrorCode::NotFound, "not_found"),
            (ErrorCode::SubscriptionRequired, "subscription_required"),
            (ErrorCode::RateLimited, "rate_limited"),
            (ErrorCode::ServerError, "server_error"),
            (ErrorCode::NetworkError, "network_error"),
            (ErrorCode::Timeout, "timeout"),
            (ErrorCode::RequestTimeout, "request_timeout"),
            (ErrorCode::Aborted, "aborted"),
            (ErrorCode::ApiError, "api_error"),
            (ErrorCode::NotAString, "not_a_string"),
            (ErrorCode::AmbiguousCredential, "ambiguous_credential"),
            (ErrorCode::UnknownProvider, "unknown_provider"),
            (ErrorCode::BrowserSecretKey, "browser_secret_key"),
            (ErrorCode::InsecureUrl, "insecure_url"),
            (ErrorCode::InvalidBaseUrl, "invalid_base_url"),
            (ErrorCode::InvalidHeader, "invalid_header"),
            (ErrorCode::InvalidJson, "invalid_json"),
            (ErrorCode::InvalidMethod, "invalid_method"),
            (ErrorCode::InvalidOption, "invalid_option"),
            (ErrorCode::InvalidPath, "invalid_path"),
            (ErrorCode::InvalidWorkspaceId, "invalid_workspace_id"),
            (ErrorCode::ManagedHeader, "managed_header"),
            (ErrorCode::NoMcp, "no_mcp"),
            (ErrorCode::UnsupportedEndpoint, "unsupported_endpoint"),
            (ErrorCode::UnsupportedScheme, "unsupported_scheme"),
            (ErrorCode::WrongCredentialKind, "wrong_credential_kind"),
            (ErrorCode::WorkspaceRequired, "workspace_required"),
            (ErrorCode::DraftKeyPublish, "draft_key_publish"),
            (ErrorCode::RedirectRefused, "redirect_refused"),
            (ErrorCode::TooManyRedirects, "too_many_redirects"),
            (ErrorCode::ResponseTooLarge, "response_too_large"),
            (ErrorCode::McpError, "mcp_error"),
            (ErrorCode::NoGraphql, "no_graphql"),
            (ErrorCode::GraphqlError, "graphql_error"),
        ];
        assert_eq!(table.len(), 40);
        for (code, name) in table {
            assert_eq!(code.as_str(), name);
            assert_eq!(code.to_string(), name);
        }
        let mut names: Vec<&str> = table.iter().map(|(_, n)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), table.len(), "two codes share a string");
        assert_eq!(ErrorCode::Key(Code::WrongPrefix).as_str(), "wrong_prefix");
        assert_eq!(ErrorCode::Key(Code::BadJwt).as_str(), "bad_jwt");
    }
}
