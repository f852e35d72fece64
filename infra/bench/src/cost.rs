//! What a request costs to run: every route's function binary as Lambda runs it (a local
//! Runtime API, the example events of `infra/events/`), against DynamoDB Local behind a
//! relay that adds an in-region round trip. Per route: cold start, warm duration (event
//! handed over → answer back, what Lambda bills), CPU time, peak memory, and what DynamoDB
//! reported consumed, read from the metrics document each invocation prints. The same for
//! the tags route written in Python with boto3 (`python/tags_handler.py`), in the same run.
//! `infra/scripts/cost.py` turns the JSON into dollars (docs/cost.md).

use crate::routes::percentile;
use pirros_runtime_api::process::FunctionProcess;
use pirros_runtime_api::runtime::{Invocation, Outcome};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// (route, function, event file under infra/events/<function>/).
const CASES: &[(&str, &str, &str)] = &[
    ("token", "oauth", "token-json.json"),
    ("tags", "tags", "list.json"),
    ("details get", "details", "get.json"),
    ("details search", "details", "search.json"),
    ("families get", "families", "get.json"),
    ("families similar", "families", "similar.json"),
    ("stash get", "stashes", "get.json"),
    ("stash create", "stashes", "create.json"),
    ("stash update", "stashes", "update.json"),
    ("download pdf", "downloads", "pdf.json"),
    ("download rvt", "downloads", "rvt.json"),
    ("openapi.json", "docs", "openapi.json"),
    // The routes that came later, their reads (a write route's every sample would need
    // undoing between samples: their latency and calls are in the routes bench).
    ("me", "discovery", "me.json"),
    ("usage", "discovery", "usage.json"),
    ("projects", "discovery", "projects.json"),
    ("events page", "discovery", "events.json"),
    ("flags list", "details", "flags.json"),
    ("families search", "families", "search.json"),
    ("family group", "families", "group.json"),
    ("references", "families", "references.json"),
    ("versions", "families", "versions.json"),
    ("stash list", "stashes", "list.json"),
    ("download rfa", "downloads", "rfa.json"),
    ("webhook endpoints", "webhooks", "list.json"),
];

const TIMEOUT: Duration = Duration::from_secs(30);

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../events")
}

fn event(function: &str, file: &str, token: &str) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(events_dir().join(function).join(file))?;
    Ok(serde_json::from_str(&text.replace("{{TOKEN}}", token))?)
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn payload(inv: &Invocation) -> &Value {
    match &inv.outcome {
        Outcome::Response(v) => v,
        Outcome::Error(v) => v,
    }
}

/// How a function is started.
#[derive(Clone)]
enum Launch {
    Binary(PathBuf),
    Python { python: PathBuf, dir: PathBuf },
}

async fn spawn(
    launch: &Launch,
    name: &str,
    env: &HashMap<String, String>,
) -> anyhow::Result<FunctionProcess> {
    match launch {
        Launch::Binary(bin) => FunctionProcess::spawn(bin, name, env).await,
        Launch::Python { python, dir } => {
            let mut env = env.clone();
            env.insert("PYTHONPATH".into(), dir.display().to_string());
            env.insert("LAMBDA_TASK_ROOT".into(), dir.display().to_string());
            env.insert("PYTHONDONTWRITEBYTECODE".into(), "1".into());
            FunctionProcess::spawn_command(
                python,
                &["-m", "awslambdaric", "tags_handler.handler"],
                name,
                &env,
            )
            .await
        }
    }
}

pub(crate) fn summary(mut v: Vec<f64>) -> Value {
    let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
    json!({
        "p50": percentile(&mut v, 0.5),
        "p90": percentile(&mut v, 0.9),
        "p99": percentile(&mut v, 0.99),
        "mean": mean,
    })
}

fn mean_of(docs: &[Value], field: &str) -> f64 {
    docs.iter().filter_map(|d| d[field].as_f64()).sum::<f64>() / docs.len().max(1) as f64
}

/// Cold starts, then `samples` warm invocations of one process; the figures as JSON.
async fn measure(
    launch: &Launch,
    name: &str,
    ev: &Value,
    env: &HashMap<String, String>,
    samples: usize,
    cold_runs: usize,
) -> anyhow::Result<(Value, Value)> {
    let (mut init, mut first, mut total) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..cold_runs {
        let mut f = spawn(launch, name, env).await?;
        let inv = f.invoke(ev.clone(), TIMEOUT).await?;
        let init_ms = f.init_duration().map(ms).unwrap_or_default();
        init.push(init_ms);
        first.push(ms(inv.duration));
        total.push(ms(f.started.elapsed()));
        f.stop().await;
    }
    let mut f = spawn(launch, name, env).await?;
    for _ in 0..10 {
        f.invoke(ev.clone(), TIMEOUT).await?;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (out0, err0) = (f.stdout_lines().len(), f.stderr_lines().len());
    let cpu0 = f.cpu_time().unwrap_or_default();
    let mut durations = Vec::with_capacity(samples);
    let mut last = Value::Null;
    for _ in 0..samples {
        let inv = f.invoke(ev.clone(), TIMEOUT).await?;
        durations.push(ms(inv.duration));
        last = payload(&inv).clone();
    }
    let cpu = f.cpu_time().unwrap_or_default().saturating_sub(cpu0);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let out: Vec<String> = f.stdout_lines().split_off(out0);
    let err: Vec<String> = f.stderr_lines().split_off(err0);
    let docs: Vec<Value> = out
        .iter()
        .filter(|l| l.contains("\"_aws\""))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let log_bytes: usize = out.iter().chain(&err).map(|l| l.len() + 1).sum();
    let status = last["statusCode"].as_u64().unwrap_or_default();
    anyhow::ensure!(
        (200..300).contains(&status),
        "{name}: status {status}: {last}"
    );
    let body_bytes = last["body"].as_str().map(str::len).unwrap_or_default();
    // Lambda bills each invocation's duration rounded up to the millisecond.
    let billed = durations.iter().map(|d| d.ceil()).sum::<f64>() / samples as f64;
    let dynamodb = if docs.is_empty() {
        Value::Null
    } else {
        json!({
            "calls": mean_of(&docs, "DynamoDBCalls"),
            "items_read": mean_of(&docs, "ItemsRead"),
            "read_units": mean_of(&docs, "ReadCapacityUnits"),
            "write_units": mean_of(&docs, "WriteCapacityUnits"),
        })
    };
    let figures = json!({
        "status": status,
        "cold": {
            "runs": cold_runs,
            "init_ms": summary(init),
            "first_invoke_ms": summary(first),
            "start_to_answer_ms": summary(total),
        },
        "warm_ms": summary(durations),
        "billed_ms_mean": billed,
        "cpu_ms_per_request": ms(cpu) / samples as f64,
        "peak_rss_mb": f.peak_rss().unwrap_or_default() as f64 / 1_048_576.0,
        "log_bytes_per_request": log_bytes as f64 / samples as f64,
        "response_body_bytes": body_bytes,
        "metrics_documents": docs.len(),
        "dynamodb": dynamodb,
    });
    f.stop().await;
    Ok((figures, last))
}

pub async fn run(
    bin_dir: PathBuf,
    samples: usize,
    cold_runs: usize,
    python: Option<PathBuf>,
    rtt_ms: f64,
    json_out: Option<PathBuf>,
) -> anyhow::Result<()> {
    use pirros_local::start::{Options, StoreKind, start};
    // The deliveries alone, into the JSON as it is: a dev build's deliveries can be
    // re-measured without replacing the routes' figures of a release build.
    if std::env::var("BENCH_COST_ONLY").is_ok_and(|v| v == "webhooks") {
        let deliveries = crate::delivery_cost::run(&bin_dir, samples, cold_runs, rtt_ms).await?;
        if let Some(p) = json_out {
            let mut all: Value = match std::fs::read_to_string(&p) {
                Ok(text) => serde_json::from_str(&text)?,
                Err(_) => json!({}),
            };
            all["webhook_deliveries"] = deliveries;
            std::fs::write(p, serde_json::to_string_pretty(&all)?)?;
        }
        return Ok(());
    }
    let mut env: HashMap<String, String> = std::env::vars().collect();
    let endpoint = env
        .get("AWS_ENDPOINT_URL_DYNAMODB")
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("run through infra/scripts/bench.sh"))?;
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
        "https://pdfs.example.com/".into(),
    );
    env.insert("API_RATE_LIMIT_PER_HOUR".into(), "100000000".into());
    env.insert("TOKEN_RATE_LIMIT_ATTEMPTS".into(), "100000000".into());
    env.insert("RUST_LOG".into(), "info".into());
    let fixture = pirros_local::start::demo_dir().join("demo.json");
    let seeded = start(Options {
        store: StoreKind::Dynamodb,
        fixture: Some(fixture),
        addr: "127.0.0.1:0".parse()?,
        env: env.clone(),
    })
    .await?;
    let token = pirros_shared::auth::token::issue(
        seeded
            .app
            .state
            .signer
            .as_ref()
            .expect("pirros-local signs"),
        &pirros_shared::ids::ClientId::parse(crate::routes::CLIENT).unwrap(),
        1,
        3600,
    )?;
    // As on Lambda, the functions read their keys from Secrets Manager at init.
    crate::lambda_env::function_env(&mut env).await?;
    let upstream: std::net::SocketAddr = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()?;
    let relay = crate::delay::start(upstream, Duration::from_secs_f64(rtt_ms / 1000.0)).await?;
    env.insert(
        "AWS_ENDPOINT_URL_DYNAMODB".into(),
        format!("http://{relay}"),
    );

    println!(
        "{:<17} {:>7} {:>7} {:>7} {:>8} {:>6} {:>6} {:>6} {:>8} {:>8}",
        "route", "p50 ms", "p99 ms", "cpu ms", "cold ms", "calls", "RCU", "WCU", "log B", "RSS MB"
    );
    let print = |name: &str, f: &Value| {
        println!(
            "{:<17} {:>7.2} {:>7.2} {:>7.3} {:>8.1} {:>6.1} {:>6.2} {:>6.2} {:>8.0} {:>8.1}",
            name,
            f["warm_ms"]["p50"].as_f64().unwrap_or_default(),
            f["warm_ms"]["p99"].as_f64().unwrap_or_default(),
            f["cpu_ms_per_request"].as_f64().unwrap_or_default(),
            f["cold"]["start_to_answer_ms"]["p50"]
                .as_f64()
                .unwrap_or_default(),
            f["dynamodb"]["calls"].as_f64().unwrap_or_default(),
            f["dynamodb"]["read_units"].as_f64().unwrap_or_default(),
            f["dynamodb"]["write_units"].as_f64().unwrap_or_default(),
            f["log_bytes_per_request"].as_f64().unwrap_or_default(),
            f["peak_rss_mb"].as_f64().unwrap_or_default(),
        );
    };
    let mut rows = Vec::new();
    let mut rust_tags = Value::Null;
    for (name, function, file) in CASES {
        let ev = event(function, file, &token)?;
        let launch = Launch::Binary(bin_dir.join(format!("pirros-{function}")));
        let (mut f, answer) = measure(
            &launch,
            &format!("pirros-{function}"),
            &ev,
            &env,
            samples,
            cold_runs,
        )
        .await?;
        if *name == "tags" {
            rust_tags = answer;
        }
        print(name, &f);
        f["route"] = json!(name);
        f["function"] = json!(function);
        f["event"] = json!(format!("infra/events/{function}/{file}"));
        rows.push(f);
    }
    let mut python_row = Value::Null;
    if let Some(python) = python {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("python");
        let launch = Launch::Python { python, dir };
        let ev = event("tags", "list.json", &token)?;
        let (mut f, answer) =
            measure(&launch, "python-tags", &ev, &env, samples, cold_runs).await?;
        // The same answer, or the comparison means nothing.
        let data = |v: &Value| -> Value {
            serde_json::from_str::<Value>(v["body"].as_str().unwrap_or("null"))
                .map(|b| b["response"]["data"].clone())
                .unwrap_or_default()
        };
        anyhow::ensure!(
            data(&answer) == data(&rust_tags),
            "python tags differ: {} vs {}",
            data(&answer),
            data(&rust_tags)
        );
        print("tags (Python)", &f);
        f["route"] = json!("tags");
        f["runtime"] = json!(
            String::from_utf8_lossy(
                &std::process::Command::new(match &launch {
                    Launch::Python { python, .. } => python.clone(),
                    Launch::Binary(b) => b.clone(),
                })
                .arg("--version")
                .output()?
                .stdout
            )
            .trim()
            .to_owned()
        );
        python_row = f;
    }
    let deliveries = crate::delivery_cost::run(&bin_dir, samples, cold_runs, rtt_ms).await?;
    if let Some(p) = json_out {
        std::fs::write(
            p,
            serde_json::to_string_pretty(&json!({
                "samples": samples,
                "dynamodb_rtt_added_ms": rtt_ms,
                "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
                "routes": rows,
                "python_tags": python_row,
                "webhook_deliveries": deliveries,
            }))?,
        )?;
    }
    seeded.task.abort();
    Ok(())
}
