//! Webhook delivery as it runs on AWS, against DynamoDB Local's stream and the SQS emulator
//! (moto), both started by infra/scripts/test.sh. There is no Lambda event source here, so
//! the test plays both: it reads the table's stream and hands its records to the fan-out
//! handler as the stream event source would, then receives the delivery queue's messages
//! and hands them to the delivery handler, deleting what it reports done.

use aws_lambda_events::dynamodb::{Event as StreamEvent, EventRecord as StreamRecord};
use aws_lambda_events::sqs::{SqsEvent, SqsMessage};
use pirros_delivery::Deliverer;
use pirros_delivery::sqs::SqsDeliveryQueue;
use pirros_outbound::{RetrySchedule, Sealer, Sender, UrlPolicy};
use pirros_shared::store::SharedStore;
use pirros_shared::store::dynamo::DynamoStore;
use pirros_tests::receiver::Receiver;
use pirros_tests::*;
use pirros_webhook_delivery::deliver::{DeliveryWorker, handle as deliver};
use pirros_webhook_delivery::fanout::{event_of, handle as fan_out};
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

const WEBHOOK_KEY: &str = "stream-test-webhook-key-0123456789abcdef";

struct Aws {
    sdk: aws_config::SdkConfig,
    queue_url: String,
    dlq_url: String,
}

/// A delivery queue and its dead-letter queue, as the template makes them.
async fn aws() -> Aws {
    let q = pirros_tests::sqs::queues("webhooks", 2).await;
    Aws {
        sdk: q.sdk,
        queue_url: q.url,
        dlq_url: q.dlq,
    }
}

/// One call of DynamoDB Local's streams API, by hand: the SDK's client refuses the whole
/// page when one image holds an empty map, which DynamoDB Local writes as `{}` (AWS writes
/// `{"M": {}}`, and so does this, before the records go to the handler).
async fn streams_call(target: &str, body: serde_json::Value) -> serde_json::Value {
    let url = std::env::var("AWS_ENDPOINT_URL_DYNAMODB").expect("DynamoDB Local");
    let text = reqwest::Client::new()
        .post(url)
        .header("x-amz-target", format!("DynamoDBStreams_20120810.{target}"))
        .header("content-type", "application/x-amz-json-1.0")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        )
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text.replace(":{}", r#":{"M":{}}"#)).unwrap()
}

/// Every record the table's stream holds so far, as the stream event source hands them
/// to a function (the same JSON shape).
async fn stream_records(sdk: &aws_config::SdkConfig, table: &str) -> Vec<StreamRecord> {
    let arn = aws_sdk_dynamodb::Client::new(sdk)
        .describe_table()
        .table_name(table)
        .send()
        .await
        .unwrap()
        .table
        .unwrap()
        .latest_stream_arn
        .expect("the table has a stream");
    let described = streams_call("DescribeStream", json!({"StreamArn": arn})).await;
    let mut out = Vec::new();
    for shard in described["StreamDescription"]["Shards"].as_array().unwrap() {
        let it = streams_call(
            "GetShardIterator",
            json!({"StreamArn": arn, "ShardId": shard["ShardId"], "ShardIteratorType": "TRIM_HORIZON"}),
        )
        .await;
        let mut iterator = it["ShardIterator"].as_str().map(str::to_owned);
        while let Some(it) = iterator {
            let page = streams_call("GetRecords", json!({"ShardIterator": it})).await;
            let records = page["Records"].as_array().cloned().unwrap_or_default();
            if records.is_empty() {
                break;
            }
            let batch: StreamEvent =
                serde_json::from_value(json!({"Records": records})).expect("stream records");
            out.extend(batch.records);
            iterator = page["NextShardIterator"].as_str().map(str::to_owned);
        }
    }
    out
}

/// Receives what the delivery queue holds now and hands it to the delivery handler; the
/// messages it reports done are deleted. How many messages came.
async fn drain(aws: &Aws, worker: &DeliveryWorker) -> usize {
    let sqs = aws_sdk_sqs::Client::new(&aws.sdk);
    let got = sqs
        .receive_message()
        .queue_url(&aws.queue_url)
        .max_number_of_messages(10)
        .wait_time_seconds(1)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default();
    let mut event = SqsEvent::default();
    for m in &got {
        let mut message = SqsMessage::default();
        message.message_id = m.message_id.clone();
        message.receipt_handle = m.receipt_handle.clone();
        message.body = m.body.clone();
        event.records.push(message);
    }
    let response = deliver(worker, event).await;
    for m in &got {
        let failed = response
            .batch_item_failures
            .iter()
            .any(|f| Some(&f.item_identifier) == m.message_id.as_ref());
        if !failed {
            sqs.delete_message()
                .queue_url(&aws.queue_url)
                .receipt_handle(m.receipt_handle.clone().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    got.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_and_the_queue_deliver_each_event_signed_and_retried() {
    let aws = aws().await;
    let api = Setup::new(Backend::Dynamo)
        .env("WEBHOOK_ALLOW_PRIVATE_URLS", "true")
        .env("WEBHOOK_KEY", WEBHOOK_KEY)
        .env("WEBHOOK_LOCAL_FOLLOW", "false")
        .start()
        .await;
    let table = api.running.app.state.config.table_name.clone();
    // The stack's table has a stream of new images (template.yaml); the tests' tables
    // have none (a stream slows every write of DynamoDB Local), so this one gets it now,
    // before the writes it follows.
    aws_sdk_dynamodb::Client::new(&aws.sdk)
        .update_table()
        .table_name(&table)
        .stream_specification(
            aws_sdk_dynamodb::types::StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(aws_sdk_dynamodb::types::StreamViewType::NewImage)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let rx = Receiver::start().await;
    rx.answer(&[503]);
    let a = api.token("full-a").await;
    let made = api
        .write(
            Method::POST,
            &format!("/v1/workspaces/{A1}/webhook-endpoints"),
            &a,
            &json!({"url": rx.url, "event_types": ["stash.created"]}),
            None,
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let secret = made.body["response"]["secret"].as_str().unwrap().to_owned();
    let stash = api
        .write(
            Method::POST,
            &format!("/v1/workspaces/{A1}/stashes"),
            &a,
            &json!({"name": "streamed", "project_id": PA, "is_permanent": false,
                    "item_ids": {"detail_ids": ["d1"], "family_ids": []}}),
            None,
        )
        .await;
    assert_eq!(stash.status, 201);

    // The stream holds every write (stash, copies, counter, event); the event source's
    // filter passes event items only, and so does the handler.
    let records = stream_records(&aws.sdk, &table).await;
    let events: Vec<_> = records.iter().filter_map(event_of).collect();
    assert_eq!(
        events
            .iter()
            .map(|e| e.event.kind.to_string())
            .collect::<Vec<_>>(),
        ["stash.created"],
        "only the event item is an event ({} records)",
        records.len()
    );
    let store: SharedStore = Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::new(&aws.sdk),
        table.clone(),
    ));
    let queue = Arc::new(SqsDeliveryQueue::new(
        aws_sdk_sqs::Client::new(&aws.sdk),
        aws.queue_url.clone(),
    ));
    let mut batch = StreamEvent::default();
    batch.records = records;
    let response = fan_out(&store, &*queue, batch).await;
    assert!(response.batch_item_failures.is_empty());

    let worker = DeliveryWorker {
        deliverer: Deliverer {
            store: store.clone(),
            sealer: Sealer::new(WEBHOOK_KEY, None).unwrap(),
            sender: Sender::new(UrlPolicy::new(true)).unwrap(),
            schedule: RetrySchedule::from_env_value("1").unwrap(),
        },
        queue: queue.clone(),
    };
    // First attempt: 503, so the next one is queued (1 s later); second: delivered.
    let mut handled = 0;
    for _ in 0..20 {
        handled += drain(&aws, &worker).await;
        if rx.received().len() >= 2 {
            break;
        }
    }
    let got = rx.received();
    assert_eq!(got.len(), 2, "two attempts ({handled} messages handled)");
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    assert_eq!(
        got[0].header("webhook-id"),
        Some(events[0].event.id.as_str())
    );
    let verified = rx.verify(&[&secret]);
    assert!(verified.iter().all(|v| v["ok"] == true), "{verified:?}");
    let endpoint = made.body["response"]["id"].as_str().unwrap();
    let log = api
        .get(
            &format!("/v1/workspaces/{A1}/webhook-endpoints/{endpoint}/deliveries"),
            &a,
        )
        .await;
    let d = &log.body["response"]["data"][0];
    assert_eq!(d["status"], "succeeded");
    assert_eq!(d["attempts"], 2);
    // Nothing left behind.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(drain(&aws, &worker).await, 0);
    let sqs = aws_sdk_sqs::Client::new(&aws.sdk);
    let dead = sqs
        .receive_message()
        .queue_url(&aws.dlq_url)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default();
    assert!(dead.is_empty());
}
