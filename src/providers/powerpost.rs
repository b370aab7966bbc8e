//! PowerPost: `pp_{env}_sk_{random}` keys in `x-api-key` (or `Authorization: Bearer`), with
//! `X-Workspace-Id` on content endpoints and draft-only keys that may not publish.

use super::ClientRules;
use super::{
    endpoint, is_base64url, same_kind, CredentialKind, Endpoint, ErrorMatch, ErrorStyle,
    HeaderRule, KeyRules, Provider, ProviderId, Scheme, Scoping, BEARER,
};
#[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
use super::{Coerce, Helper, Param, To, IDEMPOTENCY_KEY};
#[cfg(not(target_arch = "wasm32"))]
use super::TypeDef;
use crate::validate::{check_body, refuse, warn, wrong_prefix, Check, Code, KeyFacts, WarningCode};

/// Its place in the registry's `ALL` (the order of SPEC's provider table); scripts/gen.mjs
/// writes src/providers/registry.rs from the provider files in this order.
pub(super) const ORDER: usize = 2;

/// What key handling reads of PowerPost (validation, detection, redaction, headers): all that
/// `keygate/validate`'s wasm links of this file.
pub(super) static KEYS: KeyRules = KeyRules {
    kind: ProviderId::PowerPost,
    id: "powerpost",
    name: "PowerPost",
    env_key: "POWERPOST_API_KEY",
    api_key_prefix: Some("pp_"),
    oauth_prefix: None,
    kinds: &[CredentialKind::ApiKey],
    header,
    check,
    kind_for: same_kind,
    redact_prefix,
    facts,
    workspace_header: Some("X-Workspace-Id"),
    earlier_key_prefixes: &[],
};

/// PowerPost: AI social posts (REST).
pub(super) static PROVIDER: Provider = Provider {
    keys: &KEYS,
    kind: KEYS.kind,
    id: KEYS.id,
    name: KEYS.name,
    base_url: "https://powerpost.ai/api/v1",
    mcp_url: None,
    self_hosted_suffix: None,
    env_base_url: None,
    env_workspace: Some("POWERPOST_WORKSPACE_ID"),
    endpoints: &[
        Endpoint {
            #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
            js: Helper {
                live: true,
                result: "Credits",
                ..Helper::new("The account's credit balance (no workspace needed).")
            },
            ..endpoint("getCredits", "GET", "/account/credits")
        },
        Endpoint {
            #[cfg(any(not(target_arch = "wasm32"), feature = "serde"))]
            js: Helper {
                args: &[Param::new("id", "string", To::Path)
                    .checked(Coerce::NonEmpty)
                    .required()],
                options: &[IDEMPOTENCY_KEY],
                result: "Post",
                ..Helper::new("Publishes a post (needs a workspace id and a full-access key); spends a credit.")
            },
            ..endpoint("publishPost", "POST", "/posts/{id}/publish")
        },
    ],
    #[cfg(not(target_arch = "wasm32"))]
    types: &[
        TypeDef {
            name: "Credits",
            doc: "`GET /account/credits`.",
            ts: "{ balance: number }",
        },
        TypeDef {
            name: "Post",
            doc: "A post of the workspace.",
            ts: "{ id: string; status: \"draft\" | \"scheduled\" | \"published\" | (string & {}); workspace_id: string; content: string; platforms: string[]; media: unknown[]; created_at: string; published_at: string | null; [key: string]: unknown }",
        },
    ],
    error_style: ErrorStyle::NestedError,
    scoping: Scoping {
        workspace_paths: &["/content", "/images", "/posts", "/media"],
        full_access_only: &[("POST", "/posts/{id}/publish")],
    },
    // X-RateLimit-Reset: a Unix timestamp (docs).
    rate_limit_reset: crate::ratelimit::ResetStyle::UnixSeconds,
    graphql_path: None,
};

/// No 401 means a missing subscription (providers.md lists none).
pub(super) const SUBSCRIPTION_401: Option<&str> = None;

/// What only a client's loop reads (key rotation, the pacer): kept out of [`PROVIDER`] so the npm
/// wasm, which reads neither, does not carry it.
pub(super) static RULES: ClientRules = ClientRules {
    // providers.md (PowerPost errors): code `INVALID_API_KEY`.
    revoked_key_401: &[ErrorMatch::Code("INVALID_API_KEY")],
    // providers.md documents only the `X-RateLimit-*` headers, no figure.
    rate_limit: None,
};

fn header(_kind: CredentialKind, scheme: Scheme) -> Option<HeaderRule> {
    Some(match scheme {
        Scheme::Default => HeaderRule {
            name: "x-api-key",
            scheme: None,
        },
        Scheme::Bearer => BEARER,
    })
}

/// Splits `pp_{env}_{kind}_{random}` into its parts after the `pp_` prefix.
fn parts(input: &str) -> Option<(&str, Option<&str>, Option<&str>)> {
    let rest = input.strip_prefix("pp_")?;
    // As `rest.splitn(3, '_')`, by byte (`_` is ASCII, so no cut falls inside a character): the
    // char searcher that splitn takes is not linked into the validation wasm.
    fn cut(s: &str) -> (&str, Option<&str>) {
        match s.bytes().position(|b| b == b'_') {
            Some(i) => (s.get(..i).unwrap_or(s), s.get(i + 1..)),
            None => (s, None),
        }
    }
    let (env, rest) = cut(rest);
    let (part3, random) = match rest.map(cut) {
        Some((part3, random)) => (Some(part3), random),
        None => (None, None),
    };
    Some((env, part3, random))
}

fn check(_kind: CredentialKind, input: &str) -> Check {
    let Some((env, part3, random)) = parts(input) else {
        return Err(wrong_prefix(&KEYS, "pp_live_sk_", input));
    };
    if env != "live" && env != "test" {
        return Err(refuse(
            Code::BadEnv,
            "PowerPost keys look like pp_live_sk_…: the environment part must be \"live\" (or \"test\", reserved)",
        ));
    }
    if part3 != Some("sk") {
        return Err(refuse(
            Code::NotSecretKey,
            "PowerPost API keys are secret keys: pp_{env}_sk_{random}; this one has no \"sk\" part",
        ));
    }
    let mut warnings = check_body(
        random.unwrap_or(""),
        is_base64url,
        "base64url characters (A-Z a-z 0-9 - _)",
    )?;
    if env == "test" {
        warnings.push(warn(
            WarningCode::TestKey,
            "this is a PowerPost test key (pp_test_…): PowerPost reserves test keys for later; live calls may reject it",
        ));
    }
    Ok(warnings)
}

fn redact_prefix(input: &str) -> Option<&'static str> {
    match parts(input) {
        Some(("live", Some("sk"), Some(_))) => Some("pp_live_sk_"),
        Some(("test", Some("sk"), Some(_))) => Some("pp_test_sk_"),
        Some(_) => Some("pp_"),
        None => None,
    }
}

fn facts(input: &str) -> KeyFacts {
    KeyFacts {
        env: match parts(input) {
            Some(("live", ..)) => Some("live"),
            Some(("test", ..)) => Some("test"),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    /// `parts` splits as `splitn(3, '_')` did (the code it replaced, kept here as the oracle).
    #[test]
    fn parts_split_as_splitn_did() {
        for input in [
            "pp_live_sk_abc", "pp_live_sk_a_b_c", "pp_live", "pp_", "pp_live_", "pp__", "pp___",
            "pp_a_b", "pp_test_sk_", "pp_é_sk_ü_x", "pp_live_sk", "p_live_sk_x", "", "pp_🙂_🙂_🙂",
        ] {
            let want = input.strip_prefix("pp_").map(|rest| {
                let mut it = rest.splitn(3, '_');
                (it.next().unwrap_or(""), it.next(), it.next())
            });
            assert_eq!(super::parts(input), want, "{input:?}");
        }
    }
}
