//! The Lambda Runtime API (2018-06-01) a function's runtime client talks to: it takes the
//! next event, answers it, takes the next. One queue per function process.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{Mutex, mpsc, oneshot};

/// How an invocation ended.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The function's response payload.
    Response(Value),
    /// What the runtime posted to `/error` (a handler error or a panic).
    Error(Value),
}

#[derive(Clone, Debug)]
pub struct Invocation {
    pub outcome: Outcome,
    /// The Lambda request id the event carried.
    pub request_id: String,
    /// Event handed to the function → its answer received: what Lambda bills as duration.
    pub duration: Duration,
}

struct Queued {
    event: Value,
    reply: oneshot::Sender<Invocation>,
}

struct InFlight {
    reply: oneshot::Sender<Invocation>,
    handed_out: Instant,
}

struct Shared {
    queue: Mutex<mpsc::Receiver<Queued>>,
    in_flight: StdMutex<HashMap<String, InFlight>>,
    /// When the process first asked for an event: the end of its init phase.
    first_poll: StdMutex<Option<Instant>>,
    init_error: StdMutex<Option<String>>,
    function_arn: String,
}

/// A running Runtime API endpoint. Dropping it stops the server.
pub struct RuntimeApi {
    pub addr: SocketAddr,
    queue: mpsc::Sender<Queued>,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl RuntimeApi {
    pub async fn start(function_name: &str) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = mpsc::channel(64);
        let shared = Arc::new(Shared {
            queue: Mutex::new(rx),
            in_flight: StdMutex::new(HashMap::new()),
            first_poll: StdMutex::new(None),
            init_error: StdMutex::new(None),
            function_arn: format!("arn:aws:lambda:us-east-1:000000000000:function:{function_name}"),
        });
        let s = shared.clone();
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req| serve(s.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Ok(Self {
            addr,
            queue: tx,
            shared,
            server,
        })
    }

    /// Delivers `event` to the next poll and waits for the answer.
    pub async fn invoke(&self, event: Value, timeout: Duration) -> anyhow::Result<Invocation> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Queued { event, reply })
            .await
            .map_err(|_| anyhow::anyhow!("runtime API stopped"))?;
        match tokio::time::timeout(timeout, answer).await {
            Ok(Ok(inv)) => Ok(inv),
            Ok(Err(_)) => anyhow::bail!("runtime API stopped before the function answered"),
            Err(_) => match self.init_error() {
                Some(e) => anyhow::bail!("function failed to initialise: {e}"),
                None => anyhow::bail!("function did not answer within {timeout:?}"),
            },
        }
    }

    /// When the function first polled for an event (its init phase ended).
    pub fn first_poll(&self) -> Option<Instant> {
        *self.shared.first_poll.lock().expect("lock")
    }

    /// What the function reported to `/init/error`, if it did.
    pub fn init_error(&self) -> Option<String> {
        self.shared.init_error.lock().expect("lock").clone()
    }
}

fn reply(status: u16, body: Bytes) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(body))
        .expect("static response parts")
}

async fn serve(
    s: Arc<Shared>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_owned();
    let Some(rest) = path.strip_prefix("/2018-06-01/runtime/") else {
        return Ok(reply(404, Bytes::from_static(b"{}")));
    };
    if rest == "invocation/next" {
        s.first_poll
            .lock()
            .expect("lock")
            .get_or_insert_with(Instant::now);
        // One poll at a time waits on the queue: a process takes one event, then the next.
        let next = s.queue.lock().await.recv().await;
        let Some(q) = next else {
            return Ok(reply(410, Bytes::new()));
        };
        let request_id = uuid::Uuid::new_v4().to_string();
        let deadline = std::time::SystemTime::now() + Duration::from_secs(30);
        let deadline_ms = deadline
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        let trace_id = format!(
            "Root=1-{:08x}-{};Parent={};Sampled=1",
            deadline_ms / 1000,
            &uuid::Uuid::new_v4().simple().to_string()[..24],
            &uuid::Uuid::new_v4().simple().to_string()[..16]
        );
        s.in_flight.lock().expect("lock").insert(
            request_id.clone(),
            InFlight {
                reply: q.reply,
                handed_out: Instant::now(),
            },
        );
        let resp = hyper::Response::builder()
            .header("content-type", "application/json")
            .header("lambda-runtime-aws-request-id", &request_id)
            .header("lambda-runtime-deadline-ms", deadline_ms.to_string())
            .header("lambda-runtime-invoked-function-arn", &s.function_arn)
            .header("lambda-runtime-trace-id", trace_id)
            .body(Full::new(Bytes::from(q.event.to_string())))
            .expect("valid headers");
        return Ok(resp);
    }
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let parsed = || serde_json::from_slice(&body).unwrap_or(Value::Null);
    if rest == "init/error" {
        *s.init_error.lock().expect("lock") = Some(String::from_utf8_lossy(&body).into_owned());
        return Ok(reply(202, Bytes::from_static(b"{}")));
    }
    if let Some(tail) = rest.strip_prefix("invocation/") {
        let (id, what) = tail.split_once('/').unwrap_or((tail, ""));
        let outcome = match what {
            "response" => Outcome::Response(parsed()),
            "error" => Outcome::Error(parsed()),
            _ => return Ok(reply(404, Bytes::from_static(b"{}"))),
        };
        let Some(f) = s.in_flight.lock().expect("lock").remove(id) else {
            return Ok(reply(
                400,
                Bytes::from_static(b"{\"errorType\":\"InvalidRequestID\"}"),
            ));
        };
        let _ = f.reply.send(Invocation {
            outcome,
            request_id: id.to_owned(),
            duration: f.handed_out.elapsed(),
        });
        return Ok(reply(202, Bytes::from_static(b"{}")));
    }
    Ok(reply(404, Bytes::from_static(b"{}")))
}
