//! The storage contract of detail flags and family references (issue 17), run against both
//! implementations: flag writes move the open count with them or not at all, and stash
//! writes and imports keep every family's references those of the stored records, also
//! for a stash holding more families than one DynamoDB transaction can change.

use pirros_shared::flags::{Flag, FlagReason, FlagRecord, FlagStatus, OpenFlagsChange};
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::model::{Family, FamilyRecord, ItemIds, Stash, StashRecord};
use pirros_shared::timestamp::Timestamp;
use pirros_store::{
    AdminStore, FlagWrite, IdemKey, IdemRecord, Item, OpenFlagIndex, SaveOutcome, StashWrite,
};
use pirros_tests::*;

pirros_tests::on_both_stores!(
    flag_writes_move_the_open_count_with_them,
    flag_pages_are_newest_first,
    the_workspace_counts_hold_details_with_open_flags_in_id_order,
    large_stash_writes_keep_every_reference,
    refused_stash_writes_leave_references_alone,
    imported_details_and_stashes_move_their_references,
);

fn ws() -> WorkspaceId {
    WorkspaceId::parse(A1).unwrap()
}

fn rid(s: &str) -> ResourceId {
    ResourceId::parse(s).unwrap()
}

fn idem(key: &str) -> IdemRecord {
    IdemRecord {
        key: IdemKey {
            client_id: ClientId::parse("flagger-a").unwrap(),
            key: key.into(),
        },
        fingerprint: format!("fp-{key}"),
        status: 201,
        body: format!("body-{key}"),
        etag: Some("\"v1\"".into()),
        expires_at: Timestamp::now().plus_secs(60),
    }
}

fn flag(id: &str, detail: &str, version: u64, status: FlagStatus) -> FlagRecord {
    let now = Timestamp::now();
    FlagRecord {
        flag: Flag {
            id: rid(id),
            detail_id: rid(detail),
            reason: FlagReason::Outdated,
            note: None,
            status,
            resolution_note: None,
            created_by: "flagger-a".into(),
            created_at: now,
            resolved_at: None,
            updated_at: now,
        },
        version,
    }
}

fn write(record: FlagRecord, expected: Option<u64>, change: OpenFlagsChange) -> FlagWrite {
    FlagWrite {
        events: Vec::new(),
        workspace_id: ws(),
        record,
        expected_version: expected,
        open_flags: change,
        open_limit: None,
        idempotency: None,
    }
}

async fn count(store: &dyn AdminStore, detail: &str) -> u64 {
    let counts = store.open_flag_counts(ws(), &[rid(detail)]).await.unwrap();
    counts.get(&rid(detail)).copied().unwrap_or(0)
}

async fn flag_writes_move_the_open_count_with_them(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    assert_eq!(count(store, "d1").await, 0);
    let mut first = write(
        flag("fl-1", "d1", 1, FlagStatus::Open),
        None,
        OpenFlagsChange::Opened,
    );
    first.idempotency = Some(idem("k1"));
    assert_eq!(store.save_flag(&first).await.unwrap(), SaveOutcome::Saved);
    assert_eq!(count(store, "d1").await, 1);
    let stored = store
        .get_flag(ws(), &rid("d1"), &rid("fl-1"))
        .await
        .unwrap();
    assert_eq!(stored.as_ref(), Some(&first.record));
    assert_eq!(
        store
            .get_flag(ws(), &rid("d2"), &rid("fl-1"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .get_idempotency(&idem("k1").key)
            .await
            .unwrap()
            .unwrap()
            .body,
        "body-k1"
    );
    // The same id again, another write under a taken key, a stale version: nothing moves.
    let again = write(
        flag("fl-1", "d1", 1, FlagStatus::Open),
        None,
        OpenFlagsChange::Opened,
    );
    assert_eq!(
        store.save_flag(&again).await.unwrap(),
        SaveOutcome::VersionMismatch
    );
    let mut taken = write(
        flag("fl-2", "d1", 1, FlagStatus::Open),
        None,
        OpenFlagsChange::Opened,
    );
    taken.idempotency = Some(idem("k1"));
    match store.save_flag(&taken).await.unwrap() {
        SaveOutcome::IdempotencyTaken(rec) => assert_eq!(rec.body, "body-k1"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store
            .get_flag(ws(), &rid("d1"), &rid("fl-2"))
            .await
            .unwrap(),
        None
    );
    let stale = write(
        flag("fl-1", "d1", 3, FlagStatus::Resolved),
        Some(2),
        OpenFlagsChange::Closed,
    );
    assert_eq!(
        store.save_flag(&stale).await.unwrap(),
        SaveOutcome::VersionMismatch
    );
    assert_eq!(count(store, "d1").await, 1);
    // Resolving moves it down; editing a resolved flag's note leaves it.
    let close = write(
        flag("fl-1", "d1", 2, FlagStatus::Resolved),
        Some(1),
        OpenFlagsChange::Closed,
    );
    assert_eq!(store.save_flag(&close).await.unwrap(), SaveOutcome::Saved);
    assert_eq!(count(store, "d1").await, 0);
    let edit = write(
        flag("fl-1", "d1", 3, FlagStatus::Resolved),
        Some(2),
        OpenFlagsChange::Unchanged,
    );
    assert_eq!(store.save_flag(&edit).await.unwrap(), SaveOutcome::Saved);
    assert_eq!(count(store, "d1").await, 0);
    let stored = store
        .get_flag(ws(), &rid("d1"), &rid("fl-1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 3);
    assert_eq!(stored.flag.status, FlagStatus::Resolved);
}

async fn flag_pages_are_newest_first(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    // Ids sort by creation (they are UUIDv7 in the API); these sort the same way.
    for i in 0..5 {
        let w = write(
            flag(&format!("fl-{i}"), "d3", 1, FlagStatus::Open),
            None,
            OpenFlagsChange::Opened,
        );
        assert_eq!(store.save_flag(&w).await.unwrap(), SaveOutcome::Saved);
    }
    let other = write(
        flag("fl-9", "d4", 1, FlagStatus::Open),
        None,
        OpenFlagsChange::Opened,
    );
    store.save_flag(&other).await.unwrap();
    let p = store.query_flags(ws(), &rid("d3"), None, 2).await.unwrap();
    let ids: Vec<&str> = p.items.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(ids, ["fl-4", "fl-3"]);
    let after = p.last_key.expect("more to come");
    assert_eq!(after, "fl-3");
    let p = store
        .query_flags(ws(), &rid("d3"), Some(&after), 10)
        .await
        .unwrap();
    let ids: Vec<&str> = p.items.iter().map(|(_, f)| f.flag.id.as_str()).collect();
    assert_eq!(ids, ["fl-2", "fl-1", "fl-0"]);
    assert_eq!(p.last_key, None);
    assert!(
        store
            .query_flags(ws(), &rid("d5"), None, 10)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let counts = store
        .open_flag_counts(ws(), &[rid("d3"), rid("d4"), rid("d5"), rid("d3")])
        .await
        .unwrap();
    assert_eq!(counts.get(&rid("d3")), Some(&5));
    assert_eq!(counts.get(&rid("d4")), Some(&1));
    assert_eq!(counts.get(&rid("d5")).copied().unwrap_or(0), 0);
}

/// What a search page reads beside its list: the counts of the details with open flags,
/// by id, cut at `max` with the last id read; a count back at zero is not listed.
async fn the_workspace_counts_hold_details_with_open_flags_in_id_order(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let open = |id: &str, detail: &str| {
        write(
            flag(id, detail, 1, FlagStatus::Open),
            None,
            OpenFlagsChange::Opened,
        )
    };
    for (id, detail) in [
        ("fl-1", "d1"),
        ("fl-2", "d2"),
        ("fl-3", "d2"),
        ("fl-4", "d3"),
    ] {
        assert_eq!(
            store.save_flag(&open(id, detail)).await.unwrap(),
            SaveOutcome::Saved
        );
    }
    let all = store.open_flags_in(ws(), 10).await.unwrap();
    assert_eq!(
        all,
        OpenFlagIndex {
            counts: [(rid("d1"), 1), (rid("d2"), 2), (rid("d3"), 1)].into(),
            last: None,
        }
    );
    assert_eq!(all.count(&rid("d9")), Some(0), "everything was read");

    let cut = store.open_flags_in(ws(), 2).await.unwrap();
    assert_eq!(cut.last, Some(rid("d2")));
    assert_eq!(cut.count(&rid("d1")), Some(1));
    assert_eq!(
        cut.count(&rid("d0")),
        Some(0),
        "before the cut, absent: none open"
    );
    assert_eq!(cut.count(&rid("d3")), None, "past the cut: read it alone");

    // d1's one flag resolved: its count is gone from the workspace's, and reads as 0.
    let resolved = write(
        flag("fl-1", "d1", 2, FlagStatus::Resolved),
        Some(1),
        OpenFlagsChange::Closed,
    );
    assert_eq!(
        store.save_flag(&resolved).await.unwrap(),
        SaveOutcome::Saved
    );
    assert_eq!(
        store.open_flags_in(ws(), 10).await.unwrap().counts,
        [(rid("d2"), 2), (rid("d3"), 1)].into()
    );
    assert_eq!(count(store, "d1").await, 0);
    // Flagged again after: counted from nothing.
    assert_eq!(
        store.save_flag(&open("fl-5", "d1")).await.unwrap(),
        SaveOutcome::Saved
    );
    assert_eq!(count(store, "d1").await, 1);
    assert_eq!(
        store.open_flags_in(ws(), 1).await.unwrap(),
        OpenFlagIndex {
            counts: [(rid("d1"), 1)].into(),
            last: Some(rid("d1")),
        }
    );
}

/// `n` new families of the test workspace, stored.
async fn put_families(store: &dyn AdminStore, n: usize) -> Vec<ResourceId> {
    let ids: Vec<ResourceId> = (0..n).map(|i| rid(&format!("bulk-fam-{i:03}"))).collect();
    let now = Timestamp::now();
    let items: Vec<Item> = ids
        .iter()
        .map(|id| {
            Item::Family(FamilyRecord {
                family: Family {
                    id: id.clone(),
                    workspace_id: ws(),
                    name: format!("Family {id}"),
                    category: "Doors".into(),
                    description: String::new(),
                    tag_ids: Vec::new(),
                    project_id: None,
                    has_rfa: false,
                    version: 1,
                    file: None,
                    created_at: now,
                    updated_at: now,
                    group_id: None,
                },
                files: Default::default(),
            })
        })
        .collect();
    store.put_items(&items).await.unwrap();
    ids
}

fn stash(id: &str, name: &str, families: &[ResourceId], version: u64) -> StashRecord {
    let now = Timestamp::now();
    StashRecord {
        stash: Stash {
            id: rid(id),
            workspace_id: ws(),
            name: name.into(),
            description: None,
            project_id: rid(PA),
            is_permanent: false,
            item_ids: ItemIds {
                detail_ids: Vec::new(),
                family_ids: families.to_vec(),
            },
            created_by: "full-a".into(),
            created_at: now,
            updated_at: now,
        },
        version,
    }
}

/// `(type, id, name)` of every reference of `family`, read in pages of `page`.
async fn uses(
    store: &dyn AdminStore,
    family: &ResourceId,
    page: usize,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let p = store
            .query_family_references(ws(), family, after.as_deref(), page)
            .await
            .unwrap();
        for (_, e) in p.items {
            out.push((e.kind.as_str().to_owned(), e.id.to_string(), e.name));
        }
        match p.last_key {
            Some(k) => after = Some(k),
            None => return out,
        }
    }
}

fn stash_use(id: &str, name: &str) -> (String, String, String) {
    ("stash".into(), id.into(), name.into())
}

// More families than one DynamoDB transaction can change (100 actions) in one stash write.
async fn large_stash_writes_keep_every_reference(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let fams = put_families(store, 150).await;
    let create = StashWrite {
        events: Vec::new(),
        record: stash("big", "Big stash", &fams, 1),
        expected_version: None,
        idempotency: Some(idem("big-create")),
    };
    assert_eq!(store.save_stash(&create).await.unwrap(), SaveOutcome::Saved);
    for f in &fams {
        assert_eq!(
            uses(store, f, 25).await,
            [stash_use("big", "Big stash")],
            "{f}"
        );
    }
    // Renamed, and 120 of its families dropped, in one write.
    let kept = &fams[..30];
    let update = StashWrite {
        events: Vec::new(),
        record: stash("big", "Aardvark", kept, 2),
        expected_version: Some(1),
        idempotency: None,
    };
    assert_eq!(store.save_stash(&update).await.unwrap(), SaveOutcome::Saved);
    for f in kept {
        assert_eq!(
            uses(store, f, 25).await,
            [stash_use("big", "Aardvark")],
            "{f}"
        );
    }
    for f in &fams[30..] {
        assert_eq!(uses(store, f, 25).await, [], "{f}");
    }
    // Grown again past one transaction, beside another stash holding the first family.
    let small = StashWrite {
        events: Vec::new(),
        record: stash("small", "Bee", &fams[..1], 1),
        expected_version: None,
        idempotency: None,
    };
    assert_eq!(store.save_stash(&small).await.unwrap(), SaveOutcome::Saved);
    let regrow = StashWrite {
        events: Vec::new(),
        record: stash("big", "Zebra", &fams, 3),
        expected_version: Some(2),
        idempotency: None,
    };
    assert_eq!(store.save_stash(&regrow).await.unwrap(), SaveOutcome::Saved);
    assert_eq!(
        uses(store, &fams[0], 1).await,
        [stash_use("small", "Bee"), stash_use("big", "Zebra")]
    );
    for f in &fams[1..] {
        assert_eq!(uses(store, f, 25).await, [stash_use("big", "Zebra")], "{f}");
    }
}

async fn refused_stash_writes_leave_references_alone(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let fams = put_families(store, 120).await;
    let first = StashWrite {
        events: Vec::new(),
        record: stash("st-1", "First", &fams[..2], 1),
        expected_version: None,
        idempotency: Some(idem("taken")),
    };
    assert_eq!(store.save_stash(&first).await.unwrap(), SaveOutcome::Saved);
    // A large create under a key another write holds, a large update of a stale version,
    // and a create of an id that exists: each refused, no reference changes.
    let big_create = StashWrite {
        events: Vec::new(),
        record: stash("st-2", "Second", &fams, 1),
        expected_version: None,
        idempotency: Some(idem("taken")),
    };
    assert!(matches!(
        store.save_stash(&big_create).await.unwrap(),
        SaveOutcome::IdempotencyTaken(_)
    ));
    let stale = StashWrite {
        events: Vec::new(),
        record: stash("st-1", "Renamed", &fams, 5),
        expected_version: Some(4),
        idempotency: None,
    };
    assert_eq!(
        store.save_stash(&stale).await.unwrap(),
        SaveOutcome::VersionMismatch
    );
    let dup = StashWrite {
        events: Vec::new(),
        record: stash("st-1", "Dup", &fams[5..], 1),
        expected_version: None,
        idempotency: None,
    };
    assert_eq!(
        store.save_stash(&dup).await.unwrap(),
        SaveOutcome::VersionMismatch
    );
    for f in &fams[..2] {
        assert_eq!(
            uses(store, f, 10).await,
            [stash_use("st-1", "First")],
            "{f}"
        );
    }
    for f in &fams[2..] {
        assert_eq!(uses(store, f, 10).await, [], "{f}");
    }
    assert!(store.get_stash(ws(), &rid("st-2")).await.unwrap().is_none());
}

async fn imported_details_and_stashes_move_their_references(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let detail = |name: &str, families: &[&str]| {
        let mut item = detail_item(A1, "d-new", Timestamp::from_millis(1), &[], None);
        if let Item::Detail(d) = &mut item {
            d.detail.name = name.into();
            d.family_ids = families.iter().map(|f| rid(f)).collect();
        }
        item
    };
    let used_by =
        |kind: &str, id: &str, name: &str| (kind.to_owned(), id.to_owned(), name.to_owned());
    store
        .put_items(&[detail("AAA first", &["f4", "f3"])])
        .await
        .unwrap();
    assert_eq!(
        uses(store, &rid("f4"), 10).await,
        [used_by("detail", "d-new", "AAA first")]
    );
    assert_eq!(
        uses(store, &rid("f3"), 10).await,
        [
            used_by("detail", "d-new", "AAA first"),
            used_by("detail", "d4", "Timber floor")
        ]
    );
    // Imported again: renamed, placing other families.
    store
        .put_items(&[detail("ZZZ last", &["f3", "f2"])])
        .await
        .unwrap();
    assert_eq!(uses(store, &rid("f4"), 10).await, []);
    assert_eq!(
        uses(store, &rid("f3"), 1).await,
        [
            used_by("detail", "d4", "Timber floor"),
            used_by("detail", "d-new", "ZZZ last")
        ]
    );
    assert_eq!(
        uses(store, &rid("f2"), 10).await,
        [
            used_by("detail", "d1", "Concrete slab edge"),
            used_by("detail", "d-new", "ZZZ last")
        ]
    );
    // A stash imported again with other families.
    let mut s1 = store.get_stash(ws(), &rid("s1")).await.unwrap().unwrap();
    assert_eq!(
        uses(store, &rid("f1"), 10).await.last(),
        Some(&stash_use("s1", "Mine"))
    );
    s1.stash.item_ids.family_ids = vec![rid("f4")];
    store.put_items(&[Item::Stash(s1)]).await.unwrap();
    assert!(
        !uses(store, &rid("f1"), 10)
            .await
            .iter()
            .any(|(k, _, _)| k == "stash")
    );
    assert_eq!(uses(store, &rid("f4"), 10).await, [stash_use("s1", "Mine")]);
}
