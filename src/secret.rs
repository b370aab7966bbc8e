//! Credentials that never show themselves: `Debug` and `Display` print the redacted form, and the
//! bytes are wiped when dropped.

use zeroize::Zeroize;

use crate::error::{Error, ErrorCode, ErrorKind};
use crate::providers::{CredentialKind, ProviderId};
use crate::validate::{validate_at, Validation};

/// A secret string, wiped on drop, printed only as its redacted form.
pub struct Secret {
    value: String,
    redacted: String,
}

impl Secret {
    /// The secret itself: only for building the auth header.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// The redacted form.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.value.zeroize();
    }
}

impl core::fmt::Debug for Secret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Secret({})", self.redacted)
    }
}

impl core::fmt::Display for Secret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.redacted)
    }
}

/// A validated credential of one provider.
#[derive(Debug)]
pub struct Credential {
    provider: ProviderId,
    kind: CredentialKind,
    secret: Secret,
    validation: Validation,
}

impl Credential {
    /// Validates `input` and keeps it; a bad credential is a `KeyFormatError` that names the rule
    /// broken, never the input.
    pub fn new(
        provider: ProviderId,
        kind: CredentialKind,
        input: &str,
    ) -> Result<Credential, Error> {
        Credential::new_at(provider, kind, input, crate::validate::system_now())
    }

    /// [`Credential::new`] with an explicit clock for JWT expiry warnings.
    pub fn new_at(
        provider: ProviderId,
        kind: CredentialKind,
        input: &str,
        now: Option<u64>,
    ) -> Result<Credential, Error> {
        let validation = validate_at(provider, kind, input, now);
        if !validation.ok {
            return Err(key_error(&validation));
        }
        Ok(Credential {
            provider,
            kind: validation.kind,
            secret: Secret {
                value: input.to_string(),
                redacted: validation.redacted.clone(),
            },
            validation,
        })
    }

    /// The provider.
    pub fn provider(&self) -> ProviderId {
        self.provider
    }

    /// The kind (Postiz `pos_` inputs are OAuth tokens).
    pub fn kind(&self) -> CredentialKind {
        self.kind
    }

    /// The secret.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// `text` with this credential removed in every form, then cleaned and cut to `max`
    /// characters: see [`crate::sanitize`].
    pub fn sanitize(&self, text: &str, max: usize) -> String {
        crate::sanitize::sanitize(self, text, max)
    }

    /// The validation that admitted it (warnings included).
    pub fn validation(&self) -> &Validation {
        &self.validation
    }
}

/// The `KeyFormatError` for a failed validation.
pub fn key_error(v: &Validation) -> Error {
    Error::new(
        ErrorKind::KeyFormat,
        crate::decimal::fill("{} ({})", &[&v.message, &v.redacted]),
    )
    .with_code(ErrorCode::Key(v.code))
    .with_provider(v.provider)
}
