//! `GET /v1/workspaces/{ws}/families/{id}` and `.../similar`.

use lambda_http::{Body, Request, Response};
use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::expand::expanded;
use pirros_shared::grants::{Action, EntityType, Scope};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::Family;
use pirros_shared::openapi::*;
use pirros_shared::query::Query;
use pirros_shared::response::{Reply, resource_payload};
use pirros_shared::routes::Route;
use serde_json::json;
use std::collections::HashSet;

pub mod similarity;

pub async fn handle(state: &AppState, req: Request) -> Response<Body> {
    let call = match V1Call::begin(state, req).await {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let outcome = match call.route.clone() {
        Route::GetFamily(ws, id) => get(state, &call, ws, &id).await,
        Route::SimilarFamilies(ws, id) => similar(state, &call, ws, &id).await,
        _ => Err(ApiError::NotFound),
    };
    call.finish(outcome)
}

/// The family if the caller may read it; otherwise the same 404 as a missing one.
async fn readable(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<(Family, Scope), ApiError> {
    let (scope, record) = tokio::try_join!(
        call.scope(state, ws, EntityType::Family, Action::Read),
        async { Ok(state.store.get_family(ws, id).await?) },
    )?;
    match record {
        Some(r) if scope.allows(&r.family) => Ok((r.family, scope)),
        _ => Err(ApiError::NotFound),
    }
}

/// The query parameters `get` accepts.
pub const GET_QUERY: &[&str] = &["include"];

/// The query of `get`, as documented.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GetQuery {
    /// Related objects to return in `response.expanded`: `tags`, `project` (comma-separated).
    #[param(style = Form, explode = false, min_items = 1, required = false)]
    pub include: Vec<IncludeValue>,
}

/// Get a family
///
/// One family. A family that doesn't exist, is in another workspace or firm, or that your
/// grants don't cover is 404 `not_found` alike.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/families/{id}",
    operation_id = "getFamily",
    tag = "families",
    params(ResourcePath, GetQuery),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "The family.", body = FamilyEnvelope),
        (status = 400, response = BadRequestInclude),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 405, response = MethodNotAllowed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn get(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    let q = Query::parse(call.raw_query(), GET_QUERY)?;
    let include = q.include()?;
    let (family, _) = readable(state, call, ws, id).await?;
    let exp = expanded(
        state,
        call,
        ws,
        include,
        family.tag_ids.clone(),
        family.project_id.clone(),
    )
    .await?;
    Ok(Reply::ok(resource_payload(&family, exp)))
}

/// The query parameters `similar` accepts.
pub const SIMILAR_QUERY: &[&str] = &["limit", "include"];

/// The query of `similar`, as documented.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimilarQuery {
    /// How many families, 1 to 50 (default 10). Out of range is 400, never clamped.
    #[param(minimum = 1, maximum = 50, default = 10, required = false)]
    pub limit: u32,
    /// Related objects to return in `response.expanded`: `tags`, `project` (comma-separated).
    #[param(style = Form, explode = false, min_items = 1, required = false)]
    pub include: Vec<IncludeValue>,
}

/// Similar families
///
/// The families of the workspace you may read that are most like this one, by descending
/// `score` (0 to 1: shared tags, same category, shared name words). One page:
/// `next_cursor` is always `null`.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/families/{id}/similar",
    operation_id = "similarFamilies",
    tag = "families",
    params(ResourcePath, SimilarQuery),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "The most similar families.", body = SimilarFamilyListEnvelope),
        (status = 400, response = BadRequestInclude),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 405, response = MethodNotAllowed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn similar(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    let q = Query::parse(call.raw_query(), SIMILAR_QUERY)?;
    let limit = q.limit(10, 50)?;
    let include = q.include()?;
    let (family, scope) = readable(state, call, ws, id).await?;
    let others: Vec<Family> = state
        .store
        .list_families(ws)
        .await?
        .into_iter()
        .filter(|f| f.id != family.id && scope.allows(f))
        .collect();
    let ranked = similarity::rank(&family, others, limit);
    let tag_ids: HashSet<ResourceId> = ranked
        .iter()
        .flat_map(|(f, _)| f.tag_ids.iter().cloned())
        .collect();
    let project_ids: HashSet<ResourceId> = ranked
        .iter()
        .filter_map(|(f, _)| f.project_id.clone())
        .collect();
    let exp = expanded(state, call, ws, include, tag_ids, project_ids).await?;
    let data: Vec<serde_json::Value> = ranked
        .into_iter()
        .map(|(f, score)| {
            let mut v = json!(f);
            v["score"] = json!(score);
            v
        })
        .collect();
    Ok(Reply::ok(json!({
        "data": data,
        "next_cursor": null,
        "expanded": exp,
    })))
}
