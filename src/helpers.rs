//! `serde` feature: typed helpers on [`Client`], from the same endpoint table as the JS ones
//! (`src/providers/*`: each [`crate::Endpoint`]'s name, method and path; the default of a query
//! option too), returning serde types shaped like the TypeScript results.
//!
//! On every target with the `serde` feature: natively over any [`Transport`] (`reqwest`), and
//! in wasm32 over `keygate::gloo::Gloo` (pages, Web Workers, workerd). The endpoint table's
//! helper descriptions are compiled into a wasm32 build only with `serde`, so the npm wasm
//! (built without it) stays as it was.

use serde::{Deserialize, Serialize};

use crate::client::{Client, Response, Transport};
use crate::error::{Error, ErrorCode};
use crate::plan::RequestSpec;
use crate::providers::To;

/// A Poelis workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Organization id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// Human-readable id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readable_id: Option<String>,
}

/// Poelis `GET /workspaces`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceList {
    /// The workspaces.
    pub items: Vec<Workspace>,
    /// How many there are.
    pub count: u64,
}

/// PowerPost `GET /account/credits`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Credits {
    /// The credit balance.
    pub balance: f64,
}

/// The customer of a Postiz channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A connected Postiz channel (integration).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    /// Id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// The provider identifier (`x`, `linkedin`, ...).
    #[serde(default)]
    pub identifier: String,
    /// Avatar URL.
    #[serde(default)]
    pub picture: String,
    /// Whether it is disabled.
    #[serde(default)]
    pub disabled: bool,
    /// The profile handle.
    #[serde(default)]
    pub profile: String,
    /// Its customer.
    #[serde(default)]
    pub customer: Option<Customer>,
}

/// Postiz `GET /is-connected`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Connected {
    /// Whether the key's organization is connected.
    pub connected: bool,
}

/// A Poesius presentation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Presentation {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Number of slides.
    pub slide_count: u64,
    /// Template used.
    #[serde(default)]
    pub template_id: Option<String>,
    /// Status.
    #[serde(default)]
    pub status: String,
    /// Where to see it.
    #[serde(default)]
    pub url: String,
    /// Creation time.
    #[serde(default)]
    pub created_at: String,
    /// Its source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Poesius `GET /presentations`: one page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PresentationList {
    /// The presentations.
    pub items: Vec<Presentation>,
    /// Total count.
    #[serde(default)]
    pub total: Option<u64>,
    /// Page size.
    #[serde(default)]
    pub limit: Option<u64>,
    /// Page offset.
    #[serde(default)]
    pub offset: Option<u64>,
}

impl<T: Transport> Client<T> {
    /// Calls an endpoint of this client's provider by its helper name (`"listWorkspaces"`), as
    /// the JS helper does: its method and path from the table, `spec.endpoint` set (so its
    /// requirements are checked), the query options given or their table defaults. Endpoints
    /// with a path parameter or a body are not callable this way yet (use [`Client::send`]).
    pub async fn call(&self, name: &str, query: &[(&str, String)]) -> Result<Response, Error> {
        let p = self.config().provider;
        let ep = p
            .provider()
            .endpoints
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| {
                Error::config(
                    ErrorCode::InvalidConfig,
                    format!("{name} is not a {p} endpoint"),
                )
                .with_provider(p)
            })?;
        if ep.path.contains('{') || ep.body != crate::providers::EndpointBody::None {
            return Err(Error::config(
                ErrorCode::InvalidConfig,
                format!("{name} takes a path parameter or a body: use Client::send"),
            )
            .with_provider(p));
        }
        let mut pairs: Vec<(String, String)> = Vec::new();
        for param in ep.js.options {
            let To::Query(q) = param.to else { continue };
            let given = query.iter().find(|(k, _)| *k == param.name || *k == q);
            match (given, param.default) {
                (Some((_, v)), _) => pairs.push((q.into(), v.clone())),
                (None, Some(d)) => pairs.push((q.into(), d.into())),
                (None, None) => {}
            }
        }
        let spec = RequestSpec {
            method: ep.method.into(),
            path: ep.path.into(),
            query: pairs,
            endpoint: Some(ep.name),
            ..Default::default()
        };
        self.request(spec).await
    }

    /// Poelis: the organization's workspaces.
    ///
    /// ```no_run
    /// # async fn run<T: keygate::Transport>(client: keygate::Client<T>) -> Result<(), keygate::Error> {
    /// // `client`: a Poelis client, e.g. `Client::with_reqwest(config)?` (feature `reqwest`),
    /// // or `Client::with_gloo(config)` in wasm (feature `gloo`).
    /// for w in client.list_workspaces().await?.items {
    ///     println!("{} {}", w.id, w.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_workspaces(&self) -> Result<WorkspaceList, Error> {
        self.call("listWorkspaces", &[]).await?.json()
    }

    /// PowerPost: the account's credit balance.
    pub async fn get_credits(&self) -> Result<Credits, Error> {
        self.call("getCredits", &[]).await?.json()
    }

    /// Postiz: the connected channels.
    pub async fn list_integrations(&self) -> Result<Vec<Integration>, Error> {
        self.call("listIntegrations", &[]).await?.json()
    }

    /// Postiz: whether the key's organization is connected.
    pub async fn is_connected(&self) -> Result<bool, Error> {
        Ok(self
            .call("isConnected", &[])
            .await?
            .json::<Connected>()?
            .connected)
    }

    /// Poesius: one page of presentations (`limit` defaults to the table's, 1).
    pub async fn list_presentations(&self, limit: Option<u32>) -> Result<PresentationList, Error> {
        let q: Vec<(&str, String)> = limit
            .map(|l| ("limit", l.to_string()))
            .into_iter()
            .collect();
        self.call("listPresentations", &q).await?.json()
    }
}
