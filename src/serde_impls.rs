//! `serde` feature: the public data types as the JSON the npm package shows (camelCase fields,
//! codes as their stable strings). Types holding `&'static str` (a [`crate::Validation`]'s
//! `env`) or codes without a parser ([`crate::ErrorCode`], [`crate::Code`]) serialize only;
//! [`crate::RateLimit`], [`crate::ProviderId`], [`crate::CredentialKind`] and
//! [`crate::ErrorKind`] also deserialize.

use serde::de::{Deserialize, Deserializer, Error as _};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::{
    Code, CredentialKind, Error, ErrorCode, ErrorKind, ProviderId, RateLimit, Validation, Warning,
    WarningCode,
};

macro_rules! as_str {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    )*};
}
as_str!(ProviderId, CredentialKind, ErrorCode, Code, WarningCode);

macro_rules! parsed {
    ($($t:ty),*) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <$t>::parse(&s).ok_or_else(|| D::Error::custom(format!("unknown {}: {s:?}", stringify!($t))))
            }
        }
    )*};
}
parsed!(ProviderId, CredentialKind);

const KINDS: [(ErrorKind, &str); 14] = [
    (ErrorKind::KeyFormat, "key_format"),
    (ErrorKind::Config, "config"),
    (ErrorKind::BadRequest, "bad_request"),
    (ErrorKind::Authentication, "authentication"),
    (ErrorKind::PaymentRequired, "payment_required"),
    (ErrorKind::Permission, "permission"),
    (ErrorKind::NotFound, "not_found"),
    (ErrorKind::Subscription, "subscription"),
    (ErrorKind::RateLimit, "rate_limit"),
    (ErrorKind::Server, "server"),
    (ErrorKind::Network, "network"),
    (ErrorKind::Timeout, "timeout"),
    (ErrorKind::Abort, "abort"),
    (ErrorKind::Api, "api"),
];

impl Serialize for ErrorKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let name = KINDS
            .iter()
            .find(|(k, _)| k == self)
            .map_or("api", |(_, n)| n);
        s.serialize_str(name)
    }
}

impl<'de> Deserialize<'de> for ErrorKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        KINDS
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(k, _)| *k)
            .ok_or_else(|| D::Error::custom(format!("unknown error kind: {s:?}")))
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RateLimitRepr {
    limit: Option<u64>,
    remaining: Option<u64>,
    reset_at: Option<u64>,
}

impl Serialize for RateLimit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RateLimitRepr {
            limit: self.limit,
            remaining: self.remaining,
            reset_at: self.reset_at,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for RateLimit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = RateLimitRepr::deserialize(d)?;
        Ok(RateLimit {
            limit: r.limit,
            remaining: r.remaining,
            reset_at: r.reset_at,
        })
    }
}

impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Warning", 2)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("message", &self.message)?;
        st.end()
    }
}

/// The validation result (the redacted key only: a `Validation` never holds the key itself).
impl Serialize for Validation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Validation", 8)?;
        st.serialize_field("ok", &self.ok)?;
        st.serialize_field("provider", &self.provider)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("redacted", &self.redacted)?;
        st.serialize_field("env", &self.env)?;
        st.serialize_field("warnings", &self.warnings)?;
        st.end()
    }
}

/// The error's fields as the JS errors carry them (`message` is already scrubbed).
impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Error", 8)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("provider", &self.provider)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("providerCode", &self.provider_code)?;
        st.serialize_field("requestId", &self.request_id)?;
        st.serialize_field("retryAfterMs", &self.retry_after_ms)?;
        st.serialize_field("rateLimit", &self.rate_limit)?;
        st.end()
    }
}

/// The client's answer (headers, body as text when it is not JSON, JSON when it is).
impl Serialize for crate::client::Response {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Response", 5)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("headers", &self.headers)?;
        st.serialize_field("requestId", &self.request_id)?;
        st.serialize_field("rateLimit", &self.rate_limit)?;
        match serde_json::from_slice::<serde_json::Value>(&self.body) {
            Ok(v) if self.is_json() => st.serialize_field("data", &v)?,
            _ => st.serialize_field("data", &self.text())?,
        }
        st.end()
    }
}
