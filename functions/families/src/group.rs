//! `GET /v1/workspaces/{ws}/families/{id}/group`: the group a family belongs to.

use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::conditional::EntityTag;
use pirros_shared::error::ApiError;
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::FamilyGroup;
use pirros_shared::openapi::ResourcePath;
use pirros_shared::payload::{NoExpansions, Resource};
use pirros_shared::query::NoQuery;
use pirros_shared::response::{Envelope, Reply};
use std::collections::HashSet;

/// A family's group
///
/// The group of families this one belongs to, with only the members you may read (the
/// family asked about among them). A family in no group, or one that doesn't exist or your
/// grants don't cover, is 404 `not_found` alike.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/families/{id}/group",
    operation_id = "familyGroup",
    tag = "families",
    params(ResourcePath),
    responses(
        (status = 200, description = "The family's group.",
            body = Envelope<Resource<FamilyGroup, NoExpansions>>,
            headers(("ETag" = String,
                description = "Changes whenever the group as shown to you changes."))),
    )
)]
pub async fn group(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    NoQuery {}: NoQuery,
) -> Result<Reply, ApiError> {
    let (family, scope) = crate::readable(state, call, ws, id).await?;
    let group_id = family.group_id.ok_or(ApiError::NotFound)?;
    let mut group = state
        .store
        .get_family_group(ws, &group_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    // A member counts if the caller may read it and it still names this group (an import
    // that moved a family to another group rewrote the family, not the old group).
    let shown: HashSet<ResourceId> = state
        .store
        .get_families(ws, &group.family_ids)
        .await?
        .into_iter()
        .filter(|f| f.group_id.as_ref() == Some(&group.id) && scope.allows(f))
        .map(|f| f.id)
        .collect();
    group.family_ids.retain(|f| shown.contains(f));
    // The tag covers what the caller is shown, not the request id around it.
    let payload = Resource {
        item: &group,
        expanded: NoExpansions {},
    };
    call.reply_tagged(&payload, EntityTag::of(&payload)?)
}
