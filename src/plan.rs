//! Request planning: a client configuration plus a request description become the exact method,
//! URL and headers to send, or a typed error before any network call.

use crate::error::{Error, ErrorKind};
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
pub const MAX_TIMEOUT_MS: u64 = 600_000;
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
    /// Per-attempt timeout, milliseconds (default 30000).
    pub timeout_ms: Option<f64>,
    /// Retries after the first attempt (default 2).
    pub max_retries: Option<f64>,
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
    /// Per-attempt timeout.
    pub timeout_ms: u64,
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
            "invalid_base_url",
            format!("the {} is not usable: {}", what, why),
        )
        .with_provider(p.kind)
    })?;
    if !url.is_https() && !url.is_loopback() && !allow_insecure_http {
        return Err(Error::config(
            "insecure_url",
            format!(
                "the {} uses http:// on a non-loopback host; use https:// or set allowInsecureHttp",
                what
            ),
        )
        .with_provider(p.kind));
    }
    Ok(url)
}

fn number_option(v: Option<f64>, max: u64, name: &str, min: u64) -> Result<Option<u64>, Error> {
    match v {
        None => Ok(None),
        Some(n) if n.is_finite() && n.fract() == 0.0 && n >= min as f64 && n <= max as f64 => {
            Ok(Some(n as u64))
        }
        Some(_) => Err(Error::config(
            "invalid_option",
            format!("{} must be a whole number from {} to {}", name, min, max),
        )),
    }
}

/// The one `timeoutMs` rule, for the client and for a request: a whole number of milliseconds
/// from 1 to [`MAX_TIMEOUT_MS`] (`None`: not given).
pub fn timeout_option(v: Option<f64>) -> Result<Option<u64>, Error> {
    number_option(v, MAX_TIMEOUT_MS, "timeoutMs", 1)
}

/// The one `maxRetries` rule, for the client and for a request: a whole number from 0 to
/// [`MAX_RETRIES`] (`None`: not given).
pub fn max_retries_option(v: Option<f64>) -> Result<Option<u32>, Error> {
    number_option(v, u64::from(MAX_RETRIES), "maxRetries", 0).map(|n| n.map(|n| n as u32))
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

    /// The same as [`Config::sanitize`] (its earlier name).
    pub fn scrub(&self, text: &str) -> String {
        self.sanitize(text)
    }

    /// The same as [`Config::sanitize_to`] (its earlier name).
    pub fn scrub_to(&self, text: &str, max: usize) -> String {
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
                "browser_secret_key",
                format!(
                    "a {} API key is a server secret: anyone who opens this page can read it. Call {} from a server or an edge worker, use a user token, or pass dangerouslyAllowBrowser: true if you understand the risk",
                    p.name, p.name
                ),
            )
            .with_provider(provider));
        }
        let base_url = match &opts.base_url {
            None => BaseUrl::parse(p.base_url)
                .map_err(|_| Error::config("invalid_base_url", "built-in base URL"))?,
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
        let workspace_id = match opts.workspace_id {
            Some(id) if p.scoping.workspace_header.is_some() => {
                check_workspace_id(&id).map_err(|e| e.with_provider(provider))?;
                Some(id)
            }
            _ => None,
        };
        let timeout_ms = timeout_option(opts.timeout_ms)
            .map_err(|e| e.with_provider(provider))?
            .unwrap_or(30_000);
        let max_retries = max_retries_option(opts.max_retries)
            .map_err(|e| e.with_provider(provider))?
            .unwrap_or(2);
        Ok(Config {
            provider,
            credential,
            scheme: opts.scheme,
            workspace_id,
            key_type: opts.key_type,
            base_url,
            mcp_url,
            timeout_ms,
            retry: RetryPolicy::new(max_retries),
        })
    }

    /// The origin every request must stay on.
    pub fn origin(&self, target: Target) -> String {
        match (target, &self.mcp_url) {
            (Target::Mcp, Some(m)) => m.origin(),
            _ => self.base_url.origin(),
        }
    }
}

/// Where a request goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    /// The REST base URL.
    #[default]
    Rest,
    /// The MCP endpoint (Poesius).
    Mcp,
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
pub fn path_matches(pattern: &str, path: &str) -> bool {
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
    path == prefix || path.starts_with(&format!("{}/", prefix))
}

/// Plans a request, or refuses it with the error a server would have given.
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
                "invalid_method",
                "the method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
            )
            .with_provider(provider)
        })?;
    let base = match (req.target, &config.mcp_url) {
        (Target::Mcp, Some(m)) => m,
        (Target::Mcp, None) => {
            return Err(
                Error::config("no_mcp", format!("{} has no MCP endpoint", p.name))
                    .with_provider(provider),
            )
        }
        (Target::Rest, _) => &config.base_url,
    };
    let mut url = join(base, &req.path)
        .map_err(|why| Error::config("invalid_path", why).with_provider(provider))?;
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
                "invalid_header",
                format!(
                    "the {} value must be visible ASCII (no CR, LF or NUL)",
                    what
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
                "invalid_header",
                "the idempotency key is longer than 255 characters",
            )
            .with_provider(provider));
        }
        push("Idempotency-Key", k, "Idempotency-Key")?;
    }
    for (name, value) in &req.headers {
        let lower = name.to_ascii_lowercase();
        if !valid_name(name) {
            return Err(
                Error::config("invalid_header", "a header name is not a valid token")
                    .with_provider(provider),
            );
        }
        if MANAGED.contains(&lower.as_str()) {
            return Err(Error::config(
                "managed_header",
                format!(
                    "the {} header is set by keygate; configure it on the client instead",
                    name
                ),
            )
            .with_provider(provider));
        }
        if lower == "accept" || lower == "content-type" {
            headers.retain(|h| !h.name.eq_ignore_ascii_case(name));
        }
        let v = HeaderValue::new(value).ok_or_else(|| {
            Error::config(
                "invalid_header",
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
pub fn check_endpoint(config: &Config, name: &str) -> Result<(), Error> {
    let p = config.provider.provider();
    let e = p.endpoint(name).ok_or_else(|| {
        Error::config(
            "unsupported_endpoint",
            format!(
                "{} has no {}() helper: it belongs to another provider",
                p.name, name
            ),
        )
        .with_provider(config.provider)
    })?;
    match e.needs_kind {
        Some(k) if k != config.credential.kind() => Err(Error::config(
            "wrong_credential_kind",
            format!(
                "{}() needs a {} credential (pass {})",
                name,
                k.as_str(),
                match k {
                    crate::providers::CredentialKind::Jwt => "jwt",
                    crate::providers::CredentialKind::OAuthToken => "oauthToken",
                    crate::providers::CredentialKind::ApiKey => "apiKey",
                }
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
            format!(
                "{} needs a workspace id for {}: pass workspaceId (or set {})",
                config.provider,
                path,
                config
                    .provider
                    .provider()
                    .env_workspace
                    .unwrap_or("the workspace variable")
            ),
        )
        .with_code("workspace_required")
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
        .with_code("draft_key_publish")
        .with_provider(config.provider));
    }
    Ok(())
}
