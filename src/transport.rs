//! Ready-made [`Transport`]s. `reqwest` feature: [`Reqwest`], for servers and CLIs on tokio.

use core::time::Duration;

use crate::client::{Client, Incoming, Outgoing, SendError, Transport};
use crate::error::{Error, ErrorKind};
use crate::plan::Config;

/// A native transport on reqwest (rustls, webpki roots) and tokio's timer: redirects are never
/// followed (the [`Client`] follows same-origin ones), each attempt has its own timeout, bodies
/// are read chunk by chunk up to the client's limit, and credential headers are marked
/// sensitive (`http::HeaderValue::set_sensitive`: hidden from reqwest's `Debug`, never indexed
/// by HTTP/2's HPACK).
///
/// Its futures are `Send`, so `Client<Reqwest>` requests can be spawned on a multi-threaded
/// tokio runtime.
#[derive(Clone, Debug)]
pub struct Reqwest {
    http: reqwest::Client,
}

impl Reqwest {
    /// A transport with its own connection pool.
    pub fn new() -> Result<Reqwest, Error> {
        Reqwest::from_builder(reqwest::Client::builder())
    }

    /// A transport from your builder (proxies, pool, TLS roots...); its redirect policy is
    /// replaced by `none`, whatever the builder said.
    pub fn from_builder(builder: reqwest::ClientBuilder) -> Result<Reqwest, Error> {
        let http = builder
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                Error::new(
                    ErrorKind::Config,
                    format!("could not set up the HTTP client: {e}"),
                )
            })?;
        Ok(Reqwest { http })
    }
}

impl Client<Reqwest> {
    /// A client for `config` on a new [`Reqwest`] transport.
    pub fn with_reqwest(config: Config) -> Result<Client<Reqwest>, Error> {
        Ok(Client::new(config, Reqwest::new()?))
    }
}

/// The io error's code as Node names it (the JS package reports `cause.code`).
fn io_code(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            let code = match io.kind() {
                K::ConnectionRefused => "ECONNREFUSED",
                K::ConnectionReset => "ECONNRESET",
                K::ConnectionAborted => "ECONNABORTED",
                K::BrokenPipe => "EPIPE",
                K::TimedOut => "ETIMEDOUT",
                K::UnexpectedEof => "UND_ERR_SOCKET",
                _ => return None,
            };
            return Some(code.into());
        }
        cur = err.source();
    }
    None
}

fn network(e: reqwest::Error) -> SendError {
    if e.is_timeout() {
        return SendError::TimedOut;
    }
    let cause = io_code(&e);
    // The message with its causes ("error sending request: client error (Connect): ..."); the
    // URL is left out (the driver's error names the provider, and a query could carry data).
    let e = e.without_url();
    let mut message = e.to_string();
    let mut src = std::error::Error::source(&e);
    for _ in 0..8 {
        let Some(s) = src else { break };
        message.push_str(": ");
        message.push_str(&s.to_string());
        src = s.source();
    }
    SendError::Network { message, cause }
}

impl Transport for Reqwest {
    async fn send(&self, r: Outgoing<'_>) -> Result<Incoming, SendError> {
        let bad = |what: &str| SendError::Network {
            message: format!("keygate could not build the request: {what}"),
            cause: None,
        };
        let method = reqwest::Method::from_bytes(r.method.as_bytes()).map_err(|_| bad("method"))?;
        let mut req = self.http.request(method, r.url).timeout(r.timeout);
        for h in r.headers {
            let mut v = reqwest::header::HeaderValue::from_str(h.value.as_str())
                .map_err(|_| bad("a header value"))?;
            v.set_sensitive(h.value.is_sensitive());
            let name = reqwest::header::HeaderName::from_bytes(h.name.as_bytes())
                .map_err(|_| bad("a header name"))?;
            req = req.header(name, v);
        }
        if let Some(body) = r.body {
            req = req.body(body.to_vec());
        }
        let mut resp = req.send().await.map_err(network)?;
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        let url = Some(resp.url().to_string());
        let limit = r.body_limit(status);
        let mut got = Incoming {
            status,
            url,
            headers,
            ..Default::default()
        };
        if resp.content_length().is_some_and(|n| n > limit) {
            got.over_limit = true;
            return Ok(got);
        }
        while let Some(chunk) = resp.chunk().await.map_err(network)? {
            if got.body.len() as u64 + chunk.len() as u64 > limit {
                got.over_limit = true;
                got.body = Vec::new();
                return Ok(got);
            }
            got.body.extend_from_slice(&chunk);
        }
        Ok(got)
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await
    }
}
