//! The stream's side: each new event item becomes the deliveries of the endpoints that
//! take it. A record that fails stops the batch there and is reported, so Lambda retries
//! from it in order; the event source's filter passes only event items (`EVENT#` keys,
//! not the sequence counter), and anything else that comes is skipped.

use aws_lambda_events::dynamodb::{Event, EventRecord as StreamRecord};
use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use pirros_delivery::{due, fan_out};
use pirros_domain::events::EventRecord;
use pirros_domain::webhooks::DeliveryQueue;
use pirros_store::SharedStore;
use std::time::Duration;

/// The event a stream record carries, if it is a new event item.
pub fn event_of(record: &StreamRecord) -> Option<EventRecord> {
    if record.event_name != "INSERT" {
        return None;
    }
    let image = &record.change.new_image;
    let key = |name: &str| -> Option<String> {
        serde_dynamo::from_attribute_value(image.get(name)?.clone()).ok()
    };
    let (pk, sk) = (key("pk")?, key("sk")?);
    if !pk.starts_with("EVENT#") || sk.starts_with('#') {
        return None;
    }
    match serde_dynamo::from_item(image.clone()) {
        Ok(e) => Some(e),
        Err(e) => {
            tracing::error!(pk, sk, error = %e, "an event item that cannot be read: skipped");
            None
        }
    }
}

pub async fn handle(
    store: &SharedStore,
    queue: &dyn DeliveryQueue,
    event: Event,
) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    for record in &event.records {
        let Some(e) = event_of(record) else {
            continue;
        };
        let done = async {
            let made = fan_out(&**store, &e).await.map_err(|e| e.to_string())?;
            let refs: Vec<_> = made.iter().map(|d| (due(d), Duration::ZERO)).collect();
            queue.enqueue(&refs).await.map_err(|e| e.to_string())?;
            tracing::info!(event = %e.event.id, sequence = e.event.sequence, deliveries = made.len(), "fanned out");
            Ok::<_, String>(())
        };
        if let Err(why) = done.await {
            tracing::warn!(event = %e.event.id, error = %why, "fan-out failed; the batch is retried from this record");
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = record.change.sequence_number.clone();
            response.batch_item_failures.push(failure);
            break;
        }
    }
    response
}
