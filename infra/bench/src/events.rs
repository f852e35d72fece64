//! What the events feed costs and what it guarantees, on DynamoDB Local:
//! - the items and write units a stash create, update and delete and a flag create send
//!   without and with their event (one event item and the sequence counter in the same
//!   transaction), counted on the wire and billed as DynamoDB bills them (1 KB units,
//!   twice in a transaction; DynamoDB Local reports 2 for any transaction);
//! - the items a feed page reads (`limit` + 1, whatever the feed's length);
//! - `writers` writers (each a store of its own, as separate Lambda containers are, with
//!   its own sequence guess) making `writes` stash creates between them while a reader
//!   follows the feed: events lost and events seen twice, and how fast.

use pirros_shared::events::{Actor, Change, EventRecord, flag_event, resource_event};
use pirros_shared::flags::{
    Flag, FlagReason, FlagRecord, FlagStatus, OpenFlagsChange, new_flag_id,
};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::{Detail, ItemIds, Library, Stash, StashRecord};
use pirros_shared::store::dynamo::DynamoStore;
use pirros_shared::store::{EventStore, FlagStore, FlagWrite, Metered, StashStore, StashWrite};

use crate::writes::Counter;
use pirros_shared::timestamp::Timestamp;
use serde_json::json;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

const WS: &str = "e7e7e7e7-0000-4000-8000-000000000007";

fn rid(s: &str) -> ResourceId {
    ResourceId::parse(s).expect("a plain id")
}

async fn store(table: &str) -> DynamoStore {
    let sdk = pirros_shared::config::aws::sdk_config().await;
    DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), table)
}

/// A store whose writes `counter` counts.
async fn counted_store(table: &str, counter: &Counter) -> DynamoStore {
    let sdk = pirros_shared::config::aws::sdk_config().await;
    let conf = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .interceptor(counter.clone())
        .build();
    DynamoStore::new(aws_sdk_dynamodb::Client::from_conf(conf), table)
}

fn stash(ws: WorkspaceId, id: &str, name: &str) -> StashRecord {
    let now = Timestamp::now();
    StashRecord {
        stash: Stash {
            id: rid(id),
            workspace_id: ws,
            name: name.into(),
            description: None,
            project_id: rid("p1"),
            is_permanent: false,
            item_ids: ItemIds::default(),
            created_by: "bench".into(),
            created_at: now,
            updated_at: now,
        },
        version: 1,
    }
}

/// (items, billed write units) that `op` sent.
async fn units<F: std::future::Future<Output = anyhow::Result<()>>>(
    counter: &Counter,
    op: F,
) -> anyhow::Result<(u64, u64)> {
    counter.take();
    op.await?;
    let t = counter.take();
    Ok((t.index_items + t.other_items, t.index_units + t.other_units))
}

/// Write units of a stash create, update and delete and a flag create, without (`false`)
/// or with (`true`) their events.
async fn write_units(
    store: &DynamoStore,
    counter: &Counter,
    ws: WorkspaceId,
    with: bool,
) -> anyhow::Result<Vec<(u64, u64)>> {
    let tag = if with { "with" } else { "without" };
    let id = format!("cost-{tag}");
    let created = stash(ws, &id, "cost");
    let events = |e: Option<EventRecord>| {
        if with {
            e.into_iter().collect()
        } else {
            Vec::new()
        }
    };
    let create = StashWrite {
        record: created.clone(),
        expected_version: None,
        idempotency: None,
        events: events(resource_event(
            None,
            Some(&created.stash),
            Actor::client("bench"),
        )),
    };
    let a = units(counter, async {
        store
            .save_stash(&create)
            .await
            .map(drop)
            .map_err(Into::into)
    })
    .await?;
    let mut updated = created.clone();
    updated.stash.name = "renamed".into();
    updated.version = 2;
    let update = StashWrite {
        record: updated.clone(),
        expected_version: Some(1),
        idempotency: None,
        events: events(resource_event(
            Some(&created.stash),
            Some(&updated.stash),
            Actor::client("bench"),
        )),
    };
    let b = units(counter, async {
        store
            .save_stash(&update)
            .await
            .map(drop)
            .map_err(Into::into)
    })
    .await?;
    let gone = events(resource_event(
        Some(&updated.stash),
        None,
        Actor::client("bench"),
    ));
    let c = units(counter, async {
        store
            .delete_stash(ws, &rid(&id), 2, &gone)
            .await
            .map(drop)
            .map_err(Into::into)
    })
    .await?;
    let (flag_id, now) = new_flag_id();
    let detail = Detail {
        id: rid(&format!("d-{tag}")),
        workspace_id: ws,
        name: "d".into(),
        description: String::new(),
        library: Library::Typical,
        tag_ids: Vec::new(),
        project_id: None,
        has_pdf: false,
        has_rvt: false,
        created_at: now,
        updated_at: now,
        open_flags: 0,
    };
    let flag = Flag {
        id: flag_id,
        detail_id: detail.id.clone(),
        reason: FlagReason::Outdated,
        note: None,
        status: FlagStatus::Open,
        resolution_note: None,
        created_by: "bench".into(),
        created_at: now,
        resolved_at: None,
        updated_at: now,
    };
    let flag_write = FlagWrite {
        workspace_id: ws,
        events: events(Some(flag_event(
            ws,
            &flag,
            Change::Created,
            &detail,
            Actor::client("bench"),
        ))),
        record: FlagRecord { flag, version: 1 },
        expected_version: None,
        open_flags: OpenFlagsChange::Opened,
        open_limit: Some(100),
        idempotency: None,
    };
    let d = units(counter, async {
        store
            .save_flag(&flag_write)
            .await
            .map(drop)
            .map_err(Into::into)
    })
    .await?;
    Ok(vec![a, b, c, d])
}

pub async fn run(
    writes: usize,
    writers: usize,
    json_out: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        std::env::var_os("AWS_ENDPOINT_URL_DYNAMODB").is_some(),
        "run through infra/scripts/bench.sh (DynamoDB Local)"
    );
    let table = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let counter = Counter::default();
    let first = counted_store(&table, &counter).await;
    first.create_table().await?;
    let ws = WorkspaceId::parse(WS).unwrap();
    // The counter's first read is a read: out of the figures.
    first.last_event_sequence(ws).await?;

    let without = write_units(&first, &counter, ws, false).await?;
    let with = write_units(&first, &counter, ws, true).await?;
    println!(
        "{:<16} {:>15} {:>12} {:>13} {:>10}",
        "write", "items no event", "items event", "WCU no event", "WCU event"
    );
    let names = [
        "stash create",
        "stash update",
        "stash delete",
        "flag create",
    ];
    let mut rows = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let ((a, b), (c, d)) = (without[i], with[i]);
        println!("{name:<16} {a:>15} {c:>12} {b:>13} {d:>10}");
        rows.push(
            json!({"write": name, "items_without_event": a, "items_with_event": c,
            "write_units_without_event": b, "write_units_with_event": d}),
        );
    }

    // Concurrent writers, a reader following the feed from where it stands before they
    // start.
    let reader = store(&table).await;
    let mut after = reader.last_event_sequence(ws).await?;
    let start_after = after;
    let started = Instant::now();
    let per = writes.div_ceil(writers);
    let mut tasks = Vec::new();
    let mut stores = Vec::new();
    for w in 0..writers {
        let s = Arc::new(store(&table).await);
        stores.push(s.clone());
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::with_capacity(per);
            for i in 0..per {
                let record = stash(ws, &format!("w{w}-{i}"), "concurrent");
                let event = resource_event(None, Some(&record.stash), Actor::client("bench"))
                    .expect("a create");
                ids.push(event.event.id.to_string());
                let write = StashWrite {
                    record,
                    expected_version: None,
                    idempotency: None,
                    events: vec![event],
                };
                s.save_stash(&write).await?;
            }
            anyhow::Ok(ids)
        }));
    }
    let mut seen: Vec<String> = Vec::new();
    let mut sequences: Vec<u64> = Vec::new();
    let mut pages = 0u64;
    let items_before = reader.items_read();
    loop {
        let done = tasks.iter().all(|t| t.is_finished());
        let page = reader.query_events(ws, after, 101).await?;
        pages += 1;
        let page: Vec<_> = page.into_iter().take(100).collect();
        for e in &page {
            seen.push(e.event.id.to_string());
            sequences.push(e.event.sequence);
            after = e.event.sequence;
        }
        if done && page.is_empty() {
            break;
        }
    }
    let read_per_page = (reader.items_read() - items_before) as f64 / pages as f64;
    let mut written = HashSet::new();
    for t in tasks {
        written.extend(t.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let renumbered: u64 = stores.iter().map(|s| s.renumberings()).sum();
    let tries = (written.len() as u64 + renumbered) as f64 / written.len() as f64;
    let unique: HashSet<&String> = seen.iter().collect();
    let lost = written.iter().filter(|id| !unique.contains(id)).count();
    let twice = seen.len() - unique.len();
    let gapless = sequences
        .iter()
        .zip(start_after + 1..)
        .all(|(s, want)| *s == want);
    println!(
        "{writers} writers, {} writes in {elapsed:.1} s ({:.0}/s): {lost} lost, {twice} seen twice, \
         sequences gapless: {gapless}; {tries:.2} tries a write; {pages} feed pages, \
         {read_per_page:.1} items read a page",
        written.len(),
        written.len() as f64 / elapsed
    );
    let out = json!({
        "write_units": rows,
        "concurrent": {
            "writers": writers,
            "writes": written.len(),
            "seconds": elapsed,
            "events_lost": lost,
            "events_seen_twice": twice,
            "sequences_gapless": gapless,
            "tries_per_write": tries,
            "feed_pages": pages,
            "items_read_per_page": read_per_page,
        },
        "measured_on": "DynamoDB Local",
    });
    if let Some(path) = json_out {
        std::fs::write(path, serde_json::to_string_pretty(&out)? + "\n")?;
    }
    Ok(())
}
