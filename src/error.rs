//! keygate's one error type, converted to a JS error class only at the boundary.

use crate::providers::ProviderId;

/// The class of an error (SPEC §5); each maps to one JS class.
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
    /// The JS class name.
    pub fn class_name(self) -> &'static str {
        match self {
            ErrorKind::KeyFormat => "KeyFormatError",
            ErrorKind::Config => "ConfigError",
            ErrorKind::BadRequest => "BadRequestError",
            ErrorKind::Authentication => "AuthenticationError",
            ErrorKind::PaymentRequired => "PaymentRequiredError",
            ErrorKind::Permission => "PermissionError",
            ErrorKind::NotFound => "NotFoundError",
            ErrorKind::Subscription => "SubscriptionError",
            ErrorKind::RateLimit => "RateLimitError",
            ErrorKind::Server => "ServerError",
            ErrorKind::Network => "NetworkError",
            ErrorKind::Timeout => "TimeoutError",
            ErrorKind::Abort => "AbortError",
            ErrorKind::Api => "ApiError",
        }
    }

    /// The stable keygate `code` used when nothing more specific applies.
    pub fn default_code(self) -> &'static str {
        match self {
            ErrorKind::KeyFormat => "invalid_key",
            ErrorKind::Config => "invalid_config",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Authentication => "authentication_failed",
            ErrorKind::PaymentRequired => "payment_required",
            ErrorKind::Permission => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Subscription => "subscription_required",
            ErrorKind::RateLimit => "rate_limited",
            ErrorKind::Server => "server_error",
            ErrorKind::Network => "network_error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Abort => "aborted",
            ErrorKind::Api => "api_error",
        }
    }
}

/// An error from validation, planning, or a provider's answer. Its text never holds a credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Class.
    pub kind: ErrorKind,
    /// keygate's stable code (`wrong_prefix`, `workspace_required`, `rate_limited`, ...).
    pub code: &'static str,
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
        }
    }

    /// A configuration error with a specific code.
    pub fn config(code: &'static str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, message).with_code(code)
    }

    /// Sets the code.
    pub fn with_code(mut self, code: &'static str) -> Error {
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
        write!(f, "{}", self.kind.class_name())?;
        if let Some(p) = self.provider {
            write!(f, " ({})", p.as_str())?;
        }
        if let Some(s) = self.status {
            write!(f, " {}", s)?;
        }
        write!(f, " [{}]: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}
