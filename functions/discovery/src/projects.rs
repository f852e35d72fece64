//! `GET /v1/workspaces/{ws}/projects`: the workspace's projects by name. Projects have no
//! grants of their own: any read grant in the workspace shows them all, as `include=project`
//! shows a project to whoever may read something of it.

use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::ids::WorkspaceId;
use pirros_shared::model::Project;
use pirros_shared::openapi::WorkspacePath;
use pirros_shared::pagination::Pager;
use pirros_shared::payload::{ListPage, NoExpansions};
use pirros_shared::query::PageQuery;
use pirros_shared::response::{Envelope, Reply};

/// List projects
///
/// The workspace's projects by name (then id), paged with `limit` and `cursor`: what a
/// stash's `project_id` and the `project_id` filters take. Any read grant in the
/// workspace (details, families, stashes or tags, whatever its filter) shows every
/// project; with none the answer is 403 `insufficient_scope`.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/projects",
    operation_id = "listProjects",
    tag = "discovery",
    params(WorkspacePath),
    responses(
        (status = 200, description = "One page of projects.",
            body = Envelope<ListPage<Project, NoExpansions>>),
    )
)]
pub async fn list(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    PageQuery { limit, cursor }: PageQuery,
) -> Result<Reply, ApiError> {
    let limit = limit.get();
    let pager = Pager::new(&state.cursors, call, &[]);
    let after = pager.start(cursor.as_deref())?;
    call.require_any_read(state, ws, "project").await?;
    // One item past the page tells whether another page exists; a read that stops short
    // (DynamoDB's 1 MB page) says so with its last key, and the client reads on from there.
    let page = state
        .store
        .query_projects(ws, after.as_deref(), limit + 1)
        .await?;
    let mut items = page.items;
    let next_key = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|(k, _)| k.clone())
    } else {
        page.last_key
    };
    let data: Vec<Project> = items.into_iter().map(|(_, p)| p).collect();
    call.reply(&pager.page(data, next_key.as_deref(), NoExpansions {}))
}
