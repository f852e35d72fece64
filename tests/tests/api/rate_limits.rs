//! Rate limits, their headers, cost per request, and behaviour when DynamoDB fails.
//! Limits that hold under attack (a per-client token cap over all IPs, a
//! sliding API window, counters that fail closed).

use pirros_local::budget;
use pirros_tests::*;

use serde_json::json;
use std::sync::Arc;

pirros_tests::on_both_stores!(
    token_attempts_are_limited_per_client_and_ip,
    token_attempts_are_capped_per_client_over_all_ips,
    api_limit_slides_over_the_window_edge,
    token_success_resets_the_counter,
    a_burst_of_wrong_secrets_gets_exactly_the_limit,
    a_remembered_secret_that_no_longer_verifies_is_counted,
    api_limit_is_exact_under_concurrency,
    rate_headers_on_every_authenticated_response,
    storage_calls_per_request,
);

fn bad_attempt() -> serde_json::Value {
    json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": "wrong-secret"})
}

async fn token_attempts_are_limited_per_client_and_ip(b: Backend) {
    let api = api(b).await;
    for _ in 0..5 {
        api.token_request(bad_attempt())
            .await
            .assert_oauth_error(401, "invalid_client");
    }
    let r = api.token_request(bad_attempt()).await;
    assert_eq!(r.status, 429, "{}", r.text);
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    assert_eq!(r.body["error"], "too_many_requests");
    assert_eq!(r.body["retry_after"], retry);
    assert!(r.body["error_description"].is_string());
    r.request_id();
    // Even the right secret waits: the limit guards against guessing.
    let right = json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": secret_of("full-a")});
    assert_eq!(api.token_request(right.clone()).await.status, 429);
    // Another client from the same IP, and the same client from another IP, are separate.
    assert_eq!(api.token_request(json!({"grant_type": "client_credentials", "client_id": "full-b", "client_secret": secret_of("full-b")})).await.status, 200);
    let other_ip = reqwest::Client::builder()
        .local_address(Some("127.0.0.2".parse().unwrap()))
        .build()
        .unwrap();
    let r = api
        .send(other_ip.post(api.url("/oauth/token")).json(&right))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

async fn token_success_resets_the_counter(b: Backend) {
    let api = api(b).await;
    for _ in 0..4 {
        api.token_request(bad_attempt())
            .await
            .assert_oauth_error(401, "invalid_client");
    }
    api.token("full-a").await;
    for _ in 0..4 {
        api.token_request(bad_attempt())
            .await
            .assert_oauth_error(401, "invalid_client");
    }
    api.token("full-a").await;
    for _ in 0..4 {
        api.token_request(bad_attempt())
            .await
            .assert_oauth_error(401, "invalid_client");
    }
    assert_eq!(
        api.token_request(bad_attempt()).await.status,
        401,
        "5th attempt of the new window"
    );
    assert_eq!(api.token_request(bad_attempt()).await.status, 429);
}

/// Wrong secrets sent all at once are each counted before they are answered: exactly the
/// limit of them are tried (401), the rest are refused (429), and the right secret waits
/// too. The first of a window is counted by the attempt's one transaction, the others by
/// conditional updates, whichever wins the race.
async fn a_burst_of_wrong_secrets_gets_exactly_the_limit(b: Backend) {
    let api = Arc::new(api(b).await);
    let barrier = Arc::new(tokio::sync::Barrier::new(30));
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let (api, barrier) = (api.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            api.token_request(bad_attempt()).await
        }));
    }
    let (mut tried, mut refused) = (0, 0);
    for task in tasks {
        let r = task.await.unwrap();
        match r.status.as_u16() {
            401 => tried += 1,
            429 => {
                refused += 1;
                assert_eq!(r.body["error"], "too_many_requests", "{}", r.text);
            }
            s => panic!("unexpected {s}: {}", r.text),
        }
    }
    assert_eq!((tried, refused), (5, 25));
    let right = json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": secret_of("full-a")});
    assert_eq!(api.token_request(right).await.status, 429);
}

/// A secret that got a token is remembered (its tag), and then isn't counted before it is
/// checked. Once it no longer verifies (the credential revoked), each attempt with it is
/// counted before its 401, up to the limit, like any wrong secret.
async fn a_remembered_secret_that_no_longer_verifies_is_counted(b: Backend) {
    let api = api(b).await;
    let right = json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": secret_of("full-a")});
    for _ in 0..8 {
        assert_eq!(
            api.token_request(right.clone()).await.status,
            200,
            "never counted"
        );
    }
    crate::access_at_work::operator(&api, &["credentials", "revoke", "full-a"]).await;
    for _ in 0..5 {
        api.token_request(right.clone())
            .await
            .assert_oauth_error(401, "invalid_client");
    }
    assert_eq!(api.token_request(right).await.status, 429);
    assert_eq!(api.token_request(bad_attempt()).await.status, 429);
}

async fn api_limit_is_exact_under_concurrency(b: Backend) {
    let api = Arc::new(
        Setup::new(b)
            .env("API_RATE_LIMIT_PER_HOUR", "10")
            .start()
            .await,
    );
    let t = api.token("full-a").await;
    let barrier = Arc::new(tokio::sync::Barrier::new(50));
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (api, t, barrier) = (api.clone(), t.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            api.get(&format!("/v1/workspaces/{A1}/tags"), &t).await
        }));
    }
    let mut ok = 0;
    let mut limited = 0;
    for task in tasks {
        let r = task.await.unwrap();
        match r.status.as_u16() {
            200 => ok += 1,
            429 => {
                limited += 1;
                assert_eq!(
                    r.body["error"], "too_many_requests",
                    "flat body: {}",
                    r.text
                );
                assert!(r.body.get("meta").is_none());
                let retry: i64 = r.header("retry-after").unwrap().parse().unwrap();
                // A full window waits into the next one until its share has shrunk: up to
                // two windows early in an hour.
                assert!((1..=7200).contains(&retry), "Retry-After {retry}");
                assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
                r.request_id();
            }
            s => panic!("unexpected {s}: {}", r.text),
        }
    }
    assert_eq!((ok, limited), (10, 40));
}

async fn rate_headers_on_every_authenticated_response(b: Backend) {
    let api = Setup::new(b)
        .env("API_RATE_LIMIT_PER_HOUR", "100")
        .start()
        .await;
    let t = api.token("full-a").await;
    let mut last = 100;
    let paths = [
        format!("/v1/workspaces/{A1}/tags"),
        format!("/v1/workspaces/{A1}/details/nope"),
        format!("/v1/workspaces/{A1}/details?limit=0"),
        format!("/v1/workspaces/{B1}/tags"),
    ];
    for p in &paths {
        let r = api.get(p, &t).await;
        assert_eq!(r.header("x-ratelimit-limit"), Some("100"), "{p}");
        let remaining: u64 = r.header("x-ratelimit-remaining").unwrap().parse().unwrap();
        assert_eq!(remaining, last - 1, "{p}");
        last = remaining;
        let reset: i64 = r.header("x-ratelimit-reset").unwrap().parse().unwrap();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        assert!(reset > now && reset <= now + 3600, "{reset}");
    }
    // Unauthenticated answers carry no rate headers (there is no credential to count).
    let r = api.send(api.http.get(api.url(&paths[0]))).await;
    assert!(r.header("x-ratelimit-limit").is_none());
}

async fn storage_calls_per_request(b: Backend) {
    let api = api(b).await;
    let calls = || api.store().calls();
    // A client's first token teaches its attempt item the secret (a call more); after that
    // a token costs what its budget declares (`infra/local/src/budget.rs`), as every route
    // below does.
    api.token("full-a").await;
    let before = calls();
    let t = api.token("full-a").await;
    assert_eq!(calls() - before, budget::of("token").calls, "token");
    // Warm the kill-switch cache and the previous window's count, then measure.
    api.get(&format!("/v1/workspaces/{A1}/tags"), &t).await;
    let cases = [
        (format!("/v1/workspaces/{A1}/tags"), "tags"),
        (format!("/v1/workspaces/{A1}/details/d1"), "details get"),
        (
            format!("/v1/workspaces/{A1}/details?limit=2"),
            "details search",
        ),
        (format!("/v1/workspaces/{A1}/families/f1"), "families get"),
        (format!("/v1/workspaces/{A1}/stashes/s1"), "stash get"),
    ];
    for (p, route) in cases {
        let before = calls();
        assert_eq!(api.get(&p, &t).await.status, 200, "{p}");
        assert_eq!(calls() - before, budget::of(route).calls, "{p}: {route}");
    }
    // Filtered scopes add one read for the custom filters.
    let c = api.token("concrete-a").await;
    api.get(&format!("/v1/workspaces/{A1}/details/d1"), &c)
        .await;
    let before = calls();
    assert_eq!(
        api.get(&format!("/v1/workspaces/{A1}/details/d1"), &c)
            .await
            .status,
        200
    );
    assert_eq!(
        calls() - before,
        budget::of("details get").calls + 1,
        "the filters beside the detail and its count"
    );
}

fn from_ip(last_octet: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(Some(std::net::IpAddr::from([127, 0, 0, last_octet])))
        .build()
        .unwrap()
}

/// Guessing from many addresses gains nothing: past the per-client cap every address waits,
/// with the right secret too; other clients are not affected.
async fn token_attempts_are_capped_per_client_over_all_ips(b: Backend) {
    let api = Setup::new(b)
        .env("TOKEN_RATE_LIMIT_ATTEMPTS", "4")
        .env("TOKEN_RATE_LIMIT_CLIENT_ATTEMPTS", "8")
        .start()
        .await;
    let url = api.url("/oauth/token");
    for ip in [1, 2] {
        let http = from_ip(ip);
        for _ in 0..4 {
            api.send(http.post(&url).json(&bad_attempt()))
                .await
                .assert_oauth_error(401, "invalid_client");
        }
    }
    let right = json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": secret_of("full-a")});
    for ip in [3, 4] {
        let r = api.send(from_ip(ip).post(&url).json(&right)).await;
        assert_eq!(r.status, 429, "fresh address {ip}: {}", r.text);
        assert_eq!(r.body["error"], "too_many_requests");
        let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry), "{retry}");
    }
    let other = json!({"grant_type": "client_credentials", "client_id": "full-b", "client_secret": secret_of("full-b")});
    assert_eq!(
        api.send(from_ip(3).post(&url).json(&other)).await.status,
        200
    );
}

fn epoch_millis() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// With nothing left, `X-RateLimit-Reset` is when one more request fits: `Retry-After`
/// seconds from now (a second either way for the clock's tick between the two reads).
fn assert_reset_is_retry_after(r: &Reply) {
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    let reset: i64 = r.header("x-ratelimit-reset").unwrap().parse().unwrap();
    let retry: i64 = r.header("retry-after").unwrap().parse().unwrap();
    let now = epoch_millis() / 1000;
    assert!(
        (reset - retry - now).abs() <= 1,
        "reset {reset}, retry-after {retry}, now {now}"
    );
}

/// Sleeps until `offset_ms` into a window of `len_ms` (the next one if already past it).
async fn sleep_until_into_window(len_ms: i64, offset_ms: i64) {
    let now = epoch_millis();
    let start = now - now.rem_euclid(len_ms);
    let mut target = start + offset_ms;
    if target < now {
        target += len_ms;
    }
    tokio::time::sleep(std::time::Duration::from_millis((target - now) as u64)).await;
}

/// A fixed window lets a caller spend the whole limit at the end of one window and again at
/// the start of the next. The sliding estimate does not: right after the boundary the burst
/// still weighs almost fully, and the allowance comes back gradually, as `Retry-After` says.
async fn api_limit_slides_over_the_window_edge(b: Backend) {
    const LEN: i64 = 12;
    let api = Setup::new(b)
        .env("API_RATE_LIMIT_PER_HOUR", "6")
        .env("API_RATE_LIMIT_WINDOW_SECS", &LEN.to_string())
        .start()
        .await;
    let t = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/tags");
    // Spend the whole limit late in a window (nothing counted in the one before).
    sleep_until_into_window(LEN * 1000, 8_000).await;
    for left in (0..6).rev() {
        let r = api.get(&path, &t).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(
            r.header("x-ratelimit-remaining"),
            Some(left.to_string().as_str())
        );
        if left == 0 {
            // The last one: the next fits only once this burst weighs less, 2 s into the
            // next window, and the reset says so rather than this window's end.
            let reset: i64 = r.header("x-ratelimit-reset").unwrap().parse().unwrap();
            let now = epoch_millis();
            let window_end = now - now.rem_euclid(LEN * 1000) + LEN * 1000;
            assert_eq!(reset * 1000, window_end + 2000, "{}", r.text);
        }
    }
    let r = api.get(&path, &t).await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_reset_is_retry_after(&r);

    // Just past the boundary: a fixed window would allow 6 again; the estimate allows none.
    sleep_until_into_window(LEN * 1000, 250).await;
    let r = api.get(&path, &t).await;
    assert_eq!(r.status, 429, "right after the edge: {}", r.text);
    assert_eq!(r.body["error"], "too_many_requests");
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    assert_reset_is_retry_after(&r);
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(
        (1..=3).contains(&retry),
        "one hit frees up every 2 s: {retry}"
    );
    let mut allowed = 0;
    for _ in 0..6 {
        if api.get(&path, &t).await.status == 200 {
            allowed += 1;
        }
    }
    assert!(allowed <= 1, "{allowed} allowed right after the edge");

    // As promised by Retry-After and X-RateLimit-Reset, one more request fits once the
    // reset has come.
    let mut r = api.get(&path, &t).await;
    if r.status == 429 {
        assert_reset_is_retry_after(&r);
        let reset: i64 = r.header("x-ratelimit-reset").unwrap().parse().unwrap();
        let wait = (reset * 1000 - epoch_millis()).max(0) as u64;
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        r = api.get(&path, &t).await;
    }
    assert_eq!(r.status, 200, "{}", r.text);
    let remaining: u64 = r.header("x-ratelimit-remaining").unwrap().parse().unwrap();
    assert!(
        remaining <= 1,
        "the estimate, not a fresh window: {remaining}"
    );
}

/// Reads one HTTP/1.1 message (head, then `Content-Length` bytes) from `stream`, using and
/// refilling `buf`; `None` when the peer closed.
async fn read_message(
    stream: &mut tokio::net::TcpStream,
    buf: &mut Vec<u8>,
) -> Option<(String, Vec<u8>)> {
    use tokio::io::AsyncReadExt;
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    assert!(
        !head.contains("transfer-encoding: chunked"),
        "the proxy only speaks Content-Length"
    );
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let message: Vec<u8> = buf.drain(..head_end + len).collect();
    Some((head, message))
}

/// A proxy to DynamoDB Local that answers DynamoDB's throttling error to every
/// `UpdateItem` while `throttle` is set (what DynamoDB does to one hot counter item under a
/// flood) and passes everything else through.
async fn counter_throttling_proxy(
    upstream: String,
    throttle: Arc<std::sync::atomic::AtomicBool>,
) -> u16 {
    use std::sync::atomic::Ordering;
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let (upstream, throttle) = (upstream.clone(), throttle.clone());
            tokio::spawn(async move {
                let Ok(mut up) = tokio::net::TcpStream::connect(&upstream).await else {
                    return;
                };
                let (mut from_client, mut from_up) = (Vec::new(), Vec::new());
                while let Some((head, request)) = read_message(&mut client, &mut from_client).await
                {
                    let reply = if throttle.load(Ordering::SeqCst)
                        && head.contains("x-amz-target: dynamodb_20120810.updateitem")
                    {
                        let body = r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}"#;
                        format!(
                            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.0\r\nx-amzn-requestid: fault\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        )
                        .into_bytes()
                    } else {
                        if up.write_all(&request).await.is_err() {
                            return;
                        }
                        match read_message(&mut up, &mut from_up).await {
                            Some((_, response)) => response,
                            None => return,
                        }
                    };
                    if client.write_all(&reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

/// A counter DynamoDB throttles while the rest of the table answers: the limiter refuses
/// (429, fail closed) instead of letting the flood through; once the counter answers again,
/// so does the API. (A table that is down altogether answers 503: `tests/tests/outage/dynamodb_down.rs`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_counters_refuse_with_429() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let upstream = std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
        .expect("run with infra/scripts/test.sh")
        .trim_start_matches("http://")
        .to_owned();
    let throttle = Arc::new(AtomicBool::new(false));
    let port = counter_throttling_proxy(upstream, throttle.clone()).await;
    let api = Setup::new(Backend::Dynamo)
        .env(
            "AWS_ENDPOINT_URL_DYNAMODB",
            &format!("http://127.0.0.1:{port}"),
        )
        .start()
        .await;
    let t = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/tags");
    assert_eq!(api.get(&path, &t).await.status, 200);

    throttle.store(true, Ordering::SeqCst);
    let r = api.get(&path, &t).await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(
        r.body["error"], "too_many_requests",
        "flat body: {}",
        r.text
    );
    assert_eq!(r.header("retry-after"), Some("10"));
    assert_eq!(r.body["retry_after"], 10);
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    assert!(r.header("x-ratelimit-limit").is_some());
    r.request_id();
    // The token endpoint's counters too: even the right secret waits.
    let right = json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": secret_of("full-a")});
    let r = api.token_request(right.clone()).await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(r.body["error"], "too_many_requests");
    assert_eq!(r.header("retry-after"), Some("10"));

    throttle.store(false, Ordering::SeqCst);
    assert_eq!(api.get(&path, &t).await.status, 200);
    assert_eq!(api.token_request(right).await.status, 200);
}
