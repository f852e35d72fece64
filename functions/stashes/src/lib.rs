//! Stashes: get, create and update, with strict bodies, `Idempotency-Key` and `If-Match`.

pub mod body;
pub mod list;

use body::{CreateStash, UpdateStash};
use http::StatusCode;
use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::ahead::reads::{self, StashRead};
use pirros_shared::api::{Asking, V1Call};
use pirros_shared::conditional::EntityTag;
use pirros_shared::error::{ApiError, ItemReferenceDetails};
use pirros_shared::error_responses;
use pirros_shared::etag::IfMatch;
use pirros_shared::events::{Actor, resource_event};
use pirros_shared::extract::Body;
use pirros_shared::grants::{Action, EntityType, Scope};
use pirros_shared::idempotency::{self, Begun, IdempotencyKey, Needs};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::{Detail, Family, ItemIds, Stash, StashRecord};
use pirros_shared::openapi::{ResourcePath, WorkspacePath};
use pirros_shared::payload::{NoExpansions, Resource};
use pirros_shared::query::NoQuery;
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::store::{SaveOutcome, StashWrite, StoreResult};
use pirros_shared::timestamp::Timestamp;
use pirros_shared::write::{Committed, commit, versioned_update};

/// The stashes of a workspace: listed (`GET`) and created (`POST`).
pub const STASHES_PATH: &str = "/v1/workspaces/{ws}/stashes";

/// One stash: read (`GET`), updated (`PATCH`) and deleted (`DELETE`).
pub const STASH_PATH: &str = "/v1/workspaces/{ws}/stashes/{id}";

pirros_shared::declare_routes! {
    v1 StashesRoute for Stashes {
        Get(ws: WorkspaceId, id: ResourceId) => {get} ahead(reads::stash),
        Create(ws: WorkspaceId) => {create} needs write(Stash) ahead(read_named),
        Update(ws: WorkspaceId, id: ResourceId) => {update} needs write(Stash),
        Delete(ws: WorkspaceId, id: ResourceId) => {delete} needs write(Stash),
        List(ws: WorkspaceId) => list::{list} needs read(Stash),
    }
}

/// A stash as it is answered: its fields, and nothing to expand.
fn payload(stash: &Stash) -> Resource<&Stash, NoExpansions> {
    Resource {
        item: stash,
        expanded: NoExpansions {},
    }
}

/// Get a stash
///
/// One stash, with its version in `ETag` (send it back in `If-Match` when updating, or in
/// `If-None-Match` to be told 304 when it has not changed). A stash that doesn't exist, is
/// in another workspace or firm, or that your grants don't cover is 404 `not_found` alike.
#[utoipa::path(
    get,
    path = STASH_PATH,
    operation_id = "getStash",
    tag = "stashes",
    params(ResourcePath),
    responses(
        (status = 200, description = "The stash.",
            body = Envelope<Resource<Stash, NoExpansions>>,
            headers(("ETag" = String, description = "The stash's version, like `\"v3\"`."))),
    )
)]
pub async fn get(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (NoQuery {}, ahead): (NoQuery, Ahead<StashRead>),
) -> Result<Reply, ApiError> {
    let fetch = ahead.or(reads::stash(state, call.asking(), ws, id));
    let (record, _) = call.readable(state, ws, fetch, |r| &r.stash).await?;
    call.reply_tagged(&payload(&record.stash), EntityTag::version(record.version))
}
/// The details and families a stash names, as stored.
type ItemsRead = StoreResult<(Vec<Detail>, Vec<Family>)>;
/// Whether the project a stash names is one of the workspace's.
type ProjectRead = StoreResult<bool>;

async fn read_items(state: &AppState, ws: WorkspaceId, items: &ItemIds) -> ItemsRead {
    tokio::try_join!(
        state.store.get_details(ws, &items.detail_ids),
        state.store.get_families(ws, &items.family_ids),
    )
}

async fn project_exists(state: &AppState, ws: WorkspaceId, project: &ResourceId) -> ProjectRead {
    let found = state
        .store
        .get_projects(ws, std::slice::from_ref(project))
        .await?;
    Ok(!found.is_empty())
}

/// What a create's body names (its project and items), read beside authentication.
pub struct NamedRead {
    project: ResourceId,
    items: ItemIds,
    exists: ProjectRead,
    read: ItemsRead,
}

/// The project and items the body names, read ahead; nothing for a body that is not a
/// stash create's (the handler answers why).
pub(crate) async fn read_named(
    state: &AppState,
    asking: Asking<'_>,
    ws: WorkspaceId,
) -> Option<NamedRead> {
    let input = asking.body::<CreateStash>(state)?;
    let (exists, read) = tokio::join!(
        project_exists(state, ws, &input.project_id),
        read_items(state, ws, &input.item_ids),
    );
    Some(NamedRead {
        project: input.project_id,
        items: input.item_ids,
        exists,
        read,
    })
}

/// Every referenced detail and family must exist in the workspace and be readable.
async fn check_items(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    items: &ItemIds,
    early: Option<ItemsRead>,
) -> Result<(), ApiError> {
    let scopes = async {
        tokio::try_join!(
            async {
                if items.detail_ids.is_empty() {
                    Ok(Scope::None)
                } else {
                    call.scope(state, ws, EntityType::Detail, Action::Read)
                        .await
                }
            },
            async {
                if items.family_ids.is_empty() {
                    Ok(Scope::None)
                } else {
                    call.scope(state, ws, EntityType::Family, Action::Read)
                        .await
                }
            },
        )
    };
    let read = async {
        Ok::<_, ApiError>(match early {
            Some(read) => read?,
            None => read_items(state, ws, items).await?,
        })
    };
    let ((detail_scope, family_scope), (details, families)) = tokio::try_join!(scopes, read)?;
    let bad_details: Vec<String> = items
        .detail_ids
        .iter()
        .filter(|id| {
            !details
                .iter()
                .any(|d| &d.id == *id && detail_scope.allows(d))
        })
        .map(|id| id.to_string())
        .collect();
    let bad_families: Vec<String> = items
        .family_ids
        .iter()
        .filter(|id| {
            !families
                .iter()
                .any(|f| &f.id == *id && family_scope.allows(f))
        })
        .map(|id| id.to_string())
        .collect();
    if bad_details.is_empty() && bad_families.is_empty() {
        Ok(())
    } else {
        Err(ApiError::InvalidItemReference(ItemReferenceDetails {
            detail_ids: bad_details,
            family_ids: bad_families,
            ..Default::default()
        }))
    }
}

async fn check_project(
    state: &AppState,
    ws: WorkspaceId,
    project: &ResourceId,
    early: Option<ProjectRead>,
) -> Result<(), ApiError> {
    let exists = match early {
        Some(read) => read?,
        None => project_exists(state, ws, project).await?,
    };
    if !exists {
        return Err(ApiError::invalid_field(
            "project_id",
            format!(
                "project_id {:?} is not a project in this workspace",
                project.as_str()
            ),
        ));
    }
    Ok(())
}

/// The write scope, which must also cover `stash` as it is and as it will be.
async fn write_scope(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    stash: &Stash,
) -> Result<Scope, ApiError> {
    call.require_scope_over(state, ws, Action::Write, stash)
        .await
}

/// Commits a stash write over `before` (`None`: a new stash), with its idempotency record
/// if the request had a key and its event: the answer, the remembered one if another
/// request with the key won, or `None` when the stored version moved.
async fn save(
    state: &AppState,
    call: &V1Call,
    draft: Option<&idempotency::Draft>,
    status: StatusCode,
    record: StashRecord,
    before: Option<&StashRecord>,
) -> Result<Option<Reply>, ApiError> {
    let (stash, version) = (record.stash.clone(), record.version);
    let expected_version = before.map(|b| b.version);
    let actor = Actor::client(call.credential.client_id.as_str());
    let events = resource_event(before.map(|b| &b.stash), Some(&stash), actor)
        .into_iter()
        .collect();
    let committed = commit(
        call,
        draft,
        status,
        &payload(&stash),
        EntityTag::version(version),
        |idem| async move {
            let write = StashWrite {
                idempotency: idem,
                record,
                expected_version,
                events,
            };
            state.store.save_stash(&write).await
        },
    )
    .await?;
    match committed {
        Committed::Answer(reply) => Ok(Some(reply)),
        Committed::Moved => Ok(None),
        Committed::Full => Err(ApiError::internal("a stash write has no limit")),
    }
}

error_responses!(
    /// What creating a stash answers besides the stash.
    pub CreateErrors = V1[InvalidItemReference]
);

/// Create a stash
///
/// A new stash of details and families in a project of the workspace, created by your
/// client. Needs a write grant on stashes. Send an `Idempotency-Key`: a retry with the same
/// key and body answers the original response (with `Idempotent-Replayed: true`) instead of
/// creating a duplicate, while you still hold a write grant on stashes (else 403).
#[utoipa::path(
    post,
    path = STASHES_PATH,
    operation_id = "createStash",
    tag = "stashes",
    params(WorkspacePath),
    responses(
        (status = 201, description = "The new stash (or, replayed, the original answer).",
            body = Envelope<Resource<Stash, NoExpansions>>,
            headers(
                ("ETag" = String, description = "The stash's version, like `\"v1\"`."),
            )),
        CreateErrors,
    )
)]
pub async fn create(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    (NoQuery {}, Body(input), key, ahead): (
        NoQuery,
        Body<CreateStash>,
        Option<IdempotencyKey>,
        Ahead<Option<NamedRead>>,
    ),
) -> Result<Reply, ApiError> {
    let needs = Needs {
        ws,
        entity: EntityType::Stash,
        action: Action::Write,
        entity_id: None,
    };
    // What was read ahead is what this body names (the same bytes, parsed again).
    let (exists, read) = match ahead.into_read().flatten() {
        Some(r) if r.project == input.project_id && r.items == input.item_ids => {
            (Some(r.exists), Some(r.read))
        }
        _ => (None, None),
    };
    let now = Timestamp::now();
    let stash = Stash {
        id: ResourceId::new_uuid(),
        workspace_id: ws,
        name: input.name,
        description: input.description,
        project_id: input.project_id,
        is_permanent: input.is_permanent,
        item_ids: input.item_ids,
        created_by: call.credential.client_id.to_string(),
        created_at: now,
        updated_at: now,
    };
    // What the stash names is verified beside the key's lookup (a replay drops it).
    let check = async move {
        write_scope(state, call, ws, &stash).await?;
        tokio::try_join!(
            check_project(state, ws, &stash.project_id, exists),
            check_items(state, call, ws, &stash.item_ids, read),
        )?;
        Ok(stash)
    };
    idempotency::run_checked(state, call, needs, key, check, |draft, stash| async move {
        let record = StashRecord { stash, version: 1 };
        save(
            state,
            call,
            draft.as_ref(),
            StatusCode::CREATED,
            record,
            None,
        )
        .await?
        .ok_or_else(|| ApiError::internal("fresh stash id collided"))
    })
    .await
}

error_responses!(
    /// What updating a stash answers besides the stash.
    pub UpdateErrors = V1[InvalidItemReference]
);

/// Update a stash
///
/// Changes the fields sent, leaving the others. Needs a write grant on stashes covering the
/// stash before and after the change. With `If-Match` the update applies only if the stash
/// is still at that version (else 409 `stale_precondition`); without it the last write wins.
/// `Idempotency-Key` works as on create.
#[utoipa::path(
    patch,
    path = STASH_PATH,
    operation_id = "updateStash",
    tag = "stashes",
    params(ResourcePath),
    responses(
        (status = 200, description = "The updated stash (or, replayed, the original answer).",
            body = Envelope<Resource<Stash, NoExpansions>>,
            headers(
                ("ETag" = String, description = "The stash's new version."),
            )),
        UpdateErrors,
    )
)]
pub async fn update(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (NoQuery {}, Body(patch), key, expected): (
        NoQuery,
        Body<UpdateStash>,
        Option<IdempotencyKey>,
        Option<IfMatch>,
    ),
) -> Result<Reply, ApiError> {
    let needs = Needs {
        ws,
        entity: EntityType::Stash,
        action: Action::Write,
        entity_id: Some(id.as_str()),
    };
    let now = || async { Ok(state.store.get_stash(ws, id).await?.map(|r| r.stash)) };
    let draft = match idempotency::begin_over(state, call, needs, key, now).await? {
        Begun::Replay(reply) => return Ok(reply),
        Begun::Fresh(draft) => draft,
    };
    let read_scope = call
        .scope(state, ws, EntityType::Stash, Action::Read)
        .await?;
    if let Some(items) = &patch.item_ids {
        check_items(state, call, ws, items, None).await?;
    }
    // Without If-Match the last write wins; a concurrent writer only makes us re-read.
    let (read_scope, patch, draft) = (&read_scope, &patch, draft.as_ref());
    let read = || async move {
        match state.store.get_stash(ws, id).await? {
            Some(r) if read_scope.allows(&r.stash) => Ok(r),
            _ => Err(ApiError::NotFound),
        }
    };
    let write = |current: StashRecord| async move {
        write_scope(state, call, ws, &current.stash).await?;
        let mut next = current.clone();
        patch.apply(&mut next.stash);
        next.stash.updated_at = Timestamp::now().max(current.stash.updated_at);
        next.version = current.version + 1;
        write_scope(state, call, ws, &next.stash).await?;
        let status = StatusCode::OK;
        save(state, call, draft, status, next, Some(&current)).await
    };
    let busy = "The stash is being updated concurrently; retry";
    versioned_update(expected.as_ref(), busy, read, write).await
}

/// Delete a stash
///
/// Deletes the stash: it then answers 404 everywhere and leaves every list and every
/// family's references. Needs a write grant on stashes covering the stash. With `If-Match`
/// the delete applies only if the stash is still at that version (else 409
/// `stale_precondition`). A stash that doesn't exist, or that you may not read, is 404.
#[utoipa::path(
    delete,
    path = STASH_PATH,
    operation_id = "deleteStash",
    tag = "stashes",
    params(ResourcePath),
    responses(
        (status = 204, description = "Deleted. No body."),
    )
)]
pub async fn delete(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (NoQuery {}, expected): (NoQuery, Option<IfMatch>),
) -> Result<Reply, ApiError> {
    call.require_scope(
        state,
        ws,
        EntityType::Stash,
        Action::Write,
        Some(id.as_str()),
    )
    .await?;
    let read_scope = &call
        .scope(state, ws, EntityType::Stash, Action::Read)
        .await?;
    let read = || async move {
        let found = match state.store.get_stash(ws, id).await? {
            Some(r) => Some(r),
            // A delete in steps that stopped half-way (the stash is gone, some of its
            // entries may not be): this one finishes it.
            None => state.store.pending_stash_delete(ws, id).await?,
        };
        match found {
            Some(r) if read_scope.allows(&r.stash) => Ok(r),
            _ => Err(ApiError::NotFound),
        }
    };
    let write = |current: StashRecord| async move {
        write_scope(state, call, ws, &current.stash).await?;
        let actor = Actor::client(call.credential.client_id.as_str());
        let events: Vec<_> = resource_event(Some(&current.stash), None, actor)
            .into_iter()
            .collect();
        Ok(
            match state
                .store
                .delete_stash(ws, id, current.version, &events)
                .await?
            {
                SaveOutcome::Saved => Some(Reply::no_content()),
                _ => None,
            },
        )
    };
    let busy = "The stash is being updated concurrently; retry";
    versioned_update(expected.as_ref(), busy, read, write).await
}
