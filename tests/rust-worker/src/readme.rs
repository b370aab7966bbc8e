//! The README's Rust quickstarts for the browser and for a Cloudflare Worker, compiled here (by
//! `make test-rust-gloo`'s clippy and build of this crate) so they stay true. Keep them in step
//! with README.md's "Rust" section.
#![allow(dead_code)]

use keygate::{Client, Config, Credential, CredentialKind, Options, ProviderId, RequestSpec};
use wasm_bindgen::prelude::*;

/// Call from a component (`leptos::task::spawn_local`, `yew::platform::spawn_local`, ...).
async fn channel_names(user_token: &str) -> Result<Vec<String>, keygate::Error> {
    // A user's OAuth token, not a secret API key: with `browser_window` set (as the npm package
    // detects it) a secret key is refused in a page unless `dangerously_allow_browser`.
    let credential = Credential::new(ProviderId::Postiz, CredentialKind::OAuthToken, user_token)?;
    let options = Options { browser_window: keygate::gloo::in_browser_window(), ..Default::default() };
    let client = Client::with_gloo(Config::new(credential, options)?);
    // A typed helper (feature `serde`): `GET /integrations` as `Vec<keygate::helpers::Integration>`.
    let channels = client.list_integrations().await?;
    Ok(channels.into_iter().map(|c| c.name).collect())
}

#[wasm_bindgen]
pub async fn workspaces(key: String) -> Result<String, JsError> {
    let credential = Credential::new(ProviderId::Poelis, CredentialKind::ApiKey, &key)?;
    let client = Client::with_gloo(Config::new(credential, Options::default())?);
    let get = RequestSpec { method: "GET".into(), path: "/workspaces".into(), ..Default::default() };
    Ok(client.request(get).await?.text()) // errors: Display is redacted, safe to return
}
