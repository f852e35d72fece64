//! What an endpoint's owner does besides editing it: roll its secret, send it a test event,
//! and deliver events to it again.

use crate::body::{
    Replay, Replayed, RollSecret, RolledSecret, TestDelivery, WebhookTestEvent,
    WebhookTestEventObject,
};
use crate::endpoints::{ENTITY, own};
use crate::sealed;
use crate::valid::{NoBody, ValidReplay};
use http::StatusCode;
use pirros_domain::webhooks::{
    DeliveryRecord, DeliveryRef, EndpointRecord, Payload, TEST_EVENT_TYPE,
};
use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::error_responses;
use pirros_shared::events::{Actor, EventRecord, GrantReader, RETENTION_DAYS};
use pirros_shared::extract::Body;
use pirros_shared::idempotency::{self, Begun, Draft, IdempotencyKey};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::openapi::ResourcePath;
use pirros_shared::pagination::feed;
use pirros_shared::query::NoQuery;
use pirros_shared::response::{self, Envelope, Reply};
use pirros_shared::store::SaveOutcome;
use pirros_shared::timestamp::Timestamp;
use pirros_shared::write::versioned_update;
use std::time::Duration;

/// Most deliveries one replay queues: a larger backlog is replayed in several calls, each
/// from where the last one's events end.
pub const MAX_REPLAY: usize = 1000;

/// Events read per page while replaying.
const REPLAY_PAGE: usize = 100;

/// Roll an endpoint's secret
///
/// A new secret, shown in this answer only. Until `old_secret_valid_for` seconds have
/// passed (default 86400, at most that; 0 ends the old one at once) every delivery carries
/// a signature for each secret, so receivers can switch without losing one. Secrets rolled
/// before keep signing until their own end, or until this one's if it comes first (0 ends
/// them all). Send an `Idempotency-Key`: a retry with the same key gets the original answer
/// (the same new secret) instead of rolling again.
#[utoipa::path(
    post,
    path = "/v1/workspaces/{ws}/webhook-endpoints/{id}/secret/roll",
    operation_id = "rollWebhookEndpointSecret",
    tag = "webhooks",
    params(ResourcePath),
    responses(
        (status = 200, description = "The new secret.", body = Envelope<RolledSecret>),
    )
)]
pub async fn roll(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (NoQuery {}, Body(keep_secs), key): (NoQuery, Body<RollSecret>, Option<IdempotencyKey>),
) -> Result<Reply, ApiError> {
    call.require_any_read(state, ws, ENTITY).await?;
    let kit = state.webhook_kit()?;
    // A roll sent twice would roll twice, the first new secret never shown to anyone
    // (though it would sign for the overlap): with a key, the second gets the first one's
    // answer instead.
    let draft = match idempotency::lookup(state, call, key).await? {
        Begun::Replay(reply) => return sealed::replayed(kit, id, reply),
        Begun::Fresh(draft) => draft,
    };
    let draft = &draft;
    let read = || own(state, call, ws, id);
    let write = |current: EndpointRecord| async move {
        let (sealed, secret) = kit.new_secret(id);
        let now = Timestamp::now();
        let mut next = current.clone();
        next.roll(sealed.clone(), now, keep_secs);
        next.version = current.version + 1;
        next.updated_at = now.max(current.updated_at);
        let remembered = match draft {
            Some(d) => {
                let kept = RolledSecret {
                    secret: sealed::remembered(&sealed),
                };
                let body = response::envelope(&kept, &call.request_id)?;
                Some(d.complete_untagged(StatusCode::OK, &body))
            }
            None => None,
        };
        match state
            .store
            .replace_endpoint_remembered(&next, current.version, remembered.as_ref())
            .await?
        {
            SaveOutcome::Saved => Ok(Some(call.reply(&RolledSecret { secret })?)),
            SaveOutcome::IdempotencyTaken(winner) => {
                let d = draft
                    .as_ref()
                    .ok_or_else(|| ApiError::internal("a key's record without a key"))?;
                Ok(Some(sealed::replayed(kit, id, d.replay_winner(&winner)?)?))
            }
            SaveOutcome::VersionMismatch | SaveOutcome::LimitReached => Ok(None),
        }
    };
    let busy = "The endpoint is being changed concurrently; retry";
    versioned_update(None, busy, read, write).await
}

fn test_event(call: &V1Call, ws: WorkspaceId, endpoint: &ResourceId, id: &ResourceId) -> String {
    let event = WebhookTestEvent {
        id: id.clone(),
        kind: TEST_EVENT_TYPE,
        workspace_id: ws,
        sequence: None,
        created_at: Timestamp::now(),
        object: WebhookTestEventObject {
            kind: "webhook_endpoint",
            id: endpoint.clone(),
        },
        changed: None,
        reason: None,
        actor: Actor::client(call.credential.client_id.as_str()),
    };
    serde_json::to_string(&event).expect("plain fields serialise")
}

async fn queue(state: &AppState, made: &[DeliveryRecord]) -> Result<(), ApiError> {
    if made.is_empty() {
        return Ok(());
    }
    state.store.put_deliveries(made).await?;
    let due: Vec<(DeliveryRef, Duration)> = made
        .iter()
        .map(|d| {
            let r = DeliveryRef {
                workspace_id: d.workspace_id,
                endpoint_id: d.endpoint_id.clone(),
                id: d.id.clone(),
            };
            (r, Duration::ZERO)
        })
        .collect();
    state
        .webhook_kit()?
        .queue()
        .enqueue(&due)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "queueing webhook deliveries failed");
            ApiError::ServiceUnavailable("Deliveries cannot be queued now; retry later")
        })
}

/// Send a test event
///
/// Queues one delivery of an event of type `webhook.test` (never in the feed) whose
/// `object` is the endpoint, signed as every delivery is: follow it in the endpoint's
/// deliveries. `Idempotency-Key`: a retry with the same key and body gets the first answer
/// and sends nothing more.
#[utoipa::path(
    post,
    path = "/v1/workspaces/{ws}/webhook-endpoints/{id}/test",
    operation_id = "testWebhookEndpoint",
    tag = "webhooks",
    params(ResourcePath),
    responses(
        (status = 202, description = "The test delivery, queued.", body = Envelope<TestDelivery>),
    )
)]
pub async fn test(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (NoQuery {}, Body(()), key): (NoQuery, Body<NoBody>, Option<IdempotencyKey>),
) -> Result<Reply, ApiError> {
    call.require_any_read(state, ws, ENTITY).await?;
    state.webhook_kit()?;
    let draft = match idempotency::lookup(state, call, key).await? {
        Begun::Replay(reply) => return Ok(reply),
        Begun::Fresh(draft) => draft,
    };
    let endpoint = own(state, call, ws, id).await?;
    let event_id = ResourceId::new_uuid();
    let body = test_event(call, ws, id, &event_id);
    let d = DeliveryRecord::new(
        &endpoint,
        event_id,
        TEST_EVENT_TYPE.into(),
        Payload::Test { body },
    );
    queue(state, std::slice::from_ref(&d)).await?;
    let answer = TestDelivery {
        delivery_id: d.id.to_string(),
    };
    accepted(state, call, draft, &answer).await
}

/// 202 with `answer`, remembered under the request's `Idempotency-Key` if it has one. What
/// was done (deliveries queued) is not in the table, so the record is written after it: a
/// retry finds it and is answered the same, queueing nothing. Two requests racing with one
/// key may both queue; the later is answered the first's answer (replayed deliveries keep
/// their event's `webhook-id`, which receivers dedupe by).
async fn accepted<T: serde::Serialize>(
    state: &AppState,
    call: &V1Call,
    draft: Option<Draft>,
    answer: &T,
) -> Result<Reply, ApiError> {
    let body = response::envelope(answer, &call.request_id)?;
    if let Some(d) = draft {
        let record = d.complete_untagged(StatusCode::ACCEPTED, &body);
        if let SaveOutcome::IdempotencyTaken(winner) = state.store.remember_answer(&record).await? {
            return d.replay_winner(&winner);
        }
    }
    Ok(Reply::new(StatusCode::ACCEPTED, body))
}

error_responses!(
    /// What a replay answers besides the count.
    pub ReplayErrors = V1[CursorExpired]
);

/// Replay events to an endpoint
///
/// Queues a new delivery of each event after `after` (a cursor of the events feed, as
/// `GET .../events` or a snapshot gives it), or of each event named in `event_ids` (at
/// most 100), that the endpoint takes and that your credential may see now; at most 1000
/// per call. Each keeps its event's id as `webhook-id`, so receivers that dedupe by it
/// see no event twice. `Idempotency-Key`: a retry with the same key and body gets the
/// first answer and queues nothing more.
#[utoipa::path(
    post,
    path = "/v1/workspaces/{ws}/webhook-endpoints/{id}/replay",
    operation_id = "replayWebhookEndpoint",
    tag = "webhooks",
    params(ResourcePath),
    responses(
        (status = 202, description = "How many deliveries were queued.", body = Envelope<Replayed>),
        ReplayErrors,
    )
)]
pub async fn replay(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (NoQuery {}, Body(what), key): (NoQuery, Body<Replay>, Option<IdempotencyKey>),
) -> Result<Reply, ApiError> {
    let (after, wanted) = match &what {
        ValidReplay::After(cursor) => {
            let p = feed::decode(&state.cursors, call, ws, cursor)?;
            if Timestamp::now().millis() - p.issued.millis() > RETENTION_DAYS * 86_400_000 {
                return Err(ApiError::CursorExpired);
            }
            (p.sequence, None)
        }
        ValidReplay::Ids(ids) => (0, Some(ids)),
    };
    let filters = call.require_any_read(state, ws, ENTITY).await?;
    state.webhook_kit()?;
    let draft = match idempotency::lookup(state, call, key).await? {
        Begun::Replay(reply) => return Ok(reply),
        Begun::Fresh(draft) => draft,
    };
    let endpoint = own(state, call, ws, id).await?;
    let reader = GrantReader::new(&call.credential, ws, &filters);
    let mut made = Vec::new();
    let mut found = 0;
    let mut from = after;
    loop {
        let page: Vec<EventRecord> = state.store.query_events(ws, from, REPLAY_PAGE).await?;
        if wanted.is_none()
            && from == after
            && after > 0
            && page.first().is_some_and(|e| e.event.sequence > after + 1)
        {
            return Err(ApiError::CursorExpired);
        }
        for record in &page {
            if let Some(ids) = wanted {
                if !ids.iter().any(|i| i == record.event.id.as_str()) {
                    continue;
                }
                found += 1;
            }
            let Some(seen) = record.seen_by(&reader) else {
                continue;
            };
            let kind = seen.kind.to_string();
            if endpoint.event_types.selects(&kind) && made.len() < MAX_REPLAY {
                let payload = Payload::Event {
                    sequence: record.event.sequence,
                };
                made.push(DeliveryRecord::new(&endpoint, seen.id, kind, payload));
            }
        }
        // Named events: the walk ends once each was met (ids are unique).
        let all_met = wanted.is_some_and(|ids| found >= ids.len());
        match page.last() {
            Some(last) if page.len() == REPLAY_PAGE && made.len() < MAX_REPLAY && !all_met => {
                from = last.event.sequence;
            }
            _ => break,
        }
    }
    queue(state, &made).await?;
    let answer = Replayed {
        deliveries: made.len(),
    };
    accepted(state, call, draft, &answer).await
}
