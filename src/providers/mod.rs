//! The four providers, each described once as data.
//!
//! Everything keygate knows about a provider (base URL, env variables, credential kinds, the header
//! each kind is sent in, key-format rules, endpoints and error-body shape) lives in one
//! [`Provider`] value in one file of this module. Adding a provider means one new file and its
//! tests: the registry ([`ProviderId`], [`ALL`]) is generated from the files (CONTRIBUTING.md).

mod describe;
// The registry: `mod <id>;` per provider file, the `ProviderId` enum, `ALL` and the per-provider
// match arms. Generated from the provider files by scripts/gen.mjs (`make gen`).
include!("registry.rs");

pub use describe::providers_json;

use crate::validate::{Check, KeyFacts};

impl ProviderId {
    /// The id string used in the API.
    pub fn as_str(self) -> &'static str {
        self.keys().id
    }

    /// Parses an id string (exact, lowercase).
    pub fn parse(s: &str) -> Option<ProviderId> {
        ALL_KEYS.iter().find(|p| p.id == s).map(|p| p.kind)
    }
}

impl core::fmt::Display for ProviderId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.keys().name)
    }
}

/// The kind of credential a request is authenticated with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// A long-lived API key.
    ApiKey,
    /// A JWT issued by the provider's web app (Poesius).
    Jwt,
    /// An OAuth access token (Poesius OAuth 2.1, Postiz `pos_`).
    OAuthToken,
}

impl CredentialKind {
    /// The id string used in the API: `api_key`, `jwt`, `oauth_token`.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::ApiKey => "api_key",
            CredentialKind::Jwt => "jwt",
            CredentialKind::OAuthToken => "oauth_token",
        }
    }

    /// Parses `api_key`, `jwt` or `oauth_token`.
    pub fn parse(s: &str) -> Option<CredentialKind> {
        match s {
            "api_key" => Some(CredentialKind::ApiKey),
            "jwt" => Some(CredentialKind::Jwt),
            "oauth_token" => Some(CredentialKind::OAuthToken),
            _ => None,
        }
    }

    /// User tokens (JWT, OAuth) belong to a signed-in person; API keys are server secrets.
    pub fn is_secret_key(self) -> bool {
        matches!(self, CredentialKind::ApiKey)
    }

    /// Longest accepted input for this kind.
    pub fn max_len(self) -> usize {
        match self {
            CredentialKind::ApiKey => 512,
            CredentialKind::Jwt | CredentialKind::OAuthToken => 4096,
        }
    }
}

/// How a credential is placed in a request header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderRule {
    /// Header name, in the case the provider's document writes it.
    pub name: &'static str,
    /// Scheme put before the credential (`Some("Bearer")`), or `None` for the raw value.
    pub scheme: Option<&'static str>,
}

/// `Authorization: Bearer <credential>`.
pub const BEARER: HeaderRule = HeaderRule {
    name: "Authorization",
    scheme: Some("Bearer"),
};

/// An endpoint row with no arguments, no options and no kind need; fill in the rest.
pub const fn endpoint(name: &'static str, method: &'static str, path: &'static str) -> Endpoint {
    Endpoint {
        name,
        method,
        path,
        body: EndpointBody::None,
        needs_kind: None,
        #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
        js: Helper::new(""),
    }
}

/// Which header scheme a caller asked for (PowerPost offers both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Scheme {
    /// The provider's documented default.
    #[default]
    Default,
    /// `Authorization: Bearer`, where the provider accepts it.
    Bearer,
}

/// An endpoint SPEC §1 names, with what it needs and the JS helper that calls it.
///
/// This row is the one description of the endpoint: `scripts/gen.mjs` writes the JS helper, its
/// TypeScript signature and `doctor --live`'s check from it (see [`providers_json`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Helper name in the JS client.
    pub name: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path under the base URL; `{id}` marks a path parameter.
    pub path: &'static str,
    /// Body kind sent.
    pub body: EndpointBody,
    /// Whether the credential must be of a given kind (Poesius API key creation needs a JWT).
    pub needs_kind: Option<CredentialKind>,
    /// The JS helper's description. Native builds, and wasm builds with the `serde` feature (the
    /// Rust helpers in `keygate::helpers` read its query options): the npm wasm never reads it,
    /// so it does not ship it (`scripts/gen.mjs` generates the JS from it at build time).
    #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
    pub js: Helper,
}

/// How the JS client's helper for an endpoint looks: what `scripts/gen.mjs` generates from.
#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Helper {
    /// The helper's positional arguments, in order.
    pub args: &'static [Param],
    /// The helper's options (its last argument, an object; `signal` is always accepted).
    pub options: &'static [Param],
    /// One line for the helper's doc comment.
    pub doc: &'static str,
    /// Whether `keygate doctor --live` calls this helper (one per provider, no arguments).
    pub live: bool,
    /// The helper's result: TypeScript type text, naming the provider's [`TypeDef`]s.
    pub result: &'static str,
    /// Whether the JS helper is hand-written (JSON-RPC: `mcpCall`), not generated from this row.
    pub hand_written: bool,
}

#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
impl Helper {
    /// No arguments or options, result `unknown`: fill in the rest.
    pub const fn new(doc: &'static str) -> Helper {
        Helper {
            args: &[],
            options: &[],
            doc,
            live: false,
            result: "unknown",
            hand_written: false,
        }
    }
}

#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
/// One argument or option of a JS helper.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    /// Name in JS (argument name, or option key).
    pub name: &'static str,
    /// TypeScript type of the value.
    pub ts: &'static str,
    /// Where the value goes in the request.
    pub to: To,
    /// What the JS side checks (and converts) before the request.
    pub check: Coerce,
    /// Whether the caller must give it (options: the options object becomes required).
    pub required: bool,
    /// A JS literal used when the caller gives none (`listPresentations`' `limit` is `1`).
    pub default: Option<&'static str>,
}

#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
impl Param {
    /// An optional value, passed on as given, no default.
    pub const fn new(name: &'static str, ts: &'static str, to: To) -> Param {
        Param {
            name,
            ts,
            to,
            check: Coerce::Raw,
            required: false,
            default: None,
        }
    }

    /// The same, checked (and converted) by `check`.
    pub const fn checked(self, check: Coerce) -> Param {
        Param { check, ..self }
    }

    /// The same, required.
    pub const fn required(self) -> Param {
        Param {
            required: true,
            ..self
        }
    }

    /// The same, with a JS literal as its default.
    pub const fn default(self, literal: &'static str) -> Param {
        Param {
            default: Some(literal),
            ..self
        }
    }
}

#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
/// `idempotencyKey`: sent as `Idempotency-Key`, which makes a POST retryable.
pub const IDEMPOTENCY_KEY: Param = Param::new("idempotencyKey", "string", To::IdempotencyKey);

#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
/// `filename`: the multipart file's name when the value carries none.
pub const FILENAME: Param = Param::new("filename", "string", To::FileName).checked(Coerce::Str);

#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
/// A file argument: what `formWith` in pkg/src/core.js accepts.
pub const FILE_TS: &str = "Blob | Uint8Array | ArrayBuffer | string";

#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
/// Where a helper's argument or option goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum To {
    /// The `{id}` path parameter (URI-encoded).
    Path,
    /// A query parameter of this name.
    Query(&'static str),
    /// A text field of the multipart form, of this name (after the file).
    Form(&'static str),
    /// A field of the JSON body, of this name.
    JsonField(&'static str),
    /// The whole JSON body.
    JsonBody,
    /// The file of the multipart form (field: the endpoint's [`EndpointBody::Multipart`]), with
    /// the file name used when the value carries none.
    File(&'static str),
    /// The file name of the multipart file.
    FileName,
    /// The `Idempotency-Key` header.
    IdempotencyKey,
}

#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
/// What the JS helper checks about a value before the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coerce {
    /// Passed on as given (the core checks it where it matters).
    Raw,
    /// A string or a finite number, sent as text.
    Text,
    /// A string.
    Str,
    /// A non-empty string (path parameters).
    NonEmpty,
}

#[cfg(not(target_arch = "wasm32"))]
/// A named TypeScript type a provider's results use (`Presentation`, `Integration`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeDef {
    /// Type name, exported from the package's types.
    pub name: &'static str,
    /// One line for its doc comment.
    pub doc: &'static str,
    /// TypeScript type text.
    pub ts: &'static str,
}

/// The body an endpoint takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointBody {
    /// No body.
    None,
    /// A JSON body.
    Json,
    /// `multipart/form-data` with the file in the named field.
    Multipart(&'static str),
}

/// How a provider's error bodies are shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorStyle {
    /// FastAPI: `{"detail": "..."}`, credits `{"error": "...", "error_code": "..."}` (Poesius).
    Detail,
    /// `{"error": "<code>", "message": "..."}` (Poelis).
    CodeMessage,
    /// `{"error": {"message": "...", "code": "..."}}` (PowerPost).
    NestedError,
    /// `{"msg": "..."}` (Postiz).
    Msg,
}

/// Which key permission model a provider has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scoping {
    /// Path prefixes (segment-wise) that require the workspace header.
    pub workspace_paths: &'static [&'static str],
    /// `(method, path pattern)` that a draft-only key may not call.
    pub full_access_only: &'static [(&'static str, &'static str)],
}

/// What key handling reads of a provider: validation, detection, redaction and the auth headers
/// ([`ProviderId::keys`]). It is its own static in the provider's file, which [`Provider::keys`]
/// points to, so that code reading only these (the npm package's `keygate/validate` wasm) does not
/// link the rest of [`Provider`] (base URLs, endpoints, environment names).
#[derive(Debug)]
pub struct KeyRules {
    /// Which provider this is.
    pub kind: ProviderId,
    /// Id string used in the API.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Env variable holding the API key.
    pub env_key: &'static str,
    /// The API-key prefix, if keys have one.
    pub api_key_prefix: Option<&'static str>,
    /// The OAuth-token prefix, if tokens have one.
    pub oauth_prefix: Option<&'static str>,
    /// Credential kinds accepted.
    pub kinds: &'static [CredentialKind],
    /// Header for each kind, with the scheme choice.
    pub header: fn(CredentialKind, Scheme) -> Option<HeaderRule>,
    /// Provider-specific format rules, run after the shared checks.
    pub check: fn(CredentialKind, &str) -> Check,
    /// Picks the credential kind from the input where the format decides it (Postiz `pos_`).
    pub kind_for: fn(CredentialKind, &str) -> CredentialKind,
    /// Prefix shown in a redacted key (may depend on the key, PowerPost `pp_live_sk_`).
    pub redact_prefix: fn(&str) -> Option<&'static str>,
    /// Facts worth reporting about a valid key (PowerPost env).
    pub facts: fn(&str) -> KeyFacts,
    /// Key prefixes of earlier documented formats the server may still accept (Poelis
    /// `poelis_live_`): detected and accepted with a warning naming the current format.
    pub earlier_key_prefixes: &'static [&'static str],
    /// Header that carries the workspace id, when the provider scopes by workspace.
    pub workspace_header: Option<&'static str>,
}

/// Everything keygate knows about one provider.
#[derive(Debug)]
pub struct Provider {
    /// The key rules (see [`KeyRules`]).
    pub keys: &'static KeyRules,
    /// Which provider this is (the same as `keys.kind`).
    pub kind: ProviderId,
    /// Id string used in the API.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Default REST base URL.
    pub base_url: &'static str,
    /// Default MCP endpoint, where the provider has one.
    pub mcp_url: Option<&'static str>,
    /// Suffix appended to a caller's base URL unless its path already ends with it: the API root
    /// under the host or backend root the official clients take (Postiz `/public/v1`, Poelis `/v1/public`).
    pub self_hosted_suffix: Option<&'static str>,
    /// Env variable holding a base URL override.
    pub env_base_url: Option<&'static str>,
    /// Env variable holding the workspace id.
    pub env_workspace: Option<&'static str>,
    /// Endpoints with typed helpers.
    pub endpoints: &'static [Endpoint],
    /// Named TypeScript types the endpoints' results use (native builds only, like `Helper`).
    #[cfg(not(target_arch = "wasm32"))]
    pub types: &'static [TypeDef],
    /// Error-body shape.
    pub error_style: ErrorStyle,
    /// Workspace and permission rules.
    pub scoping: Scoping,
    /// How the server writes `X-RateLimit-Reset` (read by `read_rate_limit`).
    pub rate_limit_reset: crate::ratelimit::ResetStyle,
    /// The GraphQL endpoint's path under the host root (Poelis `/v1/graphql`), where there is one.
    /// The host root is the base URL without [`Provider::self_hosted_suffix`].
    pub graphql_path: Option<&'static str>,
}

/// A provider's facts that only a client's request loop reads: key rotation and the pacer
/// ([`ProviderId::rules`]). They sit beside [`Provider`] in the provider's file, not in it, so the
/// npm wasm (which reads every [`Provider`] but neither rotates nor paces) does not carry them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientRules {
    /// 401 answers that are the provider's verdict that the key itself is invalid or revoked, so
    /// a freshly fetched value may help (key rotation, [`rotatable`](crate::rotatable)).
    pub revoked_key_401: &'static [ErrorMatch],
    /// The documented rate limit the pacer seeds its bucket with (`Policy::seed`); `None`: the
    /// provider documents no figure and is paced by its `X-RateLimit-*` headers alone.
    pub rate_limit: Option<RateLimitPolicy>,
}

/// A test on a provider's error answer: its error code or its message (after sanitizing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorMatch {
    /// The provider's error code is exactly this.
    Code(&'static str),
    /// The message is exactly this.
    Message(&'static str),
    /// The message starts with this.
    MessageStart(&'static str),
}

impl ErrorMatch {
    /// Whether an error with this message and provider code matches.
    pub fn matches(self, message: &str, code: Option<&str>) -> bool {
        match self {
            ErrorMatch::Code(c) => code == Some(c),
            ErrorMatch::Message(m) => message == m,
            ErrorMatch::MessageStart(m) => message.starts_with(m),
        }
    }

    /// Whether any of `list` matches.
    pub fn any(list: &[ErrorMatch], message: &str, code: Option<&str>) -> bool {
        list.iter().any(|m| m.matches(message, code))
    }
}

/// A documented limit: at most `limit` requests in `window_ms`, `burst` at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimitSeed {
    /// Requests per window.
    pub limit: u32,
    /// The window, in milliseconds.
    pub window_ms: u64,
    /// The most requests in a burst (`None`: the whole `limit` at once).
    pub burst: Option<u32>,
}

/// What a provider documents about its rate limit, and what it counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimitPolicy {
    /// The limit of the provider's hosted service.
    pub hosted: RateLimitSeed,
    /// The default limit of a self-hosted server (`None`: the hosted one).
    pub self_hosted: Option<RateLimitSeed>,
    /// The only requests that count, `(method, path prefix under the API base)` (`None`: every
    /// request).
    pub only: Option<(&'static str, &'static str)>,
    /// What the pacer's scope key adds after the identity when only some requests count (the
    /// bucket is theirs, e.g. `posts`).
    pub scope_suffix: Option<&'static str>,
}

impl KeyRules {
    /// Whether the provider accepts this credential kind.
    pub fn accepts(&self, kind: CredentialKind) -> bool {
        self.kinds.contains(&kind)
    }
}

impl Provider {
    /// Whether the provider accepts this credential kind.
    pub fn accepts(&self, kind: CredentialKind) -> bool {
        self.keys.accepts(kind)
    }

    /// Whether requests to this endpoint carry the workspace header (`Scoping::workspace_paths`).
    pub fn needs_workspace(&self, e: &Endpoint) -> bool {
        self.keys.workspace_header.is_some()
            && self.scoping.workspace_paths.iter().any(|p| {
                e.path == *p
                    || e.path
                        .strip_prefix(p)
                        .is_some_and(|rest| rest.starts_with('/'))
            })
    }

    /// Whether a draft-only key may not call this endpoint (`Scoping::full_access_only`).
    pub fn needs_full_access(&self, e: &Endpoint) -> bool {
        self.scoping
            .full_access_only
            .iter()
            .any(|(m, p)| *m == e.method && *p == e.path)
    }

    /// Finds an endpoint by helper name.
    pub fn endpoint(&self, name: &str) -> Option<&'static Endpoint> {
        self.endpoints.iter().find(|e| e.name == name)
    }
}

/// Characters of the base64url alphabet (`A-Z a-z 0-9 - _`).
pub(crate) fn is_base64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

/// RFC 6750 token68 characters (`A-Z a-z 0-9 - . _ ~ + /` and trailing `=`).
pub(crate) fn is_token68(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')
}

/// Same kind back: the default for providers whose format does not pick the kind.
pub(crate) fn same_kind(kind: CredentialKind, _input: &str) -> CredentialKind {
    kind
}

/// Nothing to report: the default for providers without key facts.
pub(crate) fn no_facts(_input: &str) -> KeyFacts {
    KeyFacts::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_matches() {
        let list = [
            ErrorMatch::Code("E1"),
            ErrorMatch::MessageStart("Invalid key"),
        ];
        assert!(ErrorMatch::any(&list, "x", Some("E1")));
        assert!(ErrorMatch::any(&list, "Invalid key: abc", None));
        assert!(!ErrorMatch::any(&list, "x", Some("E2")));
        assert!(ErrorMatch::Message("No such").matches("No such", None));
        assert!(!ErrorMatch::Message("No such").matches("No such thing", None));
        assert!(!ErrorMatch::any(&[], "anything", Some("E1")));
    }

    /// The rate-limit facts agree with the rest of the description: what is paced alone is an
    /// endpoint of the provider, and only that has its own bucket.
    #[test]
    fn rate_limits_agree_with_the_endpoints() {
        for p in ALL {
            let Some(r) = p.kind.rules().rate_limit else {
                continue;
            };
            assert!(r.hosted.limit > 0 && r.hosted.window_ms > 0, "{}", p.id);
            assert_eq!(r.only.is_some(), r.scope_suffix.is_some(), "{}", p.id);
            if let Some((method, prefix)) = r.only {
                assert!(
                    p.endpoints
                        .iter()
                        .any(|e| e.method == method && e.path.starts_with(prefix)),
                    "{}: {method} {prefix} is no endpoint",
                    p.id
                );
            }
        }
    }
}
