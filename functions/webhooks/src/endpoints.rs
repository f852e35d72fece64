//! Endpoints: created, listed, read, changed and deleted by the credential they belong to.
//! Another credential's endpoint is 404, as a resource it may not read.

use crate::body::{CreateEndpoint, NewWebhookEndpoint, UpdateEndpoint, WebhookEndpoint};
use crate::sealed;
use crate::valid::reachable;
use crate::{ENDPOINT_PATH, ENDPOINTS_PATH};
use http::StatusCode;
use pirros_domain::webhooks::{EndpointRecord, EndpointStatus, MAX_ENDPOINTS_PER_CREDENTIAL};
use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::api::{Asking, V1Call};
use pirros_shared::conditional::EntityTag;
use pirros_shared::error::ApiError;
use pirros_shared::error_responses;
use pirros_shared::etag::IfMatch;
use pirros_shared::extract::Body;
use pirros_shared::idempotency::{self, Begun, IdempotencyKey};
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::openapi::{ResourcePath, WorkspacePath};
use pirros_shared::pagination::Pager;
use pirros_shared::payload::{ListPage, NoExpansions, Resource};
use pirros_shared::query::{NoQuery, PageQuery};
use pirros_shared::response::{self, Envelope, Reply};
use pirros_shared::store::SaveOutcome;
use pirros_shared::timestamp::Timestamp;
use pirros_shared::write::{Versioned, versioned_update};

/// What a caller names an endpoint as in 403s.
pub const ENTITY: &str = "webhook_endpoint";

fn payload<T>(item: T) -> Resource<T, NoExpansions> {
    Resource {
        item,
        expanded: NoExpansions {},
    }
}

/// The caller's endpoint `id`; 404 when it is not there or another credential's.
pub async fn own(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<EndpointRecord, ApiError> {
    match state.store.get_endpoint(ws, id).await? {
        Some(e) if e.client_id == call.credential.client_id => Ok(e),
        _ => Err(ApiError::NotFound),
    }
}

/// The caller's endpoints in `ws`, newest first.
async fn owned(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
) -> Result<Vec<EndpointRecord>, ApiError> {
    let mut mine: Vec<EndpointRecord> = state
        .store
        .list_endpoints(ws)
        .await?
        .into_iter()
        .filter(|e| e.client_id == call.credential.client_id)
        .collect();
    mine.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(mine)
}

error_responses!(
    /// What creating an endpoint answers besides the endpoint.
    pub CreateErrors = V1[LimitExceeded]
);

/// Create a webhook endpoint
///
/// A new endpoint of your credential: from now on it receives, as signed POSTs, the events
/// of its `event_types` that your credential may see when each is sent (the feed's rules).
/// `secret` is shown in this answer only: keep it to verify deliveries. `url` must be
/// `https://` and lead to a public address. A credential holds at most 16 endpoints in a
/// workspace. Needs a read grant of any kind in the workspace. Send an `Idempotency-Key`: a
/// retry with the same key and body gets the original answer, secret included (kept
/// sealed, never in plain text), instead of a second endpoint.
#[utoipa::path(
    post,
    path = ENDPOINTS_PATH,
    operation_id = "createWebhookEndpoint",
    tag = "webhooks",
    params(WorkspacePath),
    responses(
        (status = 201, description = "The new endpoint, with its secret (or, replayed, the original answer).",
            body = Envelope<Resource<NewWebhookEndpoint, NoExpansions>>,
            headers(("ETag" = String, description = "The endpoint's version, like `\"v1\"`."))),
        CreateErrors,
    )
)]
pub async fn create(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    (NoQuery {}, Body(input), key, ahead): (
        NoQuery,
        Body<CreateEndpoint>,
        Option<IdempotencyKey>,
        Ahead<CountRead>,
    ),
) -> Result<Reply, ApiError> {
    // Checked before a replay too: a credential that lost its grants is told so.
    call.require_any_read(state, ws, ENTITY).await?;
    let kit = state.webhook_kit()?;
    let draft = match idempotency::lookup(state, call, key).await? {
        Begun::Replay(reply) => return sealed::replayed_create(kit, reply),
        Begun::Fresh(draft) => draft,
    };
    reachable(kit, &input.url).await?;
    let client = &call.credential.client_id;
    // The first count was read ahead (beside authentication) when it could be; a create
    // that another one overtook counts again.
    let early = std::sync::Mutex::new(ahead.into_read());
    let read = || {
        let first = early.lock().unwrap_or_else(|p| p.into_inner()).take();
        async move {
            match first {
                Some(counted) => counted,
                None => count(state, ws, client).await,
            }
        }
    };
    let (input, draft) = (&input, draft.as_ref());
    let write = |counted: Counted| async move {
        if counted.mine >= MAX_ENDPOINTS_PER_CREDENTIAL {
            return Err(ApiError::LimitExceeded(format!(
                "A credential holds at most {MAX_ENDPOINTS_PER_CREDENTIAL} webhook endpoints in a workspace; delete one first"
            )));
        }
        let id = ResourceId::new_uuid_v7();
        let (sealed, secret) = kit.new_secret(&id);
        let now = Timestamp::now();
        let record = EndpointRecord {
            id,
            workspace_id: ws,
            client_id: client.clone(),
            url: input.url.clone(),
            event_types: input.event_types.clone(),
            description: input.description.clone(),
            status: EndpointStatus::Enabled,
            disabled_reason: None,
            secret: sealed,
            previous_secret: None,
            previous_secrets: Vec::new(),
            from_sequence: counted.from_sequence,
            failing_since: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let answer = |secret: String| {
            let answer = NewWebhookEndpoint {
                endpoint: WebhookEndpoint::from(&record),
                secret,
            };
            response::envelope(&payload(&answer), &call.request_id)
        };
        let remembered = match draft {
            Some(d) => Some(d.complete(
                StatusCode::CREATED,
                &answer(sealed::remembered(&record.secret))?,
                record.version,
            )),
            None => None,
        };
        match state
            .store
            .create_endpoint(&record, counted.creates, remembered.as_ref())
            .await?
        {
            SaveOutcome::Saved => {}
            SaveOutcome::IdempotencyTaken(winner) => {
                let draft =
                    draft.ok_or_else(|| ApiError::internal("a key's record without a key"))?;
                return sealed::replayed_create(kit, draft.replay_winner(&winner)?).map(Some);
            }
            // Another create of the credential came first: count again.
            SaveOutcome::LimitReached => return Ok(None),
            SaveOutcome::VersionMismatch => {
                return Err(ApiError::internal("a new webhook endpoint's id is taken"));
            }
        }
        kit.endpoint_created(ws);
        Ok(Some(
            Reply::new(StatusCode::CREATED, answer(secret)?).tagged(record.version),
        ))
    };
    let busy = "Other endpoints of this credential are being created; retry";
    versioned_update(None, busy, read, write).await
}

/// The count under the cap with the creates the write is conditional on, beside where the
/// feed stands: one round trip.
async fn count(state: &AppState, ws: WorkspaceId, client: &ClientId) -> Result<Counted, ApiError> {
    let ((mine, creates), from_sequence) = tokio::try_join!(
        state.store.endpoints_for_create(ws, client),
        state.store.last_event_sequence(ws),
    )?;
    Ok(Counted {
        mine: mine.len(),
        creates,
        from_sequence,
    })
}

/// A create's first count, read beside authentication: the token's client is known then.
pub(crate) async fn read_count(state: &AppState, asking: Asking<'_>, ws: WorkspaceId) -> CountRead {
    count(state, ws, asking.client).await
}

type CountRead = Result<Counted, ApiError>;

/// What a create counts under the cap: the caller's endpoints, and its creates so far (the
/// version its write is conditional on).
pub struct Counted {
    mine: usize,
    creates: u64,
    from_sequence: u64,
}

impl Versioned for Counted {
    fn version(&self) -> u64 {
        self.creates
    }
}

/// List webhook endpoints
///
/// Your credential's endpoints in the workspace, newest first (other credentials' are not
/// shown). Needs a read grant of any kind in the workspace.
#[utoipa::path(
    get,
    path = ENDPOINTS_PATH,
    operation_id = "listWebhookEndpoints",
    tag = "webhooks",
    params(WorkspacePath),
    responses(
        (status = 200, description = "A page of endpoints.",
            body = Envelope<ListPage<WebhookEndpoint, NoExpansions>>),
    )
)]
pub async fn list(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    q: PageQuery,
) -> Result<Reply, ApiError> {
    let pager = Pager::new(&state.cursors, call, &[]);
    let after = pager.start(q.cursor.as_deref())?;
    call.require_any_read(state, ws, ENTITY).await?;
    let limit = q.limit.get();
    let mut page: Vec<EndpointRecord> = owned(state, call, ws)
        .await?
        .into_iter()
        .filter(|e| after.as_deref().is_none_or(|a| e.id.as_str() < a))
        .take(limit + 1)
        .collect();
    let more = page.len() > limit;
    page.truncate(limit);
    let position = more
        .then(|| page.last().map(|e| e.id.to_string()))
        .flatten();
    let data: Vec<WebhookEndpoint> = page.iter().map(WebhookEndpoint::from).collect();
    call.reply(&pager.page(data, position.as_deref(), NoExpansions {}))
}

/// Get a webhook endpoint
///
/// One of your credential's endpoints (its secret is never shown again). Another
/// credential's endpoint is 404, and so is any without a read grant in the workspace. Send the `ETag` you hold as `If-None-Match` to be told 304
/// when it has not changed.
#[utoipa::path(
    get,
    path = ENDPOINT_PATH,
    operation_id = "getWebhookEndpoint",
    tag = "webhooks",
    params(ResourcePath),
    responses(
        (status = 200, description = "The endpoint.",
            body = Envelope<Resource<WebhookEndpoint, NoExpansions>>,
            headers(("ETag" = String, description = "The endpoint's version."))),
    )
)]
pub async fn get(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    NoQuery {}: NoQuery,
) -> Result<Reply, ApiError> {
    // One resource: what the caller may not read is 404, as everywhere, not 403.
    match call.require_any_read(state, ws, ENTITY).await {
        Err(ApiError::InsufficientScope(_)) => return Err(ApiError::NotFound),
        other => other?,
    };
    let e = own(state, call, ws, id).await?;
    call.reply_tagged(
        &payload(WebhookEndpoint::from(&e)),
        EntityTag::version(e.version),
    )
}

/// Update a webhook endpoint
///
/// Changes the fields sent. `status: "enabled"` turns an endpoint the service disabled back
/// on (and clears `disabled_reason`); `"disabled"` stops its deliveries. With `If-Match`
/// the change applies only if the endpoint is still at that version (else 409
/// `stale_precondition`).
#[utoipa::path(
    patch,
    path = ENDPOINT_PATH,
    operation_id = "updateWebhookEndpoint",
    tag = "webhooks",
    params(ResourcePath),
    responses(
        (status = 200, description = "The changed endpoint.",
            body = Envelope<Resource<WebhookEndpoint, NoExpansions>>,
            headers(("ETag" = String, description = "The endpoint's new version."))),
    )
)]
pub async fn update(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (NoQuery {}, Body(patch), expected): (NoQuery, Body<UpdateEndpoint>, Option<IfMatch>),
) -> Result<Reply, ApiError> {
    call.require_any_read(state, ws, ENTITY).await?;
    if let Some(url) = &patch.url {
        reachable(state.webhook_kit()?, url).await?;
    }
    let patch = &patch;
    let read = || own(state, call, ws, id);
    let write = |current: EndpointRecord| async move {
        let mut next = current.clone();
        if let Some(url) = &patch.url {
            next.url = url.clone();
        }
        if let Some(types) = &patch.event_types {
            next.event_types = types.clone();
        }
        if let Some(d) = &patch.description {
            next.description = d.clone();
        }
        if let Some(status) = patch.status {
            next.status = status;
            next.disabled_reason = None;
            next.failing_since = None;
        }
        next.version = current.version + 1;
        next.updated_at = Timestamp::now().max(current.updated_at);
        if !state.store.replace_endpoint(&next, current.version).await? {
            return Ok(None);
        }
        Ok(Some(call.reply_tagged(
            &payload(WebhookEndpoint::from(&next)),
            EntityTag::version(next.version),
        )?))
    };
    let busy = "The endpoint is being changed concurrently; retry";
    versioned_update(expected.as_ref(), busy, read, write).await
}

/// Delete a webhook endpoint
///
/// The endpoint receives nothing more; deliveries already queued are dropped. With
/// `If-Match` the delete applies only if the endpoint is still at that version.
#[utoipa::path(
    delete,
    path = ENDPOINT_PATH,
    operation_id = "deleteWebhookEndpoint",
    tag = "webhooks",
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
    call.require_any_read(state, ws, ENTITY).await?;
    let read = || own(state, call, ws, id);
    let write = |current: EndpointRecord| async move {
        let gone = state.store.delete_endpoint(ws, id, current.version).await?;
        Ok(gone.then(Reply::no_content))
    };
    let busy = "The endpoint is being changed concurrently; retry";
    versioned_update(expected.as_ref(), busy, read, write).await
}
