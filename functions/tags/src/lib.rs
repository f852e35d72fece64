//! `GET /v1/workspaces/{ws}/tags`: every tag the caller may read, by name, in one page.

use lambda_http::{Body, Request, Response};
use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::grants::{Action, EntityType};
use pirros_shared::ids::WorkspaceId;
use pirros_shared::openapi::*;
use pirros_shared::query::Query;
use pirros_shared::response::Reply;
use pirros_shared::routes::Route;
use serde_json::json;

/// Tag counts are capped, so the list is never paged (the guide).
pub const MAX_TAGS: usize = 500;

pub async fn handle(state: &AppState, req: Request) -> Response<Body> {
    let call = match V1Call::begin(state, req).await {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let outcome = match call.route.clone() {
        Route::ListTags(ws) => list(state, &call, ws).await,
        _ => Err(ApiError::NotFound),
    };
    call.finish(outcome)
}

/// The query parameters `list` accepts: none.
pub const LIST_QUERY: &[&str] = &[];

/// List tags
///
/// Every tag the caller may read in the workspace, sorted by name, in one response of at
/// most 500: tags are never paged, so `next_cursor` is always `null`.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/tags",
    operation_id = "listTags",
    tag = "tags",
    params(WorkspacePath),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "The tags.", body = TagListEnvelope),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 405, response = MethodNotAllowed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn list(state: &AppState, call: &V1Call, ws: WorkspaceId) -> Result<Reply, ApiError> {
    Query::parse(call.raw_query(), LIST_QUERY)?;
    let scope = call
        .require_scope(state, ws, EntityType::Tag, Action::Read, None)
        .await?;
    let mut tags: Vec<_> = state
        .store
        .list_tags(ws)
        .await?
        .into_iter()
        .filter(|t| scope.allows(t))
        .collect();
    tags.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    tags.truncate(MAX_TAGS);
    Ok(Reply::ok(json!({
        "data": tags,
        "next_cursor": null,
        "expanded": {},
    })))
}
