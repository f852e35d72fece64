//! Issue 6: rate limits, their headers, cost per request, and behaviour when DynamoDB fails.

use pirros_tests::*;

use serde_json::json;
use std::sync::Arc;

pirros_tests::on_both_stores!(
    token_attempts_are_limited_per_client_and_ip,
    token_success_resets_the_counter,
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
                assert!((1..=3600).contains(&retry));
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
    // Token: limiter hit, credential read, limiter reset.
    let before = calls();
    let t = api.token("full-a").await;
    assert!(
        calls() - before <= 3,
        "token took {} calls",
        calls() - before
    );
    // Warm the kill-switch cache, then measure.
    api.get(&format!("/v1/workspaces/{A1}/tags"), &t).await;
    let cases = [
        (format!("/v1/workspaces/{A1}/tags"), 1),
        (format!("/v1/workspaces/{A1}/details/d1"), 1),
        (format!("/v1/workspaces/{A1}/details?limit=2"), 1),
        (format!("/v1/workspaces/{A1}/families/f1"), 1),
        (format!("/v1/workspaces/{A1}/stashes/s1"), 1),
    ];
    for (p, data_reads) in cases {
        let before = calls();
        assert_eq!(api.get(&p, &t).await.status, 200, "{p}");
        assert_eq!(
            calls() - before,
            2 + data_reads,
            "{p}: credential + rate limit + data"
        );
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
    assert_eq!(calls() - before, 2 + 2);
}
