//! Poesius: `X-API-Key: pk_…`, or `Authorization: Bearer` with a JWT or an OAuth 2.1 token.

use super::ClientRules;
use super::{
    endpoint, is_token68, no_facts, same_kind, CredentialKind, Endpoint, EndpointBody, ErrorMatch,
    ErrorStyle, HeaderRule, KeyRules, Provider, ProviderId, Scheme, Scoping, BEARER,
};
#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
use super::{Coerce, Helper, Param, To, FILENAME, FILE_TS};
#[cfg(not(target_arch = "wasm32"))]
use super::TypeDef;
use crate::validate::{check_body, check_jwt, refuse, Check, Code};

/// Its place in the registry's `ALL` (the order of SPEC's provider table); scripts/gen.mjs
/// writes src/providers/registry.rs from the provider files in this order.
pub(super) const ORDER: usize = 0;

/// What key handling reads of Poesius (validation, detection, redaction, headers): all that
/// `keygate/validate`'s wasm links of this file.
pub(super) static KEYS: KeyRules = KeyRules {
    kind: ProviderId::Poesius,
    id: "poesius",
    name: "Poesius",
    env_key: "POESIUS_API_KEY",
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
    workspace_header: None,
    earlier_key_prefixes: &[],
};

/// Poesius: slides from documents (REST + MCP).
pub(super) static PROVIDER: Provider = Provider {
    keys: &KEYS,
    kind: KEYS.kind,
    id: KEYS.id,
    name: KEYS.name,
    base_url: "https://poe.poesius.com/api/v1",
    mcp_url: Some("https://poe.poesius.com/api/v1/mcp"),
    self_hosted_suffix: None,
    env_base_url: None,
    env_workspace: None,
    endpoints: &[
        Endpoint {
            body: EndpointBody::Multipart("document"),
            #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
            js: Helper {
                args: &[Param::new("document", FILE_TS, To::File("document.pdf")).required()],
                options: &[
                    Param::new("templateId", "string", To::Form("template_id")).checked(Coerce::Text),
                    Param::new("numSlides", "number", To::Form("num_slides")).checked(Coerce::Text),
                    FILENAME,
                ],
                result: "GeneratedPresentation",
                ..Helper::new("Generates a presentation from a document (PDF, DOCX, TXT or MD); spends a credit.")
            },
            ..endpoint("generateFromDoc", "POST", "/slides/generate-from-doc")
        },
        Endpoint {
            #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
            js: Helper {
                options: &[Param::new("limit", "number", To::Query("limit")).default("1")],
                live: true,
                result: "PresentationList",
                ..Helper::new("Lists presentations (`limit` defaults to 1: the documents' own key check).")
            },
            ..endpoint("listPresentations", "GET", "/presentations")
        },
        Endpoint {
            body: EndpointBody::Json,
            needs_kind: Some(CredentialKind::Jwt),
            #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
            js: Helper {
                options: &[
                    Param::new("name", "string", To::JsonField("name")).required(),
                    Param::new("description", "string", To::JsonField("description")),
                ],
                result: "ApiKeyCreated",
                ..Helper::new("Creates an API key (needs a JWT from the web app); the key is shown once.")
            },
            ..endpoint("createApiKey", "POST", "/api-keys/")
        },
        Endpoint {
            body: EndpointBody::Json,
            #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
            js: Helper {
                result: "McpResult",
                hand_written: true,
                ..Helper::new("Calls an MCP tool (JSON-RPC 2.0 `tools/call` at the MCP endpoint).")
            },
            ..endpoint("mcpCall", "POST", "/mcp")
        },
    ],
    #[cfg(not(target_arch = "wasm32"))]
    types: &[
        TypeDef {
            name: "Presentation",
            doc: "A presentation (`GET /presentations` items).",
            ts: "{ id: string; title: string; slide_count: number; template_id: string | null; status: string; url: string; created_at: string; source?: string }",
        },
        TypeDef {
            name: "PresentationList",
            doc: "`GET /presentations`: one page of presentations.",
            ts: "{ items: Presentation[]; total?: number; limit?: number; offset?: number }",
        },
        TypeDef {
            name: "GeneratedPresentation",
            doc: "`POST /slides/generate-from-doc`: the presentation made from the document.",
            ts: "{ presentation_id: string; status: string; slide_count: number; template_id: string | null; filename: string; size_bytes: number; content_type: string | null; url: string; credits_remaining: number }",
        },
        TypeDef {
            name: "ApiKeyCreated",
            doc: "`POST /api-keys/`: the new key, shown once.",
            ts: "{ id: string; name: string; key: string; description: string | null; is_active: boolean; created_at: string }",
        },
        TypeDef {
            name: "McpResult",
            doc: "An MCP `tools/call` result (`requires_template` is a result, not an error).",
            ts: "{ content?: Array<{ type: string; text?: string }>; isError?: boolean; structuredContent?: { [key: string]: unknown }; [key: string]: unknown }",
        },
    ],
    error_style: ErrorStyle::Detail,
    scoping: Scoping {
        workspace_paths: &[],
        full_access_only: &[],
    },
    // X-RateLimit-Reset: nothing documented: Unix seconds or seconds until, by size.
    rate_limit_reset: crate::ratelimit::ResetStyle::Auto,
    graphql_path: None,
};

/// No 401 means a missing subscription (providers.md lists none).
pub(super) const SUBSCRIPTION_401: Option<&str> = None;

/// What only a client's loop reads (key rotation, the pacer): kept out of [`PROVIDER`] so the npm
/// wasm, which reads neither, does not carry it.
pub(super) static RULES: ClientRules = ClientRules {
    // providers.md (Poesius errors): bad key `Invalid API key…`, revoked `API key has been revoked`
    // (`detail`).
    revoked_key_401: &[
        ErrorMatch::MessageStart("Invalid API key"),
        ErrorMatch::MessageStart("API key has been revoked"),
    ],
    // providers.md documents no figure: paced by the server's headers alone.
    rate_limit: None,
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
            None if input.starts_with("eyJ") && input.bytes().filter(|&b| b == b'.').count() == 2 => Err(refuse(
                Code::WrongPrefix,
                "Poesius API keys start with \"pk_\"; this looks like a JWT: pass it as kind \"jwt\"",
            )),
            None => Err(crate::validate::wrong_prefix(&KEYS, "pk_", input)),
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
