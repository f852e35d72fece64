//! `GET /v1/workspaces/{ws}/families/{id}/references`: where a family is used.

use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::ahead::reads::FamilyRead;
use pirros_shared::api::{Asking, V1Call};
use pirros_shared::error::ApiError;
use pirros_shared::grants::{Action, EntityType, Scope};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::openapi::ResourcePath;
use pirros_shared::pagination::Pager;
use pirros_shared::payload::{ListPage, NoExpansions};
use pirros_shared::query::PageQuery;
use pirros_shared::references::{FamilyReference, ReferenceEntry};
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::search::budget;
use pirros_shared::search::walk::{FirstRead, first_read, walk_one_beside};
use pirros_shared::store::Slice;
use std::sync::atomic::{AtomicBool, Ordering};

/// The family and the first read of its references' page, made together ahead of the call.
pub struct ReferencesRead {
    family: FamilyRead,
    first: FirstRead<ReferenceEntry>,
}

/// The family and the first read of the page the query and cursor ask for, beside
/// authentication; nothing when either is wrong (the handler answers why).
pub(crate) async fn read_references(
    state: &AppState,
    asking: Asking<'_>,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Option<ReferencesRead> {
    let PageQuery { limit, cursor } = asking.query()?;
    let after = Pager::asked(&state.cursors, asking, &[])
        .start(cursor.as_deref())
        .ok()?;
    let limit = limit.get();
    let max = first_read(limit, budget(limit));
    let (family, read) = tokio::join!(
        state.store.get_family(ws, id),
        state
            .store
            .query_family_references(ws, id, after.as_deref(), max),
    );
    Some(ReferencesRead {
        family,
        first: FirstRead {
            at: (after, max),
            read,
        },
    })
}

/// Where a family is used
///
/// The details that place the family and the stashes that hold it, `detail`s first, each
/// type by name (then id), paged with `limit` and `cursor`. Only what you may read is
/// listed (details by your detail read grants, stashes by your stash read grants): a family
/// you may read whose users you may not answers an empty `data`. Without a read grant on
/// families in this workspace the answer is 403 `insufficient_scope`; a family you cannot
/// read is 404. A page reads at most 4 × `limit` + 10 uses: when few of them are yours to
/// see, it may hold fewer than `limit` (even none) while `next_cursor` is set; follow it
/// until it is `null`.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/families/{id}/references",
    operation_id = "familyReferences",
    tag = "families",
    params(ResourcePath),
    responses(
        (status = 200, description = "One page of the family's uses.",
            body = Envelope<ListPage<FamilyReference, NoExpansions>>),
    )
)]
pub async fn references(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (PageQuery { limit, cursor }, ahead): (PageQuery, Ahead<Option<ReferencesRead>>),
) -> Result<Reply, ApiError> {
    let limit = limit.get();
    let pager = Pager::new(&state.cursors, call, &[]);
    let after = pager.start(cursor.as_deref())?;
    let (family, early) = match ahead.into_read().flatten() {
        Some(r) => (Some(r.family), Some(r.first)),
        None => (None, None),
    };
    // The caller's filters once, for the three scopes this needs, beside the family and
    // the first page of its uses: one round trip.
    // Set when no use could be visible: the walk then reads no further than its first page.
    let blind = AtomicBool::new(false);
    let visible = async {
        let (filters, record) = tokio::try_join!(call.granted_filters(state, ws), async {
            Ok(match family {
                Some(read) => read,
                None => state.store.get_family(ws, id).await,
            }?)
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
        blind.store(details.is_none() && stashes.is_none(), Ordering::Relaxed);
        Ok((details, stashes))
    };
    // Within the read budget of every list page: a family used mostly where the caller
    // may not look answers a short page and a cursor rather than reading every use.
    // Nothing could be visible without a detail or stash scope: the page is then empty.
    let ((details, stashes), walked) = walk_one_beside(
        visible,
        |after: Option<String>, max| {
            let blind = blind.load(Ordering::Relaxed);
            async move {
                if blind {
                    return Ok(Slice::default());
                }
                state
                    .store
                    .query_family_references(ws, id, after.as_deref(), max)
                    .await
            }
        },
        early,
        after,
        limit,
        budget(limit),
        |(details, stashes), e: &ReferenceEntry| e.visible(details, stashes),
    )
    .await?;
    if details.is_none() && stashes.is_none() {
        return call.reply(&ListPage {
            data: Vec::<FamilyReference>::new(),
            next_cursor: None,
            expanded: NoExpansions {},
        });
    }
    let data: Vec<FamilyReference> = walked.items.iter().map(ReferenceEntry::answer).collect();
    call.reply(&pager.page(data, walked.next.as_deref(), NoExpansions {}))
}
