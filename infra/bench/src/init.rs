//! Cold start per function binary: process start → first response served, through a small
//! Lambda Runtime API emulator (the two endpoints a function calls).

use pirros_runtime_api::process::FunctionProcess;
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

/// Starts `bin` against a fresh Runtime API and returns the time to its first response.
async fn once(
    bin: &std::path::Path,
    env: &HashMap<String, String>,
    ev: Value,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut f = FunctionProcess::spawn(bin, "bench", env).await?;
    f.invoke(ev, Duration::from_secs(20)).await?;
    let took = started.elapsed();
    f.stop().await;
    Ok(took)
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
    let cases = [
        (
            "oauth",
            event("POST", "/oauth/token", "", Some(&token_body)),
        ),
        (
            "tags",
            event("GET", &format!("/v1/workspaces/{ws}/tags"), &token, None),
        ),
        (
            "details",
            event(
                "GET",
                &format!("/v1/workspaces/{ws}/details/det-slab-edge"),
                &token,
                None,
            ),
        ),
        (
            "families",
            event(
                "GET",
                &format!("/v1/workspaces/{ws}/families/fam-door-single"),
                &token,
                None,
            ),
        ),
        (
            "stashes",
            event(
                "GET",
                &format!("/v1/workspaces/{ws}/stashes/stash-library-doors"),
                &token,
                None,
            ),
        ),
        (
            "downloads",
            event(
                "GET",
                &format!("/v1/workspaces/{ws}/downloads/pdf/det-slab-edge"),
                &token,
                None,
            ),
        ),
        ("docs", event("GET", "/openapi.json", "", None)),
    ];
    env.insert("TOKEN_RATE_LIMIT_ATTEMPTS".into(), "1000000".into());
    // As on Lambda, the functions read the signing key from Secrets Manager (moto) at init.
    let sdk = pirros_shared::config::aws::sdk_config().await;
    let secret = aws_sdk_secretsmanager::Client::new(&sdk)
        .create_secret()
        .name(format!("bench-jwt-{}", uuid::Uuid::new_v4().simple()))
        .secret_string(env["JWT_SECRET"].clone())
        .send()
        .await?;
    env.remove("JWT_SECRET");
    env.insert(
        "JWT_SECRET_ARN".into(),
        secret.arn().unwrap_or_default().to_owned(),
    );
    println!(
        "{:<12} {:>10} {:>10}   (process start → first response, {runs} runs)",
        "function", "p50 ms", "max ms"
    );
    let mut rows = Vec::new();
    for (f, ev) in cases {
        let bin = bin_dir.join(format!("pirros-{f}"));
        let mut times = Vec::new();
        for _ in 0..runs {
            times.push(once(&bin, &env, ev.clone()).await?.as_secs_f64() * 1000.0);
        }
        let p50 = crate::routes::percentile(&mut times, 0.5);
        let max = times.iter().cloned().fold(0.0, f64::max);
        println!("{f:<12} {p50:>10.1} {max:>10.1}");
        rows.push(json!({"function": f, "p50_ms": p50, "max_ms": max}));
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
