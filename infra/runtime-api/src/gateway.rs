//! A stand-in for API Gateway's HTTP API: each request becomes a payload-2.0 event for the
//! function the router names, which runs as its own process behind its own Runtime API
//! (started on first use, kept warm, one event at a time like a single Lambda instance).

use crate::event::{HttpRequest, apigw_v2_event, http_response};
use crate::process::FunctionProcess;
use bytes::Bytes;
use http::Method;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Mutex;

/// Where a request goes: the function (also its binary's name) and the route key.
#[derive(Clone, Debug)]
pub struct Target {
    pub function: String,
    pub route_key: String,
}

pub type Router = Arc<dyn Fn(&Method, &str) -> Target + Send + Sync>;

type Slot = Arc<Mutex<Option<FunctionProcess>>>;

pub struct Functions {
    bin_dir: PathBuf,
    env: HashMap<String, String>,
    slots: std::sync::Mutex<HashMap<String, Slot>>,
    pub timeout: Duration,
}

impl Functions {
    pub fn new(bin_dir: PathBuf, env: HashMap<String, String>) -> Self {
        Self {
            bin_dir,
            env,
            slots: std::sync::Mutex::new(HashMap::new()),
            timeout: Duration::from_secs(30),
        }
    }

    fn slot(&self, function: &str) -> Slot {
        self.slots
            .lock()
            .expect("lock")
            .entry(function.to_owned())
            .or_default()
            .clone()
    }

    /// Invokes `function` with `event`, starting its process on first use.
    pub async fn invoke(
        &self,
        function: &str,
        event: serde_json::Value,
    ) -> anyhow::Result<crate::runtime::Invocation> {
        let slot = self.slot(function);
        let mut guard = slot.lock().await;
        if guard.is_none() {
            let bin = self.bin_dir.join(function);
            *guard = Some(FunctionProcess::spawn(&bin, function, &self.env).await?);
        }
        let process = guard.as_mut().expect("started above");
        process.invoke(event, self.timeout).await
    }

    /// Every stdout line each started function printed, by function.
    pub async fn stdout_lines(&self) -> HashMap<String, Vec<String>> {
        let slots: Vec<(String, Slot)> = self
            .slots
            .lock()
            .expect("lock")
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut out = HashMap::new();
        for (name, slot) in slots {
            if let Some(p) = slot.lock().await.as_ref() {
                out.insert(name, p.stdout_lines());
            }
        }
        out
    }
}

pub struct Gateway {
    pub addr: SocketAddr,
    pub functions: Arc<Functions>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Gateway {
    pub async fn start(functions: Functions, router: Router) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let functions = Arc::new(functions);
        let f = functions.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, peer)) = listener.accept().await {
                let (f, router) = (f.clone(), router.clone());
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req| {
                        handle(f.clone(), router.clone(), peer, req)
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Ok(Self {
            addr,
            functions,
            task,
        })
    }
}

fn gateway_error(status: u16, message: &str) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(format!(
            "{{\"message\":\"{message}\"}}"
        ))))
        .expect("static response parts")
}

async fn handle(
    functions: Arc<Functions>,
    router: Router,
    peer: SocketAddr,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
        return Ok(gateway_error(400, "Bad Request"));
    };
    let target = router(&parts.method, parts.uri.path());
    let event = apigw_v2_event(&HttpRequest {
        method: &parts.method,
        uri: &parts.uri,
        headers: &parts.headers,
        body: &body,
        source_ip: &peer.ip().to_string(),
        route_key: &target.route_key,
    });
    // A function error or a malformed answer is what API Gateway reports as a 500 of its
    // own; the cause goes to stderr, where a failing test shows it.
    let answer = match functions.invoke(&target.function, event).await {
        Ok(inv) => match inv.outcome {
            crate::runtime::Outcome::Response(payload) => http_response(&payload),
            crate::runtime::Outcome::Error(e) => Err(anyhow::anyhow!("function error: {e}")),
        },
        Err(e) => Err(e),
    };
    match answer {
        Ok(resp) => {
            let (parts, body) = resp.into_parts();
            Ok(hyper::Response::from_parts(parts, Full::new(body)))
        }
        Err(e) => {
            eprintln!("gateway: {} {}: {e:#}", parts.method, parts.uri);
            Ok(gateway_error(500, "Internal Server Error"))
        }
    }
}
