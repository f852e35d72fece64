//! The queue's side: each message names a delivery; one attempt is made (the messages of a
//! batch side by side, each bounded by the sender's 10 s), and a delivery to retry is
//! queued again with its delay. A message whose attempt could not run (storage down) is
//! reported failed, so SQS brings it back, and after the queue's receive limit moves it to
//! the dead-letter queue.

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use pirros_delivery::sqs::parse;
use pirros_delivery::{Deliverer, Next};
use pirros_domain::webhooks::DeliveryQueue;
use std::sync::Arc;

pub struct DeliveryWorker {
    pub deliverer: Deliverer,
    pub queue: Arc<dyn DeliveryQueue>,
}

impl DeliveryWorker {
    async fn process(&self, message: &SqsMessage) -> Result<(), String> {
        let Some(due) = message.body.as_deref().and_then(parse) else {
            tracing::error!(message = ?message.message_id, "a message that names no delivery: dropped");
            return Ok(());
        };
        match self
            .deliverer
            .attempt(&due)
            .await
            .map_err(|e| e.to_string())?
        {
            Next::Done => Ok(()),
            Next::RetryIn(delay) => self
                .queue
                .enqueue(&[(due, delay)])
                .await
                .map_err(|e| e.to_string()),
        }
    }
}

pub async fn handle(worker: &DeliveryWorker, event: SqsEvent) -> SqsBatchResponse {
    let outcomes = futures::future::join_all(event.records.iter().map(|m| worker.process(m))).await;
    let mut response = SqsBatchResponse::default();
    for (message, outcome) in event.records.iter().zip(outcomes) {
        if let Err(why) = outcome {
            tracing::warn!(message = ?message.message_id, error = %why, "delivery not attempted; the message comes back");
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = message.message_id.clone().unwrap_or_default();
            response.batch_item_failures.push(failure);
        }
    }
    response
}
