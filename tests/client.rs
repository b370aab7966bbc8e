//! The async driver (src/client.rs) over a scripted in-memory transport: what the JS driver does
//! with each answer (retries and waits through the transport's sleep, the attempt's timer,
//! redirects, body limits, classification, redaction), without a network or a runtime.

mod common;
use common::*;
use keygate::client::{Incoming, Outgoing, SendError};
use keygate::{
    Client, Config, CredentialKind as K, ErrorCode, ErrorKind, Options, ProviderId as P,
    RequestSpec, Transport,
};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

const BASE: &str = "https://api.poelis.example/v1/public";

/// What the scripted server does with one send.
enum Act {
    Answer(u16, Vec<(&'static str, String)>, &'static str),
    Full(Incoming),
    Fail(SendError),
    Hang,
}

/// (method, url, body, authorization header marked sensitive)
type Sent = (String, String, Option<Vec<u8>>, bool);

#[derive(Default)]
struct Script {
    acts: RefCell<VecDeque<Act>>,
    sent: RefCell<Vec<Sent>>,
    slept: RefCell<Vec<u64>>,
}

impl Transport for Script {
    async fn send(&self, r: Outgoing<'_>) -> Result<Incoming, SendError> {
        let auth_sensitive = r
            .headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case("authorization") && h.value.is_sensitive());
        self.sent.borrow_mut().push((
            r.method.into(),
            r.url.into(),
            r.body.map(<[u8]>::to_vec),
            auth_sensitive,
        ));
        let act = self.acts.borrow_mut().pop_front().expect("script ran out");
        match act {
            Act::Answer(status, headers, body) => {
                let over = body.len() as u64 > r.body_limit(status);
                Ok(Incoming {
                    status,
                    headers: headers
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect(),
                    body: if over {
                        Vec::new()
                    } else {
                        body.as_bytes().to_vec()
                    },
                    over_limit: over,
                    ..Default::default()
                })
            }
            Act::Full(i) => Ok(i),
            Act::Fail(e) => Err(e),
            Act::Hang => std::future::pending().await,
        }
    }

    async fn sleep(&self, d: Duration) {
        // Recorded when awaited (the attempt's timer is only polled while the send is pending).
        self.slept.borrow_mut().push(d.as_millis() as u64);
    }

    fn now_ms(&self) -> Option<f64> {
        Some(1_700_000_000_000.0)
    }

    fn jitter(&self) -> f64 {
        0.5
    }
}

/// Runs a future that never waits on anything outside the script.
fn run<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("the driver did not finish within 1000 polls");
}

fn client(acts: Vec<Act>, max_retries: u32) -> Client<Script> {
    let opts = Options {
        base_url: Some(BASE.into()),
        max_retries: Some(max_retries),
        timeout: Some(Duration::from_millis(1500)),
        ..Default::default()
    };
    let config = Config::new(cred(P::Poelis, K::ApiKey, POELIS_KEY), opts).expect("config");
    Client::new(
        config,
        Script {
            acts: RefCell::new(acts.into()),
            ..Default::default()
        },
    )
}

fn get(path: &str) -> RequestSpec {
    RequestSpec {
        method: "GET".into(),
        path: path.into(),
        ..Default::default()
    }
}

fn json() -> Vec<(&'static str, String)> {
    vec![("content-type", "application/json".into())]
}

fn urls(c: &Client<Script>) -> Vec<String> {
    c.transport()
        .sent
        .borrow()
        .iter()
        .map(|s| s.1.clone())
        .collect()
}

#[test]
fn retries_a_503_then_answers_the_200() {
    let c = client(
        vec![
            Act::Answer(503, json(), r#"{"error":"busy"}"#),
            Act::Answer(
                200,
                vec![
                    ("content-type", "application/json".into()),
                    ("x-request-id", "req-1".into()),
                ],
                r#"[{"id":"w1"}]"#,
            ),
        ],
        2,
    );
    let r = run(c.request(get("/workspaces"))).expect("answer");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, br#"[{"id":"w1"}]"#);
    assert_eq!(r.request_id.as_deref(), Some("req-1"));
    assert!(r.is_json());
    assert_eq!(urls(&c), vec![format!("{BASE}/workspaces"); 2]);
    // One back-off wait, through the transport (the policy's, with jitter 0.5).
    let slept = c.transport().slept.borrow().clone();
    assert_eq!(slept.len(), 1, "{slept:?}");
    assert!(slept[0] > 0);
    // The credential header is marked sensitive on every attempt.
    assert!(c.transport().sent.borrow().iter().all(|s| s.3));
}

#[test]
fn honours_retry_after_through_the_transports_sleep() {
    let c = client(
        vec![
            Act::Answer(
                429,
                vec![
                    ("retry-after", "2".into()),
                    ("content-type", "application/json".into()),
                ],
                r#"{"message":"slow down"}"#,
            ),
            Act::Answer(200, vec![], "ok"),
        ],
        2,
    );
    let r = run(c.request(get("/workspaces"))).expect("answer");
    assert_eq!(r.text(), "ok");
    assert_eq!(*c.transport().slept.borrow(), vec![2000]);
}

#[test]
fn gives_up_after_the_retries_with_the_last_error() {
    let c = client(
        vec![
            Act::Answer(503, vec![], ""),
            Act::Answer(503, vec![], ""),
            Act::Answer(502, vec![], ""),
        ],
        2,
    );
    let e = run(c.request(get("/workspaces"))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server);
    assert_eq!(e.status, Some(502));
    assert_eq!(c.transport().sent.borrow().len(), 3);
    assert_eq!(c.transport().slept.borrow().len(), 2);
}

#[test]
fn refuses_a_cross_origin_redirect_and_never_sends_there() {
    let c = client(
        vec![Act::Answer(
            302,
            vec![("location", "https://evil.example/steal".into())],
            "",
        )],
        2,
    );
    let e = run(c.request(get("/workspaces"))).unwrap_err();
    assert_eq!(e.code, ErrorCode::RedirectRefused);
    assert_eq!(e.status, Some(302));
    assert!(
        urls(&c).iter().all(|u| !u.contains("evil")),
        "{:?}",
        urls(&c)
    );
}

#[test]
fn follows_a_same_origin_redirect_and_a_303_turns_post_into_get() {
    let c = client(
        vec![
            Act::Answer(303, vec![("location", "/v1/public/done".into())], ""),
            Act::Answer(200, vec![], "ok"),
        ],
        0,
    );
    let spec = RequestSpec {
        method: "POST".into(),
        path: "/things".into(),
        body: keygate::Body::Json,
        ..Default::default()
    };
    run(c.send(&spec, Some(b"{\"a\":1}"))).expect("answer");
    let sent = c.transport().sent.borrow();
    assert_eq!(sent[0].0, "POST");
    assert_eq!(sent[0].2.as_deref(), Some(&b"{\"a\":1}"[..]));
    assert_eq!(sent[1].0, "GET");
    assert_eq!(sent[1].1, format!("{BASE}/done"));
    assert_eq!(sent[1].2, None);
}

#[test]
fn refuses_an_answer_the_transport_got_by_following_a_redirect() {
    for got in [
        Incoming {
            status: 200,
            redirected: true,
            ..Default::default()
        },
        Incoming {
            status: 200,
            url: Some("https://elsewhere.example/v1/public/workspaces".into()),
            ..Default::default()
        },
    ] {
        let c = client(vec![Act::Full(got)], 2);
        let e = run(c.request(get("/workspaces"))).unwrap_err();
        assert_eq!(e.code, ErrorCode::RedirectRefused);
        assert_eq!(c.transport().sent.borrow().len(), 1, "not retried");
    }
}

#[test]
fn an_attempt_that_hangs_times_out_on_the_drivers_timer() {
    let c = client(vec![Act::Hang, Act::Hang], 1);
    let e = run(c.request(get("/workspaces"))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout);
    assert!(e.message.contains("1500 ms"), "{}", e.message);
    let slept = c.transport().slept.borrow().clone();
    // timer, back-off, timer
    assert_eq!(slept.len(), 3, "{slept:?}");
    assert_eq!((slept[0], slept[2]), (1500, 1500));
}

#[test]
fn a_transport_timeout_is_a_timeout() {
    let c = client(vec![Act::Fail(SendError::TimedOut)], 0);
    let e = run(c.request(get("/workspaces"))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout);
}

#[test]
fn a_401_is_an_authentication_error_and_not_retried() {
    let c = client(
        vec![Act::Answer(401, json(), r#"{"message":"bad key"}"#)],
        3,
    );
    let e = run(c.request(get("/workspaces"))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Authentication);
    assert_eq!(e.status, Some(401));
    assert_eq!(c.transport().sent.borrow().len(), 1);
}

#[test]
fn a_2xx_over_the_limit_and_invalid_json_are_refused() {
    let opts = Options {
        base_url: Some(BASE.into()),
        max_response_bytes: Some(8),
        ..Default::default()
    };
    let config = Config::new(cred(P::Poelis, K::ApiKey, POELIS_KEY), opts).expect("config");
    let c = Client::new(
        config,
        Script {
            acts: RefCell::new(vec![Act::Answer(200, vec![], "0123456789")].into()),
            ..Default::default()
        },
    );
    let e = run(c.request(get("/workspaces"))).unwrap_err();
    assert_eq!(e.code, ErrorCode::ResponseTooLarge);

    let c = client(vec![Act::Answer(200, json(), "{not json")], 2);
    let e = run(c.request(get("/workspaces"))).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidJson);
    // Announced as text: the body is returned as it is.
    let c = client(vec![Act::Answer(200, vec![], "{not json")], 2);
    assert_eq!(
        run(c.request(get("/workspaces"))).unwrap().text(),
        "{not json"
    );
}

#[test]
fn the_key_never_shows_in_errors_responses_or_the_client() {
    let echo = format!(r#"{{"message":"key {POELIS_KEY} is bad","error":"{POELIS_KEY}"}}"#);
    let echo: &'static str = Box::leak(echo.into_boxed_str());
    let cases = vec![
        Act::Answer(
            403,
            vec![
                ("content-type", "application/json".into()),
                ("x-request-id", POELIS_KEY.into()),
            ],
            echo,
        ),
        Act::Fail(SendError::Network {
            message: format!("connect failed for {POELIS_KEY}"),
            cause: Some("ECONNREFUSED".into()),
        }),
        Act::Answer(
            302,
            vec![("location", format!("https://x.example/?k={POELIS_KEY}"))],
            "",
        ),
    ];
    for act in cases {
        let c = client(vec![act], 0);
        let e = run(c.request(get("/workspaces"))).unwrap_err();
        for shown in [
            format!("{e}"),
            format!("{e:?}"),
            e.message.clone(),
            format!("{c:?}"),
        ] {
            assert!(!shown.contains(POELIS_KEY), "{shown}");
            assert!(!shown.contains(&POELIS_KEY[12..]), "{shown}");
        }
    }
    let c = client(
        vec![Act::Answer(
            200,
            vec![("x-request-id", POELIS_KEY.into())],
            "ok",
        )],
        0,
    );
    let r = run(c.request(get("/workspaces"))).unwrap();
    let id = r.request_id.clone().unwrap_or_default();
    assert!(!id.contains(POELIS_KEY), "{id}");
}
