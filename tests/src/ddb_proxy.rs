//! An HTTP proxy in front of DynamoDB Local that answers batch calls the way DynamoDB does
//! under load: a `BatchGetItem` returns part of its keys as `UnprocessedKeys`, a
//! `BatchWriteItem` returns its items as `UnprocessedItems` without writing them. DynamoDB
//! Local never does either, and only a retry makes the data whole again.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::net::TcpListener;

#[derive(Default)]
pub struct Faults {
    /// How many more `BatchGetItem` answers leave keys unprocessed.
    pub partial_gets: AtomicU32,
    /// How many more `BatchWriteItem` calls are answered "nothing written".
    pub refused_writes: AtomicU32,
    pub batch_gets: AtomicU32,
    pub batch_writes: AtomicU32,
}

/// Starts the proxy to `upstream` (`host:port`); returns its endpoint URL.
pub async fn start(upstream: String, faults: Arc<Faults>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let http = reqwest::Client::new();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (faults, http, upstream) = (faults.clone(), http.clone(), upstream.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let (faults, http, upstream) = (faults.clone(), http.clone(), upstream.clone());
                    async move { Ok::<_, Infallible>(relay(req, &faults, &http, &upstream).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    url
}

fn take(counter: &AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

fn answer(status: u16, body: Vec<u8>) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amzn-requestid", "ddb-proxy")
        .body(Full::new(Bytes::from(body)))
        .expect("response")
}

async fn relay(
    req: hyper::Request<Incoming>,
    faults: &Faults,
    http: &reqwest::Client,
    upstream: &str,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if target.ends_with(".BatchWriteItem") {
        faults.batch_writes.fetch_add(1, Ordering::SeqCst);
        if take(&faults.refused_writes) {
            let unprocessed = json!({ "UnprocessedItems": request["RequestItems"] });
            return answer(200, unprocessed.to_string().into_bytes());
        }
    }
    let mut forward = http.request(
        parts.method.clone(),
        format!("http://{upstream}{}", parts.uri),
    );
    for (name, value) in &parts.headers {
        if name != "content-length" {
            forward = forward.header(name, value);
        }
    }
    let Ok(resp) = forward.body(body).send().await else {
        return answer(502, Vec::new());
    };
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap_or_default().to_vec();
    if target.ends_with(".BatchGetItem") {
        faults.batch_gets.fetch_add(1, Ordering::SeqCst);
        if status == 200 && take(&faults.partial_gets) {
            return answer(200, leave_half_unprocessed(&bytes));
        }
    }
    answer(status, bytes)
}

/// Moves the second half of each table's items (at least one) from `Responses` to
/// `UnprocessedKeys`, keeping only their keys.
fn leave_half_unprocessed(body: &[u8]) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(body).expect("BatchGetItem answers JSON");
    let mut unprocessed = serde_json::Map::new();
    if let Some(tables) = v["Responses"].as_object_mut() {
        for (table, items) in tables.iter_mut() {
            let Some(items) = items.as_array_mut() else {
                continue;
            };
            let keep = items.len() / 2;
            let keys: Vec<Value> = items
                .drain(keep..)
                .map(|item| json!({ "pk": item["pk"], "sk": item["sk"] }))
                .collect();
            if !keys.is_empty() {
                unprocessed.insert(table.clone(), json!({ "Keys": keys }));
            }
        }
    }
    v["UnprocessedKeys"] = Value::Object(unprocessed);
    v.to_string().into_bytes()
}
