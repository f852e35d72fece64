//! One delivery attempt: a signed POST to the endpoint, judged by its status alone.

use std::error::Error as StdError;
use std::io;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, USER_AGENT};
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use url::Url;

use crate::attempt::{Attempt, EXCERPT_BYTES, excerpt};
use crate::guard::{UrlError, UrlPolicy};
use crate::resolve::GuardedResolver;
use crate::sign::SignedHeaders;
use crate::tls;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const USER_AGENT_VALUE: &str = "pirros-webhooks/1";
/// hyper reads a response through a buffer of at most this size, so past the excerpt a
/// receiver can make us read little more than this, whatever it sends.
const READ_BUFFER_BYTES: usize = 16 * 1024;
/// Below common load balancer idle timeouts, so a reused connection is rarely a dead one.
const POOL_IDLE: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("no usable root certificates found in the system store")]
    NoRootCertificates,
    #[error("TLS configuration rejected: {0}")]
    Tls(rustls::Error),
}

type Connector = HttpsConnector<HttpConnector<GuardedResolver>>;

/// Build once and share: it holds the connection pool.
///
/// Redirects are never followed (hyper's client has no such feature): a redirect could lead to
/// an address the guard never saw, and the contract counts a 3xx as a failure.
pub struct Sender {
    client: Client<Connector, Full<Bytes>>,
    policy: UrlPolicy,
    timeout: Duration,
}

impl Sender {
    pub fn new(policy: UrlPolicy) -> Result<Self, SendError> {
        Self::with_timeout(policy, DEFAULT_TIMEOUT)
    }

    /// `timeout` bounds the whole attempt: resolution, connection, TLS, request and response.
    pub fn with_timeout(policy: UrlPolicy, timeout: Duration) -> Result<Self, SendError> {
        let mut http = HttpConnector::new_with_resolver(GuardedResolver::new(policy));
        // The TLS layer needs https URLs passed down to it; it enforces the scheme itself.
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(timeout));
        let tls = HttpsConnectorBuilder::new().with_tls_config(tls::client_config()?);
        let tls = if policy.allows_private() {
            tls.https_or_http()
        } else {
            tls.https_only()
        };
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE)
            .http1_max_buf_size(READ_BUFFER_BYTES)
            .build(tls.enable_http1().wrap_connector(http));
        Ok(Self {
            client,
            policy,
            timeout,
        })
    }

    pub async fn send(&self, url: &str, headers: &SignedHeaders, body: Bytes) -> Attempt {
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + self.timeout;
        let (status, error, excerpt) = match self.exchange(url, headers, body, deadline).await {
            Ok((status, head)) => (Some(status.as_u16()), status_error(status), excerpt(&head)),
            Err(error) => (None, Some(error), None),
        };
        Attempt {
            status,
            error,
            excerpt,
            duration: started.elapsed(),
        }
    }

    async fn exchange(
        &self,
        url: &str,
        headers: &SignedHeaders,
        body: Bytes,
        deadline: tokio::time::Instant,
    ) -> Result<(StatusCode, Vec<u8>), String> {
        // Literal IPs never reach the resolver, so the policy must see them here, on every send.
        let url = self
            .policy
            .check_syntax(url)
            .map_err(|e| describe_url_error(&e))?;
        let request = request(&url, headers, body)?;
        let response = match tokio::time::timeout_at(deadline, self.client.request(request)).await {
            Err(_) => return Err(self.timed_out()),
            Ok(Err(e)) => return Err(self.describe(&e)),
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        let mut head = Vec::new();
        // A status in time is an answer; a body that dribbles past the deadline only shortens
        // the excerpt, and reading stops there rather than hold the attempt open.
        let _ = tokio::time::timeout_at(deadline, read_head(response.into_body(), &mut head)).await;
        Ok((status, head))
    }

    fn timed_out(&self) -> String {
        let t = self.timeout;
        if t.subsec_nanos() == 0 {
            format!("timed out after {} s", t.as_secs())
        } else {
            format!("timed out after {} ms", t.as_millis())
        }
    }

    /// Names the first cause that means something to whoever reads the delivery log. URLs are
    /// left out on purpose: a query string may carry the receiver's own token.
    fn describe(&self, err: &hyper_util::client::legacy::Error) -> String {
        let mut fallback = None;
        let mut cause: Option<&(dyn StdError + 'static)> = Some(err);
        while let Some(e) = cause {
            if let Some(url) = e.downcast_ref::<UrlError>() {
                return describe_url_error(url);
            }
            if let Some(tls) = e.downcast_ref::<rustls::Error>() {
                return format!("tls: {tls}");
            }
            if let Some(io) = e.downcast_ref::<io::Error>() {
                match io.kind() {
                    io::ErrorKind::ConnectionRefused => return "connection refused".to_owned(),
                    io::ErrorKind::TimedOut => return self.timed_out(),
                    _ => {}
                }
                // An io::Error's `source` skips the error it wraps (where rustls puts its own).
                match io.get_ref() {
                    Some(inner) => {
                        fallback
                            .get_or_insert_with(|| format!("connection failed ({})", io.kind()));
                        cause = Some(inner);
                        continue;
                    }
                    None => return format!("connection failed ({})", io.kind()),
                }
            }
            if let Some(hyper) = e.downcast_ref::<hyper::Error>() {
                fallback = Some(format!("http: {hyper}"));
            }
            cause = e.source();
        }
        fallback.unwrap_or_else(|| {
            if err.is_connect() {
                "connection failed".to_owned()
            } else {
                "request failed".to_owned()
            }
        })
    }
}

fn request(
    url: &Url,
    headers: &SignedHeaders,
    body: Bytes,
) -> Result<Request<Full<Bytes>>, String> {
    Request::post(url.as_str())
        .header(CONTENT_TYPE, "application/json")
        .header(USER_AGENT, USER_AGENT_VALUE)
        .header("webhook-id", headers.id.as_str())
        .header("webhook-timestamp", headers.timestamp)
        .header("webhook-signature", headers.signature.as_str())
        .body(Full::new(body))
        .map_err(|_| "request not built: invalid url or webhook id".to_owned())
}

async fn read_head(mut body: Incoming, head: &mut Vec<u8>) {
    while head.len() < EXCERPT_BYTES {
        let Some(Ok(frame)) = body.frame().await else {
            break;
        };
        if let Some(data) = frame.data_ref() {
            let take = data.len().min(EXCERPT_BYTES - head.len());
            head.extend_from_slice(&data[..take]);
        }
    }
}

fn status_error(status: StatusCode) -> Option<String> {
    if status.is_success() {
        None
    } else if status.is_redirection() {
        Some(format!("redirect not followed ({})", status.as_u16()))
    } else {
        Some(format!("status {}", status.as_u16()))
    }
}

fn describe_url_error(err: &UrlError) -> String {
    match err {
        UrlError::NotPublic => "address not allowed".to_owned(),
        UrlError::Unresolvable => "host could not be resolved".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::net::SocketAddr;
    use std::pin::Pin;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll};

    use http::{HeaderMap, Response};
    use http_body_util::combinators::BoxBody;
    use hyper::body::{Body, Frame};
    use hyper::server::conn::http1;
    use hyper::service::service_fn;
    use hyper_util::rt::TokioIo;
    use tokio::net::TcpListener;

    use super::*;
    use crate::attempt::Verdict;
    use crate::secret::WebhookSecret;
    use crate::sign::verify;

    type Reply = Response<BoxBody<Bytes, Infallible>>;

    struct Recorded {
        path: String,
        headers: HeaderMap,
        body: Bytes,
    }

    #[derive(Default)]
    struct Seen {
        connections: AtomicUsize,
        requests: Mutex<Vec<Recorded>>,
    }

    impl Seen {
        fn paths(&self) -> Vec<String> {
            let requests = self.requests.lock().expect("lock");
            requests.iter().map(|r| r.path.clone()).collect()
        }
    }

    /// A receiver on 127.0.0.1 that records what reaches it, waits `delay`, then answers.
    async fn receiver(delay: Duration, reply: fn(&str) -> Reply) -> (SocketAddr, Arc<Seen>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let seen = Arc::new(Seen::default());
        let server_seen = seen.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                server_seen.connections.fetch_add(1, Ordering::SeqCst);
                let seen = server_seen.clone();
                let service = service_fn(move |req: Request<Incoming>| {
                    let seen = seen.clone();
                    async move {
                        let path = req.uri().path().to_owned();
                        let headers = req.headers().clone();
                        let body = req.into_body().collect().await.map(|b| b.to_bytes());
                        seen.requests.lock().expect("lock").push(Recorded {
                            path: path.clone(),
                            headers,
                            body: body.unwrap_or_default(),
                        });
                        tokio::time::sleep(delay).await;
                        Ok::<_, Infallible>(reply(&path))
                    }
                });
                tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
            }
        });
        (addr, seen)
    }

    fn status(code: u16) -> Reply {
        Response::builder()
            .status(code)
            .body(Full::new(Bytes::from(format!("answer {code}"))).boxed())
            .expect("response")
    }

    /// A body with no end, as a hostile receiver would send.
    struct Endless;

    impl Body for Endless {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(&[b'x'; 1024])))))
        }
    }

    fn open() -> Sender {
        Sender::new(UrlPolicy::new(true)).expect("sender")
    }

    fn closed() -> Sender {
        Sender::new(UrlPolicy::new(false)).expect("sender")
    }

    const BODY: &str = r#"{"type":"stash.updated","id":"evt_1"}"#;

    fn signed(secret: &WebhookSecret) -> SignedHeaders {
        SignedHeaders::new(&[secret], "evt_1", 1_700_000_000, BODY.as_bytes())
    }

    async fn send(sender: &Sender, url: &str) -> Attempt {
        let secret = WebhookSecret::generate();
        sender
            .send(url, &signed(&secret), Bytes::from_static(BODY.as_bytes()))
            .await
    }

    #[tokio::test]
    async fn success_carries_the_standard_webhooks_headers() {
        let (addr, seen) = receiver(Duration::ZERO, |_| status(200)).await;
        let secret = WebhookSecret::generate();
        let headers = signed(&secret);
        let attempt = open()
            .send(
                &format!("http://{addr}/hook"),
                &headers,
                Bytes::from_static(BODY.as_bytes()),
            )
            .await;

        assert_eq!(attempt.verdict(), Verdict::Succeeded);
        assert_eq!(attempt.status, Some(200));
        assert_eq!(attempt.error, None);
        assert_eq!(attempt.excerpt.as_deref(), Some("answer 200"));

        let requests = seen.requests.lock().expect("lock");
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(request.path, "/hook");
        assert_eq!(request.body, BODY.as_bytes());
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(header("content-type").as_deref(), Some("application/json"));
        assert_eq!(header("user-agent").as_deref(), Some("pirros-webhooks/1"));
        assert_eq!(header("webhook-id").as_deref(), Some("evt_1"));
        assert_eq!(header("webhook-timestamp").as_deref(), Some("1700000000"));
        let signature = header("webhook-signature").expect("signature header");
        assert!(verify(
            &secret,
            "evt_1",
            1_700_000_000,
            &request.body,
            &signature
        ));
    }

    #[tokio::test]
    async fn gone_is_gone() {
        let (addr, _) = receiver(Duration::ZERO, |_| status(410)).await;
        let attempt = send(&open(), &format!("http://{addr}/")).await;
        assert_eq!(attempt.verdict(), Verdict::Gone);
        assert_eq!(attempt.status, Some(410));
        assert_eq!(attempt.error.as_deref(), Some("status 410"));
    }

    #[tokio::test]
    async fn server_error_is_retried_with_its_excerpt() {
        let (addr, _) = receiver(Duration::ZERO, |_| status(500)).await;
        let attempt = send(&open(), &format!("http://{addr}/")).await;
        assert_eq!(attempt.verdict(), Verdict::Retry);
        assert_eq!(attempt.error.as_deref(), Some("status 500"));
        assert_eq!(attempt.excerpt.as_deref(), Some("answer 500"));
    }

    #[tokio::test]
    async fn redirects_are_not_followed() {
        let (addr, seen) = receiver(Duration::ZERO, |path| {
            if path == "/hook" {
                Response::builder()
                    .status(302)
                    .header("location", "/elsewhere")
                    .body(Full::new(Bytes::new()).boxed())
                    .expect("response")
            } else {
                status(200)
            }
        })
        .await;
        let attempt = send(&open(), &format!("http://{addr}/hook")).await;
        assert_eq!(attempt.verdict(), Verdict::Retry);
        assert_eq!(attempt.status, Some(302));
        assert_eq!(
            attempt.error.as_deref(),
            Some("redirect not followed (302)")
        );
        assert_eq!(seen.paths(), ["/hook"]);
    }

    #[tokio::test]
    async fn slow_receivers_time_out() {
        let (addr, _) = receiver(Duration::from_secs(5), |_| status(200)).await;
        let sender =
            Sender::with_timeout(UrlPolicy::new(true), Duration::from_millis(300)).expect("sender");
        let attempt = send(&sender, &format!("http://{addr}/")).await;
        assert_eq!(attempt.verdict(), Verdict::Retry);
        assert_eq!(attempt.status, None);
        assert_eq!(attempt.error.as_deref(), Some("timed out after 300 ms"));
        assert!(
            attempt.duration < Duration::from_secs(2),
            "{:?}",
            attempt.duration
        );
    }

    #[tokio::test]
    async fn endless_bodies_are_cut_to_the_excerpt() {
        let (addr, _) = receiver(Duration::ZERO, |_| {
            Response::builder()
                .status(200)
                .body(Endless.boxed())
                .expect("response")
        })
        .await;
        let sender =
            Sender::with_timeout(UrlPolicy::new(true), Duration::from_secs(5)).expect("sender");
        let attempt = send(&sender, &format!("http://{addr}/")).await;
        assert_eq!(attempt.verdict(), Verdict::Succeeded);
        assert_eq!(attempt.excerpt, Some("x".repeat(EXCERPT_BYTES)));
        // Done long before the timeout: the sender stopped reading, it was not cut off.
        assert!(
            attempt.duration < Duration::from_secs(2),
            "{:?}",
            attempt.duration
        );
    }

    #[tokio::test]
    async fn private_literal_addresses_are_refused_before_connecting() {
        let (addr, seen) = receiver(Duration::ZERO, |_| status(200)).await;
        let attempt = send(&closed(), &format!("https://{addr}/")).await;
        assert_eq!(attempt.verdict(), Verdict::Retry);
        assert_eq!(attempt.status, None);
        assert_eq!(attempt.error.as_deref(), Some("address not allowed"));
        assert_eq!(seen.connections.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn names_resolving_to_private_addresses_are_refused_before_connecting() {
        let (addr, seen) = receiver(Duration::ZERO, |_| status(200)).await;
        let port = addr.port();
        let attempt = send(&closed(), &format!("https://localhost:{port}/")).await;
        assert_eq!(attempt.error.as_deref(), Some("address not allowed"));
        let attempt = send(&closed(), &format!("http://localhost:{port}/")).await;
        assert_eq!(attempt.error.as_deref(), Some("url must use https"));
        assert_eq!(seen.connections.load(Ordering::SeqCst), 0);

        // The same name goes through when private addresses are allowed.
        let attempt = send(&open(), &format!("http://localhost:{port}/")).await;
        assert_eq!(attempt.verdict(), Verdict::Succeeded);
    }

    #[tokio::test]
    async fn credentials_in_urls_are_refused() {
        let (addr, seen) = receiver(Duration::ZERO, |_| status(200)).await;
        let attempt = send(&open(), &format!("http://user:pw@{addr}/")).await;
        assert_eq!(
            attempt.error.as_deref(),
            Some("url must not contain a username or password")
        );
        assert_eq!(seen.connections.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn refused_connections_are_retried() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        drop(listener);
        let attempt = send(&open(), &format!("http://{addr}/")).await;
        assert_eq!(attempt.verdict(), Verdict::Retry);
        assert_eq!(attempt.error.as_deref(), Some("connection refused"));
    }

    #[tokio::test]
    async fn unresolvable_hosts_are_retried() {
        let attempt = send(&open(), "http://nothing.invalid/").await;
        assert_eq!(attempt.verdict(), Verdict::Retry);
        assert_eq!(attempt.error.as_deref(), Some("host could not be resolved"));
    }

    #[tokio::test]
    async fn https_handshakes_fail_cleanly_without_a_global_provider() {
        // A plain HTTP receiver answers the ClientHello with garbage: the TLS path runs, and
        // fails as an attempt rather than a panic.
        let (addr, _) = receiver(Duration::ZERO, |_| status(200)).await;
        let attempt = send(&open(), &format!("https://{addr}/")).await;
        assert_eq!(attempt.verdict(), Verdict::Retry);
        assert_eq!(attempt.status, None);
        let error = attempt.error.expect("an error");
        assert!(error.starts_with("tls: "), "{error}");
    }

    #[test]
    fn timeouts_read_naturally() {
        let sender = |t| Sender::with_timeout(UrlPolicy::new(false), t).expect("sender");
        assert_eq!(sender(DEFAULT_TIMEOUT).timed_out(), "timed out after 10 s");
        assert_eq!(
            sender(Duration::from_millis(1500)).timed_out(),
            "timed out after 1500 ms"
        );
    }
}
