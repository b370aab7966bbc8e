//! `jwt`: `decode_jwt` on arbitrary strings.
//!
//! Input: the whole input is the token (lossy UTF-8).
//! Asserts: no panic; `Ok` only for exactly three non-empty base64url segments (none of a length
//! that is 1 mod 4); the reason for a refusal never quotes the input;
//! Poesius validation as a JWT agrees with the decoder.
#![no_main]

use keygate::{decode_jwt, validate_at, Code, CredentialKind, ProviderId};
use keygate_fuzz::{echoes, text};
use libfuzzer_sys::fuzz_target;

fn b64url(s: &str) -> bool {
    s.len() % 4 != 1
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    match decode_jwt(&input) {
        Ok(claims) => {
            let segs: Vec<&str> = input.split('.').collect();
            assert_eq!(segs.len(), 3, "{:?}", input);
            assert!(
                segs.iter().all(|s| !s.is_empty() && b64url(s)),
                "{:?}",
                input
            );
            // `exp` may be any JSON number, even one too large for an f64 (then infinite).
            let _ = claims.exp;
        }
        Err(why) => {
            if let Some(leak) = echoes(&input, |s| decode_jwt(s).err().unwrap_or_default()) {
                panic!("{} ({})", leak, why);
            }
        }
    }

    let v = validate_at(ProviderId::Poesius, CredentialKind::Jwt, &input, None);
    if v.ok {
        assert!(decode_jwt(&input).is_ok(), "validated {:?}", input);
    }
    if decode_jwt(&input).is_ok() && input.len() <= 4096 {
        // The decoder accepts only base64url and dots, so the shared checks pass too.
        assert_eq!(v.code, Code::Ok, "{:?}: {:?}", input, v);
    }
});
