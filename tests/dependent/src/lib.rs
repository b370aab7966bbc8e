//! A dependent of keygate, for wasm32-unknown-unknown: its own counting allocator, its own two
//! exports, and a few calls into keygate's public API. `check.mjs` instantiates the module (no
//! imports), calls `run` and checks that only these exports exist.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU32, Ordering};

use keygate::{detect, plan, redact, validate, Config, Credential, CredentialKind, Options, ProviderId, RequestSpec};

/// Counts allocations, then hands them to the system allocator.
struct Counting;

static ALLOCS: AtomicU32 = AtomicU32::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const POELIS: &str = "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE";

/// One bit per check that passed (all five: 31).
#[no_mangle]
pub extern "C" fn run() -> u32 {
    let mut bits = 0;
    if validate(ProviderId::Poelis, CredentialKind::ApiKey, POELIS).ok {
        bits |= 1;
    }
    if !validate(ProviderId::Poelis, CredentialKind::ApiKey, "pk_not_poelis").ok {
        bits |= 2;
    }
    if detect(POELIS) == Some((ProviderId::Poelis, CredentialKind::ApiKey)) {
        bits |= 4;
    }
    if redact(POELIS) == "poelis_api_…CCIE" {
        bits |= 8;
    }
    let planned = Credential::new(ProviderId::Poelis, CredentialKind::ApiKey, POELIS)
        .and_then(|c| Config::new(c, Options::default()))
        .and_then(|config| {
            plan(
                &config,
                &RequestSpec {
                    method: "GET".into(),
                    path: "/workspaces".into(),
                    ..Default::default()
                },
            )
        });
    if let Ok(p) = planned {
        if p.url.ends_with("/workspaces") && p.headers.iter().any(|h| h.name == "Authorization") {
            bits |= 16;
        }
    }
    bits
}

/// Allocations made through this crate's allocator so far.
#[no_mangle]
pub extern "C" fn allocs() -> u32 {
    ALLOCS.load(Ordering::Relaxed)
}
