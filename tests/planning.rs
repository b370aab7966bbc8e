//! SPEC §3 headers and §4 request planning: every refusal rule.

mod common;
use common::*;
use keygate::{
    build_headers, plan, Body, Config, CredentialKind as K, ErrorKind, KeyType, Options,
    ProviderId as P, RequestSpec, Scheme, Target,
};

fn config(p: P, key: &str, opts: Options) -> Config {
    Config::new(cred(p, K::ApiKey, key), opts).expect("config")
}

fn get(path: &str) -> RequestSpec {
    RequestSpec {
        method: "GET".into(),
        path: path.into(),
        ..Default::default()
    }
}

fn header_list(c: &keygate::Credential, scheme: Scheme, ws: Option<&str>) -> Vec<(String, String)> {
    build_headers(c, scheme, ws)
        .unwrap()
        .into_iter()
        .map(|h| (h.name.clone(), h.value.as_str().to_string()))
        .collect()
}

#[test]
fn headers_exactly_as_documented() {
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        header_list(
            &cred(P::Poesius, K::ApiKey, POESIUS_KEY),
            Scheme::Default,
            None
        ),
        vec![s("X-API-Key", POESIUS_KEY)]
    );
    let t = jwt(r#"{"sub":"x"}"#);
    assert_eq!(
        header_list(&cred(P::Poesius, K::Jwt, &t), Scheme::Default, None),
        vec![s("Authorization", &format!("Bearer {}", t))]
    );
    assert_eq!(
        header_list(
            &cred(P::Poesius, K::OAuthToken, "oauthTOKEN123"),
            Scheme::Default,
            None
        ),
        vec![s("Authorization", "Bearer oauthTOKEN123")]
    );
    assert_eq!(
        header_list(
            &cred(P::Poelis, K::ApiKey, POELIS_KEY),
            Scheme::Default,
            Some("ignored")
        ),
        vec![s("Authorization", &format!("Bearer {}", POELIS_KEY))]
    );
    let pp = cred(P::PowerPost, K::ApiKey, POWERPOST_KEY);
    assert_eq!(
        header_list(&pp, Scheme::Default, None),
        vec![s("x-api-key", POWERPOST_KEY)]
    );
    assert_eq!(
        header_list(&pp, Scheme::Bearer, Some("ws_123")),
        vec![
            s("Authorization", &format!("Bearer {}", POWERPOST_KEY)),
            s("X-Workspace-Id", "ws_123")
        ]
    );
    assert_eq!(
        header_list(
            &cred(P::Postiz, K::ApiKey, POSTIZ_KEY),
            Scheme::Bearer,
            None
        ),
        vec![s("Authorization", POSTIZ_KEY)]
    );
    assert_eq!(
        header_list(
            &cred(P::Postiz, K::ApiKey, POSTIZ_TOKEN),
            Scheme::Default,
            None
        ),
        vec![s("Authorization", POSTIZ_TOKEN)]
    );
}

#[test]
fn header_debug_is_redacted() {
    let pp = cred(P::PowerPost, K::ApiKey, POWERPOST_KEY);
    let h = build_headers(&pp, Scheme::Bearer, Some("ws_1")).unwrap();
    let dump = format!("{:?} {:?}", h, pp);
    assert!(!dump.contains(POWERPOST_KEY), "{}", dump);
    assert!(dump.contains("Bearer pp_live_sk_…i9J0"), "{}", dump);
}

#[test]
fn bad_workspace_id_is_refused() {
    let pp = cred(P::PowerPost, K::ApiKey, POWERPOST_KEY);
    for bad in ["", "ws 1", "ws\r\nX-Evil: 1", "ws\u{0}", "wsé"] {
        let e = build_headers(&pp, Scheme::Default, Some(bad)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config, "{:?}", bad);
        assert_eq!(e.code, "invalid_workspace_id");
    }
}

#[test]
fn credential_refuses_bad_keys_without_echo() {
    let bad = "pp_prod_sk_SECRETSECRET123";
    let e = keygate::Credential::new(P::PowerPost, K::ApiKey, bad).unwrap_err();
    assert_eq!(e.kind, ErrorKind::KeyFormat);
    assert_eq!(e.code, "bad_env");
    let text = format!("{} {:?}", e, e);
    assert!(!text.contains("SECRETSECRET"), "{}", text);
}

#[test]
fn joins_paths_under_the_base() {
    let c = config(P::Poelis, POELIS_KEY, Options::default());
    let p = plan(&c, &get("/workspaces")).unwrap();
    assert_eq!(p.url, "https://api.poelis.com/v1/public/workspaces");
    assert_eq!(p.method, "GET");
    assert!(p.idempotent);
    assert_eq!(plan(&c, &get("workspaces")).unwrap().url, p.url);
    let mut r = get("/workspaces?limit=1");
    r.query = vec![("q".into(), "a b&c".into())];
    assert_eq!(
        plan(&c, &r).unwrap().url,
        "https://api.poelis.com/v1/public/workspaces?limit=1&q=a%20b%26c"
    );
    assert_eq!(
        plan(&c, &get("")).unwrap().url,
        "https://api.poelis.com/v1/public"
    );
    let c = config(P::Poesius, POESIUS_KEY, Options::default());
    assert_eq!(
        plan(&c, &get("/api-keys/")).unwrap().url,
        "https://poe.poesius.com/api/v1/api-keys/"
    );
}

#[test]
fn refuses_paths_that_escape() {
    let c = config(P::Poelis, POELIS_KEY, Options::default());
    for bad in [
        "https://evil.example/x",
        "http:evil",
        "//evil.example/x",
        "/../admin",
        "/a/../../x",
        "/%2e%2e/x",
        "/%2E%2e/x",
        "/./x",
        "/a\\b",
        "\\\\evil",
        "/a%2fb",
        "/a%5cb",
        "/a b",
        "/a\r\nX: y",
        "/é",
        "/a#frag",
        "/a//b",
        "/a%zz",
        "javascript:alert(1)",
    ] {
        let e = plan(&c, &get(bad)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config, "{:?}", bad);
        assert_eq!(e.code, "invalid_path", "{:?}", bad);
    }
}

#[test]
fn https_only_except_loopback() {
    let opts = |u: &str| Options {
        base_url: Some(u.into()),
        ..Default::default()
    };
    let k = || cred(P::Poelis, K::ApiKey, POELIS_KEY);
    for ok in [
        "http://localhost:8787/poelis",
        "http://127.0.0.1:1/x",
        "http://127.255.0.9",
        "http://[::1]:80/a",
        "https://example.com/v1/",
    ] {
        assert!(Config::new(k(), opts(ok)).is_ok(), "{}", ok);
    }
    for (bad, code) in [
        ("http://example.com", "insecure_url"),
        ("http://128.0.0.1", "insecure_url"),
        ("http://localhost.evil.com", "insecure_url"),
        ("ftp://x", "invalid_base_url"),
        ("https://user:pw@example.com", "invalid_base_url"),
        ("https://example.com/?q=1", "invalid_base_url"),
        ("https://", "invalid_base_url"),
        ("https://exa mple.com", "invalid_base_url"),
        ("https://example.com:99999", "invalid_base_url"),
        ("https://example.com/a/../b", "invalid_base_url"),
        ("not a url", "invalid_base_url"),
    ] {
        let e = Config::new(k(), opts(bad)).unwrap_err();
        assert_eq!(
            (e.kind, e.code.as_str()),
            (ErrorKind::Config, code),
            "{}",
            bad
        );
    }
    let mut o = opts("http://example.com");
    o.allow_insecure_http = true;
    assert!(Config::new(k(), o).is_ok());
}

#[test]
fn bad_numbers_are_config_errors() {
    for (t, r) in [
        (Some(-1.0), None),
        (Some(f64::NAN), None),
        (Some(0.5), None),
        (None, Some(-1.0)),
        (None, Some(11.0)),
        (None, Some(f64::INFINITY)),
    ] {
        // The JS-number forms of the options go through the core's one rule for each.
        let e = match (t, r) {
            (Some(t), _) => keygate::input::timeout_from_ms(t).unwrap_err(),
            (_, Some(r)) => keygate::input::retries_from_number(r).unwrap_err(),
            _ => unreachable!(),
        };
        assert_eq!(
            (e.kind, e.code.as_str()),
            (ErrorKind::Config, "invalid_option")
        );
    }
    // The typed options: a zero or too long timeout, too many retries.
    for o in [
        Options {
            timeout: Some(std::time::Duration::ZERO),
            ..Default::default()
        },
        Options {
            timeout: Some(std::time::Duration::from_secs(601)),
            ..Default::default()
        },
        Options {
            max_retries: Some(11),
            ..Default::default()
        },
        Options {
            max_response_bytes: Some(0),
            ..Default::default()
        },
    ] {
        let e = Config::new(cred(P::Poelis, K::ApiKey, POELIS_KEY), o).unwrap_err();
        assert_eq!(e.code, "invalid_option");
    }
}

#[test]
fn postiz_self_hosted_base() {
    let url = |base: &str| {
        let c = config(
            P::Postiz,
            POSTIZ_KEY,
            Options {
                base_url: Some(base.into()),
                ..Default::default()
            },
        );
        plan(&c, &get("/integrations")).unwrap().url
    };
    assert_eq!(
        url("https://postiz.example.com/api"),
        "https://postiz.example.com/api/public/v1/integrations"
    );
    assert_eq!(
        url("https://postiz.example.com/api/"),
        "https://postiz.example.com/api/public/v1/integrations"
    );
    assert_eq!(
        url("https://api.postiz.com"),
        "https://api.postiz.com/public/v1/integrations"
    );
    assert_eq!(
        url("https://x.example/api/public/v1"),
        "https://x.example/api/public/v1/integrations"
    );
    let c = config(P::Postiz, POSTIZ_KEY, Options::default());
    assert_eq!(
        plan(&c, &get("/integrations")).unwrap().url,
        "https://api.postiz.com/public/v1/integrations"
    );
}

#[test]
fn poelis_base_url_is_the_host_root_as_the_sdk_takes_it() {
    let url = |base: &str| {
        let c = config(
            P::Poelis,
            POELIS_KEY,
            Options {
                base_url: Some(base.into()),
                ..Default::default()
            },
        );
        plan(&c, &get("/workspaces")).unwrap().url
    };
    // POELIS_BASE_URL as the official SDK reads it: the host root.
    assert_eq!(
        url("https://api.poelis.com"),
        "https://api.poelis.com/v1/public/workspaces"
    );
    assert_eq!(
        url("https://poelis.example/"),
        "https://poelis.example/v1/public/workspaces"
    );
    // A base already naming the REST root still works.
    assert_eq!(
        url("https://api.poelis.com/v1/public"),
        "https://api.poelis.com/v1/public/workspaces"
    );
    let c = config(P::Poelis, POELIS_KEY, Options::default());
    assert_eq!(
        plan(&c, &get("/workspaces")).unwrap().url,
        "https://api.poelis.com/v1/public/workspaces"
    );
}

#[test]
fn poelis_graphql_endpoint_is_under_the_host_root() {
    let gql = RequestSpec {
        method: "POST".into(),
        target: Target::Graphql,
        body: Body::Json,
        ..Default::default()
    };
    let url = |base: Option<&str>| {
        let c = config(
            P::Poelis,
            POELIS_KEY,
            Options {
                base_url: base.map(Into::into),
                ..Default::default()
            },
        );
        let p = plan(&c, &gql).unwrap();
        assert_eq!(p.method, "POST");
        assert!(p
            .headers
            .iter()
            .any(|h| h.name == "Authorization" && h.value.as_str().starts_with("Bearer ")));
        p.url
    };
    assert_eq!(url(None), "https://api.poelis.com/v1/graphql");
    // As the official SDK derives it from POELIS_BASE_URL, with or without a path prefix.
    assert_eq!(
        url(Some("https://api.poelis.com")),
        "https://api.poelis.com/v1/graphql"
    );
    assert_eq!(
        url(Some("http://127.0.0.1:9/poelis")),
        "http://127.0.0.1:9/poelis/v1/graphql"
    );
    assert_eq!(
        url(Some("http://127.0.0.1:9/poelis/v1/public")),
        "http://127.0.0.1:9/poelis/v1/graphql"
    );
    // Providers without a GraphQL endpoint refuse it locally.
    for (p, key) in [(P::Postiz, POSTIZ_KEY), (P::Poesius, POESIUS_KEY)] {
        let e = plan(&config(p, key, Options::default()), &gql).unwrap_err();
        assert_eq!((e.kind, e.code.as_str()), (ErrorKind::Config, "no_graphql"));
    }
}

#[test]
fn poesius_mcp_endpoint() {
    let mcp = RequestSpec {
        method: "POST".into(),
        target: Target::Mcp,
        body: Body::Json,
        ..Default::default()
    };
    let c = config(P::Poesius, POESIUS_KEY, Options::default());
    assert_eq!(
        plan(&c, &mcp).unwrap().url,
        "https://poe.poesius.com/api/v1/mcp"
    );
    let c = config(
        P::Poesius,
        POESIUS_KEY,
        Options {
            base_url: Some("http://127.0.0.1:9/poesius/api/v1".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        plan(&c, &mcp).unwrap().url,
        "http://127.0.0.1:9/poesius/api/v1/mcp"
    );
    let c = config(
        P::Poesius,
        POESIUS_KEY,
        Options {
            mcp_url: Some("https://mcp.example/rpc".into()),
            ..Default::default()
        },
    );
    let p = plan(&c, &mcp).unwrap();
    assert_eq!(
        (p.url.as_str(), p.origin.as_str()),
        ("https://mcp.example/rpc", "https://mcp.example")
    );
    let c = config(P::Poelis, POELIS_KEY, Options::default());
    assert_eq!(plan(&c, &mcp).unwrap_err().code, "no_mcp");
}

#[test]
fn powerpost_local_guards() {
    let c = config(P::PowerPost, POWERPOST_KEY, Options::default());
    assert!(plan(&c, &get("/account/credits")).is_ok());
    for path in [
        "/posts",
        "/posts/p1",
        "/content/generate",
        "/images/x",
        "/media",
        "media/upload",
    ] {
        let e = plan(&c, &get(path)).unwrap_err();
        assert_eq!(
            (e.kind, e.code.as_str()),
            (ErrorKind::BadRequest, "workspace_required"),
            "{}",
            path
        );
        assert!(e.message.contains("POWERPOST_WORKSPACE_ID"));
    }
    assert!(plan(&c, &get("/postsx")).is_ok());
    let draft = config(
        P::PowerPost,
        POWERPOST_KEY,
        Options {
            workspace_id: Some("ws_1".into()),
            key_type: KeyType::ReadDraft,
            ..Default::default()
        },
    );
    let publish = RequestSpec {
        method: "post".into(),
        path: "/posts/p_42/publish".into(),
        ..Default::default()
    };
    let e = plan(&draft, &publish).unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_str()),
        (ErrorKind::Permission, "draft_key_publish")
    );
    assert!(plan(&draft, &get("/posts/p_42")).is_ok());
    let full = config(
        P::PowerPost,
        POWERPOST_KEY,
        Options {
            workspace_id: Some("ws_1".into()),
            ..Default::default()
        },
    );
    let p = plan(&full, &publish).unwrap();
    assert_eq!(p.method, "POST");
    assert!(!p.idempotent);
    assert!(p
        .headers
        .iter()
        .any(|h| h.name == "X-Workspace-Id" && h.value.as_str() == "ws_1"));
}

#[test]
fn methods_headers_and_idempotency() {
    let c = config(P::Poelis, POELIS_KEY, Options::default());
    let mut r = get("/x");
    r.method = "BREW".into();
    assert_eq!(plan(&c, &r).unwrap_err().code, "invalid_method");
    let mut r = RequestSpec {
        method: "POST".into(),
        path: "/x".into(),
        body: Body::Json,
        idempotency_key: Some("idem-1".into()),
        ..Default::default()
    };
    let p = plan(&c, &r).unwrap();
    assert!(p.idempotent);
    let names: Vec<&str> = p.headers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["Authorization", "Accept", "Content-Type", "Idempotency-Key"]
    );
    r.headers = vec![("X-API-Key".into(), "other".into())];
    assert_eq!(plan(&c, &r).unwrap_err().code, "managed_header");
    r.headers = vec![("X-Trace".into(), "a\r\nb".into())];
    assert_eq!(plan(&c, &r).unwrap_err().code, "invalid_header");
    r.headers = vec![("Bad Name".into(), "v".into())];
    assert_eq!(plan(&c, &r).unwrap_err().code, "invalid_header");
    r.headers = vec![("content-type".into(), "application/vnd.x+json".into())];
    let p = plan(&c, &r).unwrap();
    let ct: Vec<_> = p
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("content-type"))
        .collect();
    assert_eq!(ct.len(), 1);
    assert_eq!(ct[0].value.as_str(), "application/vnd.x+json");
    r.idempotency_key = Some("a\nb".into());
    assert_eq!(plan(&c, &r).unwrap_err().code, "invalid_header");
}

#[test]
fn redirects_stay_on_origin() {
    use keygate::__internals::same_origin_redirect as r;
    let cur = "https://api.poelis.com/v1/public/workspaces?x=1";
    let o = "https://api.poelis.com";
    assert_eq!(
        r(cur, "/v1/public/w2", o).as_deref(),
        Some("https://api.poelis.com/v1/public/w2")
    );
    assert_eq!(
        r(cur, "w3?y=2", o).as_deref(),
        Some("https://api.poelis.com/v1/public/w3?y=2")
    );
    assert_eq!(
        r(cur, "https://api.poelis.com:443/z", o).as_deref(),
        Some("https://api.poelis.com/z")
    );
    assert_eq!(
        r(cur, "//api.poelis.com/q", o).as_deref(),
        Some("https://api.poelis.com/q")
    );
    for bad in [
        "https://evil.com/",
        "//evil.com/x",
        "http://api.poelis.com/x",
        "https://api.poelis.com:8443/",
        "https://api.poelis.com@evil.com/",
        "",
        "/a b",
        "\\\\evil.com",
        "javascript:alert(1)",
    ] {
        assert_eq!(r(cur, bad, o), None, "{:?}", bad);
    }
}

#[test]
fn browser_guard_and_endpoints() {
    let o = || Options {
        browser_window: true,
        ..Default::default()
    };
    let e = Config::new(cred(P::Poelis, K::ApiKey, POELIS_KEY), o()).unwrap_err();
    assert_eq!(e.code, "browser_secret_key");
    assert!(Config::new(
        cred(P::Poelis, K::ApiKey, POELIS_KEY),
        Options {
            dangerously_allow_browser: true,
            ..o()
        }
    )
    .is_ok());
    assert!(Config::new(cred(P::Poesius, K::Jwt, &jwt(r#"{"a":1}"#)), o()).is_ok());
    assert!(Config::new(cred(P::Postiz, K::ApiKey, POSTIZ_TOKEN), o()).is_ok());
    // A typed helper's requirements, through the public planner (RequestSpec::endpoint).
    let helper = |c: &Config, name: &'static str| {
        plan(
            c,
            &RequestSpec {
                endpoint: Some(name),
                ..get("/x")
            },
        )
    };
    let c = config(P::Poesius, POESIUS_KEY, Options::default());
    assert_eq!(
        helper(&c, "createApiKey").unwrap_err().code,
        "wrong_credential_kind"
    );
    assert_eq!(
        helper(&c, "listWorkspaces").unwrap_err().code,
        "unsupported_endpoint"
    );
    assert!(helper(&c, "listPresentations").is_ok());
    let c = Config::new(
        cred(P::Poesius, K::Jwt, &jwt(r#"{"a":1}"#)),
        Options::default(),
    )
    .unwrap();
    assert!(helper(&c, "createApiKey").is_ok());
}

#[test]
fn scrub_removes_the_credential() {
    let c = config(P::Postiz, POSTIZ_KEY, Options::default());
    let s = c.sanitize(&format!("oops {} leaked\r\n", POSTIZ_KEY));
    assert!(!s.contains(POSTIZ_KEY) && s.contains("…cdef"), "{}", s);
}

#[test]
fn host_labels_are_checked_after_the_trailing_dot() {
    for bad in [
        "https://a-.",
        "https://x.-.",
        "https://a.-b",
        "https://-a",
        "https://a..b",
        "https://.",
    ] {
        assert!(keygate::BaseUrl::parse(bad).is_err(), "{}", bad);
    }
    let ok = keygate::BaseUrl::parse("https://api.example.com./v1").unwrap();
    assert_eq!(ok.as_string(), "https://api.example.com/v1");
    assert!(keygate::BaseUrl::parse(&ok.as_string()).is_ok());
}
