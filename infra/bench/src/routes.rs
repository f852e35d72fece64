//! Latency per route against DynamoDB Local, next to the floor: the raw DynamoDB round trips
//! that route needs, made with the same SDK in the same run.

use crate::emulator_cpu::{EmulatorCpu, Tally};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeValue, KeysAndAttributes, Put, ReturnValue, TransactWriteItem,
};
use pirros_local::start::{Options, StoreKind, start};
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::store::LeaseKind;
use pirros_shared::store::keys::{self, kind};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::future::Future;
use std::ops::Range;
use std::time::Instant;

pub const WS: &str = "3f0c2a9e-7b1d-4c55-9e2a-5d6f1b2c3a40";
pub const CLIENT: &str = "pirros-demo-client";
pub const SECRET: &str = "demo-secret-0123456789abcdef";

pub fn key((pk, sk): (String, String)) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("pk".into(), AttributeValue::S(pk)),
        ("sk".into(), AttributeValue::S(sk)),
    ])
}

pub fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * p).round() as usize]
}

async fn time_n<F, Fut>(samples: Range<usize>, mut f: F) -> Vec<f64>
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut out = Vec::with_capacity(samples.len());
    for i in samples {
        let t = Instant::now();
        f(i).await;
        out.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    out
}

/// The floor's credential read: the demo credential, consistent.
pub fn credential_read(c: &Client, table: &str) -> GetItemFluentBuilder {
    c.get_item()
        .table_name(table)
        .set_key(Some(key(keys::credential(
            &ClientId::parse(CLIENT).unwrap(),
        ))))
        .consistent_read(true)
}

/// The floor's rate-limit update: one `ADD` to a counter of its own.
pub fn counter_update(c: &Client, table: &str) -> UpdateItemFluentBuilder {
    c.update_item()
        .table_name(table)
        .set_key(Some(key(keys::rate("floor"))))
        .update_expression("ADD #c :one")
        .expression_attribute_names("#c", "count")
        .expression_attribute_values(":one", AttributeValue::N("1".into()))
        .return_values(ReturnValue::UpdatedNew)
}

/// The raw calls behind authentication: credential read beside the rate-limit update.
async fn auth_floor(c: &Client, table: &str) {
    let cred = credential_read(c, table).send();
    let rate = counter_update(c, table).send();
    let (a, b) = tokio::join!(cred, rate);
    a.expect("get");
    b.expect("update");
}

/// One read of a route's floor: an item by key, or the first `limit` items of a partition
/// (those whose sort key starts with `prefix`).
enum Read {
    Get((String, String)),
    Query {
        pk: String,
        prefix: Option<String>,
        limit: i32,
    },
}

/// Authentication, then `reads` side by side: the floor of a route whose data is read in
/// one round trip.
async fn auth_then(c: &Client, table: &str, reads: &[Read]) {
    auth_then_write(c, table, reads, &[]).await;
}

/// Authentication, `reads` side by side, then an item written under each of `writes` in
/// one transaction (one `PutItem` when it is one): the floor of a write route, whose
/// answer needs what it read and all of its items written at once.
async fn auth_then_write(c: &Client, table: &str, reads: &[Read], writes: &[(String, String)]) {
    auth_reads(c, table, reads).await;
    let item = |k: &(String, String)| {
        let mut item = key(k.clone());
        item.insert("v".into(), AttributeValue::S("floor".into()));
        item
    };
    match writes {
        [] => {}
        [one] => {
            c.put_item()
                .table_name(table)
                .set_item(Some(item(one)))
                .send()
                .await
                .expect("put");
        }
        many => {
            let mut tx = c.transact_write_items();
            for k in many {
                tx = tx.transact_items(
                    TransactWriteItem::builder()
                        .put(
                            Put::builder()
                                .table_name(table)
                                .set_item(Some(item(k)))
                                .build()
                                .expect("put"),
                        )
                        .build(),
                );
            }
            tx.send().await.expect("transact");
        }
    }
}

async fn auth_reads(c: &Client, table: &str, reads: &[Read]) {
    auth_floor(c, table).await;
    let calls = reads.iter().map(|r| {
        let c = c.clone();
        let table = table.to_owned();
        let r = match r {
            Read::Get(k) => Read::Get(k.clone()),
            Read::Query { pk, prefix, limit } => Read::Query {
                pk: pk.clone(),
                prefix: prefix.clone(),
                limit: *limit,
            },
        };
        async move {
            match r {
                Read::Get(k) => {
                    c.get_item()
                        .table_name(table)
                        .set_key(Some(key(k)))
                        .send()
                        .await
                        .expect("get");
                }
                Read::Query { pk, prefix, limit } => {
                    let q = c.query().table_name(table).limit(limit);
                    let q = match prefix {
                        Some(p) => q
                            .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
                            .expression_attribute_values(":p", AttributeValue::S(p)),
                        None => q.key_condition_expression("pk = :pk"),
                    };
                    q.expression_attribute_values(":pk", AttributeValue::S(pk))
                        .send()
                        .await
                        .expect("query");
                }
            }
        }
    });
    futures::future::join_all(calls).await;
}

/// `rtt_ms` > 0 puts a relay holding each DynamoDB request back by that long between
/// DynamoDB Local and both the server and the floor's client: a round trip as in a region.
pub async fn run(
    samples: usize,
    rtt_ms: f64,
    only: &[String],
    json_out: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let mut env: HashMap<String, String> = std::env::vars().collect();
    anyhow::ensure!(
        env.contains_key("AWS_ENDPOINT_URL_DYNAMODB"),
        "run through infra/scripts/bench.sh"
    );
    let table = format!("bench-{}", uuid::Uuid::new_v4().simple());
    env.insert("TABLE_NAME".into(), table.clone());
    env.insert(
        "JWT_SECRET".into(),
        "bench-signing-key-0123456789abcdef0123456789".into(),
    );
    env.insert("API_RATE_LIMIT_PER_HOUR".into(), "100000000".into());
    env.insert("TOKEN_RATE_LIMIT_ATTEMPTS".into(), "100000000".into());
    // A job-starting request's own calls are counted: the in-process worker takes its job a
    // moment later, once the answer is in. No webhook deliveries beside the requests.
    env.insert("LOCAL_JOB_HOLD_MS".into(), "50".into());
    env.insert("WEBHOOK_LOCAL_FOLLOW".into(), "false".into());
    env.remove("FILES_BUCKET");
    let relay = if rtt_ms > 0.0 {
        let upstream: std::net::SocketAddr = env["AWS_ENDPOINT_URL_DYNAMODB"]
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()?;
        let relay = crate::delay::start(
            upstream,
            std::time::Duration::from_secs_f64(rtt_ms / 1000.0),
        )
        .await?;
        let url = format!("http://{relay}");
        env.insert("AWS_ENDPOINT_URL_DYNAMODB".into(), url.clone());
        Some(url)
    } else {
        None
    };
    let fixture = pirros_local::start::demo_dir().join("demo.json");
    let running = start(Options {
        store: StoreKind::Dynamodb,
        fixture: Some(fixture),
        addr: "127.0.0.1:0".parse()?,
        env,
    })
    .await?;
    let store = running.admin.clone();
    let sdk = pirros_shared::config::aws::sdk_config().await;
    let c = match &relay {
        Some(url) => Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&sdk)
                .endpoint_url(url)
                .build(),
        ),
        None => Client::new(&sdk),
    };
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let token_body =
        json!({"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET});
    let tok: Value = http
        .post(format!("{base}/oauth/token"))
        .json(&token_body)
        .send()
        .await?
        .json()
        .await?;
    let token = tok["access_token"].as_str().unwrap_or_default().to_owned();
    let ws = WorkspaceId::parse(WS).unwrap();
    let t = table.as_str();
    let stash_body = json!({"name": "bench", "project_id": "8d2e6f10-4a3b-4c1d-9e8f-0a1b2c3d4e51", "item_ids": {"detail_ids": ["det-slab-edge"], "family_ids": ["fam-door-single"]}});

    // A job to read: an export of the demo stash, ended before any route is measured.
    let job_id = crate::lambda_env::ended_export(&http, &base, WS, &token).await?;

    type Req = Box<dyn Fn(usize) -> reqwest::RequestBuilder>;
    let get = |path: String| -> Req {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        Box::new(move |_| http.get(format!("{base}{path}")).bearer_auth(&token))
    };
    let post = |path: String, body: Value| -> Req {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        Box::new(move |_| {
            http.post(format!("{base}{path}"))
                .bearer_auth(&token)
                .json(&body)
        })
    };
    let cleanup = Cleanup {
        http: http.clone(),
        base: base.clone(),
        token: token.clone(),
        store: running.app.state.store.clone(),
    };
    let mut routes: Vec<(&str, Req)> = vec![
        ("token", {
            let (http, base, body) = (http.clone(), base.clone(), token_body.clone());
            Box::new(move |_| http.post(format!("{base}/oauth/token")).json(&body))
        }),
        ("tags", get(format!("/v1/workspaces/{WS}/tags"))),
        (
            "details get",
            get(format!("/v1/workspaces/{WS}/details/det-slab-edge")),
        ),
        (
            "details search",
            get(format!("/v1/workspaces/{WS}/details?limit=25")),
        ),
        (
            "families similar",
            get(format!(
                "/v1/workspaces/{WS}/families/fam-door-single/similar"
            )),
        ),
        ("stash create with a key", {
            let (http, base, token, body) = (
                http.clone(),
                base.clone(),
                token.clone(),
                stash_body.clone(),
            );
            Box::new(move |i| {
                http.post(format!("{base}/v1/workspaces/{WS}/stashes"))
                    .bearer_auth(&token)
                    .header(
                        "idempotency-key",
                        format!("bench-{i}-{}", uuid::Uuid::new_v4()),
                    )
                    .json(&body)
            })
        }),
        (
            "download rvt",
            get(format!("/v1/workspaces/{WS}/downloads/rvt/det-slab-edge")),
        ),
        ("me", get("/v1/me".into())),
        (
            "flags list",
            get(format!("/v1/workspaces/{WS}/details/det-slab-edge/flags")),
        ),
        (
            "references",
            get(format!(
                "/v1/workspaces/{WS}/families/fam-door-single/references"
            )),
        ),
        (
            "versions",
            get(format!(
                "/v1/workspaces/{WS}/families/fam-door-single/versions"
            )),
        ),
        ("job get", get(format!("/v1/workspaces/{WS}/jobs/{job_id}"))),
        (
            "events page",
            get(format!("/v1/workspaces/{WS}/events?limit=25")),
        ),
    ];
    // The later writes; what each leaves is undone between samples (`Cleanup::after`), out
    // of the timing and the count, so every sample meets the same state.
    routes.extend([
        (
            "flag create",
            post(
                format!("/v1/workspaces/{WS}/details/det-slab-edge/flags"),
                json!({"reason": "outdated"}),
            ),
        ),
        (
            "upload start",
            post(
                format!("/v1/workspaces/{WS}/families/uploads"),
                json!({"name": "Bench door", "category": "Doors", "file_name": "bench.rfa", "size_bytes": 1024, "sha256": "0".repeat(64)}),
            ),
        ),
        (
            "export start",
            post(
                format!("/v1/workspaces/{WS}/stashes/stash-library-doors/exports"),
                json!({}),
            ),
        ),
        (
            "snapshot start",
            post(format!("/v1/workspaces/{WS}/snapshots"), json!({})),
        ),
        (
            "webhook endpoint create",
            post(
                format!("/v1/workspaces/{WS}/webhook-endpoints"),
                json!({"url": "https://1.1.1.1/bench", "event_types": ["*"]}),
            ),
        ),
    ]);
    if let Some(unknown) = only.iter().find(|o| !routes.iter().any(|(n, _)| n == o)) {
        let names: Vec<&str> = routes.iter().map(|(n, _)| *n).collect();
        anyhow::bail!("--only {unknown:?}: no such route; the routes are {names:?}");
    }
    if !only.is_empty() {
        routes.retain(|(n, _)| only.iter().any(|o| o == n));
    }
    let floors = Floor {
        c: &c,
        t,
        ws,
        detail: ResourceId::parse("det-slab-edge").unwrap(),
        floor_client: ClientId::parse("floor-client").unwrap(),
        aside: WorkspaceId::parse("f100f100-0000-4000-8000-000000000001").unwrap(),
        family: ResourceId::parse("fam-door-single").unwrap(),
        job: ResourceId::parse(&job_id).unwrap(),
    };

    // DynamoDB Local is a JVM: warm its JIT before anything is measured, or whichever route
    // comes first pays for it.
    for _ in 0..3000 {
        auth_floor(&c, t).await;
    }
    println!(
        "{:<24} {:>8} {:>8} {:>10} {:>7} {:>6} {:>9} {:>10} {:>9} {:>9}",
        "route",
        "p50 ms",
        "p99 ms",
        "floor p50",
        "ratio",
        "calls",
        "declared",
        "items read",
        "ddb cpu",
        "floor cpu"
    );
    // The HTTP hop with no storage behind it (the token keys, served from memory): the part
    // of every route's p50 that its floor, a DynamoDB client alone, does not have.
    let hop_url = format!("{base}{}", pirros_shared::routes::JWKS_PATH);
    let mut hop = Vec::with_capacity(samples);
    for i in 0..samples + 20 {
        let t0 = Instant::now();
        let resp = http.get(&hop_url).send().await?;
        let status = resp.status();
        resp.bytes().await?;
        anyhow::ensure!(status.is_success(), "the hop: {status}");
        if i >= 20 {
            hop.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let hop = json!({"p50_ms": percentile(&mut hop, 0.5), "p99_ms": percentile(&mut hop, 0.99)});
    println!(
        "{:<24} {:>8.2} {:>8.2}",
        "hop (no storage)",
        hop["p50_ms"].as_f64().unwrap_or_default(),
        hop["p99_ms"].as_f64().unwrap_or_default()
    );
    // Behind the relay every shape costs its round trip and the differences vanish in it:
    // the shapes are measured on DynamoDB Local alone, and by a whole run only.
    let shapes = match rtt_ms > 0.0 || !only.is_empty() {
        true => Value::Null,
        false => {
            println!(
                "\nrequest shapes, p50 / p90 ms, p50 over the bare call, DynamoDB Local CPU ms:"
            );
            let shapes =
                crate::shapes::measure(&c, t, &running.app.state, samples * SHAPE_SAMPLES).await?;
            println!();
            shapes
        }
    };
    let mut rows = Vec::new();
    // Each route and its floor warm up just before they are measured (not all routes first:
    // a write's warm-up would change what an earlier read route reads). DynamoDB Local's JIT
    // compiles the paths a route takes (a condition that fails, a batch read, a query) only
    // after thousands of calls of each: with 20 warm-up requests, the first route measured
    // (the token, whose update fails its condition) stood at 2.2 ms where a client sending
    // 3,000 more saw 1.2. Behind the relay's round trip the JIT's part is small, and a warm-up
    // of this length would take minutes.
    let warm = if rtt_ms > 0.0 { WARM / 10 } else { WARM };
    let emulator = EmulatorCpu::dynamodb_local();
    for (name, req) in routes {
        for i in 0..warm {
            let body = req(i).send().await?.bytes().await?;
            cleanup.after(name, &body).await?;
        }
        floor_samples(&floors, name, samples..samples + warm).await;
        let (mut calls, mut read) = (0, 0);
        let (mut lat, mut floor) = (Vec::with_capacity(samples), Vec::with_capacity(samples));
        // The emulator's CPU over each request alone (not the undoing after it) and over
        // each block of floor samples.
        let (mut route_cpu, mut floor_cpu) = (Tally::default(), Tally::default());
        // The route and its floor take turns, a block each, so that both meet the same
        // machine: on shared cores the load drifts within a run, and a route measured
        // wholly before its floor compared with another minute of it.
        for from in (0..samples).step_by(BLOCK) {
            let block = from..(from + BLOCK).min(samples);
            for i in block.clone() {
                let (c0, r0) = (store.calls(), store.items_read());
                let mark = EmulatorCpu::mark(emulator.as_ref());
                let t0 = Instant::now();
                let resp = req(i).send().await?;
                let status = resp.status();
                let body = resp.bytes().await?;
                lat.push(t0.elapsed().as_secs_f64() * 1000.0);
                route_cpu.add(mark, 1);
                calls += store.calls() - c0;
                read += store.items_read() - r0;
                anyhow::ensure!(status.is_success(), "{name}: {status}");
                cleanup.after(name, &body).await?;
            }
            let (n, mark) = (block.len(), EmulatorCpu::mark(emulator.as_ref()));
            floor.extend(floor_samples(&floors, name, block).await);
            floor_cpu.add(mark, n);
        }
        let calls = calls as f64 / samples as f64;
        let read = read as f64 / samples as f64;
        let (p50, p99) = (percentile(&mut lat, 0.5), percentile(&mut lat, 0.99));
        let f50 = percentile(&mut floor, 0.5);
        // The calls infra/local/src/budget.rs declares for the route (the budget test holds
        // every route to them); a token request also pays for the first of its window.
        let declared = pirros_local::budget::of(name).calls;
        let (cpu, floor_cpu) = (route_cpu.per_sample_ms(), floor_cpu.per_sample_ms());
        println!(
            "{name:<24} {p50:>8.2} {p99:>8.2} {f50:>10.2} {:>7.2} {calls:>6.1} {declared:>9} {read:>10.1} {:>9.2} {:>9.2}",
            p50 / f50,
            cpu.unwrap_or(f64::NAN),
            floor_cpu.unwrap_or(f64::NAN)
        );
        rows.push(json!({"route": name, "p50_ms": p50, "p99_ms": p99, "floor_p50_ms": f50, "ratio": p50 / f50, "calls": calls, "declared_calls": declared, "items_read": read, "dynamodb_cpu_ms": cpu, "floor_dynamodb_cpu_ms": floor_cpu}));
    }
    if let Some(path) = json_out {
        keep_before(&path, &mut rows);
        std::fs::write(
            path,
            serde_json::to_string_pretty(
                &json!({"samples": samples, "dynamodb_rtt_ms": rtt_ms, "hop": hop, "rows": rows, "shapes": shapes}),
            )?,
        )?;
    }
    running.task.abort();
    Ok(())
}

/// Samples of each request shape per route sample: a shape's differences are tenths of a
/// millisecond, and a sample takes well under one.
const SHAPE_SAMPLES: usize = 10;

/// Samples a route and its floor take in turn (see `run`).
const BLOCK: usize = 10;

/// Warm-up requests of each route, and samples of its floor, before it is measured.
const WARM: usize = 1000;

/// Where the floors read and write: the demo workspace's items, and for writes another
/// workspace and credential whose items the server never reads.
struct Floor<'a> {
    c: &'a Client,
    t: &'a str,
    ws: WorkspaceId,
    detail: ResourceId,
    floor_client: ClientId,
    aside: WorkspaceId,
    family: ResourceId,
    job: ResourceId,
}

/// The latencies of `route`'s floor for the samples numbered `samples` (a write's keys
/// carry the number, so no two samples of a run collide).
async fn floor_samples(f: &Floor<'_>, route: &str, samples: Range<usize>) -> Vec<f64> {
    let (c, t, ws, aside) = (f.c, f.t, f.ws, f.aside);
    let (detail, floor_client, family, job) = (&f.detail, &f.floor_client, &f.family, &f.job);
    match route {
        // The credential read beside the attempt counter's update: one round trip.
        "token" => time_n(samples, |_| auth_floor(c, t)).await,
        "tags" => {
            time_n(samples, |_| async {
                auth_floor(c, t).await;
                c.query()
                    .table_name(t)
                    .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
                    .expression_attribute_values(":pk", AttributeValue::S(keys::workspace_pk(ws)))
                    .expression_attribute_values(":p", AttributeValue::S(kind::TAG.into()))
                    .send()
                    .await
                    .expect("query");
            })
            .await
        }
        "details get" => {
            time_n(samples, |_| async {
                auth_floor(c, t).await;
                c.get_item()
                    .table_name(t)
                    .set_key(Some(key(keys::in_workspace(
                        ws,
                        kind::DETAIL,
                        &ResourceId::parse("det-slab-edge").unwrap(),
                    ))))
                    .send()
                    .await
                    .expect("get");
            })
            .await
        }
        "details search" => {
            time_n(samples, |_| async {
                auth_floor(c, t).await;
                c.query()
                    .table_name(t)
                    .key_condition_expression("pk = :pk")
                    .expression_attribute_values(
                        ":pk",
                        AttributeValue::S(keys::detail_list_all(ws)),
                    )
                    .limit(26)
                    .send()
                    .await
                    .expect("query");
            })
            .await
        }
        "families similar" => {
            time_n(samples, |_| async {
                auth_floor(c, t).await;
                c.get_item()
                    .table_name(t)
                    .set_key(Some(key(keys::family(
                        ws,
                        &ResourceId::parse("fam-door-single").unwrap(),
                    ))))
                    .send()
                    .await
                    .expect("get");
                c.query()
                    .table_name(t)
                    .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
                    .expression_attribute_values(":pk", AttributeValue::S(keys::family_pk(ws)))
                    .expression_attribute_values(":p", AttributeValue::S(kind::FAMILY.into()))
                    .send()
                    .await
                    .expect("query");
            })
            .await
        }
        "stash create with a key" => {
            time_n(samples, |i| {
                let c = c.clone();
                async move {
                    auth_floor(&c, t).await;
                    c.get_item()
                        .table_name(t)
                        .set_key(Some(key(keys::idempotency(
                            &ClientId::parse(CLIENT).unwrap(),
                            &format!("floor-{i}"),
                        ))))
                        .consistent_read(true)
                        .send()
                        .await
                        .expect("get");
                    let batch = |k: (String, String)| {
                        c.batch_get_item()
                            .request_items(
                                t,
                                KeysAndAttributes::builder()
                                    .keys(key(k))
                                    .build()
                                    .expect("keys"),
                            )
                            .send()
                    };
                    let (a, b, d) = tokio::join!(
                        batch(keys::in_workspace(
                            ws,
                            kind::PROJECT,
                            &ResourceId::parse("8d2e6f10-4a3b-4c1d-9e8f-0a1b2c3d4e51").unwrap()
                        )),
                        batch(keys::in_workspace(
                            ws,
                            kind::DETAIL,
                            &ResourceId::parse("det-slab-edge").unwrap()
                        )),
                        batch(keys::family(
                            ws,
                            &ResourceId::parse("fam-door-single").unwrap()
                        )),
                    );
                    a.expect("a");
                    b.expect("b");
                    d.expect("d");
                    let mut item = key(keys::stash(ws, &ResourceId::new_uuid()));
                    item.insert("name".into(), AttributeValue::S("floor".into()));
                    let mut idem = key(keys::idempotency(
                        &ClientId::parse(CLIENT).unwrap(),
                        &format!("floor-{i}-{}", uuid::Uuid::new_v4()),
                    ));
                    idem.insert("body".into(), AttributeValue::S("x".repeat(600)));
                    c.transact_write_items()
                        .transact_items(
                            TransactWriteItem::builder()
                                .put(
                                    Put::builder()
                                        .table_name(t)
                                        .set_item(Some(item))
                                        .condition_expression("attribute_not_exists(pk)")
                                        .build()
                                        .expect("put"),
                                )
                                .build(),
                        )
                        .transact_items(
                            TransactWriteItem::builder()
                                .put(
                                    Put::builder()
                                        .table_name(t)
                                        .set_item(Some(idem))
                                        .condition_expression("attribute_not_exists(pk)")
                                        .build()
                                        .expect("put"),
                                )
                                .build(),
                        )
                        .send()
                        .await
                        .expect("transact");
                }
            })
            .await
        }
        "download rvt" => {
            time_n(samples, |_| async {
                auth_floor(c, t).await;
                let d = c
                    .get_item()
                    .table_name(t)
                    .set_key(Some(key(keys::in_workspace(
                        ws,
                        kind::DETAIL,
                        &ResourceId::parse("det-slab-edge").unwrap(),
                    ))))
                    .send();
                let w = c
                    .get_item()
                    .table_name(t)
                    .set_key(Some(key(keys::workspace(ws))))
                    .send();
                let (a, b) = tokio::join!(d, w);
                a.expect("detail");
                b.expect("workspace");
            })
            .await
        }
        // The later routes: authentication, then their data side by side.
        "me" => {
            let reads = [Read::Get(keys::workspace(ws))];
            time_n(samples, |_| auth_then(c, t, &reads)).await
        }
        "flags list" => {
            let reads = [
                Read::Get(keys::in_workspace(ws, kind::DETAIL, detail)),
                Read::Query {
                    pk: keys::flags_pk(ws, detail),
                    prefix: Some(keys::FLAG_PREFIX.into()),
                    limit: 26,
                },
            ];
            time_n(samples, |_| auth_then(c, t, &reads)).await
        }
        "references" => {
            let reads = [
                Read::Get(keys::family(ws, family)),
                Read::Query {
                    pk: keys::references_pk(ws, family),
                    prefix: None,
                    limit: 26,
                },
            ];
            time_n(samples, |_| auth_then(c, t, &reads)).await
        }
        "versions" => {
            let reads = [
                Read::Get(keys::family(ws, family)),
                Read::Query {
                    pk: keys::family_pk(ws),
                    prefix: Some(keys::family_versions_prefix(family)),
                    limit: 26,
                },
            ];
            time_n(samples, |_| auth_then(c, t, &reads)).await
        }
        "job get" => {
            let reads = [Read::Get(keys::job(ws, job))];
            time_n(samples, |_| auth_then(c, t, &reads)).await
        }
        "events page" => {
            let reads = [Read::Query {
                pk: keys::event(ws, 0).0,
                prefix: None,
                limit: 26,
            }];
            time_n(samples, |_| auth_then(c, t, &reads)).await
        }
        // The floors of writes write under another workspace and credential (`aside`,
        // `floor_client`): items of the same keys' shape the server never reads.
        "flag create" => {
            let reads = [Read::Get(keys::in_workspace(ws, kind::DETAIL, detail))];
            let writes = [
                keys::flag(aside, detail, &ResourceId::parse("floor-flag").unwrap()),
                keys::open_flags(aside, detail),
            ];
            time_n(samples, |_| auth_then_write(c, t, &reads, &writes)).await
        }
        "upload start" => {
            let writes = [keys::job(
                aside,
                &ResourceId::parse("floor-upload").unwrap(),
            )];
            time_n(samples, |_| auth_then_write(c, t, &[], &writes)).await
        }
        // A bulk job: a slot of the credential's taken with the job, at once.
        "export start" => {
            let stash = ResourceId::parse("stash-library-doors").unwrap();
            let reads = [Read::Get(keys::stash(ws, &stash))];
            let writes = [
                keys::lease(LeaseKind::Bulk, floor_client),
                keys::job(aside, &ResourceId::parse("floor-export").unwrap()),
            ];
            time_n(samples, |_| auth_then_write(c, t, &reads, &writes)).await
        }
        "snapshot start" => {
            let writes = [
                keys::lease(LeaseKind::Bulk, floor_client),
                keys::job(aside, &ResourceId::parse("floor-snapshot").unwrap()),
            ];
            time_n(samples, |_| auth_then_write(c, t, &[], &writes)).await
        }
        // The credential's endpoints (at most 10) and its creates, in one query of their
        // partition, beside the feed's position; then the endpoint, the workspace's
        // entry among those with endpoints and the credential's creates.
        "webhook endpoint create" => {
            let reads = [
                Read::Query {
                    pk: keys::webhook_pk(ws),
                    prefix: None,
                    limit: 11,
                },
                Read::Get(keys::event_counter(ws)),
            ];
            let creator = ClientId::parse(CLIENT).expect("a client id");
            let writes = [
                keys::endpoint(aside, &ResourceId::parse("floor-endpoint").unwrap()),
                keys::webhook_workspace(aside),
                keys::endpoint_creates(aside, &creator),
            ];
            time_n(samples, |_| auth_then_write(c, t, &reads, &writes)).await
        }
        _ => unreachable!(),
    }
}

/// Each route's `before` figures in the run `path` holds, carried into `rows`: they are the
/// baseline the table compares with (the first release's), which no later run measures, so
/// running the bench again must not drop them.
fn keep_before(path: &std::path::Path, rows: &mut [Value]) {
    let Some(old) = std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
    else {
        return;
    };
    let old_rows = old["rows"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for row in rows {
        let before = old_rows
            .iter()
            .find(|o| o["route"] == row["route"])
            .and_then(|o| o.get("before"));
        if let Some(before) = before {
            row["before"] = before.clone();
        }
    }
}

/// Undoes what a write route's sample left, so the next meets the same state: a flag is
/// resolved (a detail holds at most 100 open), a bulk job waited for and its slot given
/// back (a credential holds at most 3 at once), an endpoint deleted (at most 10 per
/// credential).
struct Cleanup {
    http: reqwest::Client,
    base: String,
    token: String,
    store: pirros_shared::store::SharedStore,
}

impl Cleanup {
    async fn after(&self, route: &str, body: &[u8]) -> anyhow::Result<()> {
        let answer = || -> anyhow::Result<Value> { Ok(serde_json::from_slice(body)?) };
        let id = |v: &Value, path: &[&str]| -> anyhow::Result<String> {
            let mut at = &v["response"];
            for p in path {
                at = &at[*p];
            }
            at.as_str()
                .map(str::to_owned)
                .ok_or_else(|| anyhow::anyhow!("{route}: no id in {v}"))
        };
        let (base, ws) = (&self.base, WS);
        let sent = match route {
            "flag create" => {
                let flag = id(&answer()?, &["id"])?;
                self.http
                    .patch(format!(
                        "{base}/v1/workspaces/{ws}/details/det-slab-edge/flags/{flag}"
                    ))
                    .bearer_auth(&self.token)
                    .json(&json!({"status": "resolved"}))
                    .send()
                    .await?
            }
            "webhook endpoint create" => {
                let endpoint = id(&answer()?, &["id"])?;
                self.http
                    .delete(format!(
                        "{base}/v1/workspaces/{ws}/webhook-endpoints/{endpoint}"
                    ))
                    .bearer_auth(&self.token)
                    .send()
                    .await?
            }
            "export start" | "snapshot start" => {
                let job = id(&answer()?, &["job", "id"])?;
                let deadline = Instant::now() + std::time::Duration::from_secs(60);
                loop {
                    anyhow::ensure!(Instant::now() < deadline, "{route}: job {job} never ended");
                    let r: Value = self
                        .http
                        .get(format!("{base}/v1/workspaces/{ws}/jobs/{job}"))
                        .bearer_auth(&self.token)
                        .send()
                        .await?
                        .json()
                        .await?;
                    match r["response"]["status"].as_str() {
                        Some("queued" | "processing") => {
                            tokio::time::sleep(std::time::Duration::from_millis(10)).await
                        }
                        Some("succeeded") => {
                            // The worker gives the slot back just after the job ends; so
                            // that the next sample never meets it held, it goes back now.
                            let client = ClientId::parse(CLIENT).expect("a client id");
                            let bulk = LeaseKind::Bulk;
                            self.store.drop_lease(bulk, &client, &job, None).await?;
                            return Ok(());
                        }
                        _ => anyhow::bail!("{route}: the job ended as {r}"),
                    }
                }
            }
            _ => return Ok(()),
        };
        anyhow::ensure!(
            sent.status().is_success(),
            "{route}: undoing it answered {}",
            sent.status()
        );
        Ok(())
    }
}
