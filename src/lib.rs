//! keygate: provider-aware API keys and a hardened, sans-IO request client for Poesius, Poelis,
//! PowerPost and Postiz.
//!
//! Plain Rust with no allocator, no JS and no exports of its own: providers as data
//! ([`PROVIDERS`]), key validation ([`validate`], [`detect`], [`redact`]), auth headers
//! ([`build_headers`]), request planning ([`Config`], [`RequestSpec`], [`plan`]), the request loop
//! as a state machine ([`Exchange`]), response classification ([`classify`], [`classify_mcp`]) and
//! the retry policy ([`RetryPolicy`]). The npm package is this crate compiled to WebAssembly
//! through the separate `keygate-wasm` crate, which only converts JS values to the types here
//! (loosely typed input has its rules here too, in [`input`]: [`input::RequestInput`],
//! [`input::CredentialFields`]).
//!
//! ```
//! use keygate::{Config, Credential, CredentialKind, Exchange, Options, ProviderId, RequestSpec, Response, Step};
//!
//! let key = "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE";
//! let credential = Credential::new(ProviderId::Poelis, CredentialKind::ApiKey, key)?;
//! let config = Config::new(credential, Options::default())?;
//! let get = RequestSpec { method: "GET".into(), path: "/workspaces".into(), ..Default::default() };
//! let mut exchange = Exchange::new(&config, &get)?;
//! assert_eq!(exchange.url(), "https://api.poelis.com/v1/public/workspaces");
//! // You perform the fetch (any HTTP client) and report the answer; the exchange decides.
//! let answer = Response { status: 200, opaque: false, headers: &[], body: b"[]" };
//! assert_eq!(exchange.on_response(&config, &answer, None, 0.5), Step::Done);
//! # Ok::<(), keygate::Error>(())
//! ```
#![deny(missing_docs, missing_debug_implementations)]

mod classify;
pub mod client;
mod decimal;
mod error;
mod exchange;
#[cfg(all(feature = "gloo", target_arch = "wasm32"))]
pub mod gloo;
mod headers;
#[cfg(feature = "serde")]
pub mod helpers;
mod httpdate;
pub mod input;
mod json;
mod jwt;
mod pace;
mod plan;
mod providers;
mod ratelimit;
mod retry;
mod rotate;
mod sanitize;
mod secret;
#[cfg(feature = "serde")]
mod serde_impls;
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
pub mod transport;
mod url;
mod utf8;
mod validate;

pub use classify::{
    classify, classify_for, classify_graphql, classify_mcp, parse_retry_after, MAX_ERROR_BODY,
    MAX_MESSAGE, MAX_PROVIDER_CODE, MAX_REQUEST_ID, MAX_RETRY_AFTER_MS, READ_HEADERS,
};
pub use client::{Client, Transport};
pub use error::{Error, ErrorCode, ErrorKind};
pub use exchange::{Exchange, Failure, Refused, Response, Step, MAX_REDIRECTS};
pub use headers::{build_headers, redact_header, Header, HeaderValue};
pub use input::{
    key_type_named, max_response_bytes_from_number, provider_named, retries_from_number,
    scheme_named, timeout_from_ms, validate_field, CredentialFields, Field, FieldRefusal,
    QueryValue, RequestInput, DEFAULT_MAX_RESPONSE_BYTES, MAX_RESPONSE_BYTES,
};
pub use jwt::{decode as decode_jwt, Claims};
pub use pace::{
    paced, Bucket, Grant, GrantId, MemoryStore, Pacer, Policy, Scope, Store, Ticket,
    DEFAULT_BLOCK_MS, MAX_LIMIT, MAX_SLEEP_MS, RECHECK_MS, RESET_SLACK_MS, SEED_MARGIN_PERMILLE,
    SEED_STALE_MS,
};
pub use plan::{
    plan, Body, Config, KeyType, Options, Plan, RequestSpec, Target, TextField, DEFAULT_RETRIES,
    DEFAULT_TIMEOUT, MAX_RETRIES, MAX_TIMEOUT,
};
pub use providers::providers_json;
pub use providers::{
    ClientRules, CredentialKind, Endpoint, EndpointBody, ErrorMatch, ErrorStyle, HeaderRule,
    KeyRules, Provider, ProviderId, RateLimitPolicy, RateLimitSeed, Scheme, ALL as PROVIDERS,
};
pub use ratelimit::{
    count as rate_limit_count, read as read_rate_limit, read_with as read_rate_limit_with,
    reset_at as rate_limit_reset_at, RateLimit, ResetStyle, AUTO_UNIX_THRESHOLD_S, MAX_COUNT,
    RATE_LIMIT_HEADERS,
};
pub use retry::{retryable, Decision, RetryPolicy};
pub use rotate::{rotatable, Rotate, Rotation};
pub use sanitize::sanitize;
pub use secret::{Credential, Secret};
pub use url::BaseUrl;
pub use validate::{detect, redact, validate, validate_at, Code, Validation, Warning, WarningCode};

/// With the `host-json` feature: a host's JSON reader instead of keygate's own (the npm package's
/// wasm reads JSON with the host's `JSON.parse`; see [`host_json::set_host_reader`]).
#[cfg(feature = "host-json")]
pub mod host_json {
    pub use crate::json::{set_host_reader, HostReader, Json, MAX_DEPTH};

    /// The bytes as text if they are UTF-8 (what a host reader checks first; the same answers as
    /// `core::str::from_utf8`, in less code).
    pub fn utf8(bytes: &[u8]) -> Option<&str> {
        crate::utf8::str_from_utf8(bytes)
    }
}

/// With the `host-url` feature: a redirect's `Location` resolved by a host's URL parser instead of
/// keygate's own (the npm package's wasm uses the host's `URL`; see [`host_url::set_host_resolver`]).
#[cfg(feature = "host-url")]
pub mod host_url {
    pub use crate::url::{set_host_resolver, HostResolver};
}

/// Internals re-exported for keygate's own fuzz targets and integration tests only: not part of
/// the public API, not covered by semver, hidden from the docs. Nothing else should use them.
#[doc(hidden)]
pub mod __internals {
    pub use crate::classify::clean;
    pub use crate::json::Json;
    pub use crate::secret::key_error;
    pub use crate::url::{join as join_path, own_redirect, same_origin_redirect};
}
