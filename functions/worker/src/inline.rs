//! The job queue of `pirros-local`: the same worker, in a task of the same process, with
//! a few retries where SQS would redeliver.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use pirros_domain::jobs::{JobQueue, JobRef, QueueError};

use crate::worker::{WorkError, Worker};

/// Attempts per job, as the queue's receive count allows on AWS.
const ATTEMPTS: u32 = 3;

pub struct InlineQueue {
    pub worker: Arc<Worker>,
    /// How long a job waits before the worker takes it, as a queue's delivery takes time:
    /// zero by default; tests and the bench that count a request's own storage calls hold
    /// jobs back so the worker's calls don't mix in.
    pub hold: Duration,
}

impl InlineQueue {
    pub fn new(worker: Arc<Worker>) -> Self {
        Self {
            worker,
            hold: Duration::ZERO,
        }
    }
}

#[async_trait]
impl JobQueue for InlineQueue {
    async fn enqueue(&self, job: &JobRef) -> Result<(), QueueError> {
        let worker = self.worker.clone();
        let job = job.clone();
        let hold = self.hold;
        tokio::spawn(async move {
            if !hold.is_zero() {
                tokio::time::sleep(hold).await;
            }
            for attempt in 1..=ATTEMPTS {
                match worker.process(&job).await {
                    // Another task of this process is on it and ends it.
                    Ok(()) | Err(WorkError::Busy) => return,
                    Err(e) if attempt == ATTEMPTS => {
                        tracing::warn!(job = %job.id, error = %e, "job not processed; giving up");
                        worker.give_up(&job, &e.to_string()).await;
                    }
                    Err(e) => {
                        tracing::warn!(job = %job.id, error = %e, attempt, "job not processed; retrying");
                        tokio::time::sleep(Duration::from_millis(250 << attempt)).await;
                    }
                }
            }
        });
        Ok(())
    }
}
