//! The storage contract, run against both implementations: what the handlers rely on.

use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::model::{ItemIds, Stash, StashRecord, Tag};
use pirros_shared::search::lists::{ListKey, Listed, SearchList};
use pirros_shared::timestamp::Timestamp;
use pirros_store::{IdemKey, IdemRecord, Item, SaveOutcome, Slice, StashWrite, Store, StoreError};
use pirros_tests::ddb_proxy::{self, Faults};
use pirros_tests::*;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

pirros_tests::on_both_stores!(
    failed_transaction_writes_neither_stash_nor_record,
    lost_idempotency_race_returns_the_winner,
    expired_idempotency_records_are_replaced,
    an_answer_remembered_alone_keeps_its_key,
    every_credential_is_listed,
    hundreds_of_events_are_appended_in_order,
    rate_limit_admits_exactly_the_limit_under_concurrency,
    detail_lists_page_in_order,
    kill_switch_and_filters_round_trip,
    batch_reads_return_each_item_once,
    batch_reads_take_more_keys_than_one_call_holds,
    rewritten_detail_leaves_no_stale_search_copy,
    rewritten_detail_moves_in_every_index,
    rewritten_family_moves_in_every_index,
    list_sizes_count_members,
    lists_resume_after_any_position,
    rate_counts_are_readable_and_a_zero_limit_admits_nothing,
    published_keys_round_trip,
    a_job_holding_a_slot_is_written_with_it_or_not_at_all,
    a_job_alone_is_written_once,
);

fn ws() -> WorkspaceId {
    WorkspaceId::parse(A1).unwrap()
}

fn stash(id: &str, version: u64, name: &str) -> StashRecord {
    let now = Timestamp::now();
    StashRecord {
        stash: Stash {
            id: ResourceId::parse(id).unwrap(),
            workspace_id: ws(),
            name: name.into(),
            description: None,
            project_id: ResourceId::parse(PA).unwrap(),
            is_permanent: false,
            item_ids: ItemIds::default(),
            created_by: "full-a".into(),
            created_at: now,
            updated_at: now,
        },
        version,
    }
}

fn record(key: &str, body: &str, ttl_secs: i64) -> IdemRecord {
    IdemRecord {
        key: IdemKey {
            client_id: ClientId::parse("full-a").unwrap(),
            key: key.into(),
        },
        fingerprint: format!("fp-{body}"),
        status: 201,
        body: body.into(),
        etag: Some("\"v1\"".into()),
        expires_at: Timestamp::from_millis(Timestamp::now().millis() + ttl_secs * 1000),
    }
}

async fn failed_transaction_writes_neither_stash_nor_record(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    // Update with a stale expected version: the transaction is cancelled as a whole.
    let write = StashWrite {
        events: Vec::new(),
        record: stash("s1", 99, "should not land"),
        expected_version: Some(41),
        idempotency: Some(record("k-fail", "body", 60)),
    };
    assert_eq!(
        store.save_stash(&write).await.unwrap(),
        SaveOutcome::VersionMismatch
    );
    assert!(
        store
            .get_idempotency(&write.idempotency.unwrap().key)
            .await
            .unwrap()
            .is_none()
    );
    let s1 = store
        .get_stash(ws(), &ResourceId::parse("s1").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s1.stash.name, "Mine");
    assert_eq!(s1.version, 1);
    // Create of an id that exists fails the same way.
    let dup = StashWrite {
        events: Vec::new(),
        record: stash("s1", 1, "dup"),
        expected_version: None,
        idempotency: Some(record("k-dup", "body", 60)),
    };
    assert_eq!(
        store.save_stash(&dup).await.unwrap(),
        SaveOutcome::VersionMismatch
    );
    assert!(
        store
            .get_idempotency(&dup.idempotency.unwrap().key)
            .await
            .unwrap()
            .is_none()
    );
}

async fn lost_idempotency_race_returns_the_winner(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let first = StashWrite {
        events: Vec::new(),
        record: stash("race-1", 1, "first"),
        expected_version: None,
        idempotency: Some(record("k-race", "first-body", 60)),
    };
    assert_eq!(store.save_stash(&first).await.unwrap(), SaveOutcome::Saved);
    let second = StashWrite {
        events: Vec::new(),
        record: stash("race-2", 1, "second"),
        expected_version: None,
        idempotency: Some(record("k-race", "second-body", 60)),
    };
    match store.save_stash(&second).await.unwrap() {
        SaveOutcome::IdempotencyTaken(rec) => assert_eq!(rec.body, "first-body"),
        other => panic!("{other:?}"),
    }
    assert!(
        store
            .get_stash(ws(), &ResourceId::parse("race-2").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

async fn expired_idempotency_records_are_replaced(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let old = StashWrite {
        events: Vec::new(),
        record: stash("exp-1", 1, "old"),
        expected_version: None,
        idempotency: Some(record("k-exp", "old-body", -10)),
    };
    assert_eq!(store.save_stash(&old).await.unwrap(), SaveOutcome::Saved);
    let new = StashWrite {
        events: Vec::new(),
        record: stash("exp-2", 1, "new"),
        expected_version: None,
        idempotency: Some(record("k-exp", "new-body", 60)),
    };
    assert_eq!(store.save_stash(&new).await.unwrap(), SaveOutcome::Saved);
    let rec = store
        .get_idempotency(&new.idempotency.unwrap().key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.body, "new-body");
}

/// `remember_answer`: the first record of a key is kept, a second live one gets it back,
/// and an expired one is replaced.
async fn an_answer_remembered_alone_keeps_its_key(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let first = record("k-alone", "first", 60);
    assert_eq!(
        store.remember_answer(&first).await.unwrap(),
        SaveOutcome::Saved
    );
    match store
        .remember_answer(&record("k-alone", "second", 60))
        .await
        .unwrap()
    {
        SaveOutcome::IdempotencyTaken(rec) => assert_eq!(rec.body, "first"),
        other => panic!("{other:?}"),
    }
    let stored = store.get_idempotency(&first.key).await.unwrap().unwrap();
    assert_eq!(stored.body, "first");
    let expired = record("k-lapsed", "old", -10);
    assert_eq!(
        store.remember_answer(&expired).await.unwrap(),
        SaveOutcome::Saved
    );
    assert_eq!(
        store
            .remember_answer(&record("k-lapsed", "new", 60))
            .await
            .unwrap(),
        SaveOutcome::Saved
    );
    let stored = store.get_idempotency(&expired.key).await.unwrap().unwrap();
    assert_eq!(stored.body, "new");
}

/// `list_credentials`: each of the fixture's credentials once, with its grants.
async fn every_credential_is_listed(b: Backend) {
    let api = api(b).await;
    let mut listed: Vec<String> = api
        .operator()
        .list_credentials()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.client_id.to_string())
        .collect();
    listed.sort();
    let world: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture_path("world.json")).unwrap())
            .unwrap();
    let mut expected: Vec<String> = world["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["client_id"].as_str().unwrap().to_owned())
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
}

/// `append_events` of more events than one transaction holds (an import of hundreds of
/// resources): every one is recorded, numbered in order, in each of its workspaces.
async fn hundreds_of_events_are_appended_in_order(b: Backend) {
    use pirros_shared::events::{Actor, resource_event};
    let api = api(b).await;
    let store = api.operator();
    let other = WorkspaceId::parse(A2).unwrap();
    let tag = |ws: WorkspaceId, i: usize| Tag {
        id: ResourceId::parse(&format!("bulk-{i:03}")).unwrap(),
        name: format!("Bulk {i}"),
        workspace_id: ws,
        created_at: Timestamp::now(),
    };
    let events: Vec<_> = (0..250)
        .map(|i| {
            let t = tag(if i % 5 == 0 { other } else { ws() }, i);
            resource_event(None, Some(&t), Actor::admin()).unwrap()
        })
        .collect();
    let before = |w| {
        let store = &store;
        async move { store.query_events(w, 0, 1000).await.unwrap().len() }
    };
    let (here, there) = (before(ws()).await, before(other).await);
    store.append_events(&events).await.unwrap();
    for (w, had, want) in [(ws(), here, 200), (other, there, 50)] {
        let all = store.query_events(w, 0, 1000).await.unwrap();
        let new = &all[had..];
        assert_eq!(new.len(), want);
        let ids: Vec<&str> = new.iter().map(|e| e.event.object.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "in the order appended");
        assert!(
            new.windows(2)
                .all(|p| p[1].event.sequence == p[0].event.sequence + 1),
            "numbered one after another"
        );
    }
}

async fn rate_limit_admits_exactly_the_limit_under_concurrency(b: Backend) {
    let api = Arc::new(api(b).await);
    let expires = Timestamp::now().plus_secs(60);
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            api.store()
                .hit_tallied("contract", 10, expires, "GET /v1/x")
                .await
                .unwrap()
        }));
    }
    let mut allowed = 0;
    let mut counts = Vec::new();
    for t in tasks {
        let hit = t.await.unwrap();
        if hit.allowed {
            allowed += 1;
            counts.push(hit.count);
        }
    }
    assert_eq!(allowed, 10);
    counts.sort();
    assert_eq!(counts, (1..=10).collect::<Vec<u64>>());
    // The window is full: the next hit is refused and adds nothing.
    let refused = api
        .store()
        .hit_tallied("contract", 10, expires, "GET /v1/x")
        .await
        .unwrap();
    assert_eq!((refused.allowed, refused.count), (false, 10));
}

fn all() -> SearchList {
    SearchList::newest(ListKey::All)
}

fn tag(t: &str) -> SearchList {
    SearchList::newest(ListKey::Tag(rid(t)))
}

fn project(p: &str) -> SearchList {
    SearchList::newest(ListKey::Project(rid(p)))
}

fn word(w: &str) -> SearchList {
    SearchList::newest(ListKey::Word(w.into()))
}

async fn detail_lists_page_in_order(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let p1 = store.query_details(ws(), &all(), None, 2).await.unwrap();
    let ids: Vec<&str> = p1.items.iter().map(|(_, d)| d.id.as_str()).collect();
    assert_eq!(ids, ["d4", "d5"]);
    let after = p1.last_key.expect("more to come");
    let p2 = store
        .query_details(ws(), &all(), Some(&after), 10)
        .await
        .unwrap();
    let ids: Vec<&str> = p2.items.iter().map(|(_, d)| d.id.as_str()).collect();
    assert_eq!(ids, ["d3", "d2", "d1"]);
    assert_eq!(p2.last_key, None, "fewer than asked: the end");
    let p = store
        .query_details(ws(), &tag("t-steel"), None, 10)
        .await
        .unwrap();
    let ids: Vec<&str> = p.items.iter().map(|(_, d)| d.id.as_str()).collect();
    assert_eq!(ids, ["d5", "d2"]);
    let p = store
        .query_details(ws(), &project(PA), None, 10)
        .await
        .unwrap();
    assert_eq!(p.items.len(), 2);
    // A word entry holds every detail with a word of name or description starting so.
    let p = store
        .query_details(ws(), &word("conc"), None, 10)
        .await
        .unwrap();
    assert_eq!(page_ids(&p), ["d4", "d3", "d1"]);
    let p = store
        .query_families(
            ws(),
            &SearchList::newest(ListKey::Word("do".into())),
            None,
            10,
        )
        .await
        .unwrap();
    let ids: Vec<&str> = p.items.iter().map(|(_, f)| f.id.as_str()).collect();
    assert_eq!(ids, ["f2", "f1"]);
}

async fn kill_switch_and_filters_round_trip(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    assert!(!store.kill_switch().await.unwrap());
    store.set_kill_switch(true).await.unwrap();
    assert!(store.kill_switch().await.unwrap());
    store.set_kill_switch(false).await.unwrap();
    assert!(!store.kill_switch().await.unwrap());
    let filters = store.list_filters(ws()).await.unwrap();
    assert_eq!(filters.len(), 6);
    let id = ResourceId::parse("flt-typical").unwrap();
    assert!(store.delete_filter(ws(), &id).await.unwrap());
    assert!(!store.delete_filter(ws(), &id).await.unwrap());
    assert!(store.get_filters(ws(), &[id]).await.unwrap().is_empty());
}

fn rid(s: &str) -> ResourceId {
    ResourceId::parse(s).unwrap()
}

fn id_set<'a>(ids: impl IntoIterator<Item = &'a ResourceId>) -> BTreeSet<String> {
    ids.into_iter().map(|i| i.as_str().to_owned()).collect()
}

async fn batch_reads_return_each_item_once(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let asked = [
        rid("t-steel"),
        rid("t-steel"),
        rid("t-concrete"),
        rid("t-none"),
    ];
    let tags = store.get_tags(ws(), &asked).await.unwrap();
    assert_eq!(tags.len(), 2, "{tags:?}");
    assert_eq!(
        id_set(tags.iter().map(|t| &t.id)),
        id_set(&[rid("t-concrete"), rid("t-steel")])
    );
    let asked = [rid("d1"), rid("d2"), rid("d1"), rid("d1")];
    let details = store.get_details(ws(), &asked).await.unwrap();
    assert_eq!(id_set(details.iter().map(|d| &d.id)), id_set(&asked));
    assert_eq!(details.len(), 2);
    let asked = [rid(PA), rid(PA)];
    assert_eq!(store.get_projects(ws(), &asked).await.unwrap().len(), 1);
    let families = store
        .get_families(ws(), &[rid("f1"), rid("f1")])
        .await
        .unwrap();
    assert_eq!(families.len(), 1);
    let filters = store
        .get_filters(ws(), &[rid("flt-typical"), rid("flt-typical")])
        .await
        .unwrap();
    assert_eq!(filters.len(), 1);
    assert!(store.get_tags(ws(), &[]).await.unwrap().is_empty());
}

/// `n` new tags of the test workspace, stored.
async fn put_tags(store: &dyn pirros_store::AdminStore, n: usize) -> Vec<ResourceId> {
    let ids: Vec<ResourceId> = (0..n).map(|i| rid(&format!("bulk-{i:03}"))).collect();
    let items: Vec<Item> = ids
        .iter()
        .map(|id| {
            Item::Tag(Tag {
                id: id.clone(),
                name: format!("bulk {id}"),
                workspace_id: ws(),
                created_at: Timestamp::now(),
            })
        })
        .collect();
    store.put_items(&items).await.unwrap();
    ids
}

// DynamoDB takes 100 keys per BatchGetItem: 250 ids (150 of them twice) take two calls.
async fn batch_reads_take_more_keys_than_one_call_holds(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let ids = put_tags(store, 150).await;
    let mut asked = ids.clone();
    asked.extend(ids.iter().take(100).cloned());
    let calls = store.calls();
    let tags = store.get_tags(ws(), &asked).await.unwrap();
    assert_eq!(tags.len(), 150);
    assert_eq!(id_set(tags.iter().map(|t| &t.id)), id_set(&ids));
    if b == Backend::Dynamo {
        assert_eq!(store.calls() - calls, 2, "150 distinct keys: two calls");
    }
}

fn page_ids(p: &Slice<pirros_shared::model::Detail>) -> Vec<&str> {
    p.items.iter().map(|(_, d)| d.id.as_str()).collect()
}

async fn list(store: &dyn Store, index: SearchList) -> Vec<String> {
    let p = store.query_details(ws(), &index, None, 100).await.unwrap();
    page_ids(&p).into_iter().map(str::to_owned).collect()
}

// A detail imported again with other tags, project and creation time must leave no copy in
// the lists it left, and one copy (the new one) in each list it is in.
async fn rewritten_detail_leaves_no_stale_search_copy(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let (steel, concrete) = (tag("t-steel"), tag("t-concrete"));
    let (pa, pb) = (project(PA), project(PB));
    let old = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
    let item = detail_item(A1, "moving", old, &["t-steel", "t-concrete"], Some(PA));
    store.put_items(&[item]).await.unwrap();
    for index in [&all(), &steel, &concrete, &pa] {
        let n = list(store, index.clone())
            .await
            .iter()
            .filter(|i| *i == "moving")
            .count();
        assert_eq!(n, 1, "{index:?}");
    }
    let new = Timestamp::parse("2026-02-01T00:00:00Z").unwrap();
    let item = detail_item(A1, "moving", new, &["t-concrete", "t-timber"], Some(PB));
    store.put_items(&[item]).await.unwrap();
    for index in [&steel, &pa] {
        assert!(
            !list(store, index.clone())
                .await
                .contains(&"moving".to_owned()),
            "stale copy in {index:?}"
        );
    }
    let timber = tag("t-timber");
    for index in [&all(), &concrete, &timber, &pb] {
        let p = store.query_details(ws(), index, None, 100).await.unwrap();
        let copies: Vec<_> = p
            .items
            .iter()
            .filter(|(_, d)| d.id.as_str() == "moving")
            .collect();
        assert_eq!(copies.len(), 1, "{index:?}: {:?}", page_ids(&p));
        assert_eq!(copies[0].1.created_at, new, "{index:?} holds the new copy");
    }
    // Without a project and tags it stays only in the list of all details.
    let item = detail_item(A1, "moving", new, &[], None);
    store.put_items(&[item]).await.unwrap();
    for index in [&concrete, &timber, &pb] {
        assert!(
            !list(store, index.clone())
                .await
                .contains(&"moving".to_owned()),
            "stale copy in {index:?}"
        );
    }
    let everything = list(store, all()).await;
    assert_eq!(everything.iter().filter(|i| *i == "moving").count(), 1);
}

/// A server on DynamoDB Local behind the batch-fault proxy.
async fn behind_proxy() -> (Api, Arc<Faults>) {
    let upstream = std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
        .expect("run with infra/scripts/test.sh")
        .trim_start_matches("http://")
        .to_owned();
    let faults = Arc::new(Faults::default());
    let url = ddb_proxy::start(upstream, faults.clone()).await;
    let api = Setup::new(Backend::Dynamo)
        .env("AWS_ENDPOINT_URL_DYNAMODB", &url)
        .start()
        .await;
    (api, faults)
}

// DynamoDB Local processes every batch whole; the proxy answers the way DynamoDB does under
// load (only the DynamoDB store has batches to leave unfinished).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unprocessed_batch_keys_and_items_are_retried() {
    let (api, faults) = behind_proxy().await;
    let store = api.store();
    // Writes: the first two calls come back with every item unprocessed, nothing written.
    faults.refused_writes.store(2, Ordering::SeqCst);
    let before = faults.batch_writes.load(Ordering::SeqCst);
    let ids = put_tags(store, 30).await;
    assert_eq!(faults.refused_writes.load(Ordering::SeqCst), 0);
    // 30 puts are two calls of 25 and 5, and each refused call is made again.
    assert_eq!(faults.batch_writes.load(Ordering::SeqCst) - before, 4);
    // Reads: three answers hold only part of the items asked for.
    let mut asked = ids.clone();
    asked.extend(["t-steel", "t-concrete", "t-timber"].map(rid));
    faults.partial_gets.store(3, Ordering::SeqCst);
    let before = faults.batch_gets.load(Ordering::SeqCst);
    let tags = store.get_tags(ws(), &asked).await.unwrap();
    assert_eq!(faults.partial_gets.load(Ordering::SeqCst), 0);
    assert_eq!(faults.batch_gets.load(Ordering::SeqCst) - before, 4);
    assert_eq!(id_set(tags.iter().map(|t| &t.id)), id_set(&asked));
    assert_eq!(tags.len(), 33);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_left_unprocessed_for_good_are_unavailable() {
    let (api, faults) = behind_proxy().await;
    faults.partial_gets.store(u32::MAX, Ordering::SeqCst);
    let before = faults.batch_gets.load(Ordering::SeqCst);
    let err = api
        .store()
        .get_tags(ws(), &[rid("t-steel")])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert_eq!(
        faults.batch_gets.load(Ordering::SeqCst) - before,
        8,
        "eight calls, then it gives up"
    );
    faults.refused_writes.store(u32::MAX, Ordering::SeqCst);
    let err = api
        .store()
        .put_items(&[detail_item(A1, "never", Timestamp::now(), &[], None)])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    faults.refused_writes.store(0, Ordering::SeqCst);
    assert!(
        api.store()
            .get_detail(ws(), &rid("never"))
            .await
            .unwrap()
            .is_none()
    );
}

/// A new family whose description makes more search-list entries than one transaction
/// takes (so its upload writes them after the commit) and at most 200 (8 batch calls).
fn listy_family(id: &str) -> pirros_shared::model::FamilyRecord {
    use pirros_shared::model::{Family, FamilyRecord};
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let mut letter = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (b'a' + (x % 26) as u8) as char
    };
    let description: Vec<String> = (0..60)
        .map(|_| (0..9).map(|_| letter()).collect())
        .collect();
    let now = Timestamp::now();
    FamilyRecord {
        family: Family {
            id: rid(id),
            workspace_id: ws(),
            name: "Listy door".into(),
            category: "Doors".into(),
            description: description.join(" "),
            tag_ids: vec![rid("t-timber")],
            project_id: None,
            has_rfa: true,
            version: 1,
            file: None,
            created_at: now,
            updated_at: now,
            group_id: None,
        },
        files: Default::default(),
    }
}

/// Makes an upload job for `family` and commits its first version, as the worker does.
async fn commit_new_family(
    store: &dyn Store,
    family: &pirros_shared::model::FamilyRecord,
) -> (
    pirros_shared::jobs::JobRecord,
    pirros_store::StoreResult<pirros_store::CommitOutcome>,
) {
    use pirros_shared::jobs::{JobRecord, JobSpec, JobStatus, UploadSpec};
    use pirros_store::VersionCommit;
    let f = &family.family;
    let spec = UploadSpec {
        family_id: f.id.clone(),
        new_family: true,
        name: Some(f.name.clone()),
        category: Some(f.category.clone()),
        description: Some(f.description.clone()),
        tag_ids: Some(f.tag_ids.clone()),
        project_id: None,
        file_name: "Listy.rfa".into(),
        size_bytes: 1,
        sha256: "0".repeat(64),
        note: None,
        upload_expires_at: Timestamp::now().plus_secs(900),
    };
    let job = JobRecord::new(
        ws(),
        ClientId::parse("famwriter-a").unwrap(),
        JobSpec::Upload(Box::new(spec)),
        JobStatus::Processing,
    );
    assert_eq!(
        store.create_job(&job, None).await.unwrap(),
        SaveOutcome::Saved
    );
    let outcome = store
        .commit_family_version(&VersionCommit {
            events: Vec::new(),
            family: family.clone(),
            expected_family_version: None,
            version: family.current_version(None, Some("famwriter-a".into())),
            job: job.advanced(JobStatus::Succeeded),
            expected_job_revision: job.revision,
        })
        .await;
    (job, outcome)
}

// The copies that do not fit in an upload's transaction are written after it. When
// DynamoDB leaves every batch of that write unprocessed for longer than the batch layer
// waits (eight calls a batch), the write is made again after a pause instead of failing the
// upload with its lists half written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_whose_list_writes_are_refused_for_a_while_is_retried() {
    use pirros_shared::search::lists::memberships;
    use pirros_store::CommitOutcome;
    let (api, faults) = behind_proxy().await;
    let store = api.store();
    let family = listy_family("listy-retried");
    let lists = memberships(&family.family).len();
    assert!(
        (98..=200).contains(&lists),
        "{lists} lists: pick another text"
    );
    // Every batch call of the first try is refused, eight times each: that try gives up.
    let batches = lists.div_ceil(25) as u32;
    faults.refused_writes.store(8 * batches, Ordering::SeqCst);
    let before = faults.batch_writes.load(Ordering::SeqCst);
    let (_, outcome) = commit_new_family(store, &family).await;
    assert_eq!(outcome.unwrap(), CommitOutcome::Committed);
    assert_eq!(faults.refused_writes.load(Ordering::SeqCst), 0);
    let calls = faults.batch_writes.load(Ordering::SeqCst) - before;
    assert!(calls > 8 * batches, "a second try was made: {calls} calls");
    check_moved(store, &family.family, &family.family, "Listy door").await;
    assert!(
        !store
            .settle_family_lists(ws(), &family.family.id)
            .await
            .unwrap(),
        "nothing left to settle"
    );
}

// When the writes after the commit fail for good, the upload is committed (its job
// succeeded) and the error sends the message back to the queue: the next deliveries write
// what the lists miss, each copy once and each size moved once, and any later one changes
// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_later_delivery_settles_the_lists_an_upload_left_unwritten() {
    use pirros_shared::jobs::JobStatus;
    use pirros_shared::objects::local::LocalObjects;
    use pirros_shared::search::lists::memberships;
    use pirros_worker::worker::Worker;
    let (api, faults) = behind_proxy().await;
    let store = api.store();
    let family = listy_family("listy-settled");
    faults.refused_writes.store(u32::MAX, Ordering::SeqCst);
    let (job, outcome) = commit_new_family(store, &family).await;
    faults.refused_writes.store(0, Ordering::SeqCst);
    assert!(
        matches!(outcome, Err(StoreError::Unavailable(_))),
        "{outcome:?}"
    );
    let stored = store.get_job(ws(), &job.id).await.unwrap().unwrap();
    assert_eq!(stored.status, JobStatus::Succeeded, "the commit stands");
    let got = store.get_family(ws(), &family.family.id).await.unwrap();
    assert_eq!(got.unwrap().family, family.family);
    let mut found = 0;
    for (list, _) in memberships(&family.family) {
        if family_members(store, &list)
            .await
            .iter()
            .any(|(_, id, _)| id == family.family.id.as_str())
        {
            found += 1;
        }
    }
    assert!(
        found < memberships(&family.family).len(),
        "lists incomplete"
    );

    // The message again, to the worker (the job has succeeded: only the lists are left).
    let dir = tempfile::tempdir().unwrap();
    let worker = Worker {
        store: api.running.app.state.store.clone(),
        objects: Arc::new(LocalObjects::new(
            dir.path().to_path_buf(),
            "http://127.0.0.1:9".into(),
            b"k".to_vec(),
            std::collections::HashMap::new(),
        )),
        max_upload_bytes: 1 << 20,
        max_export_bytes: 1 << 20,
        scratch_dir: std::env::temp_dir(),
    };
    // Twice at once, as two deliveries may be: the copies land once each, and the sizes
    // move once (only the delivery that clears the mark moves them).
    let job_ref = job.job_ref();
    let (a, b) = tokio::join!(worker.process(&job_ref), worker.process(&job_ref));
    a.unwrap();
    b.unwrap();
    check_moved(store, &family.family, &family.family, "Listy door").await;
    // Once more: nothing left to do.
    worker.process(&job_ref).await.unwrap();
    check_moved(store, &family.family, &family.family, "Listy door").await;
    assert!(
        !store
            .settle_family_lists(ws(), &family.family.id)
            .await
            .unwrap()
    );
}

async fn rate_counts_are_readable_and_a_zero_limit_admits_nothing(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let expires = Timestamp::from_millis(Timestamp::now().millis() + 60_000);
    assert_eq!(store.rate_count("counted").await.unwrap(), 0);
    for _ in 0..3 {
        assert!(
            store
                .hit_tallied("counted", 5, expires, "GET /v1/x")
                .await
                .unwrap()
                .allowed
        );
    }
    assert_eq!(store.rate_count("counted").await.unwrap(), 3);
    // A refused hit reports the real count and adds nothing.
    let refused = store
        .hit_tallied("counted", 3, expires, "GET /v1/x")
        .await
        .unwrap();
    assert_eq!((refused.allowed, refused.count), (false, 3));
    assert_eq!(store.rate_count("counted").await.unwrap(), 3);
    // A limit of 0 admits nothing, even on a counter that does not exist yet.
    let none = store
        .hit_tallied("fresh", 0, expires, "GET /v1/x")
        .await
        .unwrap();
    assert_eq!((none.allowed, none.count), (false, 0));
    assert_eq!(store.rate_count("fresh").await.unwrap(), 0);
}

async fn published_keys_round_trip(b: Backend) {
    use pirros_shared::auth::keys::SigningKeys;
    let api = Setup::new(b).fixture(None).start().await;
    let store = api.store();
    // pirros-local published its own keys at start.
    let first = store
        .published_keys()
        .await
        .unwrap()
        .expect("published at start");
    assert_eq!(first.jwks.keys.len(), 1);
    let keys = SigningKeys::parse(
        r#"{"current": "contract-new-key-0123456789abcdef0123", "previous": "contract-old-key-0123456789abcdef0123"}"#,
    )
    .unwrap();
    assert!(keys.publish(store).await.unwrap());
    let read = store.published_keys().await.unwrap().unwrap();
    assert_eq!(read, keys.published());
    assert_eq!(read.jwks.keys.len(), 2);
    assert_eq!(read.cursor_keys.len(), 2);
    assert!(
        !keys.publish(store).await.unwrap(),
        "unchanged: not written again"
    );
}

/// Every member of a details list: (position, id, name).
async fn detail_members(store: &dyn Store, list: &SearchList) -> Vec<(String, String, String)> {
    let s = store.query_details(ws(), list, None, 1000).await.unwrap();
    s.items
        .into_iter()
        .map(|(k, d)| (k, d.id.as_str().to_owned(), d.name))
        .collect()
}

async fn family_members(store: &dyn Store, list: &SearchList) -> Vec<(String, String, String)> {
    let s = store.query_families(ws(), list, None, 1000).await.unwrap();
    s.items
        .into_iter()
        .map(|(k, f)| (k, f.id.as_str().to_owned(), f.name))
        .collect()
}

/// After `old` was rewritten as `new`: `id` is in exactly the lists of `new`, once, at its
/// new position and with its new content, and every list's stored size is its length.
async fn check_moved<T: pirros_shared::search::lists::Indexed>(
    store: &dyn Store,
    old: &T,
    new: &T,
    name: &str,
) {
    use pirros_shared::search::lists::memberships;
    let now = memberships(new);
    let mut lists: Vec<SearchList> = memberships(old).into_iter().map(|(l, _)| l).collect();
    lists.extend(now.iter().map(|(l, _)| l.clone()));
    lists.sort();
    lists.dedup();
    let sizes = store.list_sizes(ws(), T::LISTED, &lists).await.unwrap();
    for (list, size) in lists.iter().zip(sizes) {
        let members = match T::LISTED {
            Listed::Details => detail_members(store, list).await,
            Listed::Families => family_members(store, list).await,
        };
        assert_eq!(size, members.len() as u64, "size of {list:?}");
        let copies: Vec<_> = members
            .iter()
            .filter(|(_, id, _)| id == new.id().as_str())
            .collect();
        match now.iter().find(|(l, _)| l == list) {
            Some((_, pos)) => {
                assert_eq!(copies.len(), 1, "{list:?}: {members:?}");
                assert_eq!(&copies[0].0, pos, "{list:?}: new position");
                assert_eq!(copies[0].2, name, "{list:?}: new content");
            }
            None => assert!(copies.is_empty(), "stale copy in {list:?}"),
        }
    }
}

// Name, description, tags, project and both timestamps change: every index follows.
async fn rewritten_detail_moves_in_every_index(b: Backend) {
    use pirros_shared::model::Detail;
    let api = api(b).await;
    let store = api.store();
    let detail = |item: &Item| -> Detail {
        match item {
            Item::Detail(d) => d.detail.clone(),
            _ => unreachable!(),
        }
    };
    let t = |s: &str| Timestamp::parse(s).unwrap();
    let mut old = detail_item(
        A1,
        "mover",
        t("2026-01-01T00:00:00Z"),
        &["t-steel"],
        Some(PA),
    );
    if let Item::Detail(d) = &mut old {
        d.detail.name = "Parapet FLASHING".into();
        d.detail.description = "Façade coping".into();
        d.detail.updated_at = t("2026-01-02T00:00:00Z");
    }
    store.put_items(std::slice::from_ref(&old)).await.unwrap();
    check_moved(store, &detail(&old), &detail(&old), "Parapet FLASHING").await;
    let mut new = detail_item(
        A1,
        "mover",
        t("2026-03-01T00:00:00Z"),
        &["t-timber"],
        Some(PB),
    );
    if let Item::Detail(d) = &mut new {
        d.detail.name = "Wall footing".into();
        d.detail.updated_at = t("2026-04-01T00:00:00Z");
    }
    store.put_items(std::slice::from_ref(&new)).await.unwrap();
    check_moved(store, &detail(&old), &detail(&new), "Wall footing").await;
    assert!(detail_members(store, &word("faca")).await.is_empty());
    assert_eq!(detail_members(store, &word("foot")).await.len(), 1);
    // Written again unchanged: still once everywhere, sizes unchanged.
    store.put_items(std::slice::from_ref(&new)).await.unwrap();
    check_moved(store, &detail(&old), &detail(&new), "Wall footing").await;
}

async fn rewritten_family_moves_in_every_index(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let rec = store.get_family(ws(), &rid("f2")).await.unwrap().unwrap();
    let old = rec.family.clone();
    let mut moved = rec.clone();
    moved.family.name = "Window Pivot".into();
    moved.family.category = "Windows".into();
    moved.family.tag_ids = vec![rid("t-steel")];
    moved.family.project_id = None;
    moved.family.updated_at = Timestamp::parse("2026-07-01T00:00:00Z").unwrap();
    store
        .put_items(&[Item::Family(moved.clone())])
        .await
        .unwrap();
    check_moved(store, &old, &moved.family, "Window Pivot").await;
    let doors = SearchList::newest(ListKey::Category("doors".into()));
    let ids: Vec<String> = family_members(store, &doors)
        .await
        .into_iter()
        .map(|(_, id, _)| id)
        .collect();
    assert_eq!(ids, ["f1"]);
}

async fn list_sizes_count_members(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let lists = [
        all(),
        tag("t-concrete"),
        word("conc"),
        word("zzz"),
        SearchList::updated(ListKey::All),
        SearchList::updated(ListKey::Project(rid(PA))),
    ];
    let sizes = store
        .list_sizes(ws(), Listed::Details, &lists)
        .await
        .unwrap();
    assert_eq!(sizes, [5, 4, 3, 0, 5, 2]);
    let lists = [
        SearchList::newest(ListKey::Category("doors".into())),
        SearchList::newest(ListKey::NameWord("door".into())),
        SearchList::newest(ListKey::NameWord("flush".into())),
        SearchList::updated(ListKey::Category("windows".into())),
    ];
    let sizes = store
        .list_sizes(ws(), Listed::Families, &lists)
        .await
        .unwrap();
    assert_eq!(sizes, [2, 2, 2, 1]);
}

// A position need not be a member's: a walk resumes after any of them, and an update-order
// list starts at any time.
async fn lists_resume_after_any_position(b: Backend) {
    use pirros_shared::search::lists::updated_floor;
    let api = api(b).await;
    let store = api.store();
    let since = updated_floor(Timestamp::parse("2026-06-03T09:00:00Z").unwrap());
    let list = SearchList::updated(ListKey::All);
    let s = store
        .query_details(ws(), &list, Some(&since), 10)
        .await
        .unwrap();
    assert_eq!(page_ids(&s), ["d3", "d4", "d5"]);
    let middle = format!("{}~", s.items[0].0);
    let s = store
        .query_details(ws(), &list, Some(&middle), 1)
        .await
        .unwrap();
    assert_eq!(page_ids(&s), ["d4"]);
    assert!(s.last_key.is_some(), "stopped at max: may go on");
}

/// A bulk job and its slot in one write: three jobs hold the three slots, a fourth writes
/// nothing; a key remembered already wins over a full lease; a slot given back is taken
/// by the next job.
async fn a_job_holding_a_slot_is_written_with_it_or_not_at_all(b: Backend) {
    use pirros_shared::jobs::{JobRecord, JobSpec, JobStatus, SnapshotSpec};
    use pirros_store::{LeaseClaim, LeaseKind};
    let api = api(b).await;
    let store = api.store();
    let client = ClientId::parse("full-a").unwrap();
    let lease = LeaseClaim {
        kind: LeaseKind::Bulk,
        client: &client,
        until: Timestamp::from_millis(Timestamp::now().millis() + 600_000),
    };
    let new_job = || {
        let spec = JobSpec::Snapshot(SnapshotSpec {});
        JobRecord::new(ws(), client.clone(), spec, JobStatus::Queued)
    };
    let mut held = Vec::new();
    for i in 0..LeaseKind::Bulk.slots() {
        let job = new_job();
        let idem = record(&format!("holding-{i}"), "job", 60);
        let saved = store.create_job_holding(&job, Some(&idem), &lease).await;
        assert_eq!(saved.unwrap(), SaveOutcome::Saved, "slot {i}");
        held.push(job);
    }
    // The same job again: its id is taken, whatever the slots.
    let again = store.create_job_holding(&held[0], None, &lease).await;
    assert_eq!(again.unwrap(), SaveOutcome::VersionMismatch);
    // A fourth: no slot, and neither the job nor its key is written.
    let fourth = new_job();
    let idem = record("holding-fourth", "job", 60);
    let full = store.create_job_holding(&fourth, Some(&idem), &lease).await;
    assert_eq!(full.unwrap(), SaveOutcome::LimitReached);
    assert!(store.get_job(ws(), &fourth.id).await.unwrap().is_none());
    assert!(store.get_idempotency(&idem.key).await.unwrap().is_none());
    // A key remembered already is its answer, full lease or not.
    let replayed = store
        .create_job_holding(&new_job(), Some(&record("holding-1", "other", 60)), &lease)
        .await;
    assert!(
        matches!(replayed.unwrap(), SaveOutcome::IdempotencyTaken(r) if r.body == "job"),
        "the remembered answer"
    );
    // The worker gives the first job's slot back (found by its holder): the fourth fits.
    store
        .drop_lease(LeaseKind::Bulk, &client, held[0].id.as_str(), None)
        .await
        .unwrap();
    let fits = store.create_job_holding(&fourth, Some(&idem), &lease).await;
    assert_eq!(fits.unwrap(), SaveOutcome::Saved);
    assert!(store.get_job(ws(), &fourth.id).await.unwrap().is_some());
    let fifth = store.create_job_holding(&new_job(), None, &lease).await;
    assert_eq!(fifth.unwrap(), SaveOutcome::LimitReached);
}

/// A new job without a key is one write on its own (not a transaction on DynamoDB): it is
/// written once, a second job of its id is refused as a version mismatch and leaves the
/// first as it was, and a key given later still goes in a transaction with its job.
async fn a_job_alone_is_written_once(b: Backend) {
    use pirros_shared::jobs::{JobRecord, JobSpec, JobStatus, SnapshotSpec};
    let api = api(b).await;
    let store = api.store();
    let client = ClientId::parse("full-a").unwrap();
    let new_job = || {
        JobRecord::new(
            ws(),
            client.clone(),
            JobSpec::Snapshot(SnapshotSpec {}),
            JobStatus::Queued,
        )
    };
    let job = new_job();
    assert_eq!(
        store.create_job(&job, None).await.unwrap(),
        SaveOutcome::Saved
    );
    let stored = store
        .get_job(ws(), &job.id)
        .await
        .unwrap()
        .expect("written");
    assert_eq!(stored.status, JobStatus::Queued);
    let again = job.advanced(JobStatus::Failed);
    assert_eq!(
        store.create_job(&again, None).await.unwrap(),
        SaveOutcome::VersionMismatch
    );
    let kept = store.get_job(ws(), &job.id).await.unwrap().expect("kept");
    assert_eq!(
        kept.status,
        JobStatus::Queued,
        "the first job is left as it was"
    );
    // With a key, the job and its record go together; the key then answers a second try.
    let keyed = new_job();
    let idem = record("alone-keyed", "job", 60);
    assert_eq!(
        store.create_job(&keyed, Some(&idem)).await.unwrap(),
        SaveOutcome::Saved
    );
    assert!(
        matches!(
            store.create_job(&new_job(), Some(&idem)).await.unwrap(),
            SaveOutcome::IdempotencyTaken(r) if r.body == "job"
        ),
        "the remembered answer"
    );
}
