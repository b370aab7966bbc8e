//! `headers`: `build_headers` for arbitrary credentials and workspace ids.
//!
//! Input: `credential [0xFF workspace-id]` (each lossy UTF-8). Every provider × kind × scheme,
//! with no workspace id and with the given one (or a realistic one when none is given).
//! Asserts: every value is visible ASCII with single inner spaces (so no CR, LF, NUL, tab or byte
//! above 0x7E); names are tokens; the auth value carries exactly the credential; `X-Workspace-Id`
//! carries exactly the id; `Debug`/`Display` of headers, credential, secret and errors never show
//! the secret part.
#![no_main]

use keygate::{build_headers, Credential, Scheme, PROVIDERS};
use keygate_fuzz::{echoes, fields, token, visible, KINDS};
use libfuzzer_sys::fuzz_target;

const SCHEMES: [Scheme; 2] = [Scheme::Default, Scheme::Bearer];

fn render(p: keygate::ProviderId, kind: keygate::CredentialKind, cred: &str, ws: &str) -> String {
    let mut out = String::new();
    match Credential::new_at(p, kind, cred, None) {
        Ok(c) => {
            out.push_str(&format!(
                "{:?} {} {:?} {:?}",
                c,
                c.secret(),
                c.secret(),
                c.validation()
            ));
            for scheme in SCHEMES {
                for w in [None, Some(ws)] {
                    match build_headers(&c, scheme, w) {
                        Ok(hs) => {
                            out.push_str(&format!(" {:?}", hs));
                            for h in &hs {
                                out.push_str(&format!(" {:?} {}", h.value, h.value.shown()));
                            }
                        }
                        Err(e) => out.push_str(&format!(" {} {:?}", e, e)),
                    }
                }
            }
        }
        Err(e) => out.push_str(&format!("{} {:?}", e, e)),
    }
    // The workspace id is the caller's and not secret: keep it out of the comparison (shorter
    // than any secret piece, it cannot hold one).
    if ws.len() < 8 {
        out
    } else {
        out.replace(ws, "<ws>")
    }
}

fuzz_target!(|data: &[u8]| {
    let f = fields(data, 2);
    let (cred, ws) = (
        &f[0],
        if data.contains(&keygate_fuzz::SEP) {
            f[1].as_str()
        } else {
            "ws_123"
        },
    );

    for p in PROVIDERS {
        let provider = p.kind.provider();
        for kind in KINDS {
            let Ok(c) = Credential::new_at(p.kind, kind, cred, None) else {
                continue;
            };
            for scheme in SCHEMES {
                for w in [None, Some(ws)] {
                    let Ok(hs) = build_headers(&c, scheme, w) else {
                        continue;
                    };
                    let rule =
                        (provider.keys.header)(c.kind(), scheme).expect("built, so a rule exists");
                    for h in &hs {
                        let v = h.value.as_str();
                        assert!(token(&h.name), "header name {:?}", h.name);
                        assert!(
                            !v.is_empty()
                                && visible(v)
                                && !v.starts_with(' ')
                                && !v.ends_with(' ')
                                && !v.contains("  "),
                            "header value {:?}",
                            v
                        );
                        assert!(
                            visible(&h.value.shown().replace('…', "")),
                            "shown {:?}",
                            h.value.shown()
                        );
                    }
                    assert_eq!(hs[0].name, rule.name);
                    let expected = match rule.scheme {
                        Some(s) => format!("{} {}", s, cred),
                        None => cred.clone(),
                    };
                    assert_eq!(hs[0].value.as_str(), expected);
                    assert!(hs[0].value.is_sensitive());
                    match (provider.keys.workspace_header, w) {
                        (Some(name), Some(id)) => {
                            assert_eq!(hs.len(), 2);
                            assert_eq!(hs[1].name, name);
                            assert_eq!(hs[1].value.as_str(), id);
                            assert!(id.len() <= 256 && !id.contains(' '));
                        }
                        _ => assert_eq!(hs.len(), 1),
                    }
                }
            }
        }
        for kind in KINDS {
            if let Some(why) = echoes(cred, |s| render(p.kind, kind, s, ws)) {
                panic!("{:?}/{:?}: {}", p.kind, kind, why);
            }
        }
    }
});
