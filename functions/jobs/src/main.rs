//! Lambda entry point: state (with S3 for uploads and SQS for the worker) is built once
//! per container, then every event is handled by the library's `handle`, the same
//! function `pirros-local` mounts.

use std::sync::Arc;

use pirros_jobs::sqs_queue::SqsQueue;
use pirros_shared::config::ConfigError;
use pirros_shared::objects::s3::S3Objects;
use pirros_shared::objects::s3::client as s3_client;
use pirros_shared::state::s3_signer;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    pirros_shared::lambda::run_with_jobs(
        s3_signer,
        |sdk, config| {
            let bucket = config
                .files_bucket
                .clone()
                .ok_or(ConfigError::Missing("FILES_BUCKET"))?;
            let queue_url = std::env::var("JOBS_QUEUE_URL")
                .ok()
                .filter(|u| !u.trim().is_empty())
                .ok_or(ConfigError::Missing("JOBS_QUEUE_URL"))?;
            Ok(Some((
                Arc::new(S3Objects::new(s3_client(sdk), bucket)),
                Arc::new(SqsQueue::new(aws_sdk_sqs::Client::new(sdk), queue_url)),
            )))
        },
        |state, req| async move { pirros_jobs::handle(&state, req).await },
    )
    .await
}
