//! The helpers the Rust emulator tests share: tests/gloo_emulator.rs, tests/reqwest_emulator.rs
//! and tests/rust-worker/src/lib.rs (its own workspace) include this file with `#[path]`.

use std::time::Duration;

use keygate::{Options, RequestSpec};

/// The options each test's client starts from: the emulator's `base_url` (plain http on
/// loopback) and a 5 s timeout.
pub fn options(base_url: String) -> Options {
    Options {
        base_url: Some(base_url),
        allow_insecure_http: true,
        timeout: Some(Duration::from_secs(5)),
        ..Default::default()
    }
}

pub fn get(path: &str) -> RequestSpec {
    RequestSpec {
        method: "GET".into(),
        path: path.into(),
        ..Default::default()
    }
}

/// `GET path` with the emulator's fault header.
pub fn with_fault(path: &str, fault: &str) -> RequestSpec {
    RequestSpec {
        headers: vec![("X-Keygate-Fault".into(), fault.into())],
        ..get(path)
    }
}
