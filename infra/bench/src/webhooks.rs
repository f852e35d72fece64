//! Webhook delivery through `pirros-local` on DynamoDB Local: its follower and delivery
//! tasks run the same fan-out and attempt code as the AWS functions (only the stream and
//! the queue differ), delivering to a receiver in this process.
//! - change committed → delivery received: p50 and p99 over sequential stash creates;
//! - one event to many endpoints (seeded in the table, past the per-credential cap), and
//!   many events to one endpoint: time until all arrived, storage calls per delivery;
//! - a receiver down (503) for a while, then back, with the retry schedule scaled down:
//!   every event delivered, none under two ids, what the delivery log says.

use crate::routes::{CLIENT, SECRET, WS, percentile};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use pirros_local::start::{Options, StoreKind, start};
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::store::AdminStore;
use pirros_shared::timestamp::Timestamp;
use pirros_shared::webhooks::{EndpointRecord, EndpointStatus, EndpointTypes};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PROJECT: &str = "8d2e6f10-4a3b-4c1d-9e8f-0a1b2c3d4e51";
use crate::delivery_cost::WEBHOOK_KEY;

/// The default schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) divided by 60.
const SCALED_SCHEDULE: &str = "1,5,30,120,300,600,600";

#[derive(Default)]
struct Got {
    /// (webhook-id, the event's object id, path, when)
    arrivals: Vec<(String, String, String, Instant)>,
    refused: usize,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Got>>,
    down: Arc<AtomicBool>,
}

impl Receiver {
    async fn start(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let me = self.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let me = me.clone();
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                            let me = me.clone();
                            async move {
                                let path = req.uri().path().to_owned();
                                let id = req
                                    .headers()
                                    .get("webhook-id")
                                    .and_then(|v| v.to_str().ok())
                                    .unwrap_or_default()
                                    .to_owned();
                                let body = req.into_body().collect().await.map(|b| b.to_bytes());
                                let body: Value = serde_json::from_slice(&body.unwrap_or_default())
                                    .unwrap_or_default();
                                let object =
                                    body["object"]["id"].as_str().unwrap_or_default().to_owned();
                                let status = if me.down.load(Ordering::SeqCst) {
                                    me.got.lock().unwrap().refused += 1;
                                    503
                                } else {
                                    me.got.lock().unwrap().arrivals.push((
                                        id,
                                        object,
                                        path,
                                        Instant::now(),
                                    ));
                                    204
                                };
                                Ok::<_, std::convert::Infallible>(
                                    hyper::Response::builder()
                                        .status(status)
                                        .body(Full::new(Bytes::new()))
                                        .unwrap(),
                                )
                            }
                        });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        url
    }

    fn arrivals(&self) -> Vec<(String, String, String, Instant)> {
        self.got.lock().unwrap().arrivals.clone()
    }

    async fn wait_for(&self, n: usize, within: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < within {
            if self.arrivals().len() >= n {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        false
    }
}

struct Server {
    base: String,
    token: String,
    http: reqwest::Client,
    store: Arc<dyn AdminStore>,
    _running: pirros_local::start::Running,
}

async fn server(schedule: &str) -> anyhow::Result<Server> {
    let mut env: HashMap<String, String> = std::env::vars().collect();
    anyhow::ensure!(
        env.contains_key("AWS_ENDPOINT_URL_DYNAMODB"),
        "run through infra/scripts/bench.sh (DynamoDB Local)"
    );
    env.insert(
        "TABLE_NAME".into(),
        format!("bench-{}", uuid::Uuid::new_v4().simple()),
    );
    env.insert(
        "JWT_SECRET".into(),
        "bench-signing-key-0123456789abcdef0123456789".into(),
    );
    env.insert("WEBHOOK_KEY".into(), WEBHOOK_KEY.into());
    env.insert("WEBHOOK_ALLOW_PRIVATE_URLS".into(), "true".into());
    env.insert("WEBHOOK_RETRY_SCHEDULE".into(), schedule.into());
    env.insert("API_RATE_LIMIT_PER_HOUR".into(), "100000000".into());
    env.remove("FILES_BUCKET");
    let running = start(Options {
        store: StoreKind::Dynamodb,
        fixture: Some(pirros_local::start::demo_dir().join("demo.json")),
        addr: "127.0.0.1:0".parse()?,
        env,
    })
    .await?;
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let tok: Value = http
        .post(format!("{base}/oauth/token"))
        .json(&json!({"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET}))
        .send()
        .await?
        .json()
        .await?;
    Ok(Server {
        base,
        token: tok["access_token"].as_str().unwrap_or_default().to_owned(),
        http,
        store: running.admin.clone(),
        _running: running,
    })
}

impl Server {
    async fn endpoint(&self, url: &str) -> anyhow::Result<String> {
        let r: Value = self
            .http
            .post(format!(
                "{}/v1/workspaces/{WS}/webhook-endpoints",
                self.base
            ))
            .bearer_auth(&self.token)
            .json(&json!({"url": url, "event_types": ["stash.created"]}))
            .send()
            .await?
            .json()
            .await?;
        r["response"]["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow::anyhow!("endpoint not made: {r}"))
    }

    /// A stash made: its id, once the API answered (the change is committed).
    async fn stash(&self, name: &str) -> anyhow::Result<(String, Instant)> {
        let r: Value = self
            .http
            .post(format!("{}/v1/workspaces/{WS}/stashes", self.base))
            .bearer_auth(&self.token)
            .json(
                &json!({"name": name, "project_id": PROJECT, "is_permanent": false,
                          "item_ids": {"detail_ids": [], "family_ids": []}}),
            )
            .send()
            .await?
            .json()
            .await?;
        let at = Instant::now();
        let id = r["response"]["id"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("stash not made: {r}"))?;
        Ok((id.to_owned(), at))
    }

    /// `n` endpoints of the demo credential written straight to the table (the API caps a
    /// credential at 16), each at its own path of `url`.
    async fn seed_endpoints(&self, url: &str, n: usize) -> anyhow::Result<()> {
        let ws = WorkspaceId::parse(WS).unwrap();
        let sealer = pirros_outbound::Sealer::new(WEBHOOK_KEY, None)?;
        let from = self.store.last_event_sequence(ws).await?;
        let now = Timestamp::now();
        for i in 0..n {
            let id = ResourceId::new_uuid_v7();
            let secret = pirros_outbound::WebhookSecret::generate();
            let record = EndpointRecord {
                secret: sealer.seal(&secret, id.as_str().as_bytes()),
                id,
                workspace_id: ws,
                client_id: ClientId::parse(CLIENT).unwrap(),
                url: format!("{url}/fan/{i}"),
                event_types: EndpointTypes::parse(&["stash.created".to_owned()])
                    .map_err(|e| anyhow::anyhow!(e))?,
                description: None,
                status: EndpointStatus::Enabled,
                disabled_reason: None,
                previous_secret: None,
                previous_secrets: Vec::new(),
                from_sequence: from,
                failing_since: None,
                created_at: now,
                updated_at: now,
                version: 1,
            };
            let (_, creates) = self
                .store
                .endpoints_for_create(ws, &record.client_id)
                .await?;
            self.store.create_endpoint(&record, creates, None).await?;
        }
        Ok(())
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn latency(samples: usize) -> anyhow::Result<Value> {
    let s = server("1").await?;
    let rx = Receiver::default();
    let url = rx.start().await;
    s.endpoint(&format!("{url}/one")).await?;
    let mut lat = Vec::with_capacity(samples);
    for i in 0..samples {
        let (id, committed) = s.stash(&format!("latency {i}")).await?;
        let start = Instant::now();
        loop {
            if let Some((.., at)) = rx.arrivals().into_iter().find(|(_, o, ..)| *o == id) {
                lat.push(ms(at.saturating_duration_since(committed)));
                break;
            }
            anyhow::ensure!(
                start.elapsed() < Duration::from_secs(30),
                "no delivery of {id}"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    Ok(json!({
        "samples": samples,
        "p50_ms": percentile(&mut lat.clone(), 0.5),
        "p99_ms": percentile(&mut lat.clone(), 0.99),
        "max_ms": percentile(&mut lat, 1.0),
    }))
}

async fn fan_out(endpoints: usize, events: usize) -> anyhow::Result<Value> {
    let s = server("1").await?;
    let rx = Receiver::default();
    let url = rx.start().await;
    // One event to `endpoints` endpoints: all but one written to the table, and one made
    // through the API, which also has the server follow the workspace.
    s.endpoint(&format!("{url}/one")).await?;
    s.seed_endpoints(&url, endpoints - 1).await?;
    let calls = s.store.calls();
    let start = Instant::now();
    s.stash("fanned out").await?;
    let all = rx.wait_for(endpoints, Duration::from_secs(600)).await;
    let wide = json!({
        "endpoints": endpoints,
        "delivered": rx.arrivals().len(),
        "all_delivered": all,
        "seconds": start.elapsed().as_secs_f64(),
        "storage_calls_per_delivery": (s.store.calls() - calls) as f64 / endpoints as f64,
    });
    // `events` events to one endpoint.
    let s = server("1").await?;
    let rx = Receiver::default();
    let url = rx.start().await;
    s.endpoint(&format!("{url}/one")).await?;
    let calls = s.store.calls();
    let start = Instant::now();
    for i in 0..events {
        s.stash(&format!("event {i}")).await?;
    }
    let writes = start.elapsed().as_secs_f64();
    let all = rx.wait_for(events, Duration::from_secs(600)).await;
    let long = json!({
        "events": events,
        "delivered": rx.arrivals().len(),
        "all_delivered": all,
        "seconds": start.elapsed().as_secs_f64(),
        "seconds_writing": writes,
        "storage_calls_per_delivery_with_the_writes": (s.store.calls() - calls) as f64 / events as f64,
    });
    Ok(json!({"one_event_to_many_endpoints": wide, "many_events_to_one_endpoint": long}))
}

async fn outage(down_secs: u64, events: usize) -> anyhow::Result<Value> {
    let s = server(SCALED_SCHEDULE).await?;
    let rx = Receiver::default();
    let url = rx.start().await;
    let endpoint = s.endpoint(&format!("{url}/one")).await?;
    rx.down.store(true, Ordering::SeqCst);
    let start = Instant::now();
    let mut made = Vec::new();
    let gap = Duration::from_secs(down_secs) / events as u32;
    for i in 0..events {
        made.push(s.stash(&format!("while down {i}")).await?.0);
        tokio::time::sleep(gap).await;
    }
    rx.down.store(false, Ordering::SeqCst);
    let back = start.elapsed().as_secs_f64();
    let all = rx.wait_for(events, Duration::from_secs(900)).await;
    let arrivals = rx.arrivals();
    let ids: HashSet<&str> = arrivals.iter().map(|(id, ..)| id.as_str()).collect();
    let objects: HashSet<&str> = arrivals.iter().map(|(_, o, ..)| o.as_str()).collect();
    let mut per_object: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (id, o, ..) in &arrivals {
        per_object
            .entry(o.as_str())
            .or_default()
            .insert(id.as_str());
    }
    let log: Value = s
        .http
        .get(format!(
            "{}/v1/workspaces/{WS}/webhook-endpoints/{endpoint}/deliveries?limit=100",
            s.base
        ))
        .bearer_auth(&s.token)
        .send()
        .await?
        .json()
        .await?;
    let data = log["response"]["data"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let attempts: Vec<u64> = data.iter().filter_map(|d| d["attempts"].as_u64()).collect();
    Ok(json!({
        "schedule_seconds": SCALED_SCHEDULE,
        "down_seconds": down_secs,
        "events": events,
        "back_after_seconds": back,
        "all_delivered": all && made.iter().all(|m| objects.contains(m.as_str())),
        "seconds_until_all_delivered": start.elapsed().as_secs_f64(),
        "deliveries_received": arrivals.len(),
        "distinct_webhook_ids": ids.len(),
        "events_under_two_ids": per_object.values().filter(|v| v.len() > 1).count(),
        "refused_while_down": rx.got.lock().unwrap().refused,
        "log_succeeded": data.iter().filter(|d| d["status"] == "succeeded").count(),
        "log_max_attempts": attempts.iter().max(),
    }))
}

pub async fn run(
    samples: usize,
    endpoints: usize,
    events: usize,
    down_secs: u64,
    json_out: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let latency = latency(samples).await?;
    println!("commit → delivery: {latency}");
    let fan = fan_out(endpoints, events).await?;
    println!("fan-out: {fan}");
    let outage = outage(down_secs, 20).await?;
    println!("receiver down, then back: {outage}");
    let report = json!({
        "what": "pirros-local on DynamoDB Local: its follower (every 250 ms) and delivery tasks run the AWS functions' fan-out and attempt code; a receiver in the same process",
        "commit_to_delivery": latency,
        "fan_out": fan,
        "receiver_down_then_back": outage,
    });
    if let Some(path) = json_out {
        std::fs::write(path, serde_json::to_string_pretty(&report)? + "\n")?;
    }
    Ok(())
}
