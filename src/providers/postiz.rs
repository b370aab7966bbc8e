//! Postiz: the raw key (or a `pos_` OAuth token) in `Authorization`, cloud or self-hosted.

use super::ClientRules;
use super::{
    endpoint, is_token68, no_facts, CredentialKind, Endpoint, EndpointBody, ErrorMatch, ErrorStyle,
    HeaderRule, KeyRules, Provider, ProviderId, RateLimitPolicy, RateLimitSeed, Scheme, Scoping,
};
#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
use super::{Helper, Param, To, FILENAME, FILE_TS, IDEMPOTENCY_KEY};
#[cfg(not(target_arch = "wasm32"))]
use super::TypeDef;
use crate::validate::{check_body, refuse, warn, wrong_prefix_because, Check, Code, WarningCode};

const OAUTH_PREFIX: &str = "pos_";

/// Its place in the registry's `ALL` (the order of SPEC's provider table); scripts/gen.mjs
/// writes src/providers/registry.rs from the provider files in this order.
pub(super) const ORDER: usize = 3;

/// What key handling reads of Postiz (validation, detection, redaction, headers): all that
/// `keygate/validate`'s wasm links of this file.
pub(super) static KEYS: KeyRules = KeyRules {
    kind: ProviderId::Postiz,
    id: "postiz",
    name: "Postiz",
    env_key: "POSTIZ_API_KEY",
    api_key_prefix: None,
    oauth_prefix: Some(OAUTH_PREFIX),
    kinds: &[CredentialKind::ApiKey, CredentialKind::OAuthToken],
    header,
    check,
    kind_for,
    redact_prefix,
    facts: no_facts,
    workspace_header: None,
    earlier_key_prefixes: &[],
};

/// Postiz: social scheduling (REST, cloud or self-hosted).
pub(super) static PROVIDER: Provider = Provider {
    keys: &KEYS,
    kind: KEYS.kind,
    id: KEYS.id,
    name: KEYS.name,
    base_url: "https://api.postiz.com/public/v1",
    mcp_url: None,
    self_hosted_suffix: Some("/public/v1"),
    env_base_url: Some("POSTIZ_API_URL"),
    env_workspace: None,
    endpoints: &[
        Endpoint {
            #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
            js: Helper {
                live: true,
                result: "Integration[]",
                ..Helper::new("Lists the connected channels (integrations).")
            },
            ..endpoint("listIntegrations", "GET", "/integrations")
        },
        Endpoint {
            #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
            js: Helper {
                result: "{ connected: boolean }",
                ..Helper::new("Whether the key's organization is connected.")
            },
            ..endpoint("isConnected", "GET", "/is-connected")
        },
        Endpoint {
            body: EndpointBody::Json,
            #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
            js: Helper {
                args: &[Param::new("post", "CreatePostInput", To::JsonBody).required()],
                options: &[IDEMPOTENCY_KEY],
                result: "CreatedPost[]",
                ..Helper::new("Creates (or schedules) a post on one or more channels.")
            },
            ..endpoint("createPost", "POST", "/posts")
        },
        Endpoint {
            body: EndpointBody::Multipart("file"),
            #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
            js: Helper {
                args: &[Param::new("file", FILE_TS, To::File("upload.bin")).required()],
                options: &[FILENAME],
                result: "Upload",
                ..Helper::new("Uploads a media file (images, mp4) for use in posts.")
            },
            ..endpoint("upload", "POST", "/upload")
        },
    ],
    #[cfg(not(target_arch = "wasm32"))]
    types: &[
        TypeDef {
            name: "Integration",
            doc: "A connected channel.",
            ts: "{ id: string; name: string; identifier: string; picture: string; disabled: boolean; profile: string; customer: { id: string; name: string } | null }",
        },
        TypeDef {
            name: "CreatePostInput",
            doc: "`POST /posts` body (Postiz `CreatePostDto`).",
            ts: "{ type?: \"draft\" | \"schedule\" | \"now\"; date?: string; shortLink?: boolean; tags?: Array<{ value: string; label: string }>; posts?: Array<{ integration: { id: string }; value: Array<{ content: string; image?: Array<{ id: string; path: string }> }>; settings?: { [key: string]: unknown } }>; [key: string]: unknown }",
        },
        TypeDef {
            name: "CreatedPost",
            doc: "One post made by `POST /posts`, one per channel (posts.service.ts `createPost`).",
            ts: "{ postId: string; integration: string }",
        },
        TypeDef {
            name: "Upload",
            doc: "`POST /upload`: the stored media (media.repository.ts `saveFile`).",
            ts: "{ id: string; name: string; path: string; originalName: string | null; thumbnail: string | null; alt: string | null }",
        },
    ],
    error_style: ErrorStyle::Msg,
    scoping: Scoping {
        workspace_paths: &[],
        full_access_only: &[],
    },
    // X-RateLimit-Reset: @nestjs/throttler: seconds until the reset.
    rate_limit_reset: crate::ratelimit::ResetStyle::DeltaSeconds,
    graphql_path: None,
};

/// providers.md (Postiz): on the hosted service without a subscription, the 401
/// `No subscription found`.
pub(super) const SUBSCRIPTION_401: Option<&str> = Some("No subscription found");

/// What only a client's loop reads (key rotation, the pacer): kept out of [`PROVIDER`] so the npm
/// wasm, which reads neither, does not carry it.
pub(super) static RULES: ClientRules = ClientRules {
    // providers.md (Postiz, auth middleware): `Invalid API key` and `Invalid OAuth token` (`msg`).
    // Not `No API Key found`, not `No subscription found`, not its empty-bodied 401 (a failure
    // during the lookup, not a verdict on the key).
    revoked_key_401: &[
        ErrorMatch::Message("Invalid API key"),
        ErrorMatch::Message("Invalid OAuth token"),
    ],
    // providers.md (Postiz rate limit): the hosted docs say 30 an hour; the server throttles only
    // `POST …/public/v1/posts` per organization (`${org.id}_posts`), one hour, `API_LIMIT`
    // (default 90 in `apps/backend/src/app.module.ts`). Its guard matches the URL by substring,
    // so `/posts…` under the base counts.
    rate_limit: Some(RateLimitPolicy {
        hosted: RateLimitSeed {
            limit: 30,
            window_ms: 3_600_000,
            burst: None,
        },
        self_hosted: Some(RateLimitSeed {
            limit: 90,
            window_ms: 3_600_000,
            burst: None,
        }),
        only: Some(("POST", "/posts")),
        scope_suffix: Some("posts"),
    }),
};

fn header(_kind: CredentialKind, _scheme: Scheme) -> Option<HeaderRule> {
    Some(HeaderRule {
        name: "Authorization",
        scheme: None,
    })
}

/// A `pos_` input is an OAuth token whichever kind the caller passed.
fn kind_for(kind: CredentialKind, input: &str) -> CredentialKind {
    if input.starts_with(OAUTH_PREFIX) {
        CredentialKind::OAuthToken
    } else {
        kind
    }
}

fn check(kind: CredentialKind, input: &str) -> Check {
    if let Some(body) = input.strip_prefix(OAUTH_PREFIX) {
        let mut warnings = check_body(
            body,
            is_token68,
            "token characters (A-Z a-z 0-9 - . _ ~ + / =)",
        )?;
        if body.len() != 40 || !body.bytes().all(|c| c.is_ascii_alphanumeric()) {
            warnings.push(warn(
                WarningCode::UnusualFormat,
                "Postiz OAuth tokens are pos_ followed by 40 letters and digits; this one differs",
            ));
        }
        return Ok(warnings);
    }
    if kind == CredentialKind::OAuthToken {
        return Err(refuse(
            Code::WrongPrefix,
            "Postiz OAuth tokens start with \"pos_\"; pass an API key as kind \"api_key\"",
        ));
    }
    if crate::validate::detect(input).is_some() {
        return Err(wrong_prefix_because(
            &KEYS,
            "Postiz API keys have no prefix (64 lowercase hex characters)".into(),
            input,
        ));
    }
    let mut warnings = check_body(
        input,
        is_token68,
        "token characters (A-Z a-z 0-9 - . _ ~ + / =)",
    )?;
    if input.len() != 64
        || !input
            .bytes()
            .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
    {
        warnings.push(warn(
            WarningCode::UnusualFormat,
            "Postiz generates API keys of 64 lowercase hex characters; this one differs",
        ));
    }
    Ok(warnings)
}

fn redact_prefix(input: &str) -> Option<&'static str> {
    input.starts_with(OAUTH_PREFIX).then_some(OAUTH_PREFIX)
}
