//! Key rotation's rule: a 401 that says the key itself is invalid or revoked may be retried once,
//! with a credential value the caller's credential function returned anew, and never with the
//! value that was refused.

use crate::error::{Error, ErrorKind};
use crate::providers::ErrorMatch;

/// Whether an error is a provider's verdict that the key is invalid or revoked (so a fresh
/// value may help): a 401 [`ErrorKind::Authentication`] matching the provider description's
/// [`ClientRules::revoked_key_401`](crate::ClientRules::revoked_key_401) (its messages or codes; a
/// subscription 401 is a [`ErrorKind::Subscription`], never rotatable).
///
/// Anything that is not a 401 [`ErrorKind::Authentication`] from a provider is `false`.
pub fn rotatable(err: &Error) -> bool {
    if err.kind != ErrorKind::Authentication || err.status != Some(401) {
        return false;
    }
    err.provider.is_some_and(|p| {
        ErrorMatch::any(
            p.rules().revoked_key_401,
            &err.message,
            err.provider_code.as_deref(),
        )
    })
}

/// Equality that takes the same time whatever the position of the first difference (the
/// lengths may differ; that is not hidden).
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One request's rotation state: at most one retry with another credential value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rotation {
    used: bool,
}

/// What to do after a 401.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rotate {
    /// Retry once more with the fresh value.
    Retry,
    /// The 401 is not about the key itself: report it.
    NotRotatable,
    /// The single retry was already spent: report the 401.
    AlreadyRotated,
    /// The credential gave the refused value again (or none): report the 401.
    SameValue,
}

impl Rotation {
    /// A request's state, no rotation yet.
    pub fn new() -> Rotation {
        Rotation::default()
    }

    /// Whether to ask the credential function for a fresh value after `err` (so that a
    /// 401 that cannot be rotated does not call it).
    pub fn wants_fresh(&self, err: &Error) -> bool {
        !self.used && rotatable(err)
    }

    /// After a 401 `err` for the value `refused`, given the credential function's `fresh`
    /// value (`None` if it failed): [`Rotate::Retry`] at most once per request, and only with a
    /// different value.
    pub fn decide(&mut self, err: &Error, refused: &str, fresh: Option<&str>) -> Rotate {
        if !rotatable(err) {
            return Rotate::NotRotatable;
        }
        if self.used {
            return Rotate::AlreadyRotated;
        }
        self.used = true;
        match fresh {
            Some(f) if !f.is_empty() && !same(f, refused) => Rotate::Retry,
            _ => Rotate::SameValue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::classify;
    use crate::providers::ProviderId;

    fn err(p: ProviderId, status: u16, body: &str) -> Error {
        classify(p, status, &[], body.as_bytes(), None).unwrap_err()
    }

    #[test]
    fn which_401s_are_about_the_key() {
        use ProviderId::*;
        let yes = [
            err(Poesius, 401, r#"{"detail":"Invalid API key"}"#),
            err(Poesius, 401, r#"{"detail":"API key has been revoked"}"#),
            err(
                Poelis,
                401,
                r#"{"error":"unauthorized","message":"Invalid or missing API key"}"#,
            ),
            err(
                PowerPost,
                401,
                r#"{"error":{"code":"INVALID_API_KEY","message":"Invalid API key"}}"#,
            ),
            err(Postiz, 401, r#"{"msg":"Invalid API key"}"#),
            err(Postiz, 401, r#"{"msg":"Invalid OAuth token"}"#),
        ];
        for e in &yes {
            assert!(rotatable(e), "{e:?}");
        }
        let no = [
            err(Postiz, 401, r#"{"msg":"No subscription found"}"#),
            err(Postiz, 401, r#"{"msg":"No API Key found"}"#),
            err(Postiz, 401, ""),
            err(
                Poesius,
                401,
                r#"{"detail":"Authentication required. Provide Authorization"}"#,
            ),
            err(
                Poelis,
                403,
                r#"{"error":"forbidden","message":"Forbidden"}"#,
            ),
            err(
                PowerPost,
                403,
                r#"{"error":{"code":"INVALID_API_KEY","message":"x"}}"#,
            ),
            err(
                PowerPost,
                429,
                r#"{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"x"}}"#,
            ),
        ];
        for e in &no {
            assert!(!rotatable(e), "{e:?}");
        }
    }

    #[test]
    fn once_and_never_the_same_value() {
        let e = err(ProviderId::Postiz, 401, r#"{"msg":"Invalid API key"}"#);
        let mut r = Rotation::new();
        assert!(r.wants_fresh(&e));
        assert_eq!(r.decide(&e, "old", Some("new")), Rotate::Retry);
        assert!(!r.wants_fresh(&e));
        assert_eq!(r.decide(&e, "new", Some("newer")), Rotate::AlreadyRotated);

        let mut r = Rotation::new();
        assert_eq!(r.decide(&e, "same", Some("same")), Rotate::SameValue);
        // The single chance is spent even when the value did not change.
        assert_eq!(r.decide(&e, "same", Some("other")), Rotate::AlreadyRotated);

        let mut r = Rotation::new();
        assert_eq!(r.decide(&e, "old", None), Rotate::SameValue);
        let mut r = Rotation::new();
        assert_eq!(r.decide(&e, "old", Some("")), Rotate::SameValue);

        let sub = err(
            ProviderId::Postiz,
            401,
            r#"{"msg":"No subscription found"}"#,
        );
        let mut r = Rotation::new();
        assert!(!r.wants_fresh(&sub));
        assert_eq!(r.decide(&sub, "old", Some("new")), Rotate::NotRotatable);
        // A refused decision does not spend the retry.
        assert_eq!(r.decide(&e, "old", Some("new")), Rotate::Retry);
    }

    #[test]
    fn equality_is_exact() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
        assert!(same("", ""));
    }
}
