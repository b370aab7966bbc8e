//! Helpers shared by the integration tests.
#![allow(dead_code)]

use keygate::{Credential, CredentialKind, ProviderId};

pub const POESIUS_KEY: &str = "pk_live0123456789abcdefXYZ";
pub const POELIS_KEY: &str = "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE";
pub const POWERPOST_KEY: &str = "pp_live_sk_a1B2c3D4e5F6g7H8i9J0";
pub const POSTIZ_KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
pub const POSTIZ_TOKEN: &str = "pos_abcdefghijABCDEFGHIJ0123456789klmnopqrst";

pub fn b64url(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

pub fn jwt(payload: &str) -> String {
    format!(
        "{}.{}.{}",
        b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64url(payload.as_bytes()),
        b64url(b"not-a-real-signature-0123")
    )
}

pub fn cred(p: ProviderId, kind: CredentialKind, key: &str) -> Credential {
    Credential::new_at(p, kind, key, Some(1_700_000_000)).expect("valid test credential")
}
