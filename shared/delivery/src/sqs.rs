//! The delivery queue on AWS: one SQS message per delivery due, holding its reference.
//! SQS delays a message by at most 15 minutes: a later attempt is a message that comes
//! early, finds its delivery not yet due, and is sent on again (`attempt`'s `RetryIn`).

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use pirros_domain::jobs::QueueError;
use pirros_domain::webhooks::{DeliveryQueue, DeliveryRef};
use std::time::Duration;

/// SQS's longest message delay.
pub const MAX_DELAY: Duration = Duration::from_secs(900);

/// Messages SQS takes in one batch.
const BATCH: usize = 10;

pub struct SqsDeliveryQueue {
    client: Client,
    url: String,
}

impl SqsDeliveryQueue {
    pub fn new(client: Client, url: impl Into<String>) -> Self {
        Self {
            client,
            url: url.into(),
        }
    }
}

fn entry(
    i: usize,
    (r, delay): &(DeliveryRef, Duration),
) -> Result<SendMessageBatchRequestEntry, QueueError> {
    let body = serde_json::to_string(r).map_err(|e| QueueError(e.to_string()))?;
    SendMessageBatchRequestEntry::builder()
        .id(i.to_string())
        .message_body(body)
        .delay_seconds(delay.min(&MAX_DELAY).as_secs() as i32)
        .build()
        .map_err(|e| QueueError(e.to_string()))
}

#[async_trait]
impl DeliveryQueue for SqsDeliveryQueue {
    async fn enqueue(&self, due: &[(DeliveryRef, Duration)]) -> Result<(), QueueError> {
        for chunk in due.chunks(BATCH) {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, d)| entry(i, d))
                .collect::<Result<Vec<_>, _>>()?;
            let out = self
                .client
                .send_message_batch()
                .queue_url(&self.url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| QueueError(DisplayErrorContext(&e).to_string()))?;
            if let Some(failed) = out.failed.first() {
                return Err(QueueError(format!(
                    "{} of {} messages refused: {}",
                    out.failed.len(),
                    chunk.len(),
                    failed.message.as_deref().unwrap_or(&failed.code)
                )));
            }
        }
        Ok(())
    }
}

/// The delivery a message names; `None` for a message that names none.
pub fn parse(body: &str) -> Option<DeliveryRef> {
    serde_json::from_str(body).ok()
}
