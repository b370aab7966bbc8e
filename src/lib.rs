//! keygate: provider-aware API keys and a hardened request client for Poesius, Poelis, PowerPost
//! and Postiz.
//!
//! The core (this crate without the `wasm` module) is plain Rust: providers as data, key
//! validation, auth headers, request planning, response classification and the retry policy.
//! The wasm-bindgen layer lives in one module compiled only for `wasm32`.
#![deny(missing_docs, missing_debug_implementations)]

mod classify;
mod error;
mod exchange;
mod headers;
mod httpdate;
mod json;
mod jwt;
mod plan;
mod providers;
mod retry;
mod sanitize;
mod secret;
mod url;
mod validate;

pub use classify::{
    classify, classify_for, clean, delay_seconds_ms, header, is_redirect, parse_retry_after,
    raw_request_id, request_id, MAX_ERROR_BODY, MAX_MESSAGE, MAX_PROVIDER_CODE, MAX_REQUEST_ID,
    MAX_RETRY_AFTER_MS, READ_HEADERS, REQUEST_ID_HEADERS,
};
pub use error::{Error, ErrorKind};
pub use exchange::{Exchange, Failure, Response, Step, MAX_REDIRECTS};
pub use headers::{build_headers, Header, HeaderValue};
pub use json::Json;
pub use jwt::{decode as decode_jwt, Claims};
pub use plan::{
    check_endpoint, max_retries_option, plan, timeout_option, Body, Config, KeyType, Options, Plan,
    RequestSpec, Target, MAX_RETRIES, MAX_TIMEOUT_MS,
};
pub use providers::{
    CredentialKind, Endpoint, EndpointBody, ErrorStyle, HeaderRule, Provider, ProviderId, Scheme,
    ALL as PROVIDERS,
};
pub use retry::{retryable, Decision, RetryPolicy};
pub use sanitize::{redact_own, sanitize, MIN_FRAGMENT};
pub use secret::{key_error, Credential, Secret};
pub use url::{join as join_path, same_origin_redirect, BaseUrl};
pub use validate::{detect, redact, validate, validate_at, Code, Validation, Warning, WarningCode};
