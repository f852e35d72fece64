//! Asynchronous work: family uploads (`POST .../families/uploads`), stash exports
//! (`POST .../stashes/{id}/exports`) and the jobs they start (`GET .../jobs/{id}`). The
//! work itself is the worker's (functions/worker); this function creates jobs, hands them
//! over, and answers them, noticing an uploaded file on the way.

pub mod answer;
pub mod export;
pub mod read;
pub mod sqs_queue;
pub mod upload;
pub mod upload_body;

use lambda_http::{Body, Request, Response};
use pirros_shared::AppState;
use pirros_shared::api;
use pirros_shared::routes::JobsRoute;

pub async fn handle(state: &AppState, req: Request) -> Response<Body> {
    api::serve(state, req, async |route, call| match route {
        JobsRoute::Upload(ws) => upload::upload(state, call, ws).await,
        JobsRoute::Export(ws, id) => export::export(state, call, ws, &id).await,
        JobsRoute::Get(ws, id) => read::get(state, call, ws, &id).await,
    })
    .await
}
