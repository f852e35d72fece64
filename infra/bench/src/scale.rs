//! Search at scale: a workspace of N details in DynamoDB Local, and for each kind of page
//! the items DynamoDB examined, the round trips and the median latency over HTTP; and what
//! the index costs the importer (items and bytes written per detail, import time).

use pirros_local::start::{Options, StoreKind, start};
use pirros_shared::auth::secret::SecretHash;
use pirros_shared::grants::{Action, EntityType, Filter, FilterId, FilterMatch};
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::model::*;
use pirros_shared::search::budget;
use pirros_shared::search::lists::{ListKey, Order, memberships};
use pirros_shared::store::Item;
use pirros_shared::store::dynamo::item_bytes;
use pirros_shared::store::keys;
use pirros_shared::timestamp::Timestamp;
use serde_json::{Value, json};
use std::time::Instant;

const WS: &str = "5ca1ab1e-0000-4000-8000-000000000001";
const TAGS: usize = 200;
const PROJECTS: usize = 50;
const SECRET: &str = "bench-secret-0123456789abcdef";
const LIMIT: usize = 25;
/// The update time of detail `i` is `BASE + UPDATED_SHIFT + i` seconds; this one is the
/// `updated_since` of the sync page (the last tenth of the workspace's updates).
const UPDATED_SHIFT: i64 = 10_000_000;

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

fn base() -> i64 {
    Timestamp::parse("2026-01-01T00:00:00Z").unwrap().millis()
}

fn credential(ws: WorkspaceId, firm: &ResourceId, client: &str, filter: &str) -> Item {
    Item::Credential(Credential {
        client_id: ClientId::parse(client).unwrap(),
        name: client.into(),
        firm_id: firm.clone(),
        status: CredentialStatus::Active,
        secret: SecretHash::of(SECRET),
        secret_version: 1,
        previous_secret: None,
        grants: vec![Grant {
            workspace_id: ws,
            filter_id: FilterId::parse(filter).unwrap(),
            action: Action::Read,
        }],
        created_at: Timestamp::now(),
        version: 1,
    })
}

/// Everything but the details: firm, workspace, two credentials (one reads every detail,
/// one only those of a custom filter over a rare tag), tags, projects.
fn setting() -> Vec<Item> {
    let ws = WorkspaceId::parse(WS).unwrap();
    let firm = id("bench-firm".into());
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
        Item::Filter(Filter {
            id: id("flt-rare".into()),
            workspace_id: ws,
            name: "Rare tag".into(),
            entity_type: EntityType::Detail,
            rule: FilterMatch {
                tag_ids_any: Some(vec![id("tag-rare".into())]),
                ..Default::default()
            },
        }),
        credential(ws, &firm, "bench-client", "default:details"),
        credential(ws, &firm, "bench-rare", "flt-rare"),
    ];
    for t in (0..TAGS)
        .map(|t| format!("tag-{t:03}"))
        .chain(["tag-rare".to_owned()])
    {
        items.push(Item::Tag(Tag {
            id: id(t.clone()),
            name: t,
            workspace_id: ws,
            created_at: Timestamp::from_millis(base()),
        }));
    }
    for p in 0..PROJECTS {
        items.push(Item::Project(Project {
            id: id(format!("proj-{p:02}")),
            workspace_id: ws,
            name: format!("Project {p}"),
            created_at: Timestamp::from_millis(base()),
        }));
    }
    items
}

/// Detail `i`: 1–3 of 200 tags (and `tag-rare` on one in 1,000), a project on 60 %, half
/// typical; "needle" in one description in 2,000, "flashing" in one in 20.
fn detail(i: usize) -> DetailRecord {
    let ws = WorkspaceId::parse(WS).unwrap();
    let r = mix(i as u64);
    let ntags = 1 + (r % 3) as usize;
    let mut tag_ids: Vec<ResourceId> = (0..ntags)
        .map(|k| id(format!("tag-{:03}", (mix(r + k as u64) % TAGS as u64))))
        .collect();
    if i % 1000 == 11 {
        tag_ids.push(id("tag-rare".into()));
    }
    let project_id = (r % 10 < 6).then(|| id(format!("proj-{:02}", (r >> 8) % PROJECTS as u64)));
    let at = Timestamp::from_millis(base() + i as i64 * 1000);
    let description = if i % 2000 == 7 {
        "needle-rare fixing".to_owned()
    } else if i % 20 == 3 {
        format!("Standard flashing detail number {i}")
    } else {
        format!("Standard detail number {i}")
    };
    DetailRecord {
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
            updated_at: Timestamp::from_millis(base() + (UPDATED_SHIFT + i as i64) * 1000),
            open_flags: 0,
        },
        files: Default::default(),
        family_ids: Vec::new(),
    }
}

/// The size of `v` stored under `(pk, sk)`, as DynamoDB bills it.
fn encoded<T: serde::Serialize>(v: &T, (pk, sk): (String, String)) -> u64 {
    use aws_sdk_dynamodb::types::AttributeValue;
    let mut item: pirros_shared::store::dynamo::Attrs =
        serde_dynamo::to_item(v).expect("plain values");
    item.insert(keys::PK.into(), AttributeValue::S(pk));
    item.insert(keys::SK.into(), AttributeValue::S(sk));
    item_bytes(&item) as u64
}

/// Items and bytes the importer of the base commit wrote for `d`: its record and one copy
/// in each newest-first list of everything, a tag or a project (the lists it had), encoded
/// as the store encodes them.
fn before_cost(d: &DetailRecord) -> (u64, u64) {
    let ws = d.detail.workspace_id;
    let mut items = 1;
    let mut bytes = encoded(d, keys::in_workspace(ws, keys::kind::DETAIL, &d.detail.id));
    for (list, pos) in memberships(&d.detail) {
        let old = list.order == Order::Newest
            && matches!(
                list.key,
                ListKey::All | ListKey::Tag(_) | ListKey::Project(_)
            );
        if old {
            let pk = keys::search_list(pirros_shared::search::lists::Listed::Details, ws, &list);
            items += 1;
            bytes += encoded(&d.detail, (pk, pos));
        }
    }
    (items, bytes)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

async fn token(http: &reqwest::Client, base: &str, client: &str) -> anyhow::Result<String> {
    let tok: Value = http
        .post(format!("{base}/oauth/token"))
        .json(&json!({"grant_type": "client_credentials", "client_id": client, "client_secret": SECRET}))
        .send()
        .await?
        .json()
        .await?;
    Ok(tok["access_token"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no token: {tok}"))?
        .to_owned())
}

/// One workspace of `n` details: load it, measure every page, drop the table.
async fn run_one(n: usize, samples: usize) -> anyhow::Result<Value> {
    let mut env: std::collections::HashMap<String, String> = std::env::vars().collect();
    anyhow::ensure!(
        env.contains_key("AWS_ENDPOINT_URL_DYNAMODB"),
        "run through infra/scripts/bench.sh (DynamoDB Local)"
    );
    let table = format!("bench-{}", uuid::Uuid::new_v4().simple());
    env.insert("TABLE_NAME".into(), table.clone());
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
    store.put_items(&setting()).await?;
    let (items0, bytes0) = store.written();
    let (mut before_items, mut before_bytes) = (0, 0);
    let started = Instant::now();
    const CHUNK: usize = 5000;
    for start in (0..n).step_by(CHUNK) {
        let chunk: Vec<DetailRecord> = (start..(start + CHUNK).min(n)).map(detail).collect();
        for d in &chunk {
            let (i, b) = before_cost(d);
            before_items += i;
            before_bytes += b;
        }
        let items: Vec<Item> = chunk.into_iter().map(Item::Detail).collect();
        store.put_items(&items).await?;
        eprintln!(
            "loaded {} / {n} details ({:.0} s)",
            (start + CHUNK).min(n),
            started.elapsed().as_secs_f64()
        );
    }
    let load_secs = started.elapsed().as_secs_f64();
    let (items1, bytes1) = store.written();
    let per = |v: u64| v as f64 / n as f64;
    let written = json!({
        "items_per_detail": per(items1 - items0),
        "bytes_per_detail": per(bytes1 - bytes0),
        "before_items_per_detail": per(before_items),
        "before_bytes_per_detail": per(before_bytes),
    });
    let base_url = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let full = token(&http, &base_url, "bench-client").await?;
    let rare = token(&http, &base_url, "bench-rare").await?;
    let since = Timestamp::from_millis(base() + (UPDATED_SHIFT + (n - n / 10) as i64) * 1000);
    let scenarios: Vec<(&str, String, &str)> = vec![
        ("unfiltered", String::new(), "full"),
        ("tag", "tag_id=tag-007".into(), "full"),
        ("project", "project_id=proj-03".into(), "full"),
        (
            "tag + library",
            "tag_id=tag-007&library=typical".into(),
            "full",
        ),
        ("q 1 in 2,000", "q=needle".into(), "full"),
        ("q 1 in 20", "q=flashing".into(), "full"),
        ("q two words", "q=detail%20flashing".into(), "full"),
        ("q nothing", "q=zzyzx".into(), "full"),
        ("q one letter", "q=f".into(), "full"),
        ("custom grant, rare tag", String::new(), "rare"),
        ("updated_since", format!("updated_since={since}"), "full"),
    ];
    println!(
        "search over {n} details in DynamoDB Local (load {load_secs:.0} s; {:.1} items, {:.0} bytes written per detail; before {:.1} items, {:.0} bytes)",
        written["items_per_detail"].as_f64().unwrap_or(0.0),
        written["bytes_per_detail"].as_f64().unwrap_or(0.0),
        written["before_items_per_detail"].as_f64().unwrap_or(0.0),
        written["before_bytes_per_detail"].as_f64().unwrap_or(0.0),
    );
    println!(
        "{:<24} {:>8} {:>11} {:>12} {:>10} {:>9} {:>8}",
        "page (limit=25)", "results", "items read", "round trips", "read units", "p50 ms", "budget"
    );
    let mut rows = Vec::new();
    for (name, query, who) in scenarios {
        let token = if who == "rare" { &rare } else { &full };
        // The caller's custom filter is one batch read of its own, as on every route.
        let filters = u64::from(who == "rare");
        let mut lat = Vec::new();
        let (mut read, mut calls, mut results, mut units, mut more) = (0, 0, 0, 0.0, false);
        for s in 0..samples + 2 {
            let (r0, c0, u0) = (
                store.items_read(),
                store.calls(),
                store.consumed_capacity().0,
            );
            let t = Instant::now();
            let resp: Value = http
                .get(format!(
                    "{base_url}/v1/workspaces/{WS}/details?limit={LIMIT}&{query}"
                ))
                .bearer_auth(token)
                .send()
                .await?
                .json()
                .await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            // Two warm-up requests: connection set-up and the kill-switch cache.
            if s >= 2 {
                lat.push(ms);
                // The credential read (1 item) is part of every request; report the search's own.
                read = store.items_read() - r0 - 1 - filters;
                calls = store.calls() - c0;
                // Likewise its read units: the credential is one consistent read of one unit.
                units = store.consumed_capacity().0 - u0 - 1.0;
                results = resp["response"]["data"].as_array().map_or(0, Vec::len);
                more = resp["response"]["next_cursor"].is_string();
            }
        }
        let p50 = median(lat);
        let within = read <= budget(LIMIT) as u64;
        println!(
            "{name:<24} {results:>8} {read:>11} {calls:>12} {units:>10.1} {p50:>9.1} {:>8}",
            if within { "ok" } else { "OVER" }
        );
        rows.push(
            json!({"page": name, "query": query, "results": results, "next_cursor": more,
            "items_read": read, "round_trips": calls, "read_units": units, "p50_ms": p50, "within_budget": within}),
        );
    }
    running.task.abort();
    drop_table(&table).await;
    Ok(json!({"details": n, "load_secs": load_secs, "written": written, "rows": rows}))
}

/// DynamoDB Local keeps tables in memory: free this run's before the next.
async fn drop_table(table: &str) {
    let sdk = pirros_shared::config::aws::sdk_config().await;
    let c = aws_sdk_dynamodb::Client::new(&sdk);
    if let Err(e) = c.delete_table().table_name(table).send().await {
        eprintln!(
            "could not delete {table}: {}",
            aws_sdk_dynamodb::error::DisplayErrorContext(e)
        );
    }
}

pub async fn run(
    sizes: Vec<usize>,
    samples: usize,
    json_out: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let mut runs = Vec::new();
    for n in sizes {
        runs.push(run_one(n, samples).await?);
    }
    if let Some(path) = json_out {
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&json!({
                "limit": LIMIT,
                "budget": budget(LIMIT),
                "runs": runs,
            }))?,
        )?;
    }
    Ok(())
}
