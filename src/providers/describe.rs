//! The whole provider description as JSON text: what `scripts/gen.mjs` generates the JS helpers,
//! the per-provider TypeScript types, `doctor --live`'s checks and the provider lists from.
//!
//! A superset of the wasm export `providerInfo()` (same field names for the shared fields), written
//! by hand (no serde): string values escaped, absent optional fields left out. On `wasm32` the
//! JS-only parts of the description are not compiled in (the npm wasm must not grow), and the
//! output is exactly `providerInfo()`'s: `id`, `name`, `baseUrl`, `mcpUrl`?, `envApiKey`,
//! `envBaseUrl`?, `envWorkspaceId`?, `kinds` and `endpoints` (`name`, `method`, `path`).

#[cfg(not(target_arch = "wasm32"))]
use super::{Coerce, EndpointBody, Param, To};
use super::{Provider, ALL};

/// The description of every provider, in [`ALL`]'s order, as one JSON array.
///
/// Native builds (on `wasm32`, only the `providerInfo()` fields: see the module doc). Each provider: `id`, `name`, `baseUrl`, `mcpUrl`?, `envApiKey`, `envBaseUrl`?,
/// `envWorkspaceId`?, `kinds`, `apiKeyPrefix`?, `oauthPrefix`?, `selfHostedSuffix`?,
/// `workspaceHeader`?, `types` (`{name, doc, ts}`) and `endpoints`. Each endpoint: `name`,
/// `method`, `path`, `body` (`none`, `json`, `multipart`), `fileField`?, `needsKind`?,
/// `workspace`, `fullAccess`, `live`, `handWritten`, `doc`, `result`, `args` and `options`. Each
/// argument or option: `name`, `ts`, `to` (`path`, `query`, `form`, `json`, `body`, `file`,
/// `filename`, `idempotencyKey`), `field`? (the wire name, or a file's fallback name), `check`
/// (`raw`, `text`, `string`, `nonEmpty`), `required`, `default`? (a JS literal).
///
/// ```
/// let json = keygate::providers_json();
/// assert!(json.starts_with("[{\"id\":\"poesius\""));
/// assert!(json.contains("\"name\":\"publishPost\""));
/// ```
pub fn providers_json() -> String {
    let mut out = String::with_capacity(8192);
    out.push('[');
    for (i, p) in ALL.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        provider(&mut out, p);
    }
    out.push(']');
    out
}

fn provider(out: &mut String, p: &Provider) {
    out.push('{');
    fields(
        out,
        &[
            ("id", Some(p.id)),
            ("name", Some(p.name)),
            ("baseUrl", Some(p.base_url)),
            ("mcpUrl", p.mcp_url),
            ("graphqlPath", p.graphql_path),
            ("envApiKey", Some(p.keys.env_key)),
            ("envBaseUrl", p.env_base_url),
            ("envWorkspaceId", p.env_workspace),
        ],
    );
    out.push_str(",\"kinds\":[");
    for (j, k) in p.keys.kinds.iter().enumerate() {
        if j > 0 {
            out.push(',');
        }
        string(out, k.as_str());
    }
    out.push(']');
    #[cfg(not(target_arch = "wasm32"))]
    js_provider(out, p);
    out.push_str(",\"endpoints\":[");
    for (j, e) in p.endpoints.iter().enumerate() {
        out.push_str(if j == 0 { "{" } else { ",{" });
        fields(
            out,
            &[
                ("name", Some(e.name)),
                ("method", Some(e.method)),
                ("path", Some(e.path)),
            ],
        );
        #[cfg(not(target_arch = "wasm32"))]
        js_endpoint(out, p, e);
        out.push('}');
    }
    out.push_str("]}");
}

/// The provider fields only the generator reads.
#[cfg(not(target_arch = "wasm32"))]
fn js_provider(out: &mut String, p: &Provider) {
    fields(
        out,
        &[
            ("apiKeyPrefix", p.keys.api_key_prefix),
            ("oauthPrefix", p.keys.oauth_prefix),
            ("selfHostedSuffix", p.self_hosted_suffix),
            ("workspaceHeader", p.keys.workspace_header),
        ],
    );
    out.push_str(",\"types\":[");
    for (j, t) in p.types.iter().enumerate() {
        out.push_str(if j == 0 { "{" } else { ",{" });
        fields(
            out,
            &[
                ("name", Some(t.name)),
                ("doc", Some(t.doc)),
                ("ts", Some(t.ts)),
            ],
        );
        out.push('}');
    }
    out.push(']');
}

/// The endpoint fields only the generator reads.
#[cfg(not(target_arch = "wasm32"))]
fn js_endpoint(out: &mut String, p: &Provider, e: &super::Endpoint) {
    let (body, file_field) = match e.body {
        EndpointBody::None => ("none", None),
        EndpointBody::Json => ("json", None),
        EndpointBody::Multipart(f) => ("multipart", Some(f)),
    };
    fields(
        out,
        &[
            ("body", Some(body)),
            ("fileField", file_field),
            ("needsKind", e.needs_kind.map(|k| k.as_str())),
        ],
    );
    flag(out, "workspace", p.needs_workspace(e));
    flag(out, "fullAccess", p.needs_full_access(e));
    flag(out, "live", e.js.live);
    flag(out, "handWritten", e.js.hand_written);
    fields(
        out,
        &[("doc", Some(e.js.doc)), ("result", Some(e.js.result))],
    );
    params(out, "args", e.js.args);
    params(out, "options", e.js.options);
}

#[cfg(not(target_arch = "wasm32"))]
fn params(out: &mut String, key: &str, list: &[Param]) {
    out.push(',');
    string(out, key);
    out.push_str(":[");
    for (i, a) in list.iter().enumerate() {
        out.push_str(if i == 0 { "{" } else { ",{" });
        let (to, field) = match a.to {
            To::Path => ("path", None),
            To::Query(f) => ("query", Some(f)),
            To::Form(f) => ("form", Some(f)),
            To::JsonField(f) => ("json", Some(f)),
            To::JsonBody => ("body", None),
            To::File(fallback) => ("file", Some(fallback)),
            To::FileName => ("filename", None),
            To::IdempotencyKey => ("idempotencyKey", None),
        };
        let check = match a.check {
            Coerce::Raw => "raw",
            Coerce::Text => "text",
            Coerce::Str => "string",
            Coerce::NonEmpty => "nonEmpty",
        };
        fields(
            out,
            &[
                ("name", Some(a.name)),
                ("ts", Some(a.ts)),
                ("to", Some(to)),
                ("field", field),
                ("check", Some(check)),
            ],
        );
        flag(out, "required", a.required);
        fields(out, &[("default", a.default)]);
        out.push('}');
    }
    out.push(']');
}

#[cfg(not(target_arch = "wasm32"))]
fn flag(out: &mut String, key: &str, v: bool) {
    out.push(',');
    string(out, key);
    out.push_str(if v { ":true" } else { ":false" });
}

/// Appends `"key":"value"` pairs (`None` left out) to an open JSON object.
fn fields(out: &mut String, list: &[(&str, Option<&str>)]) {
    for (k, v) in list {
        if let Some(v) = v {
            if !out.ends_with('{') {
                out.push(',');
            }
            string(out, k);
            out.push(':');
            string(out, v);
        }
    }
}

/// A JSON string: quotes and backslashes escaped, control characters as spaces (as `providerInfo()`).
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_and_type_is_described() {
        let json = providers_json();
        for p in ALL {
            assert!(json.contains(&format!("\"id\":\"{}\"", p.id)));
            for e in p.endpoints {
                assert!(json.contains(&format!("\"name\":\"{}\"", e.name)));
            }
        }
        assert!(json.contains("\"name\":\"publishPost\",\"method\":\"POST\",\"path\":\"/posts/{id}/publish\",\"body\":\"none\",\"workspace\":true,\"fullAccess\":true"));
        assert!(json.contains("\"name\":\"getCredits\",\"method\":\"GET\",\"path\":\"/account/credits\",\"body\":\"none\",\"workspace\":false"));
    }

    #[test]
    fn one_live_check_per_provider_and_results_name_known_types() {
        for p in ALL {
            assert_eq!(
                p.endpoints.iter().filter(|e| e.js.live).count(),
                1,
                "{}",
                p.id
            );
            for e in p.endpoints.iter().filter(|e| e.js.live) {
                assert!(e.js.args.is_empty() && e.js.options.iter().all(|o| !o.required));
            }
            for e in p.endpoints {
                assert!(
                    !e.js.doc.is_empty() && !e.js.result.contains("JsonObject"),
                    "{}",
                    e.name
                );
                let multipart = matches!(e.body, EndpointBody::Multipart(_));
                let files =
                    e.js.args
                        .iter()
                        .filter(|a| matches!(a.to, To::File(_)))
                        .count();
                assert_eq!(
                    files,
                    usize::from(multipart),
                    "{}: one file argument",
                    e.name
                );
                let path_args = e.js.args.iter().filter(|a| a.to == To::Path).count();
                assert_eq!(path_args, e.path.matches('{').count(), "{}", e.name);
            }
        }
    }

    #[test]
    fn strings_are_escaped() {
        let mut s = String::new();
        string(&mut s, "a\"b\\c\nd\u{1}");
        assert_eq!(s, "\"a\\\"b\\\\c d \"");
    }
}
