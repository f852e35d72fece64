//! Queues on the SQS emulator (moto, started by infra/scripts/test.sh), made as the
//! template makes them: a queue whose failed messages move to a dead-letter queue after
//! `max_receives` deliveries, with a 1-second visibility timeout so that a failed message
//! comes back within a test.

use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::json;

pub struct Queues {
    pub sdk: aws_config::SdkConfig,
    pub sqs: aws_sdk_sqs::Client,
    pub url: String,
    pub dlq: String,
}

/// A fresh queue named `{prefix}-…` and its dead-letter queue.
pub async fn queues(prefix: &str, max_receives: u32) -> Queues {
    assert!(
        std::env::var_os("AWS_ENDPOINT_URL_SQS").is_some(),
        "run with infra/scripts/test.sh (AWS_ENDPOINT_URL_SQS, moto)"
    );
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let name = uuid::Uuid::new_v4().simple().to_string();
    let dlq = sqs
        .create_queue()
        .queue_name(format!("{prefix}-dlq-{name}"))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let dlq_arn = sqs
        .get_queue_attributes()
        .queue_url(&dlq)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap()[&QueueAttributeName::QueueArn]
        .clone();
    let redrive =
        json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receives.to_string()});
    let url = sqs
        .create_queue()
        .queue_name(format!("{prefix}-{name}"))
        .attributes(QueueAttributeName::RedrivePolicy, redrive.to_string())
        .attributes(QueueAttributeName::VisibilityTimeout, "1")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    Queues { sdk, sqs, url, dlq }
}
