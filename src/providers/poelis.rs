//! Poelis: `Authorization: Bearer poelis_api_…`, organization-scoped keys.

use super::ClientRules;
use super::{
    endpoint, is_base64url, no_facts, same_kind, CredentialKind, Endpoint, ErrorMatch, ErrorStyle,
    HeaderRule, KeyRules, Provider, ProviderId, RateLimitPolicy, RateLimitSeed, Scheme, Scoping, BEARER,
};
#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
use super::Helper;
#[cfg(not(target_arch = "wasm32"))]
use super::TypeDef;
use crate::decimal::{decimal_str, fill};
use crate::validate::{check_body, warn, wrong_prefix, Check, WarningCode};

const PREFIX: &str = "poelis_api_";
/// The format the official SDK's README and tests show (`poelis_live_…`); the authentication page
/// documents `poelis_api_…`. The server may accept either, so neither is refused.
const EARLIER_PREFIX: &str = "poelis_live_";

/// Its place in the registry's `ALL` (the order of SPEC's provider table); scripts/gen.mjs
/// writes src/providers/registry.rs from the provider files in this order.
pub(super) const ORDER: usize = 1;

/// What key handling reads of Poelis (validation, detection, redaction, headers): all that
/// `keygate/validate`'s wasm links of this file.
pub(super) static KEYS: KeyRules = KeyRules {
    kind: ProviderId::Poelis,
    id: "poelis",
    name: "Poelis",
    env_key: "POELIS_API_KEY",
    api_key_prefix: Some(PREFIX),
    oauth_prefix: None,
    kinds: &[CredentialKind::ApiKey],
    header,
    check,
    kind_for: same_kind,
    redact_prefix,
    facts: no_facts,
    workspace_header: None,
    earlier_key_prefixes: &[EARLIER_PREFIX],
};

/// Poelis: engineering product data (REST).
pub(super) static PROVIDER: Provider = Provider {
    keys: &KEYS,
    kind: KEYS.kind,
    id: KEYS.id,
    name: KEYS.name,
    base_url: "https://api.poelis.com/v1/public",
    mcp_url: None,
    // The official SDK's POELIS_BASE_URL is the host root; REST lives under `/v1/public`.
    self_hosted_suffix: Some("/v1/public"),
    env_base_url: Some("POELIS_BASE_URL"),
    env_workspace: None,
    endpoints: &[Endpoint {
        #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
        js: Helper {
            live: true,
            result: "WorkspaceList",
            ..Helper::new("Lists the organization's workspaces.")
        },
        ..endpoint("listWorkspaces", "GET", "/workspaces")
    }],
    #[cfg(not(target_arch = "wasm32"))]
    types: &[
        TypeDef {
            name: "Workspace",
            doc: "A workspace of the key's organization.",
            ts: "{ id: string; name: string; orgId?: string; readableId?: string }",
        },
        TypeDef {
            name: "WorkspaceList",
            doc: "`GET /workspaces` (Poelis list responses are `{items, count}`).",
            ts: "{ items: Workspace[]; count: number }",
        },
    ],
    error_style: ErrorStyle::CodeMessage,
    scoping: Scoping {
        workspace_paths: &[],
        full_access_only: &[],
    },
    // X-RateLimit-Reset: Unix seconds, as a string (docs).
    rate_limit_reset: crate::ratelimit::ResetStyle::UnixSeconds,
    // The official SDK's endpoint: POST {host}/v1/graphql (poelis_sdk/_transport.py).
    graphql_path: Some("/v1/graphql"),
};

/// No 401 means a missing subscription (providers.md lists none).
pub(super) const SUBSCRIPTION_401: Option<&str> = None;

/// What only a client's loop reads (key rotation, the pacer): kept out of [`PROVIDER`] so the npm
/// wasm, which reads neither, does not carry it.
pub(super) static RULES: ClientRules = ClientRules {
    // providers.md (Poelis error codes): code `unauthorized` (`Invalid or missing API key`).
    revoked_key_401: &[ErrorMatch::Code("unauthorized")],
    // providers.md (Poelis): 60 requests per minute per organization, burst 10.
    rate_limit: Some(RateLimitPolicy {
        hosted: RateLimitSeed {
            limit: 60,
            window_ms: 60_000,
            burst: Some(10),
        },
        self_hosted: None,
        only: None,
        scope_suffix: None,
    }),
};

fn header(_kind: CredentialKind, _scheme: Scheme) -> Option<HeaderRule> {
    Some(BEARER)
}

fn check(_kind: CredentialKind, input: &str) -> Check {
    let (body, earlier) = match (
        input.strip_prefix(PREFIX),
        input.strip_prefix(EARLIER_PREFIX),
    ) {
        (Some(body), _) => (body, false),
        (None, Some(body)) => (body, true),
        (None, None) => return Err(wrong_prefix(&KEYS, PREFIX, input)),
    };
    let mut warnings = check_body(body, is_base64url, "base64url characters (A-Z a-z 0-9 - _)")?;
    if earlier {
        warnings.push(warn(
            WarningCode::EarlierFormat,
            fill(
                "an earlier format (\"{}\", as in the Poelis SDK examples); the authentication page documents \"{}\" keys",
                &[EARLIER_PREFIX, PREFIX],
            ),
        ));
    }
    if !(40..=60).contains(&input.len()) {
        warnings.push(warn(
            WarningCode::UnusualLength,
            fill(
                "Poelis keys are typically 40-60 characters long; this one has {}",
                &[decimal_str(input.len() as u64, &mut [0; 20])],
            ),
        ));
    }
    Ok(warnings)
}

fn redact_prefix(input: &str) -> Option<&'static str> {
    [PREFIX, EARLIER_PREFIX]
        .into_iter()
        .find(|prefix| input.starts_with(prefix))
}
