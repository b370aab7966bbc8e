//! The reqwest transport (feature `reqwest`) driven by `keygate::Client` against the real
//! emulator (`node pkg/emulator/cli.js`, loopback, a free port), on tokio: each provider's live
//! helper call, a 401, a 429 then success (Retry-After waited), a cross-origin redirect refused
//! (nothing reaches the trap), a same-origin redirect followed, a timeout, a dropped connection,
//! an oversized answer, invalid JSON, and the credential never shown.
//!
//! Needs Node (the emulator): it fails loudly without it, never skips.

use keygate::__internals::Json;
use keygate::transport::Reqwest;
use keygate::{
    Client, Config, Credential, CredentialKind as K, ErrorCode, ErrorKind, Options, ProviderId as P,
};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/emulator_env.rs"]
mod emulator_env;
use emulator_env::{assert_live_answer, get, with_fault, LIVE_CALLS};

const POESIUS: &str = "pk_demo_Kq7vT2mX9pL4sW8zR3nB";
const POELIS: &str = "poelis_api_demo-K3yRw9Xq2Lm7Vt4Zp8Ns1Bc6_Hd0Jf";
const POWERPOST: &str = "pp_live_sk_demoRW_4tG8kL2mQ9xV7cN3bZ";
const POSTIZ: &str = "af4bd559375af54ee1b9feb61b2d0793a97deb3864a8493ea50da9f221a5f861";

/// The emulator process, killed (by its own handle) when dropped.
struct Emulator {
    child: Child,
    root: String,
    info: Json,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Emulator {
    fn start() -> Emulator {
        let dir = env!("CARGO_MANIFEST_DIR");
        let mut child = Command::new("node")
            .args([
                "pkg/emulator/cli.js",
                "--port",
                "0",
                "--host",
                "127.0.0.1",
                "--json",
            ])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the emulator needs `node` on PATH (this test does not skip)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the emulator's first line");
        let info =
            Json::parse(line.trim().as_bytes()).expect("the emulator prints its URLs as JSON");
        let root = info
            .get("url")
            .and_then(Json::as_str)
            .expect("url")
            .to_string();
        assert!(root.starts_with("http://127.0.0.1:"), "{root}");
        Emulator { child, root, info }
    }

    fn url(&self, name: &str) -> String {
        self.info
            .get("urls")
            .and_then(|u| u.get(name))
            .and_then(Json::as_str)
            .unwrap_or_else(|| panic!("no {name} url"))
            .to_string()
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn client(
    emu: &Emulator,
    p: P,
    key: &str,
    base: &str,
    tweak: impl FnOnce(&mut Options),
) -> Client<Reqwest> {
    let mut opts = emulator_env::options(emu.url(base));
    tweak(&mut opts);
    let cred = Credential::new(p, K::ApiKey, key).expect("demo key");
    Client::with_reqwest(Config::new(cred, opts).expect("config")).expect("client")
}

/// A control call to the emulator (plain reqwest, no credential).
async fn control(emu: &Emulator, method: &str, path: &str, body: Option<&str>) -> Json {
    let http = reqwest::Client::new();
    let url = format!("{}{}", emu.root, path);
    let mut req = http.request(method.parse().unwrap(), url);
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let text = req
        .send()
        .await
        .expect("control")
        .text()
        .await
        .expect("control body");
    Json::parse(text.as_bytes()).unwrap_or_else(|| panic!("control {path}: {text}"))
}

fn assert_no_key(shown: &str) {
    for key in [POESIUS, POELIS, POWERPOST, POSTIZ] {
        assert!(!shown.contains(key), "{shown}");
        assert!(!shown.contains(&key[key.len() - 12..]), "{shown}");
    }
}

#[test]
fn reqwest_transport_passes_the_contract_cases_against_the_emulator() {
    let emu = Emulator::start();
    rt().block_on(async {
        // Each provider's live helper call (the endpoint the JS `doctor --live` uses).
        let keys = [POESIUS, POELIS, POWERPOST, POSTIZ];
        for ((p, path, field), key) in LIVE_CALLS.into_iter().zip(keys) {
            let c = client(&emu, p, key, p.as_str(), |_| {});
            let r = c.request(get(path)).await.unwrap_or_else(|e| panic!("{p}: {e}"));
            assert_live_answer(p, field, &r);
            assert_no_key(&format!("{r:?} {c:?}"));
        }

        // 401: a key the emulator does not know, classified, not retried.
        let wrong = "poelis_api_unknownKeyXq2Lm7Vt4Zp8Ns1Bc6_Hd0Jf";
        let c = client(&emu, P::Poelis, wrong, "poelis", |o| o.max_retries = Some(3));
        control(&emu, "POST", "/_emulator/reset", None).await;
        let e = c.request(get("/workspaces")).await.unwrap_err();
        assert_eq!((e.kind, e.status), (ErrorKind::Authentication, Some(401)), "{e}");
        let n = control(&emu, "GET", "/_emulator/counts?provider=poelis&path=/workspaces", None).await;
        assert_eq!(n.get("count").and_then(Json::as_f64), Some(1.0), "not retried");
        for shown in [format!("{e}"), format!("{e:?}")] {
            assert!(!shown.contains(wrong) && !shown.contains(&wrong[20..]), "{shown}");
        }

        // 429 with Retry-After: 1, then success: the wait comes through the transport's sleep.
        let c = client(&emu, P::Poelis, POELIS, "poelis", |_| {});
        control(
            &emu,
            "POST",
            "/_emulator/scenarios",
            Some(r#"{"match":{"provider":"poelis","method":"GET","path":"/workspaces"},"faults":["429:1"]}"#),
        )
        .await;
        let t = Instant::now();
        let r = c.request(get("/workspaces")).await.expect("429 then 200");
        assert_eq!(r.status, 200);
        assert!(t.elapsed() >= Duration::from_millis(950), "{:?}", t.elapsed());

        // 503 twice then success (the client's default two retries).
        control(
            &emu,
            "POST",
            "/_emulator/scenarios",
            Some(r#"{"match":{"provider":"poelis","method":"GET","path":"/workspaces"},"faults":["503","503"]}"#),
        )
        .await;
        c.request(get("/workspaces")).await.expect("503, 503, 200");

        // A redirect to another origin: refused, and nothing reaches the trap.
        control(&emu, "POST", "/_emulator/reset", None).await;
        for fault in ["redirect-cross", "redirect-cross-307"] {
            let e = c.request(with_fault("/workspaces", fault)).await.unwrap_err();
            assert_eq!(e.code, ErrorCode::RedirectRefused, "{fault}: {e}");
        }
        let trap = control(&emu, "GET", "/_emulator/trap", None).await;
        let received = match &trap {
            Json::Arr(a) => a.len(),
            other => match other.get("received") {
                Some(Json::Arr(a)) => a.len(),
                _ => panic!("trap: {other:?}"),
            },
        };
        assert_eq!(received, 0, "the trap got a request");

        // A same-origin redirect is followed.
        let r = c.request(with_fault("/workspaces", "redirect-same")).await.expect("followed");
        assert_eq!(r.status, 200);

        // A timeout: the answer comes after 3 s, the attempt has 300 ms, no retries.
        let c = client(&emu, P::Poelis, POELIS, "poelis", |o| {
            o.timeout = Some(Duration::from_millis(300));
            o.max_retries = Some(0);
        });
        let t = Instant::now();
        let e = c.request(with_fault("/workspaces", "delay:3000")).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
        assert!(t.elapsed() < Duration::from_millis(2500), "{:?}", t.elapsed());
        // A body that stalls after the headers is still inside the attempt's time.
        let e = c.request(with_fault("/workspaces", "slow-body:3000")).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Timeout, "{e}");

        // A dropped connection is a network error (retried, then reported).
        let c = client(&emu, P::Poelis, POELIS, "poelis", |o| o.max_retries = Some(1));
        let e = c.request(with_fault("/workspaces", "hangup")).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Network, "{e}");
        assert_no_key(&format!("{e} {e:?}"));

        // Over the client's maxResponseBytes; invalid JSON in a 200.
        let c = client(&emu, P::Poelis, POELIS, "poelis", |o| o.max_response_bytes = Some(4096));
        let e = c.request(with_fault("/workspaces", "oversized:100000")).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseTooLarge, "{e}");
        let e = c.request(with_fault("/workspaces", "truncated-json")).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson, "{e}");
    });
}

#[test]
fn client_futures_are_send_with_the_reqwest_transport() {
    fn assert_send<F: std::future::Future + Send>(_: &F) {}
    let opts = Options {
        base_url: Some("http://127.0.0.1:9/v1/public".into()),
        allow_insecure_http: true,
        ..Default::default()
    };
    let cred = Credential::new(P::Poelis, K::ApiKey, POELIS).expect("key");
    let c = Client::with_reqwest(Config::new(cred, opts).expect("config")).expect("client");
    let fut = c.request(get("/workspaces"));
    assert_send(&fut);
}

/// Feature `serde`: the typed helpers from the endpoint table, and the data types as JSON.
#[cfg(feature = "serde")]
#[test]
fn typed_helpers_and_serde_types_against_the_emulator() {
    let emu = Emulator::start();
    rt().block_on(async {
        let c = client(&emu, P::Poelis, POELIS, "poelis", |_| {});
        let ws = c.list_workspaces().await.expect("workspaces");
        assert!(
            !ws.items.is_empty() && ws.count >= ws.items.len() as u64,
            "{ws:?}"
        );

        let c = client(&emu, P::PowerPost, POWERPOST, "powerpost", |_| {});
        let credits = c.get_credits().await.expect("credits");
        assert!(credits.balance >= 0.0);

        let c = client(&emu, P::Postiz, POSTIZ, "postiz", |_| {});
        let channels = c.list_integrations().await.expect("integrations");
        assert!(channels.iter().all(|i| !i.id.is_empty()), "{channels:?}");
        assert!(c.is_connected().await.expect("is-connected"));
        // A helper of another provider is refused before any request.
        let e = c.list_workspaces().await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config, "{e}");

        let c = client(&emu, P::Poesius, POESIUS, "poesius", |_| {});
        let page = c.list_presentations(None).await.expect("presentations");
        assert!(
            page.items.len() <= 1,
            "the table's default limit is 1: {page:?}"
        );
        let page = c.list_presentations(Some(5)).await.expect("presentations");
        assert_eq!(page.limit, Some(5));

        // Serialized data: camelCase fields, codes as strings, the key never there.
        let wrong = "poelis_api_unknownKeyXq2Lm7Vt4Zp8Ns1Bc6_Hd0Jf";
        let c = client(&emu, P::Poelis, wrong, "poelis", |_| {});
        let e = c.list_workspaces().await.unwrap_err();
        let v: serde_json::Value = serde_json::to_value(&e).expect("error json");
        assert_eq!(v["kind"], "authentication");
        assert_eq!(v["code"], e.code.as_str());
        assert_eq!(v["status"], 401);
        assert_eq!(v["provider"], "poelis");
        assert!(
            v["requestId"]
                .as_str()
                .is_some_and(|id| id.starts_with("req_")),
            "{v}"
        );
        let text = v.to_string();
        assert!(
            !text.contains(wrong) && !text.contains(&wrong[20..]),
            "{text}"
        );

        let c = client(&emu, P::Poelis, POELIS, "poelis", |_| {});
        let r = c.request(get("/workspaces")).await.expect("answer");
        let rl = r
            .rate_limit
            .expect("the Poelis emulator sends X-RateLimit-*");
        let j = serde_json::to_string(&rl).unwrap();
        assert!(j.contains("\"resetAt\""), "{j}");
        assert_eq!(serde_json::from_str::<keygate::RateLimit>(&j).unwrap(), rl);
        let shown = serde_json::to_value(&r).unwrap();
        assert!(shown["data"]["items"].is_array(), "{shown}");

        let v = keygate::validate(P::Poelis, K::ApiKey, POELIS);
        let j = serde_json::to_value(&v).unwrap();
        assert_eq!(j["ok"], true);
        assert_eq!(j["provider"], "poelis");
        assert!(!j.to_string().contains(POELIS), "{j}");
        assert_eq!(serde_json::from_str::<P>("\"postiz\"").unwrap(), P::Postiz);
        assert_eq!(
            serde_json::from_str::<ErrorKind>("\"rate_limit\"").unwrap(),
            ErrorKind::RateLimit
        );
    });
}
