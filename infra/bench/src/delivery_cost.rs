//! What a webhook delivery costs to run, measured as `cost.rs` measures the routes: the two
//! functions' binaries as Lambda runs them (a local Runtime API), against DynamoDB Local
//! behind the same added round trip, with moto as the delivery queue.
//! - The fan-out (`pirros-webhook-fanout`) gets the stream record of a real event item: a
//!   stash made through `pirros-local`'s API, read back from DynamoDB Local's stream and
//!   shaped as the stream's event source hands it over (template.yaml's filter applied).
//!   Once with one endpoint in the workspace, once with ten.
//! - The delivery function (`pirros-webhook-delivery`) gets what a fan-out of the same
//!   event queued just before, received from the queue and shaped as the queue's event
//!   source does, in batches of 1 (a quiet queue) and of 10 (a busy one); what it reports
//!   done is deleted, as the event source deletes it. Those receives and deletes are
//!   counted: SQS bills them.
//! - The receiver is in this process and answers 200 at once; then, in cases of their own,
//!   after 100 ms, since a slow receiver's time is billed duration too.
//!
//! The functions print no capacity of their own, so DynamoDB units and SQS requests are
//! counted by operation on their way through (`tap.rs`).

use crate::cost::{ms, summary};
use crate::routes::{CLIENT, SECRET, WS};
use crate::tap::{self, Tap};
use aws_lambda_events::dynamodb::{Event as StreamEvent, EventRecord as StreamRecord};
use aws_lambda_events::sqs::{SqsEvent, SqsMessage};
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, MessageSystemAttributeName};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use pirros_runtime_api::process::FunctionProcess;
use pirros_runtime_api::runtime::{Invocation, Outcome};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const FANOUT: &str = "pirros-webhook-fanout";
const DELIVERY: &str = "pirros-webhook-delivery";
pub(crate) const WEBHOOK_KEY: &str = "bench-webhook-key-0123456789abcdef0123456789";
/// The slow receiver's answer time.
const SLOW_MS: u64 = 100;
/// Endpoints of the wide fan-out: under the API's 16 per credential, so all are made
/// through it.
const WIDE: usize = 10;
const TIMEOUT: Duration = Duration::from_secs(30);
const READS: &[&str] = &[
    "GetItem",
    "BatchGetItem",
    "Query",
    "Scan",
    "TransactGetItems",
];

/// A receiver that answers 200 with no body, after `delay_ms`.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<AtomicUsize>,
    signed: Arc<AtomicUsize>,
    delay_ms: Arc<AtomicU64>,
}

impl Receiver {
    async fn start(&self) -> anyhow::Result<String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let me = self.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let me = me.clone();
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                            let me = me.clone();
                            async move {
                                me.got.fetch_add(1, Ordering::SeqCst);
                                if req.headers().contains_key("webhook-signature") {
                                    me.signed.fetch_add(1, Ordering::SeqCst);
                                }
                                let delay = me.delay_ms.load(Ordering::SeqCst);
                                if delay > 0 {
                                    tokio::time::sleep(Duration::from_millis(delay)).await;
                                }
                                Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(
                                    Bytes::new(),
                                )))
                            }
                        });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(url)
    }

    fn count(&self) -> usize {
        self.got.load(Ordering::SeqCst)
    }
}

/// `pirros-local`'s API, as an integrator calls it.
struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let answer = req.send().await.map_err(sdk_error)?;
        let status = answer.status();
        let body: Value = answer.json().await?;
        anyhow::ensure!(status.is_success(), "{path}: {status} {body}");
        Ok(body["response"].clone())
    }

    async fn endpoint(&self, url: &str) -> anyhow::Result<()> {
        self.call(
            reqwest::Method::POST,
            &format!("/v1/workspaces/{WS}/webhook-endpoints"),
            Some(json!({"url": url, "event_types": ["stash.created"]})),
        )
        .await
        .map(drop)
    }

    async fn stash(&self, name: &str) -> anyhow::Result<()> {
        let projects = self
            .call(
                reqwest::Method::GET,
                &format!("/v1/workspaces/{WS}/projects"),
                None,
            )
            .await?;
        let project = projects["data"][0]["id"].clone();
        self.call(
            reqwest::Method::POST,
            &format!("/v1/workspaces/{WS}/stashes"),
            Some(
                json!({"name": name, "project_id": project, "is_permanent": false,
                        "item_ids": {"detail_ids": [], "family_ids": []}}),
            ),
        )
        .await
        .map(drop)
    }
}

/// One call of DynamoDB Local's streams API, by hand, as tests/tests/api/webhook_stream.rs
/// makes it: the SDK's client refuses a page when an image holds an empty map, which
/// DynamoDB Local writes as `{}` where AWS writes `{"M": {}}`.
async fn streams_call(endpoint: &str, target: &str, body: Value) -> anyhow::Result<Value> {
    let text = reqwest::Client::new()
        .post(endpoint)
        .header("x-amz-target", format!("DynamoDBStreams_20120810.{target}"))
        .header("content-type", "application/x-amz-json-1.0")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        )
        .body(body.to_string())
        .send()
        .await
        .map_err(sdk_error)?
        .text()
        .await?;
    Ok(serde_json::from_str(&text.replace(":{}", r#":{"M":{}}"#))?)
}

/// The table's stream on or off. DynamoDB Local slows every write while a stream is on
/// (DynamoDB does not), so it is on only while the events the bench needs are written.
async fn stream(
    ddb: &aws_sdk_dynamodb::Client,
    table: &str,
    on: bool,
) -> anyhow::Result<Option<String>> {
    use aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType};
    let mut spec = StreamSpecification::builder().stream_enabled(on);
    if on {
        spec = spec.stream_view_type(StreamViewType::NewImage);
    }
    ddb.update_table()
        .table_name(table)
        .stream_specification(spec.build()?)
        .send()
        .await
        .map_err(sdk_error)?;
    let described = ddb
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(sdk_error)?;
    Ok(described.table.and_then(|t| t.latest_stream_arn))
}

/// The stream's records that the fan-out's event source passes (template.yaml's filter:
/// inserts of `EVENT#` items other than the `#SEQ` counter), as Lambda hands each one over.
async fn event_records(endpoint: &str, arn: &str) -> anyhow::Result<Vec<Value>> {
    let described = streams_call(endpoint, "DescribeStream", json!({"StreamArn": arn})).await?;
    let mut out = Vec::new();
    for shard in described["StreamDescription"]["Shards"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let it = streams_call(
            endpoint,
            "GetShardIterator",
            json!({"StreamArn": arn, "ShardId": shard["ShardId"], "ShardIteratorType": "TRIM_HORIZON"}),
        )
        .await?;
        let mut iterator = it["ShardIterator"].as_str().map(str::to_owned);
        while let Some(it) = iterator {
            let page = streams_call(endpoint, "GetRecords", json!({"ShardIterator": it})).await?;
            let records = page["Records"].as_array().cloned().unwrap_or_default();
            if records.is_empty() {
                break;
            }
            for r in records {
                let keys = &r["dynamodb"]["Keys"];
                let pk = keys["pk"]["S"].as_str().unwrap_or_default();
                let sk = keys["sk"]["S"].as_str().unwrap_or_default();
                if r["eventName"] == "INSERT" && pk.starts_with("EVENT#") && sk != "#SEQ" {
                    let mut record: StreamRecord = serde_json::from_value(r)?;
                    record.event_source_arn = Some(arn.to_owned());
                    let mut event = StreamEvent::default();
                    event.records.push(record);
                    out.push(serde_json::to_value(event)?);
                }
            }
            iterator = page["NextShardIterator"].as_str().map(str::to_owned);
        }
    }
    Ok(out)
}

/// Makes a stash with the stream on; the one event record it wrote.
async fn one_event(
    api: &Api,
    ddb: &aws_sdk_dynamodb::Client,
    endpoint: &str,
    table: &str,
    name: &str,
) -> anyhow::Result<Value> {
    let arn = stream(ddb, table, true)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no stream on {table}"))?;
    api.stash(name).await?;
    let records = event_records(endpoint, &arn).await?;
    stream(ddb, table, false).await?;
    anyhow::ensure!(
        records.len() == 1,
        "{} event records for one stash",
        records.len()
    );
    Ok(records.into_iter().next().unwrap_or_default())
}

enum Feed<'a> {
    /// A stream record; deliveries it queues.
    Stream(&'a Value, usize),
    /// Batches of this many queued deliveries.
    Queue(usize),
}

impl Feed<'_> {
    fn deliveries(&self) -> usize {
        match self {
            Feed::Stream(_, n) | Feed::Queue(n) => *n,
        }
    }
}

struct Bench {
    bin_dir: PathBuf,
    env: HashMap<String, String>,
    ddb: Tap,
    sqs_tap: Tap,
    /// Through `sqs_tap`: what the queue's event source calls.
    sqs: aws_sdk_sqs::Client,
    /// Straight to moto, not counted: the bench's own housekeeping.
    sqs_direct: aws_sdk_sqs::Client,
    queue_url: String,
    queue_arn: String,
    region: String,
    rx: Receiver,
    supply: tokio::sync::Mutex<Supply>,
}

/// What fills the queue for the delivery cases, a few messages ahead: moto slows down and
/// then answers receives with nothing once it holds thousands of messages.
#[derive(Default)]
struct Supply {
    fanout: Option<FunctionProcess>,
    event: Value,
    per_event: usize,
    queued: usize,
}

/// What DynamoDB and SQS saw, summed over the invocations measured.
#[derive(Default)]
struct Seen {
    ddb: tap::Ops,
    sqs: tap::Ops,
}

/// An error with its causes: the AWS SDK's own display is only "service error".
fn sdk_error(e: impl std::error::Error + Send + Sync + 'static) -> anyhow::Error {
    anyhow::anyhow!("{}", aws_sdk_sqs::error::DisplayErrorContext(e))
}

fn failures(inv: &Invocation) -> usize {
    match &inv.outcome {
        Outcome::Response(v) => v["batchItemFailures"].as_array().map_or(0, Vec::len),
        Outcome::Error(_) => usize::MAX,
    }
}

impl Bench {
    /// An empty queue, filled from now on by fan-outs of `event` (`per_event` messages each).
    async fn supply_from(&self, event: &Value, per_event: usize) -> anyhow::Result<()> {
        let mut s = self.supply.lock().await;
        if let Some(f) = s.fanout.take() {
            f.stop().await;
        }
        self.drain().await?;
        let bin = self.bin_dir.join(FANOUT);
        *s = Supply {
            fanout: Some(FunctionProcess::spawn(&bin, FANOUT, &self.env).await?),
            event: event.clone(),
            per_event,
            queued: 0,
        };
        Ok(())
    }

    /// The queue emptied, out of the count (moto allows one purge a minute).
    async fn drain(&self) -> anyhow::Result<()> {
        loop {
            let got = self
                .sqs_direct
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .send()
                .await
                .map_err(sdk_error)?
                .messages
                .unwrap_or_default();
            if got.is_empty() {
                return Ok(());
            }
            let entries = got
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .set_receipt_handle(m.receipt_handle.clone())
                        .build()
                })
                .collect::<Result<Vec<_>, _>>()?;
            self.sqs_direct
                .delete_message_batch()
                .queue_url(&self.queue_url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(sdk_error)?;
        }
    }

    /// At least `n` messages in the queue.
    async fn fill(&self, n: usize) -> anyhow::Result<()> {
        let mut s = self.supply.lock().await;
        while s.queued < n {
            let event = s.event.clone();
            let f = s
                .fanout
                .as_mut()
                .ok_or_else(|| anyhow::anyhow!("nothing supplies the queue"))?;
            let inv = f.invoke(event, TIMEOUT).await?;
            anyhow::ensure!(failures(&inv) == 0, "supply: {:?}", inv.outcome);
            s.queued += s.per_event;
        }
        Ok(())
    }

    /// The event of the next invocation and the receipts of the messages it holds: a
    /// stream record as it is, or `n` messages received as the queue's event source
    /// receives them.
    async fn prepare(&self, feed: &Feed<'_>) -> anyhow::Result<(Value, Vec<String>)> {
        let n = match feed {
            Feed::Stream(event, _) => return Ok(((*event).clone(), Vec::new())),
            Feed::Queue(n) => *n,
        };
        let mut got = Vec::new();
        for _ in 0..10 {
            let out = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages((n - got.len()) as i32)
                .wait_time_seconds(1)
                .message_system_attribute_names(MessageSystemAttributeName::All)
                .message_attribute_names("All")
                .send()
                .await
                .map_err(sdk_error)?;
            got.extend(out.messages.unwrap_or_default());
            if got.len() == n {
                break;
            }
        }
        anyhow::ensure!(
            got.len() == n,
            "the queue held {} of {n} messages",
            got.len()
        );
        self.supply.lock().await.queued -= n;
        let mut event = SqsEvent::default();
        let mut receipts = Vec::new();
        for m in got {
            let mut message = SqsMessage::default();
            message.message_id = m.message_id;
            receipts.push(m.receipt_handle.clone().unwrap_or_default());
            message.receipt_handle = m.receipt_handle;
            message.body = m.body;
            message.md5_of_body = m.md5_of_body;
            message.md5_of_message_attributes = m.md5_of_message_attributes;
            message.attributes = m
                .attributes
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k.as_str().to_owned(), v))
                .collect();
            message.event_source = Some("aws:sqs".into());
            message.event_source_arn = Some(self.queue_arn.clone());
            message.aws_region = Some(self.region.clone());
            event.records.push(message);
        }
        Ok((serde_json::to_value(event)?, receipts))
    }

    /// One invocation, checked: nothing reported failed, every delivery received and
    /// signed, the messages deleted. When the answer came.
    async fn invoke(
        &self,
        f: &mut FunctionProcess,
        feed: &Feed<'_>,
        prepared: (Value, Vec<String>),
    ) -> anyhow::Result<(Invocation, Instant)> {
        let (event, receipts) = prepared;
        let (got0, signed0) = (self.rx.count(), self.rx.signed.load(Ordering::SeqCst));
        let inv = f.invoke(event, TIMEOUT).await?;
        let answered = Instant::now();
        anyhow::ensure!(failures(&inv) == 0, "{}: {:?}", f.name, inv.outcome);
        if let Feed::Queue(n) = feed {
            let got = self.rx.count() - got0;
            let signed = self.rx.signed.load(Ordering::SeqCst) - signed0;
            anyhow::ensure!(
                got == *n && signed == *n,
                "{n} deliveries, {got} received, {signed} signed"
            );
            let entries = receipts
                .into_iter()
                .enumerate()
                .map(|(i, r)| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(r)
                        .build()
                })
                .collect::<Result<Vec<_>, _>>()?;
            self.sqs
                .delete_message_batch()
                .queue_url(&self.queue_url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(sdk_error)?;
        }
        Ok((inv, answered))
    }

    /// One invocation with what it takes from the queue, what it put there cleared away,
    /// and the calls it (and the event source) made added to `seen`; the event it got.
    async fn step(
        &self,
        f: &mut FunctionProcess,
        feed: &Feed<'_>,
        seen: &mut Seen,
    ) -> anyhow::Result<(Invocation, Instant, Value)> {
        self.fill(match feed {
            Feed::Queue(n) => *n,
            Feed::Stream(..) => 0,
        })
        .await?;
        let (ddb0, sqs0) = (self.ddb.snapshot(), self.sqs_tap.snapshot());
        let prepared = self.prepare(feed).await?;
        let event = prepared.0.clone();
        let (inv, answered) = self.invoke(f, feed, prepared).await?;
        tap::add(&mut seen.ddb, &ddb0, &self.ddb.snapshot());
        tap::add(&mut seen.sqs, &sqs0, &self.sqs_tap.snapshot());
        if let Feed::Stream(..) = feed {
            self.drain().await?;
        }
        Ok((inv, answered, event))
    }

    /// Cold starts, `warmup` invocations, then `samples` measured ones of one process.
    async fn measure(
        &self,
        case: &str,
        bin: &str,
        feed: &Feed<'_>,
        samples: usize,
        cold_runs: usize,
        warmup: usize,
    ) -> anyhow::Result<Value> {
        let path = self.bin_dir.join(bin);
        let mut ignored = Seen::default();
        let (mut init, mut first, mut total) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..cold_runs {
            if let Feed::Queue(n) = feed {
                self.fill(*n).await?;
            }
            let mut f = FunctionProcess::spawn(&path, bin, &self.env).await?;
            let (inv, answered, _) = self.step(&mut f, feed, &mut ignored).await?;
            init.push(f.init_duration().map(ms).unwrap_or_default());
            first.push(ms(inv.duration));
            total.push(ms(answered - f.started));
            f.stop().await;
        }
        let mut f = FunctionProcess::spawn(&path, bin, &self.env).await?;
        for _ in 0..warmup {
            self.step(&mut f, feed, &mut ignored).await?;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (out0, err0) = (f.stdout_lines().len(), f.stderr_lines().len());
        let cpu0 = f.cpu_time().unwrap_or_default();
        let rx0 = self.rx.count();
        let mut seen = Seen::default();
        let mut durations = Vec::with_capacity(samples);
        // What the function was handed, kept where it is short: one record, one message.
        let mut example = Value::Null;
        for _ in 0..samples {
            let (inv, _, event) = self.step(&mut f, feed, &mut seen).await?;
            if feed.deliveries() == 1 {
                example = event;
            }
            durations.push(ms(inv.duration));
        }
        let cpu = f.cpu_time().unwrap_or_default().saturating_sub(cpu0);
        let received = self.rx.count() - rx0;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let out: Vec<String> = f.stdout_lines().split_off(out0);
        let err: Vec<String> = f.stderr_lines().split_off(err0);
        let log_bytes: usize = out.iter().chain(&err).map(|l| l.len() + 1).sum();
        let peak_rss = f.peak_rss().unwrap_or_default() as f64 / 1_048_576.0;
        f.stop().await;
        let n = samples as f64;
        let dynamodb = tap::per_invocation(&seen.ddb, n);
        let sqs = tap::per_invocation(&seen.sqs, n);
        let sum = |v: &Value, field: &str, keep: &dyn Fn(&str) -> bool| -> f64 {
            v.as_object()
                .into_iter()
                .flatten()
                .filter(|(op, _)| keep(op))
                .filter_map(|(_, o)| o[field].as_f64())
                .sum()
        };
        if let Feed::Stream(_, endpoints) = feed {
            let queued = sum(&sqs, "items", &|op| op == "SendMessageBatch");
            anyhow::ensure!(
                (queued - *endpoints as f64).abs() < 1e-9,
                "{case}: {queued} messages queued per event, {endpoints} endpoints"
            );
        }
        // Lambda bills each invocation's duration rounded up to the millisecond.
        let billed = durations.iter().map(|d| d.ceil()).sum::<f64>() / n;
        let figures = json!({
            "case": case,
            "function": bin,
            "deliveries_per_invocation": feed.deliveries(),
            "cold": if cold_runs == 0 { Value::Null } else { json!({
                "runs": cold_runs,
                "init_ms": summary(init),
                "first_invoke_ms": summary(first),
                "start_to_answer_ms": summary(total),
            })},
            "samples": samples,
            "warm_ms": summary(durations),
            "billed_ms_mean": billed,
            "cpu_ms_per_invocation": ms(cpu) / n,
            "peak_rss_mb": peak_rss,
            "log_bytes_per_invocation": log_bytes as f64 / n,
            "receiver_requests_per_invocation": received as f64 / n,
            "dynamodb": {
                "calls": sum(&dynamodb, "calls", &|_| true),
                "read_units": sum(&dynamodb, "capacity_units", &|op| READS.contains(&op)),
                "write_units": sum(&dynamodb, "capacity_units", &|op| !READS.contains(&op)),
                "by_operation": dynamodb,
            },
            "sqs": {
                "requests": sum(&sqs, "calls", &|_| true),
                "billed_requests": sum(&sqs, "chunks_64k", &|_| true),
                "by_operation": sqs,
            },
            "event_example": example,
        });
        let get = |p: &[&str]| {
            p.iter()
                .fold(&figures, |v, k| &v[*k])
                .as_f64()
                .unwrap_or_default()
        };
        println!(
            "{case:<44} {:>7.2} {:>7.2} {:>7.3} {:>6.1} {:>6.2} {:>6.2} {:>5.2} {:>7.0} {:>6.1}",
            get(&["warm_ms", "p50"]),
            billed,
            get(&["cpu_ms_per_invocation"]),
            get(&["dynamodb", "calls"]),
            get(&["dynamodb", "read_units"]),
            get(&["dynamodb", "write_units"]),
            get(&["sqs", "requests"]),
            get(&["log_bytes_per_invocation"]),
            peak_rss,
        );
        Ok(figures)
    }
}

/// Fan-outs and deliveries, each case's figures per invocation.
pub async fn run(
    bin_dir: &Path,
    samples: usize,
    cold_runs: usize,
    rtt_ms: f64,
) -> anyhow::Result<Value> {
    use pirros_local::start::{Options, StoreKind, start};
    let mut env: HashMap<String, String> = std::env::vars().collect();
    let (Some(ddb_url), Some(sqs_url)) = (
        env.get("AWS_ENDPOINT_URL_DYNAMODB").cloned(),
        env.get("AWS_ENDPOINT_URL_SQS").cloned(),
    ) else {
        anyhow::bail!("run through infra/scripts/bench.sh (DynamoDB Local, moto)");
    };
    let table = format!("bench-{}", uuid::Uuid::new_v4().simple());
    env.insert("TABLE_NAME".into(), table.clone());
    env.insert("RUST_LOG".into(), "info".into());
    env.insert("WEBHOOK_ALLOW_PRIVATE_URLS".into(), "true".into());
    let mut local_env = env.clone();
    local_env.insert(
        "JWT_SECRET".into(),
        "bench-signing-key-0123456789abcdef0123456789".into(),
    );
    local_env.insert("WEBHOOK_KEY".into(), WEBHOOK_KEY.into());
    // The functions deliver here, not pirros-local's own follower.
    local_env.insert("WEBHOOK_LOCAL_FOLLOW".into(), "false".into());
    local_env.insert("API_RATE_LIMIT_PER_HOUR".into(), "100000000".into());
    let running = start(Options {
        store: StoreKind::Dynamodb,
        fixture: Some(pirros_local::start::demo_dir().join("demo.json")),
        addr: "127.0.0.1:0".parse()?,
        env: local_env,
    })
    .await?;
    let http = reqwest::Client::new();
    let base = format!("http://{}", running.addr);
    let tok: Value = http
        .post(format!("{base}/oauth/token"))
        .json(&json!({"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET}))
        .send()
        .await
        .map_err(sdk_error)?
        .json()
        .await?;
    let api = Api {
        base,
        token: tok["access_token"].as_str().unwrap_or_default().to_owned(),
        http,
    };

    let sdk = pirros_shared::config::aws::sdk_config().await;
    let ddb = aws_sdk_dynamodb::Client::new(&sdk);
    // As on Lambda, the delivery function reads the webhook key from Secrets Manager at init.
    let secret = aws_sdk_secretsmanager::Client::new(&sdk)
        .create_secret()
        .name(format!("bench-webhook-{}", uuid::Uuid::new_v4().simple()))
        .secret_string(WEBHOOK_KEY)
        .send()
        .await
        .map_err(sdk_error)?;
    env.insert(
        "WEBHOOK_KEY_ARN".into(),
        secret.arn().unwrap_or_default().to_owned(),
    );
    // The queue and its dead-letter queue as template.yaml makes them.
    let sqs_direct = aws_sdk_sqs::Client::new(&sdk);
    let name = uuid::Uuid::new_v4().simple().to_string();
    let arn_of = async |url: &str| -> anyhow::Result<String> {
        use aws_sdk_sqs::types::QueueAttributeName;
        let attrs = sqs_direct
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(sdk_error)?
            .attributes
            .unwrap_or_default();
        attrs
            .get(&QueueAttributeName::QueueArn)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("no ARN for {url}"))
    };
    let dlq = sqs_direct
        .create_queue()
        .queue_name(format!("bench-webhooks-dlq-{name}"))
        .send()
        .await
        .map_err(sdk_error)?
        .queue_url
        .unwrap_or_default();
    let redrive = json!({"deadLetterTargetArn": arn_of(&dlq).await?, "maxReceiveCount": "5"});
    let queue_url = sqs_direct
        .create_queue()
        .queue_name(format!("bench-webhooks-{name}"))
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            "180",
        )
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::RedrivePolicy,
            redrive.to_string(),
        )
        .send()
        .await
        .map_err(sdk_error)?
        .queue_url
        .unwrap_or_default();
    let queue_arn = arn_of(&queue_url).await?;
    env.insert("WEBHOOK_QUEUE_URL".into(), queue_url.clone());

    let ddb_tap = Tap::start(&ddb_url).await?;
    let relay = crate::delay::start(ddb_tap.addr, Duration::from_secs_f64(rtt_ms / 1000.0)).await?;
    env.insert(
        "AWS_ENDPOINT_URL_DYNAMODB".into(),
        format!("http://{relay}"),
    );
    // No wait added to SQS calls: moto is slower than DynamoDB Local already (each
    // operation's time is in the JSON, upstream_ms_per_call).
    let sqs_tap = Tap::start(&sqs_url).await?;
    env.insert("AWS_ENDPOINT_URL_SQS".into(), sqs_tap.url());
    let sqs = aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::config::Builder::from(&sdk)
            .endpoint_url(sqs_tap.url())
            .build(),
    );
    let rx = Receiver::default();
    let url = rx.start().await?;
    let b = Bench {
        bin_dir: bin_dir.to_owned(),
        region: env
            .get("AWS_REGION")
            .cloned()
            .unwrap_or_else(|| "us-east-1".into()),
        env,
        ddb: ddb_tap,
        sqs_tap,
        sqs,
        sqs_direct,
        queue_url,
        queue_arn,
        rx: rx.clone(),
        supply: Default::default(),
    };

    println!(
        "{:<44} {:>7} {:>7} {:>7} {:>6} {:>6} {:>6} {:>5} {:>7} {:>6}",
        "webhook case (per invocation)",
        "p50 ms",
        "billed",
        "cpu ms",
        "calls",
        "RCU",
        "WCU",
        "SQS",
        "log B",
        "RSS MB"
    );
    let warmup = 10;
    let mut cases = Vec::new();
    // One endpoint in the workspace.
    api.endpoint(&format!("{url}/hooks/0")).await?;
    let narrow = one_event(&api, &ddb, &ddb_url, &table, "cost: one endpoint").await?;
    let feed = Feed::Stream(&narrow, 1);
    let case = "fan-out, 1 endpoint";
    cases.push(
        b.measure(case, FANOUT, &feed, samples, cold_runs, warmup)
            .await?,
    );
    b.supply_from(&narrow, 1).await?;
    let feed = Feed::Queue(1);
    let case = "delivery, batch of 1";
    cases.push(
        b.measure(case, DELIVERY, &feed, samples, cold_runs, warmup)
            .await?,
    );
    // Ten: endpoints made after an event do not take it, hence a second event.
    for i in 1..WIDE {
        api.endpoint(&format!("{url}/hooks/{i}")).await?;
    }
    let wide = one_event(&api, &ddb, &ddb_url, &table, "cost: ten endpoints").await?;
    let feed = Feed::Stream(&wide, WIDE);
    let case = "fan-out, 10 endpoints";
    cases.push(
        b.measure(case, FANOUT, &feed, samples, cold_runs, warmup)
            .await?,
    );
    b.supply_from(&wide, WIDE).await?;
    let feed = Feed::Queue(10);
    let case = "delivery, batch of 10";
    cases.push(
        b.measure(case, DELIVERY, &feed, samples, cold_runs, warmup)
            .await?,
    );
    // A slow receiver holds every invocation SLOW_MS longer: fewer samples do.
    rx.delay_ms.store(SLOW_MS, Ordering::SeqCst);
    for batch in [1, 10] {
        let case = format!("delivery, batch of {batch}, receiver answers in {SLOW_MS} ms");
        let feed = Feed::Queue(batch);
        let slow_samples = (samples / 6).max(5);
        let mut figures = b
            .measure(&case, DELIVERY, &feed, slow_samples, 0, 2)
            .await?;
        figures["receiver_answer_ms"] = json!(SLOW_MS);
        cases.push(figures);
    }
    rx.delay_ms.store(0, Ordering::SeqCst);
    if let Some(f) = b.supply.lock().await.fanout.take() {
        f.stop().await;
    }
    running.task.abort();
    Ok(json!({
        "what": "the webhook fan-out and delivery functions through a local Runtime API; DynamoDB Local behind the added round trip, moto's SQS as the queue; a receiver on 127.0.0.1 answering 200 (at once, or after receiver_answer_ms)",
        "profile": if cfg!(debug_assertions) { "dev" } else { "release" },
        "dynamodb_rtt_added_ms": rtt_ms,
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "cases": cases,
    }))
}
