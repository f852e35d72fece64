//! What the word index costs a write: the items and write units that one family upload's
//! commit and one detail's import send to DynamoDB Local, for a description of 2,000
//! characters of distinct words. Counted on the wire (every put and delete of every
//! `PutItem`, `DeleteItem`, `BatchWriteItem` and `TransactWriteItems`), split into search
//! list items (`DLIST#`, `FLIST#`: copies and sizes) and the rest; write units as DynamoDB
//! Local reports them, and as DynamoDB bills the items sent (1 KB units, twice in a
//! transaction).

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::jobs::{JobRecord, JobSpec, JobStatus, StoredResult, UploadResult, UploadSpec};
use pirros_shared::model::*;
use pirros_shared::search::words;
use pirros_shared::store::JobStore;
use pirros_shared::store::Metered;
use pirros_shared::store::dynamo::DynamoStore;
use pirros_shared::store::{AdminStore, CommitOutcome, Item, VersionCommit};
use pirros_shared::timestamp::Timestamp;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const WS: &str = "5ca1ab1e-0000-4000-8000-000000000002";

/// Writes seen on the wire since the last `take`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tally {
    pub index_items: u64,
    pub other_items: u64,
    /// Write units as DynamoDB bills the items sent: 1 per started KB of a put (deletes
    /// count 1: their size is the stored item's, not sent), twice in a transaction.
    pub index_units: u64,
    pub other_units: u64,
    index_bytes: u64,
}

/// Counts the writes a DynamoDB client sends (an interceptor of its config).
#[derive(Clone, Debug, Default)]
pub(crate) struct Counter(Arc<Mutex<Tally>>);

impl Counter {
    pub(crate) fn take(&self) -> Tally {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// An attribute value's size as DynamoDB counts it (as `store::dynamo::item_bytes` does).
fn value_bytes(v: &Value) -> u64 {
    let Some((t, inner)) = v.as_object().and_then(|o| o.iter().next()) else {
        return 0;
    };
    match t.as_str() {
        "S" | "N" => inner.as_str().map_or(0, |s| s.len() as u64),
        "L" => {
            3 + inner
                .as_array()
                .into_iter()
                .flatten()
                .map(|x| 1 + value_bytes(x))
                .sum::<u64>()
        }
        "M" => {
            3 + inner
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, x)| 1 + k.len() as u64 + value_bytes(x))
                .sum::<u64>()
        }
        _ => 1,
    }
}

fn item_bytes(item: &Value) -> u64 {
    item.as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| k.len() as u64 + value_bytes(v))
        .sum()
}

impl Counter {
    /// One put (`item` set) or delete (`key` only), `factor` 2 inside a transaction.
    fn add(&self, key_or_item: &Value, put: bool, factor: u64) {
        let pk = key_or_item
            .pointer("/pk/S")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let bytes = if put { item_bytes(key_or_item) } else { 0 };
        let units = factor * bytes.div_ceil(1024).max(1);
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if pk.starts_with("DLIST#") || pk.starts_with("FLIST#") {
            t.index_items += 1;
            t.index_units += units;
            t.index_bytes += bytes;
        } else {
            t.other_items += 1;
            t.other_units += units;
        }
    }
}

impl Intercept for Counter {
    fn name(&self) -> &'static str {
        "WriteCounter"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = context.request();
        let op = req
            .headers()
            .get("x-amz-target")
            .and_then(|t| t.rsplit('.').next())
            .unwrap_or_default()
            .to_owned();
        let body: Value = serde_json::from_slice(req.body().bytes().unwrap_or_default())?;
        match op.as_str() {
            "PutItem" => self.add(&body["Item"], true, 1),
            "DeleteItem" | "UpdateItem" => self.add(&body["Key"], false, 1),
            "BatchWriteItem" => {
                for table in body["RequestItems"].as_object().into_iter().flatten() {
                    for w in table.1.as_array().into_iter().flatten() {
                        if let Some(p) = w.get("PutRequest") {
                            self.add(&p["Item"], true, 1);
                        } else if let Some(d) = w.get("DeleteRequest") {
                            self.add(&d["Key"], false, 1);
                        }
                    }
                }
            }
            "TransactWriteItems" => {
                for t in body["TransactItems"].as_array().into_iter().flatten() {
                    if let Some(p) = t.get("Put") {
                        self.add(&p["Item"], true, 2);
                    } else if let Some(x) = t.get("Delete").or(t.get("Update")) {
                        self.add(&x["Key"], false, 2);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Deterministic pseudo-random numbers.
fn mix(i: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

/// `chars` characters of distinct words of 3 to 12 random letters, one space apart.
pub fn distinct_words(chars: usize) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = String::new();
    let mut i = 0u64;
    while out.len() < chars {
        i += 1;
        let r = mix(i);
        let len = 3 + (r % 10) as usize;
        let w: String = (0..len)
            .map(|k| (b'a' + (mix(r.wrapping_add(k as u64 + 1)) % 26) as u8) as char)
            .collect();
        if !seen.insert(w.clone()) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w);
    }
    out.truncate(chars);
    out.trim_end().to_owned()
}

fn rid(s: &str) -> ResourceId {
    ResourceId::parse(s).expect("bench ids are plain")
}

fn row(what: &str, t: Tally, reported: f64) -> Value {
    println!(
        "{what:<44} {:>6} {:>6} {:>9} {:>9} {:>10.1}",
        t.index_items, t.other_items, t.index_units, t.other_units, reported
    );
    json!({
        "write": what,
        "index_items": t.index_items,
        "other_items": t.other_items,
        "index_bytes": t.index_bytes,
        "index_write_units_billed": t.index_units,
        "other_write_units_billed": t.other_units,
        "write_units_reported": reported,
    })
}

pub async fn run(chars: usize, json_out: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    anyhow::ensure!(
        std::env::var_os("AWS_ENDPOINT_URL_DYNAMODB").is_some(),
        "run through infra/scripts/bench.sh (DynamoDB Local)"
    );
    let counter = Counter::default();
    let sdk = pirros_shared::config::aws::sdk_config().await;
    let conf = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .interceptor(counter.clone())
        .build();
    let table = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::from_conf(conf), &table);
    store.create_table().await?;
    let ws = WorkspaceId::parse(WS).unwrap();
    let text = distinct_words(chars);
    let word_count = words::words(&text).len();
    let entries = words::prefix_entries(&[&text]).len();
    println!(
        "description: {} characters, {word_count} distinct words, {entries} word entries",
        text.chars().count()
    );
    println!(
        "{:<44} {:>6} {:>6} {:>9} {:>9} {:>10}",
        "write", "index", "other", "idx WCU", "other WCU", "WCU (DDBL)"
    );
    let mut rows = Vec::new();
    let now = Timestamp::now();

    // An upload that makes a new family, then one that adds its next version.
    let family = FamilyRecord {
        family: Family {
            id: rid("bench-family"),
            workspace_id: ws,
            name: "Bench family".into(),
            category: "Doors".into(),
            description: text.clone(),
            tag_ids: vec![rid("tag-bench")],
            project_id: None,
            has_rfa: true,
            version: 1,
            file: None,
            created_at: now,
            updated_at: now,
            group_id: None,
        },
        files: Default::default(),
    };
    let spec = UploadSpec {
        family_id: family.family.id.clone(),
        new_family: true,
        name: Some(family.family.name.clone()),
        category: Some(family.family.category.clone()),
        description: Some(text.clone()),
        tag_ids: Some(family.family.tag_ids.clone()),
        project_id: None,
        file_name: "Bench.rfa".into(),
        size_bytes: 1,
        sha256: "0".repeat(64),
        note: None,
        upload_expires_at: now.plus_secs(900),
    };
    let mut current = family;
    for (what, expected) in [
        ("upload: new family (commit)", None),
        ("upload: its next version (commit)", Some(1)),
    ] {
        let mut job = JobRecord::new(
            ws,
            ClientId::parse("bench-client").unwrap(),
            JobSpec::Upload(Box::new(spec.clone())),
            JobStatus::Processing,
        );
        store.create_job(&job, None).await?;
        if let Some(v) = expected {
            current.family.version = v + 1;
            current.family.updated_at = Timestamp::from_millis(now.millis() + 1000);
        }
        let mut done = job.advanced(JobStatus::Succeeded);
        done.result = Some(StoredResult::Upload(UploadResult {
            family_id: current.family.id.clone(),
            version: current.family.version,
        }));
        counter.take();
        let units0 = store.consumed_capacity().1;
        let outcome = store
            .commit_family_version(&VersionCommit {
                events: Vec::new(),
                family: current.clone(),
                expected_family_version: expected,
                version: current.current_version(None, Some("bench-client".into())),
                job: done,
                expected_job_revision: job.revision,
            })
            .await?;
        anyhow::ensure!(outcome == CommitOutcome::Committed, "{outcome:?}");
        rows.push(row(
            what,
            counter.take(),
            store.consumed_capacity().1 - units0,
        ));
        job.revision += 1;
    }

    // An import of one detail with the same description.
    let detail = DetailRecord {
        detail: Detail {
            id: rid("bench-detail"),
            workspace_id: ws,
            name: "Bench detail".into(),
            description: text,
            library: Library::Typical,
            tag_ids: vec![rid("tag-bench")],
            project_id: Some(rid("proj-bench")),
            has_pdf: false,
            has_rvt: false,
            created_at: now,
            updated_at: now,
            open_flags: 0,
        },
        files: Default::default(),
        family_ids: Vec::new(),
    };
    counter.take();
    let units0 = store.consumed_capacity().1;
    store.put_items(&[Item::Detail(detail)]).await?;
    rows.push(row(
        "import: one detail",
        counter.take(),
        store.consumed_capacity().1 - units0,
    ));

    let sdk_client = aws_sdk_dynamodb::Client::new(&sdk);
    if let Err(e) = sdk_client.delete_table().table_name(&table).send().await {
        eprintln!("could not delete {table}: {e}");
    }
    if let Some(path) = json_out {
        let doc = json!({
            "description_chars": chars,
            "distinct_words": word_count,
            "word_entries": entries,
            "rows": rows,
        });
        std::fs::write(path, serde_json::to_string_pretty(&doc)? + "\n")?;
    }
    Ok(())
}
