//! Family uploads through `pirros-local` on DynamoDB Local and s3rver: for each file size,
//! the time from the end of the PUT to `succeeded`, the PUT itself, and the storage calls
//! each part makes (the request, the worker, the read that noticed the file).

use crate::routes::{CLIENT, SECRET, WS, percentile};
use pirros_local::start::{Options, StoreKind, start};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::jobs::JobStatus;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

/// A Revit-shaped file (OLE compound file naming its release) of about `size` bytes.
fn rfa(size: usize) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create_with_version(
        cfb::Version::V3,
        Cursor::new(Vec::with_capacity(size + 8192)),
    )
    .expect("in-memory compound file");
    let text = "Format: 2024\r\n";
    let mut info = vec![0u8; 9];
    info.extend_from_slice(&(text.encode_utf16().count() as u32).to_le_bytes());
    info.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    file.create_stream("/BasicFileInfo")
        .unwrap()
        .write_all(&info)
        .unwrap();
    file.create_storage("/Global").unwrap();
    let mut stream = file.create_stream("/Global/Latest").unwrap();
    let chunk: Vec<u8> = (0..1_048_576u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    let mut left = size.saturating_sub(8192);
    while left > 0 {
        let n = left.min(chunk.len());
        stream.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    drop(stream);
    file.flush().unwrap();
    file.into_inner().into_inner()
}

pub async fn run(
    sizes_mb: Vec<u64>,
    runs: usize,
    json_out: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let mut env: HashMap<String, String> = std::env::vars().collect();
    anyhow::ensure!(
        env.contains_key("AWS_ENDPOINT_URL_DYNAMODB") && env.contains_key("FILES_BUCKET"),
        "run through infra/scripts/bench.sh (DynamoDB Local and s3rver)"
    );
    env.insert(
        "TABLE_NAME".into(),
        format!("bench-{}", uuid::Uuid::new_v4().simple()),
    );
    env.insert(
        "JWT_SECRET".into(),
        "bench-signing-key-0123456789abcdef0123456789".into(),
    );
    env.insert("API_RATE_LIMIT_PER_HOUR".into(), "100000000".into());
    let running = start(Options {
        store: StoreKind::Dynamodb,
        fixture: Some(pirros_local::start::demo_dir().join("demo.json")),
        addr: "127.0.0.1:0".parse()?,
        env,
    })
    .await?;
    let state = running.app.state.clone();
    // The same store as the handlers', with its call counters.
    let meter = running.admin.clone();
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let tok: Value = http
        .post(format!("{base}/oauth/token"))
        .json(&json!({"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET}))
        .send()
        .await?
        .json()
        .await?;
    let token = tok["access_token"].as_str().unwrap_or_default().to_owned();
    let ws = WorkspaceId::parse(WS).unwrap();
    let mut report = Vec::new();
    for mb in sizes_mb {
        let data = rfa((mb * 1_000_000) as usize);
        let sha = format!("{:x}", Sha256::digest(&data));
        let (mut put_ms, mut done_ms) = (Vec::new(), Vec::new());
        let mut calls = json!({});
        for run in 0..runs {
            let before = meter.calls();
            let body = json!({"family_id": "fam-door-single", "file_name": "Door.rfa",
                              "size_bytes": data.len(), "sha256": sha});
            let r: Value = http
                .post(format!("{base}/v1/workspaces/{WS}/families/uploads"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await?
                .json()
                .await?;
            let request_calls = meter.calls() - before;
            let upload = &r["response"]["upload"];
            let job_id = r["response"]["job"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            anyhow::ensure!(!job_id.is_empty(), "upload refused: {r}");
            let mut put = http
                .put(upload["url"].as_str().unwrap_or_default())
                .body(data.clone());
            for (k, v) in upload["headers"].as_object().into_iter().flatten() {
                put = put.header(k, v.as_str().unwrap_or_default());
            }
            let t = Instant::now();
            let status = put.send().await?.status();
            anyhow::ensure!(status.is_success(), "PUT answered {status}");
            put_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            // The arrival is noticed by one read of the job (s3rver sends no events); then
            // the store is watched directly, so polling adds no delay of its own.
            let t = Instant::now();
            let before = meter.calls();
            http.get(format!("{base}/v1/workspaces/{WS}/jobs/{job_id}"))
                .bearer_auth(&token)
                .send()
                .await?;
            let read_calls = meter.calls() - before;
            let id = ResourceId::parse(&job_id).unwrap();
            let mut watched = 0;
            let job = loop {
                watched += 1;
                let j = state.store.get_job(ws, &id).await?.expect("job");
                if j.status.is_terminal() {
                    break j;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            };
            done_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            // The worker's share: all calls since the read, less the read's and the
            // watching loop's own.
            let worker_calls = meter.calls() - before - read_calls - watched;
            anyhow::ensure!(
                job.status == JobStatus::Succeeded,
                "job ended {:?}: {:?}",
                job.status,
                job.error
            );
            if run == 0 {
                calls = json!({"upload_request": request_calls,
                               "read_noticing_the_file": read_calls,
                               "worker": worker_calls});
            }
        }
        let line = json!({
            "size_mb": mb,
            "bytes": data.len(),
            "runs": runs,
            "put_ms_p50": percentile(&mut put_ms, 0.5).round(),
            "uploaded_to_succeeded_ms_p50": percentile(&mut done_ms.clone(), 0.5).round(),
            "uploaded_to_succeeded_ms_max": percentile(&mut done_ms, 1.0).round(),
            "dynamodb_calls": calls,
        });
        println!("{line}");
        report.push(line);
    }
    if let Some(path) = json_out {
        std::fs::write(path, serde_json::to_string_pretty(&report)? + "\n")?;
    }
    Ok(())
}
