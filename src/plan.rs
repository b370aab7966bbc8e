//! Request planning: a client configuration plus a request description become the exact method,
//! URL and headers to send, or a typed error before any network call.

use core::time::Duration;

use crate::error::{Error, ErrorCode, ErrorKind};
use crate::headers::{build_headers, check_workspace_id, valid_name, Header, HeaderValue};
use crate::providers::{Provider, ProviderId, Scheme};
use crate::retry::RetryPolicy;
use crate::secret::Credential;
use crate::url::{append_query, join, BaseUrl};

/// PowerPost's key permission level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyType {
    /// Full access (`read_write`), the default.
    #[default]
    ReadWrite,
    /// Draft only (`read_draft`): may not publish.
    ReadDraft,
}

impl KeyType {
    /// Parses `read_write` or `read_draft`.
    pub fn parse(s: &str) -> Option<KeyType> {
        match s {
            "read_write" => Some(KeyType::ReadWrite),
            "read_draft" => Some(KeyType::ReadDraft),
            _ => None,
        }
    }
}

/// Longest timeout accepted (10 minutes).
pub const MAX_TIMEOUT: Duration = Duration::from_secs(600);
/// The timeout when none is given (30 seconds).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Retries when none are given.
pub const DEFAULT_RETRIES: u32 = 2;
/// Most retries accepted.
pub const MAX_RETRIES: u32 = 10;

/// Options for a client, before validation.
#[derive(Debug, Default)]
pub struct Options {
    /// Header scheme (PowerPost).
    pub scheme: Scheme,
    /// Workspace id (PowerPost).
    pub workspace_id: Option<String>,
    /// Key permission (PowerPost).
    pub key_type: KeyType,
    /// Base URL override (Postiz: the backend root, `/public/v1` appended).
    pub base_url: Option<String>,
    /// MCP endpoint override (Poesius).
    pub mcp_url: Option<String>,
    /// Allow `http` to non-loopback hosts.
    pub allow_insecure_http: bool,
    /// Per-attempt timeout, body included: 1 ms to [`MAX_TIMEOUT`] (default [`DEFAULT_TIMEOUT`]).
    pub timeout: Option<Duration>,
    /// Retries after the first attempt: at most [`MAX_RETRIES`] (default [`DEFAULT_RETRIES`]).
    pub max_retries: Option<u32>,
    /// Largest response body read, in bytes: 1 to [`crate::MAX_RESPONSE_BYTES`] (default
    /// [`crate::DEFAULT_MAX_RESPONSE_BYTES`]). keygate's sans-IO loop does not read bodies: the
    /// runner enforces it, and [`crate::Exchange::refuse`] gives the error.
    pub max_response_bytes: Option<u64>,
    /// The code runs in a browser window (not a worker): secret API keys are refused there.
    pub browser_window: bool,
    /// Allow a secret API key in a browser window anyway.
    pub dangerously_allow_browser: bool,
}

/// A validated client configuration.
#[derive(Debug)]
pub struct Config {
    /// The provider.
    pub provider: ProviderId,
    /// The credential.
    pub credential: Credential,
    /// Header scheme.
    pub scheme: Scheme,
    /// Workspace id.
    pub workspace_id: Option<String>,
    /// Key permission.
    pub key_type: KeyType,
    /// REST base URL.
    pub base_url: BaseUrl,
    /// MCP endpoint (Poesius).
    pub mcp_url: Option<BaseUrl>,
    /// GraphQL endpoint (Poelis): the host root (the base URL without its suffix) plus the
    /// provider's GraphQL path.
    pub graphql_url: Option<BaseUrl>,
    /// Per-attempt timeout.
    pub timeout: Duration,
    /// Largest response body the runner reads.
    pub max_response_bytes: u64,
    /// Retry policy.
    pub retry: RetryPolicy,
}

fn parse_base(
    p: &Provider,
    input: &str,
    allow_insecure_http: bool,
    what: &str,
) -> Result<BaseUrl, Error> {
    let url = BaseUrl::parse(input).map_err(|why| {
        Error::config(
            ErrorCode::InvalidBaseUrl,
            crate::decimal::fill("the {} is not usable: {}", &[&*what, why]),
        )
        .with_provider(p.kind)
    })?;
    if !url.is_https() && !url.is_loopback() && !allow_insecure_http {
        return Err(Error::config(
            ErrorCode::InsecureUrl,
            crate::decimal::fill(
                "the {} uses http:// on a non-loopback host; use https:// or set allowInsecureHttp",
                &[what],
            ),
        )
        .with_provider(p.kind));
    }
    Ok(url)
}

/// The request-level timeout rule (also the client's): 1 ms to [`MAX_TIMEOUT`].
pub(crate) fn check_timeout(t: Duration) -> Result<Duration, Error> {
    if t >= Duration::from_millis(1) && t <= MAX_TIMEOUT {
        Ok(t)
    } else {
        Err(Error::config(
            ErrorCode::InvalidOption,
            "the timeout must be from 1 ms to 10 minutes",
        ))
    }
}

/// The retries rule (also the client's): at most [`MAX_RETRIES`].
pub(crate) fn check_retries(n: u32) -> Result<u32, Error> {
    if n <= MAX_RETRIES {
        Ok(n)
    } else {
        Err(Error::config(
            ErrorCode::InvalidOption,
            crate::decimal::fill(
                "maxRetries must be a whole number from 0 to {}",
                &[crate::decimal::decimal_str(
                    MAX_RETRIES as u64,
                    &mut [0; 20],
                )],
            ),
        ))
    }
}

impl Config {
    /// [`crate::sanitize`] with this client's credential, at most [`crate::MAX_MESSAGE`]
    /// characters: for any error message, whoever built it.
    pub fn sanitize(&self, text: &str) -> String {
        self.sanitize_to(text, crate::classify::MAX_MESSAGE)
    }

    /// [`crate::sanitize`] with this client's credential, at most `max` characters.
    pub fn sanitize_to(&self, text: &str, max: usize) -> String {
        crate::sanitize::sanitize(&self.credential, text, max)
    }

    /// `e` with its `message`, `providerCode` and `requestId` sanitised (for errors built
    /// outside the request loop, e.g. from a JSON-RPC body).
    pub fn sanitize_error(&self, mut e: Error) -> Error {
        use crate::classify::{MAX_MESSAGE, MAX_PROVIDER_CODE, MAX_REQUEST_ID};
        e.message = self.sanitize_to(&e.message, MAX_MESSAGE);
        e.provider_code = e
            .provider_code
            .map(|c| self.sanitize_to(&c, MAX_PROVIDER_CODE));
        e.request_id = e
            .request_id
            .map(|r| self.sanitize_to(&r, MAX_REQUEST_ID))
            .filter(|r| !r.is_empty());
        e
    }

    /// [`Config::sanitize_to`] at the length the core keeps for `field`: for text a runner took
    /// from a response itself.
    pub fn sanitize_field(&self, text: &str, field: TextField) -> String {
        use crate::classify::{MAX_MESSAGE, MAX_PROVIDER_CODE, MAX_REQUEST_ID};
        let max = match field {
            TextField::Message => MAX_MESSAGE,
            TextField::ProviderCode => MAX_PROVIDER_CODE,
            TextField::RequestId => MAX_REQUEST_ID,
        };
        self.sanitize_to(text, max)
    }

    /// Validates the options for `credential`'s provider.
    pub fn new(credential: Credential, opts: Options) -> Result<Config, Error> {
        let provider = credential.provider();
        let p = provider.provider();
        if opts.browser_window
            && credential.kind().is_secret_key()
            && !opts.dangerously_allow_browser
        {
            return Err(Error::config(
                ErrorCode::BrowserSecretKey,
                crate::decimal::fill("a {} API key is a server secret: anyone who opens this page can read it. Call {} from a server or an edge worker, use a user token, or pass dangerouslyAllowBrowser: true if you understand the risk", &[p.name, p.name]),
            )
            .with_provider(provider));
        }
        let base_url = match &opts.base_url {
            None => BaseUrl::parse(p.base_url)
                .map_err(|_| Error::config(ErrorCode::InvalidBaseUrl, "built-in base URL"))?,
            Some(u) => {
                let b = parse_base(p, u, opts.allow_insecure_http, "base URL")?;
                match p.self_hosted_suffix {
                    Some(suffix) => b.with_suffix(suffix),
                    None => b,
                }
            }
        };
        let mcp_url = match (&opts.mcp_url, p.mcp_url) {
            (Some(u), _) => Some(parse_base(p, u, opts.allow_insecure_http, "MCP URL")?),
            (None, Some(_)) if opts.base_url.is_some() => Some(base_url.with_suffix("/mcp")),
            (None, Some(d)) => BaseUrl::parse(d).ok(),
            (None, None) => None,
        };
        let graphql_url = p.graphql_path.map(|path| {
            let root = match p.self_hosted_suffix {
                Some(suffix) => base_url.without_suffix(suffix),
                None => base_url.clone(),
            };
            root.with_suffix(path)
        });
        let workspace_id = match opts.workspace_id {
            Some(id) if p.keys.workspace_header.is_some() => {
                check_workspace_id(&id).map_err(|e| e.with_provider(provider))?;
                Some(id)
            }
            _ => None,
        };
        let timeout = check_timeout(opts.timeout.unwrap_or(DEFAULT_TIMEOUT))
            .map_err(|e| e.with_provider(provider))?;
        let max_retries = check_retries(opts.max_retries.unwrap_or(DEFAULT_RETRIES))
            .map_err(|e| e.with_provider(provider))?;
        let max_response_bytes = match opts.max_response_bytes {
            None => crate::input::DEFAULT_MAX_RESPONSE_BYTES,
            Some(n) => crate::input::max_response_bytes_from_number(n as f64)
                .map_err(|e| e.with_provider(provider))?,
        };
        Ok(Config {
            provider,
            credential,
            scheme: opts.scheme,
            workspace_id,
            key_type: opts.key_type,
            base_url,
            mcp_url,
            graphql_url,
            timeout,
            max_response_bytes,
            retry: RetryPolicy::new(max_retries),
        })
    }

    /// The origin every request must stay on.
    pub fn origin(&self, target: Target) -> String {
        match (target, &self.mcp_url, &self.graphql_url) {
            (Target::Mcp, Some(m), _) => m.origin(),
            (Target::Graphql, _, Some(g)) => g.origin(),
            _ => self.base_url.origin(),
        }
    }
}

/// Which error field a text is for (its length limit): [`Config::sanitize_field`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextField {
    /// `message`: [`crate::MAX_MESSAGE`] characters.
    Message,
    /// `providerCode`: [`crate::MAX_PROVIDER_CODE`] characters.
    ProviderCode,
    /// `requestId`: [`crate::MAX_REQUEST_ID`] characters.
    RequestId,
}

/// Where a request goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    /// The REST base URL.
    #[default]
    Rest,
    /// The MCP endpoint (Poesius).
    Mcp,
    /// The GraphQL endpoint (Poelis `POST {host}/v1/graphql`).
    Graphql,
}

/// The body a request carries, as far as planning cares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Body {
    /// None.
    #[default]
    None,
    /// JSON: `Content-Type: application/json` is set.
    Json,
    /// Multipart or other raw body: the runtime sets the content type.
    Raw,
}

/// What the caller asked for.
#[derive(Clone, Debug, Default)]
pub struct RequestSpec {
    /// HTTP method (case-insensitive).
    pub method: String,
    /// Path under the base URL (may carry `?query`).
    pub path: String,
    /// Query pairs, encoded by keygate.
    pub query: Vec<(String, String)>,
    /// Body kind.
    pub body: Body,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Sent as `Idempotency-Key`; makes a non-idempotent method retryable.
    pub idempotency_key: Option<String>,
    /// REST or MCP.
    pub target: Target,
    /// The typed helper making the call (its requirements are checked).
    pub endpoint: Option<&'static str>,
    /// This request's timeout instead of the client's (same range).
    pub timeout: Option<Duration>,
    /// This request's retries instead of the client's (same range).
    pub max_retries: Option<u32>,
}

/// What to send.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Uppercase method.
    pub method: &'static str,
    /// Absolute URL on the configured origin.
    pub url: String,
    /// All headers.
    pub headers: Vec<Header>,
    /// Whether a retry is safe.
    pub idempotent: bool,
    /// The origin redirects must stay on.
    pub origin: String,
}

const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// Header names keygate sets itself and a caller may not.
const MANAGED: [&str; 8] = [
    "authorization",
    "x-api-key",
    "x-workspace-id",
    "idempotency-key",
    "host",
    "content-length",
    "cookie",
    "transfer-encoding",
];

/// Whether `path` (relative, without query) matches `pattern` with `{id}` segments.
pub(crate) fn path_matches(pattern: &str, path: &str) -> bool {
    let a: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    let b: Vec<&str> = path.trim_matches('/').split('/').collect();
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(p, s)| (p.starts_with('{') && !s.is_empty()) || p == s)
}

fn under_prefix(prefix: &str, path: &str) -> bool {
    let prefix = prefix.trim_matches('/');
    let path = path.trim_start_matches('/');
    path == prefix || path.starts_with(&crate::decimal::fill("{}/", &[prefix]))
}

/// Plans a request, or refuses it with the error a server would have given.
///
/// ```
/// use keygate::{plan, Config, Credential, CredentialKind, Options, ProviderId, RequestSpec};
/// let c = Credential::new(ProviderId::PowerPost, CredentialKind::ApiKey, "pp_live_sk_a1B2c3D4e5F6g7H8i9J0")?;
/// let config = Config::new(c, Options::default())?;
/// let get = |path: &str| RequestSpec { method: "GET".into(), path: path.into(), ..Default::default() };
/// assert!(plan(&config, &get("/account/credits"))?.url.ends_with("/account/credits"));
/// // A content path without a workspace id is refused before any network call.
/// assert_eq!(plan(&config, &get("/posts")).unwrap_err().code, "workspace_required");
/// # Ok::<(), keygate::Error>(())
/// ```
pub fn plan(config: &Config, req: &RequestSpec) -> Result<Plan, Error> {
    let provider = config.provider;
    let p = provider.provider();
    let upper = req.method.to_ascii_uppercase();
    let method = METHODS
        .iter()
        .find(|m| **m == upper)
        .copied()
        .ok_or_else(|| {
            Error::config(
                ErrorCode::InvalidMethod,
                "the method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
            )
            .with_provider(provider)
        })?;
    let base = match (req.target, &config.mcp_url) {
        (Target::Mcp, Some(m)) => m,
        (Target::Mcp, None) => {
            return Err(Error::config(
                ErrorCode::NoMcp,
                crate::decimal::fill("{} has no MCP endpoint", &[p.name]),
            )
            .with_provider(provider))
        }
        (Target::Graphql, _) => config.graphql_url.as_ref().ok_or_else(|| {
            Error::config(
                ErrorCode::NoGraphql,
                "this provider has no GraphQL endpoint",
            )
            .with_provider(provider)
        })?,
        (Target::Rest, _) => &config.base_url,
    };
    let mut url = join(base, &req.path)
        .map_err(|why| Error::config(ErrorCode::InvalidPath, why).with_provider(provider))?;
    append_query(&mut url, &req.query);
    let bare_path = req.path.split('?').next().unwrap_or("");

    if let Some(name) = req.endpoint {
        check_endpoint(config, name)?;
    }
    if req.target == Target::Rest {
        local_guards(config, method, bare_path)?;
    }

    let mut headers = build_headers(
        &config.credential,
        config.scheme,
        config.workspace_id.as_deref(),
    )?;
    let mut push = |name: &str, value: &str, what: &str| -> Result<(), Error> {
        let v = HeaderValue::new(value).ok_or_else(|| {
            Error::config(
                ErrorCode::InvalidHeader,
                crate::decimal::fill(
                    "the {} value must be visible ASCII (no CR, LF or NUL)",
                    &[&*what],
                ),
            )
            .with_provider(provider)
        })?;
        headers.push(Header {
            name: name.to_string(),
            value: v,
        });
        Ok(())
    };
    push("Accept", "application/json", "Accept")?;
    if req.body == Body::Json {
        push("Content-Type", "application/json", "Content-Type")?;
    }
    if let Some(k) = &req.idempotency_key {
        if k.len() > 255 {
            return Err(Error::config(
                ErrorCode::InvalidHeader,
                "the idempotency key is longer than 255 characters",
            )
            .with_provider(provider));
        }
        push("Idempotency-Key", k, "Idempotency-Key")?;
    }
    for (name, value) in &req.headers {
        let lower = name.to_ascii_lowercase();
        if !valid_name(name) {
            return Err(Error::config(
                ErrorCode::InvalidHeader,
                "a header name is not a valid token",
            )
            .with_provider(provider));
        }
        if MANAGED.contains(&lower.as_str()) {
            return Err(Error::config(
                ErrorCode::ManagedHeader,
                crate::decimal::fill(
                    "the {} header is set by keygate; configure it on the client instead",
                    &[name],
                ),
            )
            .with_provider(provider));
        }
        if lower == "accept" || lower == "content-type" {
            headers.retain(|h| !h.name.eq_ignore_ascii_case(name));
        }
        let v = HeaderValue::new(value).ok_or_else(|| {
            Error::config(
                ErrorCode::InvalidHeader,
                "a header value must be visible ASCII (no CR, LF or NUL)",
            )
            .with_provider(provider)
        })?;
        headers.push(Header {
            name: name.clone(),
            value: v,
        });
    }
    Ok(Plan {
        method,
        url,
        headers,
        idempotent: matches!(method, "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE")
            || req.idempotency_key.is_some(),
        origin: base.origin(),
    })
}

/// A typed helper exists for this provider and the credential is of the kind it needs.
pub(crate) fn check_endpoint(config: &Config, name: &str) -> Result<(), Error> {
    let p = config.provider.provider();
    let e = p.endpoint(name).ok_or_else(|| {
        Error::config(
            ErrorCode::UnsupportedEndpoint,
            crate::decimal::fill(
                "{} has no {}() helper: it belongs to another provider",
                &[p.name, &*name],
            ),
        )
        .with_provider(config.provider)
    })?;
    match e.needs_kind {
        Some(k) if k != config.credential.kind() => Err(Error::config(
            ErrorCode::WrongCredentialKind,
            crate::decimal::fill(
                "{}() needs a {} credential (pass {})",
                &[
                    name,
                    k.as_str(),
                    match k {
                        crate::providers::CredentialKind::Jwt => "jwt",
                        crate::providers::CredentialKind::OAuthToken => "oauthToken",
                        crate::providers::CredentialKind::ApiKey => "apiKey",
                    },
                ],
            ),
        )
        .with_provider(config.provider)),
        _ => Ok(()),
    }
}

/// PowerPost: content paths need a workspace id; a draft key may not publish.
fn local_guards(config: &Config, method: &str, path: &str) -> Result<(), Error> {
    let scoping = &config.provider.provider().scoping;
    if config.workspace_id.is_none()
        && scoping
            .workspace_paths
            .iter()
            .any(|pre| under_prefix(pre, path))
    {
        return Err(Error::new(
            ErrorKind::BadRequest,
            crate::decimal::fill(
                "{} needs a workspace id for {}: pass workspaceId (or set {})",
                &[
                    config.provider.provider().name,
                    path,
                    config
                        .provider
                        .provider()
                        .env_workspace
                        .unwrap_or("the workspace variable"),
                ],
            ),
        )
        .with_code(ErrorCode::WorkspaceRequired)
        .with_provider(config.provider));
    }
    if config.key_type == KeyType::ReadDraft
        && scoping
            .full_access_only
            .iter()
            .any(|(m, pat)| *m == method && path_matches(pat, path))
    {
        return Err(Error::new(
            ErrorKind::Permission,
            "this is a draft-only key (read_draft): it cannot publish; use a full-access (read_write) key",
        )
        .with_code(ErrorCode::DraftKeyPublish)
        .with_provider(config.provider));
    }
    Ok(())
}
