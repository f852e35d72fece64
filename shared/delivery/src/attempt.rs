//! One attempt of one delivery, wherever it runs (the delivery function on AWS, a task of
//! `pirros-local`): read the delivery and its endpoint again, check that the endpoint's
//! credential may see the event now, sign, send, record, and say when to try again.

use crate::access;
use crate::metrics::{self, Outcome};
use bytes::Bytes;
use pirros_domain::events::EventRecord;
use pirros_domain::timestamp::Timestamp;
use pirros_domain::webhooks::{
    DeliveryRecord, DeliveryRef, DeliveryStatus, DisabledReason, EndpointRecord, EndpointStatus,
    FAILING_DISABLES_AFTER_MS, Payload,
};
use pirros_outbound::{RetrySchedule, Sealer, Sender, SignedHeaders, Verdict, WebhookSecret};
use pirros_store::{SharedStore, StoreResult};
use std::time::Duration;

/// What follows an attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Succeeded, failed for good, or nothing to do.
    Done,
    /// Pending: attempt again after this long.
    RetryIn(Duration),
}

/// What sends deliveries: built once per container.
pub struct Deliverer {
    pub store: SharedStore,
    pub sealer: Sealer,
    pub sender: Sender,
    pub schedule: RetrySchedule,
}

impl Deliverer {
    pub async fn attempt(&self, due: &DeliveryRef) -> StoreResult<Next> {
        let store = &*self.store;
        let Some(mut d) = store
            .get_delivery(due.workspace_id, &due.endpoint_id, &due.id)
            .await?
        else {
            return Ok(Next::Done);
        };
        // Queues deliver at least once: a message seen again finds its delivery settled,
        // or not due yet.
        if d.status != DeliveryStatus::Pending {
            return Ok(Next::Done);
        }
        let now = Timestamp::now();
        if let Some(early) = d
            .next_attempt_at
            .map(|at| at.millis() - now.millis())
            .filter(|ms| *ms > 0)
        {
            return Ok(Next::RetryIn(Duration::from_millis(early as u64)));
        }
        let endpoint = match store.get_endpoint(d.workspace_id, &d.endpoint_id).await? {
            Some(e) if e.enabled() => e,
            Some(_) => return self.give_up(d, "the endpoint is disabled").await,
            None => return self.give_up(d, "the endpoint was deleted").await,
        };
        let body = match self.body(&d, &endpoint).await? {
            Ok(body) => body,
            Err(why) => return self.give_up(d, why).await,
        };
        let secrets = match self.secrets(&endpoint, now) {
            Some(s) => s,
            None => {
                return self
                    .give_up(d, "the endpoint's secret cannot be read")
                    .await;
            }
        };
        let refs: Vec<&WebhookSecret> = secrets.iter().collect();
        let headers = SignedHeaders::new(&refs, d.event_id.as_str(), now.secs(), body.as_bytes());
        let attempt = self
            .sender
            .send(&endpoint.url, &headers, Bytes::from(body))
            .await;
        d.attempts += 1;
        d.last_attempt_at = Some(now);
        d.response_status = attempt.status;
        d.error = attempt.error.clone();
        let verdict = attempt.verdict();
        tracing::info!(
            delivery = %d.id,
            endpoint = %d.endpoint_id,
            event_type = %d.event_type,
            attempt = d.attempts,
            status = ?attempt.status,
            ms = attempt.duration.as_millis() as u64,
            outcome = ?verdict,
            "webhook attempt"
        );
        let (next, outcome, disabled) = match verdict {
            Verdict::Succeeded => {
                d.status = DeliveryStatus::Succeeded;
                d.next_attempt_at = None;
                let disabled = self.settle_endpoint(&endpoint, Health::Succeeded).await?;
                (Next::Done, Outcome::Succeeded, disabled)
            }
            Verdict::Gone => {
                d.status = DeliveryStatus::Failed;
                d.next_attempt_at = None;
                let disabled = self.settle_endpoint(&endpoint, Health::Gone).await?;
                (Next::Done, Outcome::Gone, disabled)
            }
            Verdict::Retry => {
                let disabled = self.settle_endpoint(&endpoint, Health::Failed(now)).await?;
                match self.schedule.delay_after(d.attempts) {
                    Some(delay) if !disabled => {
                        d.next_attempt_at = Some(Timestamp::from_millis(
                            now.millis() + delay.as_millis() as i64,
                        ));
                        (Next::RetryIn(delay), Outcome::Retried, disabled)
                    }
                    _ => {
                        d.status = DeliveryStatus::Failed;
                        d.next_attempt_at = None;
                        (Next::Done, Outcome::Failed, disabled)
                    }
                }
            }
        };
        metrics::attempt(outcome, attempt.duration, disabled);
        store.put_deliveries(std::slice::from_ref(&d)).await?;
        Ok(next)
    }

    /// The body as the endpoint's credential may see it now, or why nothing is sent.
    async fn body(
        &self,
        d: &DeliveryRecord,
        endpoint: &EndpointRecord,
    ) -> StoreResult<Result<String, &'static str>> {
        let store = &*self.store;
        let Some(access) = access::load(store, d.workspace_id, &endpoint.client_id).await? else {
            return Ok(Err(
                "the endpoint's credential may no longer read the workspace",
            ));
        };
        let sequence = match &d.payload {
            Payload::Test { body } => return Ok(Ok(body.clone())),
            Payload::Event { sequence } => *sequence,
        };
        let read: Vec<EventRecord> = store
            .query_events(d.workspace_id, sequence.saturating_sub(1), 1)
            .await?;
        let Some(record) = read.into_iter().find(|e| e.event.sequence == sequence) else {
            return Ok(Err("the event is no longer kept"));
        };
        let Some(seen) = record.seen_by(&access.reader()) else {
            return Ok(Err("the endpoint's credential may no longer see the event"));
        };
        if !endpoint.event_types.selects(&seen.kind.to_string()) {
            return Ok(Err("the endpoint no longer takes the event's type"));
        }
        Ok(serde_json::to_string(&seen).map_err(|_| "the event cannot be written"))
    }

    /// The secrets that sign now, current first; `None` if one cannot be opened.
    fn secrets(&self, endpoint: &EndpointRecord, now: Timestamp) -> Option<Vec<WebhookSecret>> {
        let aad = endpoint.id.as_str().as_bytes();
        let open = |sealed: &str| {
            self.sealer
                .open(sealed, aad)
                .inspect_err(|e| tracing::error!(endpoint = %endpoint.id, error = %e, "cannot open a webhook secret"))
                .ok()
        };
        let mut out = vec![open(&endpoint.secret)?];
        for p in endpoint.previous_secrets_at(now) {
            out.push(open(&p.sealed)?);
        }
        Some(out)
    }

    async fn give_up(&self, mut d: DeliveryRecord, why: &str) -> StoreResult<Next> {
        d.status = DeliveryStatus::Failed;
        d.next_attempt_at = None;
        d.error = Some(why.to_owned());
        self.store.put_deliveries(std::slice::from_ref(&d)).await?;
        Ok(Next::Done)
    }

    /// Records what an attempt says of the endpoint's health: a success clears its failing
    /// time, a 410 disables it at once, failures for 5 days disable it.
    /// Whether this disabled it.
    async fn settle_endpoint(&self, read: &EndpointRecord, health: Health) -> StoreResult<bool> {
        let mut current = read.clone();
        for _ in 0..4 {
            let mut e = current.clone();
            match health {
                Health::Succeeded if e.failing_since.is_none() => return Ok(false),
                Health::Succeeded => e.failing_since = None,
                Health::Gone => {
                    e.status = EndpointStatus::Disabled;
                    e.disabled_reason = Some(DisabledReason::Gone);
                }
                Health::Failed(now) => {
                    let since = *e.failing_since.get_or_insert(now);
                    if now.millis() - since.millis() >= FAILING_DISABLES_AFTER_MS {
                        e.status = EndpointStatus::Disabled;
                        e.disabled_reason = Some(DisabledReason::Failing);
                    } else if current.failing_since.is_some() {
                        return Ok(false);
                    }
                }
            }
            let disables = !e.enabled() && current.enabled();
            // The failing clock is bookkeeping the owner never sees: only a change of
            // status moves the endpoint's version (its `ETag`) and `updated_at`, so an
            // owner's `If-Match` from its last read still holds while deliveries fail.
            if e.status != current.status || e.disabled_reason != current.disabled_reason {
                e.version += 1;
                e.updated_at = Timestamp::now();
            }
            if self.store.replace_endpoint(&e, current.version).await? {
                if disables {
                    tracing::warn!(endpoint = %e.id, reason = ?e.disabled_reason, "webhook endpoint disabled");
                }
                return Ok(disables);
            }
            match self.store.get_endpoint(e.workspace_id, &e.id).await? {
                Some(again) => current = again,
                None => return Ok(false),
            }
        }
        Ok(false)
    }
}

#[derive(Clone, Copy)]
enum Health {
    Succeeded,
    Gone,
    Failed(Timestamp),
}

/// A delivery's queue reference.
pub fn due(d: &DeliveryRecord) -> DeliveryRef {
    DeliveryRef {
        workspace_id: d.workspace_id,
        endpoint_id: d.endpoint_id.clone(),
        id: d.id.clone(),
    }
}
