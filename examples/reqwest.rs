//! The native Rust client (features `reqwest`, `serde`): list Poelis workspaces.
//!
//! `make example-reqwest` runs it against the emulator; by hand:
//! `POELIS_API_KEY=... [POELIS_BASE_URL=...] cargo run --example reqwest --features reqwest,serde`

use keygate::{Client, Config, Credential, CredentialKind, Options, ProviderId};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("POELIS_API_KEY").map_err(|_| "set POELIS_API_KEY")?;
    let base_url = std::env::var("POELIS_BASE_URL").ok();
    // Plain http only for a loopback emulator.
    let loopback = base_url
        .as_deref()
        .is_some_and(|u| u.starts_with("http://127.0.0.1:"));
    let credential = Credential::new(ProviderId::Poelis, CredentialKind::ApiKey, &key)?;
    let config = Config::new(
        credential,
        Options {
            base_url,
            allow_insecure_http: loopback,
            ..Default::default()
        },
    )?;
    let client = Client::with_reqwest(config)?;
    println!("{client:?}"); // the key shows redacted only

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let workspaces = client.list_workspaces().await?;
        for w in &workspaces.items {
            println!("workspace {} {}", w.id, w.name);
        }
        println!("{} workspace(s)", workspaces.count);
        Ok::<_, keygate::Error>(())
    })?;
    Ok(())
}
