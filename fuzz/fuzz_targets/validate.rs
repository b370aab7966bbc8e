//! `validate`: every provider × credential kind on arbitrary input.
//!
//! Input: the whole input is the key (lossy UTF-8).
//! Asserts: no panic; `redacted` shows at most a recognised prefix and the last 4 characters
//! (and hides at least 8); the message, warnings and the `KeyFormatError` never echo the input's
//! secret part; `ok`, `code`, `env` and `warnings` agree.
#![no_main]

use keygate::__internals::key_error;
use keygate::{redact, validate_at, Code, PROVIDERS};
use keygate_fuzz::{check_redaction, echoes, text, visible, KINDS};
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    let input = text(data);

    if let Err(why) = check_redaction(&input, &redact(&input)) {
        panic!("redact: {}", why);
    }
    let _ = keygate::detect(&input);

    for p in PROVIDERS {
        for kind in KINDS {
            for now in [None, Some(NOW)] {
                let v = validate_at(p.kind, kind, &input, now);
                if let Err(why) = check_redaction(&input, &v.redacted) {
                    panic!("{:?}/{:?}: {}", p.kind, kind, why);
                }
                assert_eq!(v.ok, v.code == Code::Ok, "{:?}", v);
                assert_eq!(v.provider, p.kind);
                assert!(
                    v.ok || (v.warnings.is_empty() && v.env.is_none()),
                    "{:?}",
                    v
                );
                assert!(
                    visible(&v.message.replace('…', "")),
                    "message not visible ASCII: {:?}",
                    v.message
                );
                for w in &v.warnings {
                    assert!(
                        visible(&w.message.replace('…', "")),
                        "warning not visible ASCII: {:?}",
                        w
                    );
                }
                if v.ok {
                    assert!(p.accepts(v.kind), "{:?} accepted a {:?}", p.kind, v.kind);
                    assert!(!input.is_empty() && input.len() <= v.kind.max_len());
                    assert!(
                        input.bytes().all(|b| b.is_ascii_graphic()),
                        "ok for {:?}",
                        input
                    );
                }
            }

            let leak = echoes(&input, |s| {
                let v = validate_at(p.kind, kind, s, Some(NOW));
                let e = key_error(&v);
                let dump = format!("{:?}", v).replace(&v.redacted, "");
                format!("{} | {} | {} | {:?}", v.message, dump, e, e)
            });
            if let Some(why) = leak {
                panic!("{:?}/{:?}: {}", p.kind, kind, why);
            }
        }
    }
});
