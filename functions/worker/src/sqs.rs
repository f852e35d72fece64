//! The worker as an SQS-triggered Lambda function: each message names jobs (see
//! `messages`); a message is done when its jobs are, and reported failed otherwise, so SQS
//! delivers it again. On the last delivery the queue allows, a job that still fails is
//! failed with `internal_error` (its creator learns), and the message moves on to the
//! dead-letter queue.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};

use crate::batch::{ProcessRecord, RecordError, handle_batch};
use crate::messages::jobs_of;
use crate::worker::{WorkError, Worker};

pub struct SqsWorker {
    pub worker: Worker,
    /// The queue's `maxReceiveCount` (`JOB_MAX_RECEIVES`): which delivery is the last.
    pub max_receives: u32,
}

fn receive_count(message: &SqsMessage) -> u32 {
    message
        .attributes
        .get("ApproximateReceiveCount")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

impl ProcessRecord for SqsWorker {
    async fn process(&self, message: &SqsMessage) -> Result<(), RecordError> {
        let jobs = jobs_of(message.body.as_deref().unwrap_or(""))?;
        let last = receive_count(message) >= self.max_receives;
        let mut failure = None;
        for job in &jobs {
            if let Err(e) = self.worker.process(job).await {
                tracing::warn!(job = %job.id, error = %e, last, "job not processed");
                if last && matches!(e, WorkError::Busy) {
                    // Another run holds the job, and its own message brings it back if
                    // that run dies: this copy is done with.
                    continue;
                }
                if last {
                    self.worker.give_up(job, &e.to_string()).await;
                }
                failure = Some(e);
            }
        }
        match failure {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

/// One invocation: the batch's messages, and the ids of those to deliver again.
pub async fn handle(worker: &SqsWorker, event: SqsEvent) -> SqsBatchResponse {
    handle_batch(worker, &event.records).await
}
