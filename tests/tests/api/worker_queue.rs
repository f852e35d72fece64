//! Issue 16: the worker's queue path against a real SQS (moto, started by
//! infra/scripts/test.sh) and a real S3 (s3rver). There is no Lambda event source here, so
//! the test plays it: receive, invoke the worker's handler with the `SqsEvent`, delete what
//! it reports done, and let SQS redeliver the rest until its dead-letter queue takes them.

use aws_lambda_events::sqs::{SqsEvent, SqsMessage};
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use pirros_jobs::sqs_queue::SqsQueue;
use pirros_shared::jobs::JobQueue;
use pirros_shared::objects::NoObjects;
use pirros_tests::uploads::{rfa, upload_body};
use pirros_tests::*;
use pirros_worker::sqs::{SqsWorker, handle};
use pirros_worker::worker::Worker;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Deliveries before a message moves to the dead-letter queue.
const MAX_RECEIVES: u32 = 2;

struct Queues {
    sqs: aws_sdk_sqs::Client,
    url: String,
    dlq: String,
}

/// The jobs queue and its dead-letter queue, as the template makes them.
async fn queues() -> Queues {
    let q = pirros_tests::sqs::queues("jobs", MAX_RECEIVES).await;
    Queues {
        sqs: q.sqs,
        url: q.url,
        dlq: q.dlq,
    }
}

impl Queues {
    async fn send(&self, body: &str) {
        self.sqs
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .send()
            .await
            .unwrap();
    }

    /// Plays the Lambda event source until `done` holds or 30 s pass: receive a batch,
    /// hand it to the worker, delete the messages it did not report failed. Answers how
    /// many batches the worker saw.
    async fn drain(&self, worker: &SqsWorker, mut done: impl AsyncFnMut() -> bool) -> usize {
        let started = Instant::now();
        let mut batches = 0;
        while !done().await {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "queue never settled"
            );
            let out = self
                .sqs
                .receive_message()
                .queue_url(&self.url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .message_system_attribute_names(MessageSystemAttributeName::All)
                .send()
                .await
                .unwrap();
            let messages = out.messages.unwrap_or_default();
            if messages.is_empty() {
                continue;
            }
            batches += 1;
            let mut event = SqsEvent::default();
            event.records = messages.iter().map(lambda_message).collect();
            let response = handle(worker, event).await;
            let failed: HashSet<String> = response
                .batch_item_failures
                .iter()
                .map(|f| f.item_identifier.clone())
                .collect();
            for m in &messages {
                if !failed.contains(m.message_id.as_deref().unwrap()) {
                    self.sqs
                        .delete_message()
                        .queue_url(&self.url)
                        .receipt_handle(m.receipt_handle.as_deref().unwrap())
                        .send()
                        .await
                        .unwrap();
                }
            }
        }
        batches
    }

    async fn bodies(&self, url: &str) -> Vec<String> {
        let out = self
            .sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
        out.messages
            .unwrap_or_default()
            .into_iter()
            .filter_map(|m| m.body)
            .collect()
    }

    async fn depth(&self, url: &str) -> usize {
        let attrs = self
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .unwrap()
            .attributes
            .unwrap();
        [
            QueueAttributeName::ApproximateNumberOfMessages,
            QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
        ]
        .iter()
        .map(|k| attrs[k].parse::<usize>().unwrap())
        .sum()
    }
}

/// An SQS message as Lambda hands it to a function.
fn lambda_message(m: &aws_sdk_sqs::types::Message) -> SqsMessage {
    let mut out = SqsMessage::default();
    out.message_id = m.message_id.clone();
    out.receipt_handle = m.receipt_handle.clone();
    out.body = m.body.clone();
    out.attributes = m
        .attributes
        .iter()
        .flatten()
        .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
        .collect();
    out.event_source = Some("aws:sqs".into());
    out
}

/// A DynamoDB-backed server whose uploads and exports go to the S3 emulator.
async fn s3_api() -> Api {
    let bucket =
        std::env::var("FILES_BUCKET").expect("run with infra/scripts/test.sh (FILES_BUCKET)");
    Setup::new(Backend::Dynamo)
        .env("FILES_BUCKET", &bucket)
        .start()
        .await
}

/// The worker as its Lambda function runs it, over the server's own storage.
fn worker_of(api: &Api) -> SqsWorker {
    let state = &api.running.app.state;
    SqsWorker {
        worker: Worker {
            store: state.store.clone(),
            objects: state.objects.clone(),
            max_upload_bytes: state.config.max_upload_bytes,
            max_export_bytes: state.config.max_export_bytes,
            scratch_dir: std::env::temp_dir(),
        },
        max_receives: MAX_RECEIVES,
    }
}

/// The job as stored, without the read that would notice an upload itself.
async fn stored_job(api: &Api, ws: &str, id: &str) -> Value {
    let job = api
        .running
        .app
        .state
        .store
        .get_job(
            pirros_shared::ids::WorkspaceId::parse(ws).unwrap(),
            &pirros_shared::ids::ResourceId::parse(id).unwrap(),
        )
        .await
        .unwrap()
        .expect("job");
    serde_json::to_value(job.answer(None, None)).unwrap()
}

/// The bucket's event for an object, as S3 sends it to the queue.
fn s3_event(key: &str) -> String {
    json!({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-06-04T12:00:00.000Z", "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": "pirros-files"},
               "object": {"key": key, "size": 1}}
    }]})
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_event_and_an_export_message_complete_their_jobs() {
    let api = s3_api().await;
    let q = queues().await;
    let worker = worker_of(&api);
    let t = api.token("famwriter-a").await;

    // An upload: the file goes to S3 with the presigned PUT, S3's event to the queue.
    let data = rfa(30_000, Some(2023));
    let r = api
        .start_upload(A1, &t, &upload_body(&data, Some("f1")))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let url = r.body["response"]["upload"]["url"].as_str().unwrap();
    assert!(url.contains("X-Amz-Signature="), "{url}");
    let signed = url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "X-Amz-SignedHeaders")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    // The declared size and checksum are part of the signature.
    for h in ["content-length", "host", "x-amz-checksum-sha256"] {
        assert!(signed.split(';').any(|s| s == h), "{signed}");
    }
    assert_eq!(api.put_upload(&r, data, true).await, 200);
    let job_id = r.body["response"]["job"]["id"].as_str().unwrap().to_owned();
    let key = format!("uploads/{A1}/{job_id}");
    q.send(&s3_event(&key)).await;
    // S3's own test message needs no work; it must not fail the batch.
    q.send(r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"pirros-files"}"#)
        .await;

    // An export, handed over by the jobs function's own queue client.
    let full = api.token("full-a").await;
    let e = api
        .write(
            Method::POST,
            &format!("/v1/workspaces/{A1}/stashes/s1/exports"),
            &full,
            &json!({}),
            None,
        )
        .await;
    assert_eq!(e.status, 202, "{}", e.text);
    let export_id = e.body["response"]["job"]["id"].as_str().unwrap().to_owned();
    let export_job = api
        .running
        .app
        .state
        .store
        .get_job(
            pirros_shared::ids::WorkspaceId::parse(A1).unwrap(),
            &pirros_shared::ids::ResourceId::parse(&export_id).unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    SqsQueue::new(q.sqs.clone(), q.url.clone())
        .enqueue(&export_job.job_ref())
        .await
        .unwrap();

    let done = async || {
        let u = stored_job(&api, A1, &job_id).await;
        let x = stored_job(&api, A1, &export_id).await;
        u["status"] == "succeeded" && x["status"] == "succeeded"
    };
    q.drain(&worker, done).await;
    assert_eq!(
        stored_job(&api, A1, &job_id).await["result"],
        json!({"family_id": "f1", "version": 2})
    );
    // The jobs may end before a batch has carried S3's test message: the rest is drained too.
    q.drain(&worker, async || q.depth(&q.url).await == 0).await;
    // Every message was deleted; none went to the dead-letter queue.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(q.depth(&q.url).await, 0);
    assert_eq!(q.depth(&q.dlq).await, 0);
    // A second delivery of the same event changes nothing.
    q.send(&s3_event(&key)).await;
    let mut once = false;
    q.drain(&worker, async || std::mem::replace(&mut once, true))
        .await;
    let f = api
        .get(&format!("/v1/workspaces/{A1}/families/f1"), &t)
        .await;
    assert_eq!(f.body["response"]["version"], 2);
    let job = api
        .get(&format!("/v1/workspaces/{A1}/jobs/{export_id}"), &full)
        .await;
    assert_eq!(job.body["response"]["result"]["files"], 3, "{}", job.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_that_keep_failing_end_in_the_dead_letter_queue() {
    let api = s3_api().await;
    let q = queues().await;
    let t = api.token("famwriter-a").await;
    let data = rfa(5_000, None);
    let r = api.start_upload(A1, &t, &upload_body(&data, None)).await;
    assert_eq!(api.put_upload(&r, data, true).await, 200);
    let job_id = r.body["response"]["job"]["id"].as_str().unwrap().to_owned();
    // A worker whose object storage is unreachable fails this job's every delivery.
    let mut broken = worker_of(&api);
    broken.worker.objects = Arc::new(NoObjects);
    q.send(&s3_event(&format!("uploads/{A1}/{job_id}"))).await;
    // And a message no worker understands.
    q.send("this is not a job").await;

    let batches = q.drain(&broken, async || q.depth(&q.dlq).await == 2).await;
    assert!(batches >= MAX_RECEIVES as usize, "{batches} batches");
    let mut dead = q.bodies(&q.dlq).await;
    dead.sort();
    assert_eq!(dead.len(), 2, "{dead:?}");
    assert!(dead.iter().any(|b| b == "this is not a job"), "{dead:?}");
    assert!(dead.iter().any(|b| b.contains(&job_id)), "{dead:?}");
    // On its last delivery the job was failed rather than left waiting forever.
    let job = api
        .get(&format!("/v1/workspaces/{A1}/jobs/{job_id}"), &t)
        .await;
    assert_eq!(job.body["response"]["status"], "failed", "{}", job.text);
    assert_eq!(job.body["response"]["error"]["code"], "internal_error");
}

/// A crafted family (a directory of 20,000 entries) beside a sound one in one batch: the
/// crafted job fails `invalid_rfa` and its message is done with; the sound one succeeds;
/// nothing is delivered again or reaches the dead-letter queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crafted_file_fails_its_job_and_spares_its_batch() {
    let api = s3_api().await;
    let q = queues().await;
    let worker = worker_of(&api);
    let t = api.token("famwriter-a").await;
    let crafted = pirros_rfa::craft::long_directory(20_000).bytes();
    let sound = rfa(30_000, Some(2022));
    let mut jobs = Vec::new();
    for data in [crafted, sound] {
        let r = api
            .start_upload(A1, &t, &upload_body(&data, Some("f1")))
            .await;
        assert_eq!(r.status, 202, "{}", r.text);
        assert_eq!(api.put_upload(&r, data, true).await, 200);
        let id = r.body["response"]["job"]["id"].as_str().unwrap().to_owned();
        q.send(&s3_event(&format!("uploads/{A1}/{id}"))).await;
        jobs.push(id);
    }
    let done = async || {
        let a = stored_job(&api, A1, &jobs[0]).await;
        let b = stored_job(&api, A1, &jobs[1]).await;
        a["status"] == "failed" && b["status"] == "succeeded"
    };
    q.drain(&worker, done).await;
    let failed = stored_job(&api, A1, &jobs[0]).await;
    assert_eq!(failed["error"]["code"], "invalid_rfa", "{failed}");
    let message = failed["error"]["message"].as_str().unwrap();
    assert!(message.contains("more than 4096 entries"), "{message}");
    assert_eq!(
        stored_job(&api, A1, &jobs[1]).await["result"],
        json!({"family_id": "f1", "version": 2})
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(q.depth(&q.url).await, 0);
    assert_eq!(q.depth(&q.dlq).await, 0);
}

/// The worker checks the creator's access when the file arrives, not only when the upload
/// was asked for: a credential revoked in between (by the real `pirros-admin`) fails the
/// job with `access_revoked` through the queue too, writes nothing, and the file goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_event_after_its_creator_was_revoked_writes_nothing() {
    let api = s3_api().await;
    let q = queues().await;
    let worker = worker_of(&api);
    let t = api.token("famwriter-a").await;
    let data = rfa(9_000, Some(2024));
    let r = api
        .start_upload(A1, &t, &upload_body(&data, Some("f1")))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(api.put_upload(&r, data, true).await, 200);
    let job_id = r.body["response"]["job"]["id"].as_str().unwrap().to_owned();
    let table = api.running.app.state.config.table_name.clone();
    let (ok, _, err) = admin(&table, &["credentials", "revoke", "famwriter-a"], &[]);
    assert!(ok, "{err}");
    let key = format!("uploads/{A1}/{job_id}");
    q.send(&s3_event(&key)).await;

    let ended = async || {
        let status = stored_job(&api, A1, &job_id).await["status"].clone();
        status == "failed" || status == "succeeded"
    };
    q.drain(&worker, ended).await;
    let job = stored_job(&api, A1, &job_id).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["error"]["code"], "access_revoked", "{job}");
    assert_eq!(job["result"], Value::Null);
    // Refused for good: the message was not left for SQS to deliver again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(q.depth(&q.url).await, 0);
    assert_eq!(q.depth(&q.dlq).await, 0);
    // The file is gone, with no copy under the family; the family is untouched.
    let objects = &api.running.app.state.objects;
    assert_eq!(objects.head(&key).await.unwrap(), None);
    let kept = format!("families/{A1}/f1/{job_id}.rfa");
    assert_eq!(objects.head(&kept).await.unwrap(), None);
    let reader = api.token("full-a").await;
    let f = api
        .get(&format!("/v1/workspaces/{A1}/families/f1"), &reader)
        .await;
    assert_eq!(f.body["response"]["version"], 1, "{}", f.text);
    let v = api
        .get(
            &format!("/v1/workspaces/{A1}/families/f1/versions"),
            &reader,
        )
        .await;
    assert_eq!(v.body["response"]["data"].as_array().unwrap().len(), 1);
}
