//! `GET /v1/workspaces/{ws}/families/{id}` and `.../similar`.

use lambda_http::{Body, Request, Response};
use pirros_shared::AppState;
use pirros_shared::api::{self, V1Call};
use pirros_shared::error::ApiError;
use pirros_shared::expand::{self, Expanded, References};
use pirros_shared::grants::Scope;
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::Family;
use pirros_shared::openapi::ResourcePath;
use pirros_shared::payload::{ListPage, Resource};
use pirros_shared::query::{Include, IncludeQuery, IncludeValue, Limit};
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::routes::FamiliesRoute;
use serde::{Deserialize, Serialize};

pub mod similarity;
pub mod versions;

pub async fn handle(state: &AppState, req: Request) -> Response<Body> {
    api::serve(state, req, async |route, call| match route {
        FamiliesRoute::Get(ws, id) => get(state, call, ws, &id).await,
        FamiliesRoute::Similar(ws, id) => similar(state, call, ws, &id).await,
        FamiliesRoute::Versions(ws, id) => versions::versions(state, call, ws, &id).await,
    })
    .await
}

/// The family if the caller may read it, and the caller's family read scope.
pub(crate) async fn readable(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<(Family, Scope), ApiError> {
    let fetch = state.store.get_family(ws, id);
    let (record, scope) = call.readable(state, ws, fetch, |r| &r.family).await?;
    Ok((record.family, scope))
}

pirros_shared::error_responses!(
    /// What the family routes answer besides families.
    pub FamilyErrors = V1[InvalidIncludeParam]
);

/// Get a family
///
/// One family. A family that doesn't exist, is in another workspace or firm, or that your
/// grants don't cover is 404 `not_found` alike.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/families/{id}",
    operation_id = "getFamily",
    tag = "families",
    params(ResourcePath, IncludeQuery),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "The family.", body = Envelope<Resource<Family, Expanded>>),
        FamilyErrors,
    )
)]
pub async fn get(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    let IncludeQuery { include } = call.query()?;
    let (family, _) = readable(state, call, ws, id).await?;
    expand::reply(state, call, ws, include, &family).await
}

/// The query of `similar`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SimilarQuery {
    /// How many families. Out of range is 400, never clamped.
    #[serde(default)]
    #[param(inline, required = false)]
    pub limit: Limit<10, 50>,
    /// Related objects to return in `response.expanded`: `tags`, `project` (comma-separated).
    #[serde(default)]
    #[param(value_type = Vec<IncludeValue>, style = Form, explode = false, min_items = 1, required = false)]
    pub include: Include,
}

/// A family with how alike it is to the one asked about.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ScoredFamily {
    #[serde(flatten)]
    pub family: Family,
    /// 0 (nothing in common) to 1, four decimals.
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub score: f64,
}

impl References for ScoredFamily {
    fn tag_ids(&self) -> &[ResourceId] {
        self.family.tag_ids()
    }
    fn project_id(&self) -> Option<&ResourceId> {
        self.family.project_id()
    }
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
        (status = 200, description = "The most similar families.",
            body = Envelope<ListPage<ScoredFamily, Expanded>>),
        FamilyErrors,
    )
)]
pub async fn similar(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    let SimilarQuery { limit, include } = call.query()?;
    let (family, scope) = readable(state, call, ws, id).await?;
    let others: Vec<Family> = state
        .store
        .list_families(ws)
        .await?
        .into_iter()
        .filter(|f| f.id != family.id && scope.allows(f))
        .collect();
    let data: Vec<ScoredFamily> = similarity::rank(&family, others, limit.get())
        .into_iter()
        .map(|(family, score)| ScoredFamily { family, score })
        .collect();
    let expanded = expand::expanded(state, call, ws, include, &data).await?;
    call.reply(&ListPage {
        data,
        next_cursor: None,
        expanded,
    })
}
