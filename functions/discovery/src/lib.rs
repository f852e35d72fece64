//! Discovery: `GET /v1/me` (who the credential is, the workspaces its grants open and its
//! rate-limit state) and `GET /v1/workspaces/{ws}/projects` (the projects a stash or a
//! search can name).

pub mod me;
pub mod projects;

use lambda_http::{Body, Request, Response};
use pirros_shared::AppState;
use pirros_shared::api;
use pirros_shared::routes::DiscoveryRoute;

pub async fn handle(state: &AppState, req: Request) -> Response<Body> {
    api::serve(state, req, async |route, call| match route {
        DiscoveryRoute::Me => me::me(state, call).await,
        DiscoveryRoute::Projects(ws) => projects::list(state, call, ws).await,
    })
    .await
}
