//! `plan`: arbitrary base URLs, MCP URLs, methods, paths, query pairs, header pairs, idempotency
//! keys and workspace ids through `Config::new` and `plan`.
//!
//! Input, cut at 0xFF bytes: `control, base URL, method, path, idempotency key, workspace id,
//! MCP URL, extra...`; empty strings mean "not given". `control` bytes: credential (one valid
//! credential of each provider and kind), flags (bit 0 MCP target, bits 1-2 body, bit 3 Bearer,
//! bit 4 draft-only key, bit 5 allowInsecureHttp, bit 6 browser window, bit 7
//! dangerouslyAllowBrowser), endpoint helper, timeout, retries. Each extra field is a query pair
//! `qKEY=VALUE` or a header `hName:value` (one leading space of the value dropped).
//! Asserts: no panic; a planned URL starts with the configured base URL, stays on its origin (by an
//! independent parse), has no dot or empty segments, fragment, backslash or invisible byte; headers
//! are tokens with visible-ASCII values; exactly one auth header; debug output and errors never
//! show the credential; `Config::scrub` output is clean; configured base URLs re-parse to
//! themselves.
#![no_main]

use keygate::{
    plan, Body, Config, Credential, KeyType, Options, RequestSpec, Scheme, Target, PROVIDERS,
};
use keygate_fuzz::{
    dot_segment, origin_of, path_of, secret_part, text, token, visible, CREDENTIALS,
};
use libfuzzer_sys::fuzz_target;

fn endpoint_names() -> Vec<&'static str> {
    PROVIDERS
        .iter()
        .flat_map(|p| p.endpoints.iter().map(|e| e.name))
        .chain(["noSuchHelper"])
        .collect()
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn number(b: u8) -> Option<f64> {
    match b {
        0 => None,
        1 => Some(f64::NAN),
        2 => Some(-1.0),
        3 => Some(0.5),
        4 => Some(1e300),
        5 => Some(f64::INFINITY),
        n => Some(f64::from(n - 6)),
    }
}

fuzz_target!(|data: &[u8]| {
    let parts: Vec<&[u8]> = data.split(|b| *b == keygate_fuzz::SEP).collect();
    let f: Vec<String> = (0..8)
        .map(|i| parts.get(i).map_or_else(String::new, |p| text(p)))
        .collect();
    let extras: Vec<String> = parts.iter().skip(7).map(|p| text(p)).collect();
    let ctl = parts[0];
    let c = |i: usize| ctl.get(i).copied().unwrap_or(0);
    let (provider, kind, key) = CREDENTIALS[usize::from(c(0)) % CREDENTIALS.len()];
    let flags = c(1);
    let names = endpoint_names();
    let endpoint = names.get(usize::from(c(2))).copied();

    let credential = Credential::new_at(provider, kind, key, None).expect("valid fuzz credential");
    let secret = secret_part(key).expect("credentials have a secret part");
    // The fuzzer may put the credential into a path or header itself: then it is no leak.
    let mentions_secret = text(data).contains(secret);

    let opts = Options {
        scheme: if flags & 8 != 0 {
            Scheme::Bearer
        } else {
            Scheme::Default
        },
        workspace_id: opt(&f[5]),
        key_type: if flags & 16 != 0 {
            KeyType::ReadDraft
        } else {
            KeyType::ReadWrite
        },
        base_url: opt(&f[1]),
        mcp_url: opt(&f[6]),
        allow_insecure_http: flags & 32 != 0,
        // Through the core's JS-number rules (out-of-range numbers are no option at all).
        timeout: number(c(3))
            .map(|n| if n >= 0.0 { n * 1000.0 } else { n })
            .and_then(|n| keygate::input::timeout_from_ms(n).ok()),
        max_retries: number(c(4)).and_then(|n| keygate::input::retries_from_number(n).ok()),
        max_response_bytes: None,
        browser_window: flags & 64 != 0,
        dangerously_allow_browser: flags & 128 != 0,
    };
    let config = match Config::new(credential, opts) {
        Ok(config) => config,
        Err(e) => {
            let dump = format!("{} {:?}", e, e);
            assert!(
                mentions_secret || !dump.contains(secret),
                "config error leaks: {}",
                dump
            );
            return;
        }
    };

    // The configuration itself: base URLs re-parse to the same origin and path.
    for b in [Some(&config.base_url), config.mcp_url.as_ref()]
        .into_iter()
        .flatten()
    {
        match keygate::BaseUrl::parse(&b.as_string()) {
            Ok(again) => assert_eq!((again.origin(), again.path()), (b.origin(), b.path())),
            Err(why) => panic!("base URL {:?} does not re-parse: {}", b.as_string(), why),
        }
        assert!(
            b.is_https() || b.is_loopback() || flags & 32 != 0,
            "insecure {:?}",
            b
        );
        let o = origin_of(&b.origin()).expect("origin parses");
        assert_eq!(origin_of(&b.as_string()), Some(o));
    }

    // scrub: the credential never survives, the output is clean.
    for t in [f[3].clone(), format!("{} {} {}", f[3], key, f[7])] {
        let s = config.sanitize(&t);
        assert!(!s.contains(key), "scrub kept the credential: {:?}", s);
        // Only the whole credential is replaced: its secret part alone, typed by the fuzzer into
        // the text, may stay.
        assert!(
            mentions_secret || !s.contains(secret),
            "scrub kept the secret: {:?}",
            s
        );
        assert!(s.chars().count() <= 301, "scrub output too long");
        assert!(
            !s.contains(['\r', '\n', '\0']),
            "scrub output has CR/LF/NUL: {:?}",
            s
        );
    }

    let mut query = Vec::new();
    let mut headers = Vec::new();
    for extra in &extras {
        if let Some(q) = extra.strip_prefix('q') {
            let (k, v) = q.split_once('=').unwrap_or((q, ""));
            query.push((k.to_string(), v.to_string()));
        } else if let Some(h) = extra.strip_prefix('h') {
            let (n, v) = h.split_once(':').unwrap_or((h, ""));
            headers.push((n.to_string(), v.strip_prefix(' ').unwrap_or(v).to_string()));
        }
    }
    let req = RequestSpec {
        method: f[2].clone(),
        path: f[3].clone(),
        query,
        body: match (flags >> 1) & 3 {
            1 => Body::Json,
            2 => Body::Raw,
            _ => Body::None,
        },
        headers,
        idempotency_key: opt(&f[4]),
        target: match (flags & 1, (flags >> 3) & 1) {
            (1, _) => Target::Mcp,
            (0, 1) => Target::Graphql,
            _ => Target::Rest,
        },
        endpoint,
        ..Default::default()
    };

    let planned = match plan(&config, &req) {
        Ok(p) => p,
        Err(e) => {
            let dump = format!("{} {:?}", e, e);
            assert!(
                mentions_secret || !dump.contains(secret),
                "plan error leaks: {}",
                dump
            );
            return;
        }
    };

    // Method.
    assert_eq!(planned.method, req.method.to_ascii_uppercase());

    // URL: under the base URL, on its origin.
    let base = match req.target {
        Target::Mcp => config
            .mcp_url
            .as_ref()
            .expect("planned for MCP, so there is one"),
        Target::Graphql => config
            .graphql_url
            .as_ref()
            .expect("planned for GraphQL, so there is one"),
        Target::Rest => &config.base_url,
    };
    let base_str = base.as_string();
    let url = &planned.url;
    let rest = url
        .strip_prefix(&base_str)
        .unwrap_or_else(|| panic!("{:?} is not under {:?}", url, base_str));
    assert!(
        rest.is_empty() || rest.starts_with(['/', '?']),
        "{:?} leaves {:?}",
        url,
        base_str
    );
    assert_eq!(planned.origin, base.origin());
    assert_eq!(planned.origin, config.origin(req.target));
    assert_eq!(
        origin_of(url),
        origin_of(&planned.origin),
        "{:?} is off {:?}",
        url,
        planned.origin
    );
    assert!(url.bytes().all(|b| b.is_ascii_graphic()), "{:?}", url);
    assert!(!url.contains(['#', '\\']), "{:?}", url);
    let path = path_of(url);
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    for (i, s) in segs.iter().enumerate() {
        assert!(!dot_segment(s), "dot segment in {:?}", url);
        assert!(
            !s.is_empty() || i + 1 == segs.len(),
            "empty segment in {:?}",
            url
        );
    }
    let no_query = url.split(['?', '#']).next().unwrap_or("");
    let reparsed = keygate::BaseUrl::parse(no_query.trim_end_matches('/'))
        .unwrap_or_else(|why| panic!("planned URL {:?} does not parse: {}", url, why));
    assert_eq!(reparsed.origin(), planned.origin);

    // Headers.
    let rule = (provider.keys().header)(kind, config.scheme).expect("a rule");
    let count = |name: &str| {
        planned
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .count()
    };
    for h in &planned.headers {
        let v = h.value.as_str();
        assert!(token(&h.name), "header name {:?}", h.name);
        assert!(
            !v.is_empty() && visible(v) && !v.contains(['\r', '\n', '\0']),
            "{:?}: {:?}",
            h.name,
            v
        );
    }
    assert_eq!(count(rule.name), 1, "{:?}", planned.headers);
    for managed in [
        "authorization",
        "x-api-key",
        "x-workspace-id",
        "idempotency-key",
        "host",
        "cookie",
    ] {
        assert!(
            count(managed) <= 1,
            "{} twice: {:?}",
            managed,
            planned.headers
        );
    }
    let ws_header = provider.keys().workspace_header;
    assert_eq!(
        count("x-workspace-id"),
        usize::from(ws_header.is_some() && config.workspace_id.is_some())
    );
    assert_eq!(
        planned.idempotent,
        matches!(
            planned.method,
            "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE"
        ) || req.idempotency_key.is_some()
    );

    // Nothing shows the credential.
    let dump = format!("{:?} {:?}", planned, config);
    assert!(
        mentions_secret || !dump.contains(secret),
        "debug output leaks: {}",
        dump
    );
});
