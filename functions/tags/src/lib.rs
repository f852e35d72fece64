//! `GET /v1/workspaces/{ws}/tags`: every tag the caller may read, by name, in one page.

use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::ahead::reads::{self, TagsRead};
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::grants::{Action, EntityType};
use pirros_shared::ids::WorkspaceId;
use pirros_shared::model::Tag;
use pirros_shared::openapi::WorkspacePath;
use pirros_shared::payload::{ListPage, NoExpansions};
use pirros_shared::query::PageQuery;
use pirros_shared::response::{Envelope, Reply};

/// Tag counts are capped, so the list is never paged.
pub const MAX_TAGS: usize = pirros_shared::model::MAX_TAGS_PER_WORKSPACE;

pirros_shared::declare_routes! {
    v1 TagsRoute for Tags {
        List(ws: WorkspaceId) => {list} needs read(Tag) ahead(reads::tags),
    }
}
/// List tags
///
/// Every tag the caller may read in the workspace, sorted by name, in one response of at
/// most 500: tags are never paged, so `next_cursor` is always `null`. `limit` is taken as on
/// every list (1 to 100, else 400), so a client that sends it everywhere works here, but the
/// page holds every tag whatever it says; no cursor is ever issued, so a `cursor` is 400.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/tags",
    operation_id = "listTags",
    tag = "tags",
    params(WorkspacePath),
    responses(
        (status = 200, description = "The tags.", body = Envelope<ListPage<Tag, NoExpansions>>),
    )
)]
pub async fn list(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    (PageQuery { limit: _, cursor }, ahead): (PageQuery, Ahead<TagsRead>),
) -> Result<Reply, ApiError> {
    if cursor.is_some() {
        return Err(ApiError::invalid_field(
            "cursor",
            "tags come in one page (next_cursor is always null): there is no cursor to follow",
        ));
    }
    let scope = call
        .require_scope(state, ws, EntityType::Tag, Action::Read, None)
        .await?;
    let mut tags: Vec<Tag> = ahead
        .or(reads::tags(state, call.asking(), ws))
        .await?
        .into_iter()
        .filter(|t| scope.allows(t))
        .collect();
    tags.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    tags.truncate(MAX_TAGS);
    call.reply(&ListPage {
        data: tags,
        next_cursor: None,
        expanded: NoExpansions {},
    })
}
