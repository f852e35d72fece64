//! One SQS batch: every message is processed, and the ones that failed are reported back by
//! id, so SQS delivers only those again (and, after the queue's receive limit, moves them
//! to the dead-letter queue) while the rest of the batch is deleted.

use std::future::Future;

use aws_lambda_events::sqs::{SqsBatchResponse, SqsMessage};

pub type RecordError = Box<dyn std::error::Error + Send + Sync>;

/// The work one message stands for. `Ok` means the message is done with, including when the
/// job it names failed for good (a refused file is recorded in the job, not retried);
/// `Err` means "deliver it again".
pub trait ProcessRecord {
    fn process(&self, message: &SqsMessage)
    -> impl Future<Output = Result<(), RecordError>> + Send;
}

/// Processes the records one after another: an export streams up to the memory budget of
/// one, so two at once would double the peak, and uploads are too quick to gain much.
pub async fn handle_batch<P: ProcessRecord>(
    processor: &P,
    records: &[SqsMessage],
) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for message in records {
        if let Err(error) = processor.process(message).await {
            // Without an id the failure cannot name its message; an empty identifier makes
            // Lambda retry the whole batch, which is safe because processing is idempotent.
            let id = message.message_id.clone().unwrap_or_default();
            tracing::warn!(message_id = %id, %error, "message failed; SQS will deliver it again");
            response.add_failure(id);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lambda_events::sqs::SqsEvent;
    use std::sync::Mutex;

    /// Fails the messages whose body is "fail", remembering every body it saw.
    #[derive(Default)]
    struct Recorder {
        seen: Mutex<Vec<String>>,
    }

    impl ProcessRecord for Recorder {
        async fn process(&self, message: &SqsMessage) -> Result<(), RecordError> {
            let body = message.body.clone().unwrap_or_default();
            self.seen.lock().unwrap().push(body.clone());
            if body == "fail" {
                return Err("the job could not be read".into());
            }
            Ok(())
        }
    }

    fn message(id: Option<&str>, body: &str) -> SqsMessage {
        let mut m = SqsMessage::default();
        m.message_id = id.map(str::to_owned);
        m.body = Some(body.to_owned());
        m
    }

    #[tokio::test]
    async fn only_failed_messages_are_reported_and_every_message_is_processed() {
        let records = [
            message(Some("m1"), "ok"),
            message(Some("m2"), "fail"),
            message(Some("m3"), "ok"),
            message(Some("m4"), "fail"),
        ];
        let recorder = Recorder::default();
        let response = handle_batch(&recorder, &records).await;
        let failed: Vec<_> = response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.as_str())
            .collect();
        assert_eq!(failed, ["m2", "m4"]);
        assert_eq!(recorder.seen.lock().unwrap().len(), 4);
        // The shape Lambda reads back.
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            serde_json::json!({"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m4"}]})
        );
    }

    #[tokio::test]
    async fn a_clean_batch_reports_no_failure() {
        let response = handle_batch(&Recorder::default(), &[message(Some("m1"), "ok")]).await;
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            serde_json::json!({"batchItemFailures": []})
        );
        let empty = handle_batch(&Recorder::default(), &[]).await;
        assert!(empty.batch_item_failures.is_empty());
    }

    #[tokio::test]
    async fn a_failed_message_without_an_id_fails_the_whole_batch() {
        let response = handle_batch(&Recorder::default(), &[message(None, "fail")]).await;
        assert_eq!(response.batch_item_failures.len(), 1);
        assert_eq!(response.batch_item_failures[0].item_identifier, "");
    }

    #[tokio::test]
    async fn the_event_lambda_sends_is_understood() {
        // An SQS event as Lambda delivers it, carrying an S3 notification in the body.
        let event: SqsEvent = serde_json::from_value(serde_json::json!({"Records": [{
            "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
            "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
            "body": "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"object\":{\"key\":\"uploads/j1\"}}}]}",
            "attributes": {
                "ApproximateReceiveCount": "1",
                "SentTimestamp": "1545082649183",
                "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                "ApproximateFirstReceiveTimestamp": "1545082649185"
            },
            "messageAttributes": {},
            "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:pirros-uploads",
            "awsRegion": "us-east-1"
        }]}))
        .unwrap();
        let recorder = Recorder::default();
        let response = handle_batch(&recorder, &event.records).await;
        assert!(response.batch_item_failures.is_empty());
        assert!(recorder.seen.lock().unwrap()[0].contains("uploads/j1"));
    }
}
