//! Budgets and caps: every list page reads a bounded number of items and resumes exactly
//! where it stopped; a detail holds at most 100 open flags, also under concurrent
//! creates; a credential waits in at most 2 job reads and holds at most 3 exports at once;
//! an export larger than `MAX_EXPORT_BYTES` fails before its zip is written.

use futures::StreamExt;
use pirros_shared::flags::{Flag, FlagReason, FlagRecord, FlagStatus, OpenFlagsChange};
use pirros_shared::ids::ClientId;
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::jobs::export_key;
use pirros_shared::model::{ItemIds, Stash, StashRecord};
use pirros_shared::search::budget;
use pirros_shared::store::{FlagWrite, Item, LeaseKind, SaveOutcome, Store};
use pirros_shared::timestamp::Timestamp;
use pirros_tests::uploads::{rfa, upload_body};
use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;

pirros_tests::on_both_stores!(
    a_sparse_flag_page_reads_within_its_budget_and_the_walk_misses_nothing,
    a_sparse_references_page_reads_within_its_budget,
    the_101st_open_flag_is_refused_and_resolving_one_makes_room,
    a_search_page_counts_flags_past_the_counts_read_beside_it,
    concurrent_flags_never_pass_the_limit,
    a_third_waiting_read_answers_at_once_and_waits_give_their_slots_back,
    a_wait_whose_client_hangs_up_gives_its_slot_back,
    a_fourth_export_is_refused_until_one_ends,
    a_holder_keeps_its_one_slot_and_lapsed_slots_are_free,
    an_export_of_a_stash_you_cannot_read_holds_no_slot,
    an_export_over_the_byte_cap_fails_before_its_zip_is_written,
);

fn rid(s: &str) -> ResourceId {
    ResourceId::parse(s).expect("plain id")
}

fn ws_id(ws: &str) -> WorkspaceId {
    WorkspaceId::parse(ws).expect("workspace uuid")
}

fn flags_path(detail: &str) -> String {
    format!("/v1/workspaces/{A1}/details/{detail}/flags")
}

/// A flag of `detail` in A1 as the API writes one, with id `id`.
fn flag_record(detail: &str, id: &ResourceId, status: FlagStatus) -> FlagRecord {
    let now = Timestamp::now();
    FlagRecord {
        flag: Flag {
            id: id.clone(),
            detail_id: rid(detail),
            reason: FlagReason::Outdated,
            note: None,
            status,
            resolution_note: None,
            created_by: "flagger-a".into(),
            created_at: now,
            resolved_at: (status == FlagStatus::Resolved).then_some(now),
            updated_at: now,
        },
        version: 1,
    }
}

/// Writes flags straight to the store, a few at a time (the open count is not what the
/// tests using this look at, so the writes leave it alone and never contend on it).
async fn put_flags(store: &dyn Store, detail: &str, flags: &[(ResourceId, FlagStatus)]) {
    futures::stream::iter(flags)
        .map(|(id, status)| async move {
            let write = FlagWrite {
                events: Vec::new(),
                workspace_id: ws_id(A1),
                record: flag_record(detail, id, *status),
                expected_version: None,
                open_flags: OpenFlagsChange::Unchanged,
                open_limit: None,
                idempotency: None,
            };
            assert_eq!(store.save_flag(&write).await.unwrap(), SaveOutcome::Saved);
        })
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
}

/// Items the server's store reads for one GET of `path`.
async fn items_read_by(api: &Api, path: &str, token: &str) -> (Reply, u64) {
    let before = api.store().items_read();
    let r = api.get(path, token).await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    (r, api.store().items_read() - before)
}

/// Every page of `path` (which has a `?`), following `next_cursor`: the ids in order, and
/// the most items any page read beyond what a page of an empty list reads (`base`).
async fn walk(api: &Api, path: &str, token: &str, base: u64) -> (Vec<String>, u64) {
    let mut seen = Vec::new();
    let mut most = 0;
    let mut cursor: Option<String> = None;
    loop {
        let page = match &cursor {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_owned(),
        };
        let (r, read) = items_read_by(api, &page, token).await;
        most = most.max(read.saturating_sub(base));
        seen.extend(ids(&r));
        match r.body["response"]["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return (seen, most),
        }
    }
}

/// 800 open flags newer than 40 resolved ones: a page of resolved flags used to read all
/// 800 open ones first. Now each page reads at most `budget(limit)` flags, answering fewer
/// (even none) with a cursor, and the walk still returns every resolved flag once.
async fn a_sparse_flag_page_reads_within_its_budget_and_the_walk_misses_nothing(b: Backend) {
    let api = api(b).await;
    let t = api.token("flagger-a").await;
    // Flag ids sort by creation: the first 40 made are the oldest.
    let mut made: Vec<ResourceId> = (0..840)
        .map(|_| pirros_shared::flags::new_flag_id().0)
        .collect();
    made.sort();
    let flags: Vec<(ResourceId, FlagStatus)> = made
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let status = if i < 40 {
                FlagStatus::Resolved
            } else {
                FlagStatus::Open
            };
            (id.clone(), status)
        })
        .collect();
    put_flags(api.store(), "d2", &flags).await;
    let newest_first = |status: FlagStatus| -> Vec<String> {
        flags
            .iter()
            .rev()
            .filter(|(_, s)| *s == status)
            .map(|(id, _)| id.to_string())
            .collect()
    };
    // What a page of a detail without flags reads: the credential and the detail.
    let (_, base) = items_read_by(&api, &flags_path("d5"), &t).await;

    let (first, read) =
        items_read_by(&api, &format!("{}?status=resolved", flags_path("d2")), &t).await;
    let read = read - base;
    eprintln!("{b:?}: the first resolved page read {read} flags");
    assert!(read <= budget(25) as u64, "read {read} flags");
    assert!(ids(&first).is_empty(), "only open flags within the budget");
    assert!(first.body["response"]["next_cursor"].is_string());

    for (limit, status, query) in [
        (25, FlagStatus::Resolved, "status=resolved"),
        (7, FlagStatus::Resolved, "status=resolved"),
        (100, FlagStatus::Open, "status=open"),
    ] {
        let path = format!("{}?{query}&limit={limit}", flags_path("d2"));
        let (walked, most) = walk(&api, &path, &t, base).await;
        assert!(
            most <= budget(limit) as u64,
            "{query} limit {limit}: {most}"
        );
        assert_eq!(walked, newest_first(status), "{query} limit {limit}");
        assert_eq!(walked.iter().collect::<HashSet<_>>().len(), walked.len());
    }
    let (all, most) = walk(&api, &format!("{}?limit=100", flags_path("d2")), &t, base).await;
    assert_eq!(all.len(), 840);
    assert!(most <= budget(100) as u64);
}

/// A stash of A1 made by someone else, holding family `f1`.
fn stash_holding_f1(id: &str) -> Item {
    let at = Timestamp::parse("2026-07-01T00:00:00Z").unwrap();
    Item::Stash(StashRecord {
        stash: Stash {
            id: rid(id),
            workspace_id: ws_id(A1),
            // Before "Mine", the name of `stash-mine-a`'s own stash.
            name: format!("A hidden stash {id}"),
            description: None,
            project_id: rid(PA),
            is_permanent: false,
            item_ids: ItemIds {
                detail_ids: Vec::new(),
                family_ids: vec![rid("f1")],
            },
            created_by: "someone-else".into(),
            created_at: at,
            updated_at: at,
        },
        version: 1,
    })
}

/// `stash-mine-a` may read its own stashes only: 300 others holding `f1` sort between
/// the details that place it and its own stash. A page reads within its budget and the
/// walk still reaches that stash.
async fn a_sparse_references_page_reads_within_its_budget(b: Backend) {
    let api = api(b).await;
    let items: Vec<Item> = (0..300)
        .map(|i| stash_holding_f1(&format!("other-{i:04}")))
        .collect();
    api.operator().put_items(&items).await.unwrap();
    let t = api.token("stash-mine-a").await;
    let refs = format!("/v1/workspaces/{A1}/families/f1/references");
    let one_page = api.get(&format!("{refs}?limit=100"), &t).await;
    assert_eq!(one_page.status, 200, "{}", one_page.text);
    let everything = ids(&one_page);
    // The details by name, then the caller's own stash, after every hidden one.
    assert_eq!(everything, ["d3", "d1", "d2", "s1"], "{}", one_page.text);
    assert_eq!(one_page.body["response"]["next_cursor"], Value::Null);
    // What a page of a family without uses reads: the credential, its filter, the family.
    let (_, base) = items_read_by(
        &api,
        &format!("/v1/workspaces/{A1}/families/f4/references"),
        &t,
    )
    .await;
    for limit in [1, 2, 5] {
        let (walked, most) = walk(&api, &format!("{refs}?limit={limit}"), &t, base).await;
        assert_eq!(walked, everything, "limit {limit}");
        assert!(most <= budget(limit) as u64, "limit {limit}: {most}");
    }
}

/// Opens `n` flags on `detail` as the API would (each counted), one after another.
async fn open_flags_in_store(store: &dyn Store, detail: &str, n: usize) {
    for _ in 0..n {
        let (id, _) = pirros_shared::flags::new_flag_id();
        let write = FlagWrite {
            events: Vec::new(),
            workspace_id: ws_id(A1),
            record: flag_record(detail, &id, FlagStatus::Open),
            expected_version: None,
            open_flags: OpenFlagsChange::Opened,
            open_limit: None,
            idempotency: None,
        };
        assert_eq!(store.save_flag(&write).await.unwrap(), SaveOutcome::Saved);
    }
}

async fn open_count(api: &Api, token: &str, detail: &str) -> Value {
    let r = api
        .get(&format!("/v1/workspaces/{A1}/details/{detail}"), token)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["response"]["open_flags"].clone()
}

async fn post_flag(api: &Api, token: &str, detail: &str, note: &str) -> Reply {
    api.write(
        Method::POST,
        &flags_path(detail),
        token,
        &json!({"reason": "other", "note": note}),
        None,
    )
    .await
}

#[track_caller]
fn assert_limit_exceeded(r: &Reply) {
    r.assert_error(409, "limit_exceeded");
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("100"), "states the limit: {message}");
}

/// A search page reads the workspace's first 100 counts beside its list; with more
/// details flagged than that, the page's others are read after it, and every count is
/// still exact.
async fn a_search_page_counts_flags_past_the_counts_read_beside_it(b: Backend) {
    let api = api(b).await;
    let t = api.token("flagger-a").await;
    // 100 flagged details whose ids sort before the workspace's (they need no record).
    for i in 0..100 {
        open_flags_in_store(api.store(), &format!("a{i:03}"), 1).await;
    }
    open_flags_in_store(api.store(), "d2", 3).await;
    assert_eq!(
        post_flag(&api, &t, "d1", "past the first hundred")
            .await
            .status,
        201
    );
    let r = api.get(&format!("/v1/workspaces/{A1}/details"), &t).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let data = r.body["response"]["data"].as_array().unwrap();
    assert!(data.len() >= 3, "{}", r.text);
    for d in data {
        let want = match d["id"].as_str().unwrap() {
            "d1" => 1,
            "d2" => 3,
            _ => 0,
        };
        assert_eq!(d["open_flags"], want, "{d}");
    }
}

async fn the_101st_open_flag_is_refused_and_resolving_one_makes_room(b: Backend) {
    let api = api(b).await;
    let t = api.token("flagger-a").await;
    open_flags_in_store(api.store(), "d4", 99).await;
    let last = post_flag(&api, &t, "d4", "the hundredth").await;
    assert_eq!(last.status, 201, "{}", last.text);
    assert_eq!(open_count(&api, &t, "d4").await, 100);
    let refused = post_flag(&api, &t, "d4", "one too many").await;
    assert_limit_exceeded(&refused);
    // With a key too: refused, and nothing remembered that a retry would replay.
    for _ in 0..2 {
        let r = api
            .write(
                Method::POST,
                &flags_path("d4"),
                &t,
                &json!({"reason": "outdated"}),
                Some("over-the-limit"),
            )
            .await;
        assert_limit_exceeded(&r);
    }
    assert_eq!(open_count(&api, &t, "d4").await, 100);
    // Another detail is not affected.
    assert_eq!(post_flag(&api, &t, "d5", "elsewhere").await.status, 201);
    // Resolving one makes room for exactly one.
    let id = last.body["response"]["id"].as_str().unwrap();
    let r = api
        .write(
            Method::PATCH,
            &format!("{}/{id}", flags_path("d4")),
            &t,
            &json!({"status": "resolved"}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(open_count(&api, &t, "d4").await, 99);
    let again = api
        .write(
            Method::POST,
            &flags_path("d4"),
            &t,
            &json!({"reason": "outdated"}),
            Some("over-the-limit"),
        )
        .await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_limit_exceeded(&post_flag(&api, &t, "d4", "full again").await);
    assert_eq!(open_count(&api, &t, "d4").await, 100);
}

/// 20 flags at once on a detail with 95 open: exactly 5 are written, whichever store.
async fn concurrent_flags_never_pass_the_limit(b: Backend) {
    let api = Arc::new(api(b).await);
    let t = api.token("flagger-a").await;
    open_flags_in_store(api.store(), "d3", 95).await;
    let barrier = Arc::new(tokio::sync::Barrier::new(20));
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (api, t, barrier) = (api.clone(), t.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            post_flag(&api, &t, "d3", &format!("racer {i}")).await
        }));
    }
    let mut created = 0;
    for task in tasks {
        let r = task.await.unwrap();
        if r.status == 201 {
            created += 1;
        } else {
            assert_limit_exceeded(&r);
        }
    }
    assert_eq!(created, 5);
    assert_eq!(open_count(&api, &t, "d3").await, 100);
    let open = api
        .get(&format!("{}?status=open&limit=100", flags_path("d3")), &t)
        .await;
    assert_eq!(ids(&open).len(), 100);
    assert_eq!(open.body["response"]["next_cursor"], Value::Null);
}

fn client(id: &str) -> ClientId {
    ClientId::parse(id).expect("client id")
}

/// Whether `n` more slots of `kind` are free for `client`: takes them under probe names,
/// then gives them back.
async fn free_slots(store: &dyn Store, kind: LeaseKind, client: &ClientId, n: usize) -> bool {
    let until = Timestamp::now().plus_secs(60);
    let mut taken = Vec::new();
    for i in 0..n {
        let holder = format!("probe-{i}");
        let Some(at) = store
            .take_lease(kind, client, &holder, until)
            .await
            .unwrap()
        else {
            break;
        };
        taken.push((holder, at));
    }
    let all = taken.len() == n;
    for (holder, at) in taken {
        store
            .drop_lease(kind, client, &holder, Some(at))
            .await
            .unwrap();
    }
    all
}

/// An upload's job whose file never comes: its id, and the URL that waits on it.
async fn fileless_job(api: &Api, t: &str) -> (String, String) {
    let r = api
        .start_upload(A1, t, &upload_body(&rfa(5_000, None), None))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.body["response"]["job"]["id"].as_str().unwrap().to_owned();
    let url = api.url(&format!(
        "/v1/workspaces/{A1}/jobs/{id}?wait_for_completion=true"
    ));
    (id, url)
}

async fn a_third_waiting_read_answers_at_once_and_waits_give_their_slots_back(b: Backend) {
    let api = Setup::new(b).env("JOB_WAIT_SECS", "15").start().await;
    let t = api.token("famwriter-a").await;
    // A job whose file never comes: every wait on it lasts the whole 15 seconds.
    let (id, url) = fileless_job(&api, &t).await;
    let waits: Vec<_> = (0..2)
        .map(|_| tokio::spawn(api.http.get(&url).bearer_auth(&t).send()))
        .collect();
    // Both have taken their slots long before their 15 seconds are up.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let third = api.wait_job(A1, &t, &id).await;
    assert_eq!(third.status, 200, "{}", third.text);
    assert_eq!(third.body["response"]["status"], "awaiting_upload");
    assert!(
        waits.iter().all(|w| !w.is_finished()),
        "the third read answered at once, while the first two still wait"
    );
    for w in waits {
        let r = w.await.unwrap().unwrap();
        assert_eq!(r.status(), 200);
    }
    // Both waits gave their slots back: two are free again.
    let famwriter = client("famwriter-a");
    assert!(free_slots(api.store(), LeaseKind::Waits, &famwriter, 2).await);
    // A read without `wait_for_completion` never needs a slot.
    for w in ["w1", "w2"] {
        let until = Timestamp::now().plus_secs(60);
        let taken = api
            .store()
            .take_lease(LeaseKind::Waits, &famwriter, w, until);
        assert!(taken.await.unwrap().is_some());
    }
    let plain = api.get(&format!("/v1/workspaces/{A1}/jobs/{id}"), &t).await;
    assert_eq!(plain.status, 200, "{}", plain.text);
}

/// A waiting read whose client hangs up gives its slot back then (the server drops the
/// request), not when the slot lapses after the whole wait: two such, and both slots are
/// free again while the waits would still be running.
async fn a_wait_whose_client_hangs_up_gives_its_slot_back(b: Backend) {
    let api = Setup::new(b).env("JOB_WAIT_SECS", "60").start().await;
    let t = api.token("famwriter-a").await;
    let (_, url) = fileless_job(&api, &t).await;
    let famwriter = client("famwriter-a");
    for _ in 0..2 {
        let gone = api
            .http
            .get(&url)
            .bearer_auth(&t)
            .timeout(std::time::Duration::from_secs(1))
            .send()
            .await;
        assert!(gone.is_err_and(|e| e.is_timeout()), "the client hung up");
    }
    // Both hung up within the 60 s the waits would hold: the slots come back shortly.
    let mut free = false;
    for _ in 0..50 {
        if free_slots(api.store(), LeaseKind::Waits, &famwriter, 2).await {
            free = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        free,
        "both slots were given back when their clients went away"
    );
}

/// Slots are claimed in order without reading the lease first: a holder taking again
/// keeps the slot it has (not a free one below it), a lapsed slot is anyone's, and a full
/// lease refuses.
async fn a_holder_keeps_its_one_slot_and_lapsed_slots_are_free(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let c = client("full-a");
    let later = Timestamp::now().plus_secs(600);
    let take = |holder: &'static str, until: Timestamp| {
        let c = c.clone();
        async move {
            store
                .take_lease(LeaseKind::Bulk, &c, holder, until)
                .await
                .unwrap()
        }
    };
    let first = take("first", later).await.expect("a slot");
    let second = take("second", later).await.expect("a slot");
    assert_ne!(first, second);
    store
        .drop_lease(LeaseKind::Bulk, &c, "first", Some(first))
        .await
        .unwrap();
    assert_eq!(
        take("second", later).await,
        Some(second),
        "taken again: the same"
    );
    // `second` holds one: two are free, and no more.
    assert!(free_slots(store, LeaseKind::Bulk, &c, 2).await);
    assert!(!free_slots(store, LeaseKind::Bulk, &c, 3).await);
    // A slot whose time is up is free for another.
    let lapsed = take("lapsed", Timestamp::now()).await.expect("a slot");
    let third = take("third", later).await.expect("a slot");
    let fourth = take("fourth", later).await.expect("a slot");
    assert!(
        [third, fourth].contains(&lapsed),
        "the lapsed slot was taken again"
    );
    assert_eq!(take("fifth", later).await, None, "every slot held");
}

/// The stash of an export is read before its job and slot are written: a refused export
/// (no such stash, or one the credential may not read) holds no slot.
async fn an_export_of_a_stash_you_cannot_read_holds_no_slot(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    for _ in 0..4 {
        let r = api
            .write(
                Method::POST,
                &format!("/v1/workspaces/{A1}/stashes/no-such-stash/exports"),
                &t,
                &json!({}),
                None,
            )
            .await;
        r.assert_error(404, "not_found");
    }
    assert!(free_slots(api.store(), LeaseKind::Bulk, &client("full-a"), 3).await);
}

async fn a_fourth_export_is_refused_until_one_ends(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let full = client("full-a");
    let path = format!("/v1/workspaces/{A1}/stashes/s1/exports");
    // Three exports queued or running (held here, so none ends while the test looks).
    let until = Timestamp::now().plus_secs(600);
    for held in ["x1", "x2", "x3"] {
        let taken = api.store().take_lease(LeaseKind::Bulk, &full, held, until);
        assert!(taken.await.unwrap().is_some());
    }
    // Refused with an `Idempotency-Key`: the key is not spent on the refusal.
    let r = api
        .write(Method::POST, &path, &t, &json!({}), Some("cap-1"))
        .await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(r.body["error"], "too_many_requests", "{}", r.text);
    assert_eq!(r.header("retry-after"), Some("30"));
    assert_eq!(r.body["retry_after"], 30);
    r.request_id();
    // Another credential's exports are its own.
    let other = api.token("stash-mine-a").await;
    let mine = api
        .write(Method::POST, &path, &other, &json!({}), None)
        .await;
    assert_eq!(mine.status, 202, "{}", mine.text);
    // One ends: the next is accepted, and gives its slot back when it ends in turn.
    api.store()
        .drop_lease(LeaseKind::Bulk, &full, "x1", None)
        .await
        .unwrap();
    let r = api.write(Method::POST, &path, &t, &json!({}), None).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.body["response"]["job"]["id"].as_str().unwrap();
    let done = api.wait_job(A1, &t, id).await;
    assert_eq!(
        done.body["response"]["status"], "succeeded",
        "{}",
        done.text
    );
    assert!(free_slots(api.store(), LeaseKind::Bulk, &full, 1).await);
    // The refused request left nothing behind: its key, sent again, starts a job.
    let again = api
        .write(Method::POST, &path, &t, &json!({}), Some("cap-1"))
        .await;
    assert_eq!(again.status, 202, "{}", again.text);
    assert_eq!(again.header("idempotent-replayed"), None);
}

async fn an_export_over_the_byte_cap_fails_before_its_zip_is_written(b: Backend) {
    // s1's three files are a few kilobytes together.
    let api = Setup::new(b).env("MAX_EXPORT_BYTES", "100").start().await;
    let t = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/stashes/s1/exports");
    let r = api.write(Method::POST, &path, &t, &json!({}), None).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.body["response"]["job"]["id"].as_str().unwrap().to_owned();
    let done = api.wait_job(A1, &t, &id).await;
    let job = &done.body["response"];
    assert_eq!(job["status"], "failed", "{}", done.text);
    assert_eq!(job["error"]["code"], "export_too_large");
    let message = job["error"]["message"].as_str().unwrap();
    assert!(message.contains("100 bytes"), "{message}");
    assert!(job["result"].is_null());
    let key = export_key(ws_id(A1), &rid(&id));
    let zip = api.running.app.state.objects.head(&key).await.unwrap();
    assert!(zip.is_none(), "no zip was written");
    // Its slot came back with its end.
    assert!(free_slots(api.store(), LeaseKind::Bulk, &client("full-a"), 3).await);
}
