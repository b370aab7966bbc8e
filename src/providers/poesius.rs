//! Poesius: `X-API-Key: pk_…`, or `Authorization: Bearer` with a JWT or an OAuth 2.1 token.

use super::{
    is_token68, no_facts, same_kind, CredentialKind, Endpoint, EndpointBody, ErrorStyle,
    HeaderRule, Provider, ProviderId, Scheme, Scoping, BEARER,
};
use crate::validate::{check_body, check_jwt, refuse, Check, Code};

pub(super) static PROVIDER: Provider = Provider {
    kind: ProviderId::Poesius,
    id: "poesius",
    name: "Poesius",
    base_url: "https://poe.poesius.com/api/v1",
    mcp_url: Some("https://poe.poesius.com/api/v1/mcp"),
    self_hosted_suffix: None,
    env_key: "POESIUS_API_KEY",
    env_base_url: None,
    env_workspace: None,
    api_key_prefix: Some("pk_"),
    oauth_prefix: None,
    kinds: &[
        CredentialKind::ApiKey,
        CredentialKind::Jwt,
        CredentialKind::OAuthToken,
    ],
    header,
    check,
    kind_for: same_kind,
    redact_prefix,
    facts: no_facts,
    endpoints: &[
        Endpoint {
            name: "generateFromDoc",
            method: "POST",
            path: "/slides/generate-from-doc",
            body: EndpointBody::Multipart("document"),
            needs_kind: None,
        },
        Endpoint {
            name: "listPresentations",
            method: "GET",
            path: "/presentations",
            body: EndpointBody::None,
            needs_kind: None,
        },
        Endpoint {
            name: "createApiKey",
            method: "POST",
            path: "/api-keys/",
            body: EndpointBody::Json,
            needs_kind: Some(CredentialKind::Jwt),
        },
        Endpoint {
            name: "mcpCall",
            method: "POST",
            path: "/mcp",
            body: EndpointBody::Json,
            needs_kind: None,
        },
    ],
    error_style: ErrorStyle::Detail,
    scoping: Scoping {
        workspace_header: None,
        workspace_paths: &[],
        full_access_only: &[],
    },
    earlier_key_prefixes: &[],
};

fn header(kind: CredentialKind, _scheme: Scheme) -> Option<HeaderRule> {
    Some(match kind {
        CredentialKind::ApiKey => HeaderRule {
            name: "X-API-Key",
            scheme: None,
        },
        CredentialKind::Jwt | CredentialKind::OAuthToken => BEARER,
    })
}

fn check(kind: CredentialKind, input: &str) -> Check {
    match kind {
        CredentialKind::ApiKey => match input.strip_prefix("pk_") {
            Some(body) => check_body(body, is_token68, "token characters (A-Z a-z 0-9 - _ . ~ + / =)"),
            None if input.starts_with("eyJ") && input.matches('.').count() == 2 => Err(refuse(
                Code::WrongPrefix,
                "Poesius API keys start with \"pk_\"; this looks like a JWT: pass it as kind \"jwt\"",
            )),
            None => Err(crate::validate::wrong_prefix(&PROVIDER, "pk_", input)),
        },
        CredentialKind::Jwt => check_jwt(input),
        CredentialKind::OAuthToken => {
            if input.starts_with("pk_") {
                return Err(refuse(
                    Code::WrongPrefix,
                    "this is a Poesius API key (pk_), not an OAuth token: pass it as kind \"api_key\"",
                ));
            }
            check_body(input, is_token68, "token68 characters (A-Z a-z 0-9 - . _ ~ + / =)")
        }
    }
}

fn redact_prefix(input: &str) -> Option<&'static str> {
    input.starts_with("pk_").then_some("pk_")
}
