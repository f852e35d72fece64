//! The details search at scale: a workspace of N details in DynamoDB Local, and for each
//! kind of page the items DynamoDB examined and the median latency over HTTP.

use pirros_local::start::{Options, StoreKind, start};
use pirros_shared::auth::secret::SecretHash;
use pirros_shared::grants::{Action, FilterId};
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::model::*;
use pirros_shared::store::Item;
use pirros_shared::timestamp::Timestamp;
use serde_json::{Value, json};
use std::time::Instant;

const WS: &str = "5ca1ab1e-0000-4000-8000-000000000001";
const TAGS: usize = 200;
const PROJECTS: usize = 50;
const SECRET: &str = "bench-secret-0123456789abcdef";

fn id(s: String) -> ResourceId {
    ResourceId::parse(&s).expect("bench ids are plain")
}

/// Deterministic pseudo-random numbers, so every run loads the same workspace.
fn mix(i: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

fn seed_items(n: usize) -> Vec<Item> {
    let ws = WorkspaceId::parse(WS).unwrap();
    let firm = id("bench-firm".into());
    let base = Timestamp::parse("2026-01-01T00:00:00Z").unwrap().millis();
    let mut items = vec![
        Item::Firm(Firm {
            id: firm.clone(),
            name: "Bench".into(),
        }),
        Item::Workspace(Workspace {
            id: ws,
            firm_id: firm.clone(),
            name: "Bench".into(),
            downloads_enabled: true,
        }),
        Item::Credential(Credential {
            client_id: ClientId::parse("bench-client").unwrap(),
            name: "bench".into(),
            firm_id: firm,
            status: CredentialStatus::Active,
            secret: SecretHash::of(SECRET),
            secret_version: 1,
            previous_secret: None,
            grants: vec![Grant {
                workspace_id: ws,
                filter_id: FilterId::parse("default:details").unwrap(),
                action: Action::Read,
            }],
            created_at: Timestamp::now(),
            version: 1,
        }),
    ];
    for t in 0..TAGS {
        items.push(Item::Tag(Tag {
            id: id(format!("tag-{t:03}")),
            name: format!("tag {t:03}"),
            workspace_id: ws,
            created_at: Timestamp::from_millis(base),
        }));
    }
    for p in 0..PROJECTS {
        items.push(Item::Project(Project {
            id: id(format!("proj-{p:02}")),
            workspace_id: ws,
            name: format!("Project {p}"),
        }));
    }
    for i in 0..n {
        let r = mix(i as u64);
        let ntags = 1 + (r % 3) as usize;
        let tag_ids = (0..ntags)
            .map(|k| id(format!("tag-{:03}", (mix(r + k as u64) % TAGS as u64))))
            .collect();
        let project_id =
            (r % 10 < 6).then(|| id(format!("proj-{:02}", (r >> 8) % PROJECTS as u64)));
        let at = Timestamp::from_millis(base + i as i64 * 1000);
        // One detail in 2,000 mentions the rare word a `q` search looks for.
        let description = if i % 2000 == 7 {
            "needle-rare fixing".to_owned()
        } else {
            format!("Standard detail number {i}")
        };
        items.push(Item::Detail(DetailRecord {
            detail: Detail {
                id: id(format!("det-{i:06}")),
                workspace_id: ws,
                name: format!("Detail {i}"),
                description,
                library: if r.is_multiple_of(2) {
                    Library::Typical
                } else {
                    Library::Project
                },
                tag_ids,
                project_id,
                has_pdf: false,
                has_rvt: false,
                created_at: at,
                updated_at: at,
            },
            files: Default::default(),
        }));
    }
    items
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

pub async fn run(
    n: usize,
    samples: usize,
    json_out: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let mut env: std::collections::HashMap<String, String> = std::env::vars().collect();
    anyhow::ensure!(
        env.contains_key("AWS_ENDPOINT_URL_DYNAMODB"),
        "run through infra/scripts/bench.sh (DynamoDB Local)"
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
    env.remove("FILES_BUCKET");
    let running = start(Options {
        store: StoreKind::Dynamodb,
        fixture: None,
        addr: "127.0.0.1:0".parse()?,
        env,
    })
    .await?;
    let store = running.admin.clone();
    let items = seed_items(n);
    let started = Instant::now();
    for (i, chunk) in items.chunks(5000).enumerate() {
        store.put_items(chunk).await?;
        eprintln!(
            "loaded {} / {} items ({:.0} s)",
            ((i + 1) * 5000).min(items.len()),
            items.len(),
            started.elapsed().as_secs_f64()
        );
    }
    let load_secs = started.elapsed().as_secs_f64();
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let tok: Value = http
        .post(format!("{base}/oauth/token"))
        .json(&json!({"grant_type": "client_credentials", "client_id": "bench-client", "client_secret": SECRET}))
        .send()
        .await?
        .json()
        .await?;
    let token = tok["access_token"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no token: {tok}"))?
        .to_owned();
    let scenarios = [
        ("unfiltered", "limit=25".to_owned()),
        ("tag-filtered", "limit=25&tag_id=tag-007".to_owned()),
        ("project-filtered", "limit=25&project_id=proj-03".to_owned()),
        (
            "tag+library",
            "limit=25&tag_id=tag-007&library=typical".to_owned(),
        ),
        ("q (1 in 2,000 match)", "limit=25&q=needle-rare".to_owned()),
    ];
    println!("details search over {n} details in DynamoDB Local (load took {load_secs:.0} s)");
    println!(
        "{:<22} {:>8} {:>14} {:>12} {:>10} {:>10}",
        "page", "results", "items read", "round trips", "read units", "p50 ms"
    );
    let mut rows = Vec::new();
    for (name, query) in scenarios {
        let mut lat = Vec::new();
        let (mut read, mut calls, mut results, mut units) = (0, 0, 0, 0.0);
        for s in 0..samples + 2 {
            let (r0, c0, u0) = (
                store.items_read(),
                store.calls(),
                store.consumed_capacity().0,
            );
            let t = Instant::now();
            let resp: Value = http
                .get(format!("{base}/v1/workspaces/{WS}/details?{query}"))
                .bearer_auth(&token)
                .send()
                .await?
                .json()
                .await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            // Two warm-up requests: connection set-up and the kill-switch cache.
            if s >= 2 {
                lat.push(ms);
                // The credential read (1 item) is part of every request; report the search's own.
                read = store.items_read() - r0 - 1;
                calls = store.calls() - c0;
                // Likewise its read units: the credential is one consistent read of one unit.
                units = store.consumed_capacity().0 - u0 - 1.0;
                results = resp["response"]["data"].as_array().map_or(0, Vec::len);
            }
        }
        let p50 = median(lat);
        println!("{name:<22} {results:>8} {read:>14} {calls:>12} {units:>10.1} {p50:>10.1}");
        rows.push(json!({"page": name, "query": query, "results": results, "items_read": read, "round_trips": calls, "read_units": units, "p50_ms": p50}));
    }
    if let Some(path) = json_out {
        std::fs::write(
            &path,
            serde_json::to_string_pretty(
                &json!({"details": n, "load_secs": load_secs, "rows": rows}),
            )?,
        )?;
    }
    running.task.abort();
    Ok(())
}
