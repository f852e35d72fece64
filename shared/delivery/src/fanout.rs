//! Fan-out: one committed event becomes one delivery per enabled endpoint that takes its
//! type and whose credential sees it. Access is checked here to skip what no one may get,
//! and again at every attempt (`attempt.rs`), where it decides.

use crate::access::Readers;
use pirros_domain::events::EventRecord;
use pirros_domain::webhooks::{DeliveryRecord, Payload};
use pirros_store::{Store, StoreResult};

/// The deliveries `event` makes, written; the caller queues them.
pub async fn fan_out(store: &dyn Store, event: &EventRecord) -> StoreResult<Vec<DeliveryRecord>> {
    fan_out_page(store, event.event.workspace_id, std::slice::from_ref(event)).await
}

/// The deliveries `events` (of workspace `ws`, read before this) make, written in one go:
/// the endpoints and each credential's access are read once for them all, not per event,
/// so a follower behind by a page catches up in a few calls. The endpoints are listed after
/// the events were read, so every endpoint made before one of them committed is there.
pub async fn fan_out_page(
    store: &dyn Store,
    ws: pirros_domain::ids::WorkspaceId,
    events: &[EventRecord],
) -> StoreResult<Vec<DeliveryRecord>> {
    let endpoints = store.list_endpoints(ws).await?;
    let mut readers = Readers::new(store, ws);
    let mut out = Vec::new();
    for event in events {
        for endpoint in endpoints
            .iter()
            .filter(|e| e.enabled() && e.from_sequence < event.event.sequence)
        {
            let Some(reader) = readers.of(&endpoint.client_id).await? else {
                continue;
            };
            let Some(seen) = event.seen_by(&reader.reader()) else {
                continue;
            };
            let kind = seen.kind.to_string();
            if !endpoint.event_types.selects(&kind) {
                continue;
            }
            out.push(DeliveryRecord::new(
                endpoint,
                seen.id.clone(),
                kind,
                Payload::Event {
                    sequence: event.event.sequence,
                },
            ));
        }
    }
    store.put_deliveries(&out).await?;
    Ok(out)
}
