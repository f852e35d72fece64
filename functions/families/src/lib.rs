//! `GET /v1/workspaces/{ws}/families/{id}` and `.../similar`.

use lambda_http::{Body, Request, Response};
use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::expand::expanded;
use pirros_shared::grants::{Action, EntityType, Scope};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::Family;
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

async fn get(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    let q = Query::parse(call.raw_query(), &["include"])?;
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

async fn similar(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    let q = Query::parse(call.raw_query(), &["limit", "include"])?;
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
