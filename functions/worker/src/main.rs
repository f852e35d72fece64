//! Lambda entry point of the upload and export worker: an SQS event source (the bucket's
//! upload events and the jobs function's messages), reporting partial batch failures.

use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::sqs::SqsEvent;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use pirros_config::{Config, ConfigError};
use pirros_objects::s3::S3Objects;
use pirros_objects::s3::client as s3_client;
use pirros_store::dynamo::DynamoStore;
use pirros_worker::sqs::{SqsWorker, handle};
use pirros_worker::worker::Worker;

/// The shared clients' timeouts (2 s per attempt, 5 s per call) suit request paths; an
/// 8 MiB part or a 200 MiB copy needs far longer.
fn worker_sdk_config() -> aws_config::SdkConfig {
    let timeouts = aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .operation_attempt_timeout(Duration::from_secs(60))
        .operation_timeout(Duration::from_secs(180))
        .build();
    pirros_config::aws::function_sdk_config_with(4, timeouts)
}

async fn from_env() -> Result<SqsWorker, ConfigError> {
    let config = Config::from_env()?;
    let bucket = config
        .files_bucket
        .clone()
        .ok_or(ConfigError::Missing("FILES_BUCKET"))?;
    let max_receives = match std::env::var("JOB_MAX_RECEIVES") {
        Err(_) => 3,
        Ok(v) => v.trim().parse().map_err(|_| ConfigError::Malformed {
            name: "JOB_MAX_RECEIVES",
            why: format!("expected a whole number, got {v:?}"),
        })?,
    };
    let sdk = worker_sdk_config();
    Ok(SqsWorker {
        worker: Worker {
            store: Arc::new(DynamoStore::new(
                aws_sdk_dynamodb::Client::new(&sdk),
                config.table_name.clone(),
            )),
            objects: Arc::new(S3Objects::new(s3_client(&sdk), bucket)),
            max_upload_bytes: config.max_upload_bytes,
            max_export_bytes: config.max_export_bytes,
            scratch_dir: std::env::temp_dir(),
        },
        max_receives,
    })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    pirros_config::logging::init();
    let worker = Arc::new(from_env().await.inspect_err(|e| {
        tracing::error!(error = %e, "cannot start");
    })?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let worker = worker.clone();
        async move { Ok::<_, Error>(handle(&worker, event.payload).await) }
    }))
    .await
}
