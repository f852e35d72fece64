//! Cold start per function binary: process start → first response served, through a small
//! Lambda Runtime API emulator (the two endpoints a function calls).

use pirros_runtime_api::process::FunctionProcess;
use pirros_runtime_api::runtime::Outcome;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};

fn event(method: &str, path: &str, token: &str, body: Option<&str>) -> Value {
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"authorization": format!("Bearer {token}"), "content-type": "application/json", "host": "bench.local"},
        "requestContext": {
            "accountId": "000000000000", "apiId": "bench", "domainName": "bench.local", "domainPrefix": "bench",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench"},
            "requestId": "bench", "routeKey": "$default", "stage": "$default", "time": "25/Nov/2026:00:00:00 +0000", "timeEpoch": 0
        },
        "body": body,
        "isBase64Encoded": false
    })
}

/// Untimed rounds of every function's start before any is timed.
const WARM_ROUNDS: usize = 5;

/// An SQS event of one message.
fn sqs(body: &str) -> Value {
    json!({"Records": [{
        "messageId": "bench-1", "receiptHandle": "bench", "body": body,
        "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
        "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:bench", "awsRegion": "us-east-1"
    }]})
}

/// Whether a function's answer is a success: a 200 for an HTTP event, no failed message
/// for a batch. A start that answers an error (a variable missing, a read refused) would be
/// measured as fast as it fails.
fn succeeded(answer: &Value) -> bool {
    let status_ok = answer
        .get("statusCode")
        .is_none_or(|s| s.as_u64() == Some(200));
    let batch_ok = answer
        .get("batchItemFailures")
        .is_none_or(|f| f.as_array().is_some_and(Vec::is_empty));
    status_ok && batch_ok
}

/// Starts `bin` against a fresh Runtime API and returns the time to its first response.
async fn once(
    bin: &std::path::Path,
    env: &HashMap<String, String>,
    ev: Value,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut f = FunctionProcess::spawn(bin, "bench", env).await?;
    let answer = f.invoke(ev, Duration::from_secs(20)).await;
    let took = started.elapsed();
    f.stop().await;
    match answer?.outcome {
        Outcome::Response(a) if succeeded(&a) => Ok(took),
        other => anyhow::bail!("{}: not a success: {other:?}", bin.display()),
    }
}

pub async fn run(
    bin_dir: std::path::PathBuf,
    runs: usize,
    json_out: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    use pirros_local::start::{Options, StoreKind, start};
    let mut env: HashMap<String, String> = std::env::vars().collect();
    anyhow::ensure!(
        env.contains_key("AWS_ENDPOINT_URL_DYNAMODB"),
        "run through infra/scripts/bench.sh"
    );
    env.insert(
        "TABLE_NAME".into(),
        format!("bench-{}", uuid::Uuid::new_v4().simple()),
    );
    env.insert(
        "JWT_SECRET".into(),
        "bench-signing-key-0123456789abcdef0123456789".into(),
    );
    env.insert(
        "PDF_PUBLIC_BASE_URL".into(),
        "https://cdn.example.com/".into(),
    );
    env.insert("RUST_LOG".into(), "warn".into());
    let fixture = pirros_local::start::demo_dir().join("demo.json");
    let seeded = start(Options {
        store: StoreKind::Dynamodb,
        fixture: Some(fixture),
        addr: "127.0.0.1:0".parse()?,
        env: env.clone(),
    })
    .await?;
    let state = &seeded.app.state;
    let token = pirros_shared::auth::token::issue(
        state.signer.as_ref().expect("pirros-local signs"),
        &pirros_shared::ids::ClientId::parse(crate::routes::CLIENT).unwrap(),
        1,
        3600,
    )?;
    let ws = crate::routes::WS;
    let token_body = json!({"grant_type": "client_credentials", "client_id": crate::routes::CLIENT, "client_secret": crate::routes::SECRET}).to_string();
    // A job of the demo client's for the jobs function to read.
    let job = crate::lambda_env::ended_export(
        &reqwest::Client::new(),
        &format!("http://{}", seeded.addr),
        ws,
        &token,
    )
    .await?;
    let get = |path: String| event("GET", &path, &token, None);
    // Each function and the first event a new container serves (the event functions' first
    // batches: a job message whose job is gone reads the table once and is done; the
    // fan-out's and the deliveries' batches are empty, so theirs is init alone).
    let cases = [
        (
            "oauth",
            "POST /oauth/token",
            event("POST", "/oauth/token", "", Some(&token_body)),
        ),
        (
            "tags",
            "GET .../tags",
            get(format!("/v1/workspaces/{ws}/tags")),
        ),
        (
            "details",
            "GET .../details/{id}",
            get(format!("/v1/workspaces/{ws}/details/det-slab-edge")),
        ),
        (
            "families",
            "GET .../families/{id}",
            get(format!("/v1/workspaces/{ws}/families/fam-door-single")),
        ),
        (
            "stashes",
            "GET .../stashes/{id}",
            get(format!("/v1/workspaces/{ws}/stashes/stash-library-doors")),
        ),
        (
            "downloads",
            "GET .../downloads/pdf/{id}",
            get(format!("/v1/workspaces/{ws}/downloads/pdf/det-slab-edge")),
        ),
        (
            "docs",
            "GET /openapi.json",
            event("GET", "/openapi.json", "", None),
        ),
        ("discovery", "GET /v1/me", get("/v1/me".into())),
        (
            "jobs",
            "GET .../jobs/{id}",
            get(format!("/v1/workspaces/{ws}/jobs/{job}")),
        ),
        (
            "webhooks",
            "GET .../webhook-endpoints",
            get(format!("/v1/workspaces/{ws}/webhook-endpoints")),
        ),
        (
            "worker",
            "SQS: one job message, the job gone",
            sqs(&json!({"job": {"workspace_id": ws, "id": "gone-job"}}).to_string()),
        ),
        (
            "webhook-fanout",
            "stream: no records",
            json!({"Records": []}),
        ),
        (
            "webhook-delivery",
            "SQS: no messages",
            json!({"Records": []}),
        ),
    ];
    env.insert("TOKEN_RATE_LIMIT_ATTEMPTS".into(), "1000000".into());
    // As on Lambda, the functions read their keys from Secrets Manager (moto) at init.
    crate::lambda_env::function_env(&mut env).await?;
    println!(
        "{:<17} {:>10} {:>10}   (process start → first response, {runs} runs)",
        "function", "p50 ms", "max ms"
    );
    let mut rows = Vec::new();
    // Untimed rounds of every start first: the emulators answer the calls of a start slowly
    // until they have seen them often (DynamoDB Local's JIT), which would weigh on whichever
    // functions happen to be measured first.
    for _ in 0..WARM_ROUNDS {
        for (f, _, ev) in &cases {
            once(&bin_dir.join(format!("pirros-{f}")), &env, ev.clone()).await?;
        }
    }
    for (f, first, ev) in cases {
        let bin = bin_dir.join(format!("pirros-{f}"));
        let mut times = Vec::new();
        for _ in 0..runs {
            times.push(once(&bin, &env, ev.clone()).await?.as_secs_f64() * 1000.0);
        }
        let p50 = crate::routes::percentile(&mut times, 0.5);
        let max = times.iter().cloned().fold(0.0, f64::max);
        println!("{f:<17} {p50:>10.1} {max:>10.1}   {first}");
        rows.push(json!({"function": f, "first_event": first, "p50_ms": p50, "max_ms": max}));
    }
    if let Some(p) = json_out {
        std::fs::write(
            p,
            serde_json::to_string_pretty(&json!({"runs": runs, "rows": rows}))?,
        )?;
    }
    seeded.task.abort();
    Ok(())
}
