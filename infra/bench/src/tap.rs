//! An HTTP relay in front of an emulator that counts the AWS calls going through it, by
//! operation: calls, bytes each way, the items a call carries, and the capacity DynamoDB
//! reported consumed. The webhook functions print no capacity of their own (only the API's
//! requests carry a metrics document), so their units are read off DynamoDB's answers
//! here; every store call asks for them (`ReturnConsumedCapacity: TOTAL`).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// SQS bills each 64 KB chunk of a request's payload as one request.
const SQS_CHUNK: u64 = 64 * 1024;

#[derive(Clone, Debug, Default)]
pub struct Op {
    pub calls: u64,
    pub capacity_units: f64,
    pub request_bytes: u64,
    pub response_bytes: u64,
    /// Largest payload either way, in 64 KB chunks, summed over calls.
    pub chunks_64k: u64,
    /// Entries of a batch sent, messages received.
    pub items: u64,
    pub upstream_ms: f64,
}

pub type Ops = BTreeMap<String, Op>;

#[derive(Clone)]
pub struct Tap {
    pub addr: SocketAddr,
    ops: Arc<Mutex<Ops>>,
}

/// `DynamoDB_20120810.GetItem` → `GetItem`; a query-protocol body's `Action=` otherwise.
fn operation(target: Option<&str>, body: &[u8]) -> String {
    if let Some(t) = target {
        return t.rsplit('.').next().unwrap_or(t).to_owned();
    }
    String::from_utf8_lossy(body)
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .unwrap_or("unknown")
        .to_owned()
}

fn capacity(answer: &Value) -> f64 {
    let units = |c: &Value| c["CapacityUnits"].as_f64().unwrap_or_default();
    match &answer["ConsumedCapacity"] {
        Value::Array(all) => all.iter().map(units).sum(),
        one @ Value::Object(_) => units(one),
        _ => 0.0,
    }
}

fn items(request: &Value, answer: &Value) -> u64 {
    let len = |v: &Value| v.as_array().map_or(0, Vec::len) as u64;
    len(&request["Entries"]) + len(&answer["Messages"])
}

impl Tap {
    /// Relays 127.0.0.1:<port> to `upstream` (`http://host:port`).
    pub async fn start(upstream: &str) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let ops: Arc<Mutex<Ops>> = Arc::default();
        let upstream = upstream.trim_end_matches('/').to_owned();
        let http = reqwest::Client::new();
        let shared = ops.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let (ops, upstream, http) = (shared.clone(), upstream.clone(), http.clone());
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                            let (ops, upstream, http) =
                                (ops.clone(), upstream.clone(), http.clone());
                            async move { relay(req, &upstream, &http, &ops).await }
                        });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self { addr, ops })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn snapshot(&self) -> Ops {
        self.ops.lock().expect("lock").clone()
    }
}

async fn relay(
    req: hyper::Request<Incoming>,
    upstream: &str,
    http: &reqwest::Client,
    ops: &Mutex<Ops>,
) -> anyhow::Result<hyper::Response<Full<Bytes>>> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await?.to_bytes();
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok());
    let op = operation(target, &body);
    let mut headers = parts.headers.clone();
    for h in ["content-length", "transfer-encoding", "connection"] {
        headers.remove(h);
    }
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let started = Instant::now();
    let answer = http
        .request(parts.method.clone(), format!("{upstream}{path}"))
        .headers(headers)
        .body(body.clone())
        .send()
        .await?;
    let status = answer.status();
    let mut back = answer.headers().clone();
    let answer_body = answer.bytes().await?;
    let took = started.elapsed();
    let request_json: Value = serde_json::from_slice(&body).unwrap_or_default();
    let answer_json: Value = serde_json::from_slice(&answer_body).unwrap_or_default();
    {
        let mut all = ops.lock().expect("lock");
        let o = all.entry(op).or_default();
        o.calls += 1;
        o.capacity_units += capacity(&answer_json);
        o.request_bytes += body.len() as u64;
        o.response_bytes += answer_body.len() as u64;
        o.chunks_64k += (body.len().max(answer_body.len()) as u64)
            .div_ceil(SQS_CHUNK)
            .max(1);
        o.items += items(&request_json, &answer_json);
        o.upstream_ms += took.as_secs_f64() * 1000.0;
    }
    for h in ["content-length", "transfer-encoding", "connection"] {
        back.remove(h);
    }
    let mut out = hyper::Response::new(Full::new(answer_body));
    *out.status_mut() = status;
    *out.headers_mut() = back;
    Ok(out)
}

/// Adds what went through between two snapshots to `into`.
pub fn add(into: &mut Ops, before: &Ops, after: &Ops) {
    for (name, a) in after {
        let b = before.get(name).cloned().unwrap_or_default();
        if a.calls == b.calls {
            continue;
        }
        let o = into.entry(name.clone()).or_default();
        o.calls += a.calls - b.calls;
        o.capacity_units += a.capacity_units - b.capacity_units;
        o.request_bytes += a.request_bytes - b.request_bytes;
        o.response_bytes += a.response_bytes - b.response_bytes;
        o.chunks_64k += a.chunks_64k - b.chunks_64k;
        o.items += a.items - b.items;
        o.upstream_ms += a.upstream_ms - b.upstream_ms;
    }
}

/// `ops` per invocation (`per` of them), as JSON by operation.
pub fn per_invocation(ops: &Ops, per: f64) -> Value {
    let mut out = serde_json::Map::new();
    for (name, o) in ops {
        let calls = o.calls as f64;
        out.insert(
            name.clone(),
            json!({
                "calls": calls / per,
                "capacity_units": o.capacity_units / per,
                "request_bytes_per_call": o.request_bytes as f64 / calls,
                "response_bytes_per_call": o.response_bytes as f64 / calls,
                "chunks_64k": o.chunks_64k as f64 / per,
                "items": o.items as f64 / per,
                "upstream_ms_per_call": o.upstream_ms / calls,
            }),
        );
    }
    Value::Object(out)
}
