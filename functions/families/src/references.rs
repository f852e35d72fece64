//! `GET /v1/workspaces/{ws}/families/{id}/references`: where a family is used.

use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::grants::{Action, EntityType, Scope};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::openapi::ResourcePath;
use pirros_shared::pagination::binding;
use pirros_shared::payload::{ListPage, NoExpansions};
use pirros_shared::query::PageQuery;
use pirros_shared::references::FamilyReference;
use pirros_shared::response::{Envelope, Reply};

pirros_shared::error_responses!(
    /// What listing a family's references answers besides them.
    pub ReferencesErrors = V1[InsufficientScope]
);

/// Where a family is used
///
/// The details that place the family and the stashes that hold it, `detail`s first, each
/// type by name (then id), paged with `limit` and `cursor`. Only what you may read is
/// listed (details by your detail read grants, stashes by your stash read grants): a family
/// you may read whose users you may not answers an empty `data`. Without a read grant on
/// families in this workspace the answer is 403 `insufficient_scope`; a family you cannot
/// read is 404.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/families/{id}/references",
    operation_id = "familyReferences",
    tag = "families",
    params(ResourcePath, PageQuery),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "One page of the family's uses.",
            body = Envelope<ListPage<FamilyReference, NoExpansions>>),
        ReferencesErrors,
    )
)]
pub async fn references(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    let PageQuery { limit, cursor } = call.query()?;
    let limit = limit.get();
    let bound = binding(&[
        "references",
        &ws.to_string(),
        id.as_str(),
        call.credential.client_id.as_str(),
    ]);
    let mut after = match &cursor {
        Some(c) => Some(state.cursors.decode(c, &bound)?),
        None => None,
    };
    // The caller's filters once, for the three scopes this needs, beside the family.
    let (filters, record) = tokio::try_join!(call.granted_filters(state, ws), async {
        Ok(state.store.get_family(ws, id).await?)
    })?;
    let scope = |e| Scope::resolve(&call.credential, ws, e, Action::Read, &filters);
    let families = scope(EntityType::Family);
    if families.is_none() {
        call.require_scope(state, ws, EntityType::Family, Action::Read, None)
            .await?;
    }
    if !record.is_some_and(|r| families.allows(&r.family)) {
        return Err(ApiError::NotFound);
    }
    let (details, stashes) = (scope(EntityType::Detail), scope(EntityType::Stash));
    let want = limit + 1;
    let mut found: Vec<(String, FamilyReference)> = Vec::with_capacity(want);
    let mut batch = want;
    // Nothing could be visible: no need to read the uses.
    let mut more = !(details.is_none() && stashes.is_none());
    while more {
        let page = state
            .store
            .query_family_references(ws, id, after.as_deref(), batch)
            .await?;
        for (key, e) in page.items {
            if found.len() < want && e.visible(&details, &stashes) {
                found.push((key, e.answer()));
            }
        }
        match page.last_key {
            Some(k) if found.len() < want => {
                after = Some(k);
                // Few visible uses: read further ahead per round trip.
                batch = (batch * 2).min(1000);
            }
            _ => more = false,
        }
    }
    let next_cursor = if found.len() > limit {
        found.truncate(limit);
        found.last().map(|(k, _)| state.cursors.encode(k, &bound))
    } else {
        None
    };
    call.reply(&ListPage {
        data: found.into_iter().map(|(_, r)| r).collect(),
        next_cursor,
        expanded: NoExpansions {},
    })
}
