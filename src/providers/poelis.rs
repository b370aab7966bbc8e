//! Poelis: `Authorization: Bearer poelis_api_…`, organization-scoped keys.

use super::{
    endpoint, is_base64url, no_facts, same_kind, CredentialKind, Endpoint, ErrorStyle, HeaderRule,
    Provider, ProviderId, Scheme, Scoping, BEARER,
};
#[cfg(not(target_arch = "wasm32"))]
use super::{Helper, TypeDef};
use crate::validate::{check_body, warn, wrong_prefix, Check, WarningCode};

const PREFIX: &str = "poelis_api_";

pub(super) static PROVIDER: Provider = Provider {
    kind: ProviderId::Poelis,
    id: "poelis",
    name: "Poelis",
    base_url: "https://api.poelis.com/v1/public",
    mcp_url: None,
    self_hosted_suffix: None,
    env_key: "POELIS_API_KEY",
    env_base_url: Some("POELIS_BASE_URL"),
    env_workspace: None,
    api_key_prefix: Some(PREFIX),
    oauth_prefix: None,
    kinds: &[CredentialKind::ApiKey],
    header,
    check,
    kind_for: same_kind,
    redact_prefix,
    facts: no_facts,
    endpoints: &[Endpoint {
        #[cfg(not(target_arch = "wasm32"))]
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
        workspace_header: None,
        workspace_paths: &[],
        full_access_only: &[],
    },
};

fn header(_kind: CredentialKind, _scheme: Scheme) -> Option<HeaderRule> {
    Some(BEARER)
}

fn check(_kind: CredentialKind, input: &str) -> Check {
    let Some(body) = input.strip_prefix(PREFIX) else {
        return Err(wrong_prefix(&PROVIDER, PREFIX, input));
    };
    let mut warnings = check_body(body, is_base64url, "base64url characters (A-Z a-z 0-9 - _)")?;
    if !(40..=60).contains(&input.len()) {
        warnings.push(warn(
            WarningCode::UnusualLength,
            format!(
                "Poelis keys are typically 40-60 characters long; this one has {}",
                input.len()
            ),
        ));
    }
    Ok(warnings)
}

fn redact_prefix(input: &str) -> Option<&'static str> {
    input.starts_with(PREFIX).then_some(PREFIX)
}
