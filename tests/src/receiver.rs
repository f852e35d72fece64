//! A webhook receiver on 127.0.0.1: records every request it gets (headers and body) and
//! answers each with the next status of its script (200 once the script is used up), as a
//! customer's endpoint would.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

/// One request as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a delivery's body is JSON")
    }
}

#[derive(Default)]
struct Inner {
    got: Vec<Received>,
    script: VecDeque<u16>,
    /// Answered once the script is used up.
    then: Option<u16>,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl Receiver {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let inner = Arc::new(Mutex::new(Inner::default()));
        let shared = inner.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let shared = shared.clone();
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                            let shared = shared.clone();
                            async move {
                                let headers = req
                                    .headers()
                                    .iter()
                                    .map(|(k, v)| {
                                        (k.to_string(), v.to_str().unwrap_or_default().to_owned())
                                    })
                                    .collect();
                                let body = req.into_body().collect().await.map(|c| c.to_bytes());
                                let body =
                                    String::from_utf8_lossy(&body.unwrap_or_default()).into();
                                let status = {
                                    let mut g = shared.lock().unwrap();
                                    g.got.push(Received { headers, body });
                                    let next = g.script.pop_front();
                                    next.or(g.then).unwrap_or(200)
                                };
                                Ok::<_, std::convert::Infallible>(
                                    hyper::Response::builder()
                                        .status(status)
                                        .body(Full::new(Bytes::from_static(b"ok")))
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
        Self { url, inner }
    }

    /// The statuses of the next answers, in order.
    pub fn answer(&self, statuses: &[u16]) {
        self.inner.lock().unwrap().script = statuses.iter().copied().collect();
    }

    /// The status of every answer after the script.
    pub fn then_answer(&self, status: u16) {
        self.inner.lock().unwrap().then = Some(status);
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().got.clone()
    }

    /// Waits until `n` requests came (or `within` passed), and returns what came.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let start = std::time::Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n || start.elapsed() > within {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// What the reference Standard Webhooks library makes of each request received, with
    /// `secrets` (any one verifying is enough): `{ok, id, type}` or `{ok: false, error}`.
    pub fn verify(&self, secrets: &[&str]) -> Vec<Value> {
        let got: Vec<Value> = self
            .received()
            .iter()
            .map(|r| {
                let headers: serde_json::Map<String, Value> = r
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(v)))
                    .collect();
                json!({"headers": headers, "body": r.body})
            })
            .collect();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut child = std::process::Command::new(root.join(".cache/venv/bin/python"))
            .arg(root.join("infra/scripts/verify_webhooks.py"))
            .args(secrets)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the test venv's python (infra/scripts/test.sh installs it)");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            stdin
                .write_all(serde_json::to_string(&got).unwrap().as_bytes())
                .unwrap();
        }
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "verify_webhooks.py failed");
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}
