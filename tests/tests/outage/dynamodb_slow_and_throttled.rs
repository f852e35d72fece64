//! A slow and a throttling DynamoDB, injected by a proxy between the API and
//! DynamoDB Local: bounded 503s in the envelope, then recovery.

use pirros_tests::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PASS: u8 = 0;
const BLACKHOLE: u8 = 1;
const THROTTLE: u8 = 2;

/// Answers every request on `client` with DynamoDB's throttling error.
async fn throttle(mut client: TcpStream, mode: Arc<AtomicU8>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    // Until the test switches modes; then the connection closes.
    while mode.load(Ordering::SeqCst) == THROTTLE {
        // Read one request: headers, then Content-Length bytes of body.
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match client.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + len {
            match client.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + len);
        let body = r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}"#;
        let resp = format!(
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.0\r\nx-amzn-requestid: fault\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        if client.write_all(resp.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// A TCP proxy to `upstream` whose behaviour the test switches; switching closes the
/// connections it holds so the SDK's pool starts afresh.
async fn proxy(upstream: String, mode: Arc<AtomicU8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            let mode = mode.clone();
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let started_in = mode.load(Ordering::SeqCst);
                match started_in {
                    BLACKHOLE => {
                        // Accept and never answer, until the mode changes.
                        while mode.load(Ordering::SeqCst) == BLACKHOLE {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                    THROTTLE => throttle(client, mode).await,
                    _ => {
                        let Ok(mut up) = TcpStream::connect(&upstream).await else {
                            return;
                        };
                        let copy = tokio::io::copy_bidirectional(&mut client, &mut up);
                        let watch = async {
                            while mode.load(Ordering::SeqCst) == started_in {
                                tokio::time::sleep(Duration::from_millis(20)).await;
                            }
                        };
                        tokio::select! { _ = copy => {}, _ = watch => {} }
                    }
                }
            });
        }
    });
    port
}

async fn fault_case(mode_value: u8) {
    let upstream = std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
        .expect("run with infra/scripts/test.sh")
        .trim_start_matches("http://")
        .to_owned();
    let mode = Arc::new(AtomicU8::new(PASS));
    let port = proxy(upstream, mode.clone()).await;
    let api = Setup::new(Backend::Dynamo)
        .env(
            "AWS_ENDPOINT_URL_DYNAMODB",
            &format!("http://127.0.0.1:{port}"),
        )
        .start()
        .await;
    let t = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/details/d1");
    assert_eq!(api.get(&path, &t).await.status, 200);
    mode.store(mode_value, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let r = api.get(&path, &t).await;
    r.assert_error(503, "service_unavailable");
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(8),
        "bounded by the SDK timeouts: {took:?}"
    );
    assert_eq!(r.header("retry-after"), Some("10"));
    mode.store(PASS, Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(15);
    while api.get(&path, &t).await.status != 200 {
        assert!(Instant::now() < deadline, "no recovery");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_dynamodb_is_a_bounded_503() {
    fault_case(BLACKHOLE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_dynamodb_is_a_503_after_retries() {
    fault_case(THROTTLE).await;
}
