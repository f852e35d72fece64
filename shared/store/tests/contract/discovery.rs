//! Issue 15: the storage contract of the discovery reads, on both stores: the projects
//! list in name order, the stash lists newest first (kept by stash writes and imports),
//! and what a credential's grants reach in one read.

use pirros_shared::grants::{EntityType, Filter, FilterMatch};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::{ItemIds, Project, Stash, StashRecord};
use pirros_shared::timestamp::Timestamp;
use pirros_store::{Item, SaveOutcome, Slice, StashIndex, StashWrite, Store, project_sort_key};
use pirros_tests::*;

pirros_tests::on_both_stores!(
    projects_page_by_name_then_id,
    a_renamed_project_moves_in_the_list,
    stash_lists_page_newest_first_per_index,
    stash_writes_keep_the_lists_in_step,
    a_reimported_stash_leaves_no_stale_copy,
    reach_is_one_read_of_what_exists,
);

fn ws() -> WorkspaceId {
    WorkspaceId::parse(A1).unwrap()
}

fn rid(s: &str) -> ResourceId {
    ResourceId::parse(s).unwrap()
}

fn at(minute: i64) -> Timestamp {
    Timestamp::from_millis(1_780_000_000_000 + minute * 60_000)
}

fn project(id: &str, name: &str) -> Item {
    Item::Project(Project {
        id: rid(id),
        workspace_id: ws(),
        name: name.into(),
        created_at: at(0),
    })
}

fn stash(id: &str, minute: i64, project: &str, by: &str) -> StashRecord {
    StashRecord {
        stash: Stash {
            id: rid(id),
            workspace_id: ws(),
            name: format!("stash {id}"),
            description: None,
            project_id: rid(project),
            is_permanent: false,
            item_ids: ItemIds::default(),
            created_by: by.into(),
            created_at: at(minute),
            updated_at: at(minute),
        },
        version: 1,
    }
}

/// Every item of a list, `max` per call.
async fn walk<T>(
    max: usize,
    mut page: impl AsyncFnMut(Option<String>) -> Slice<T>,
) -> Vec<(String, T)> {
    let mut out = Vec::new();
    let mut after = None;
    for _ in 0..100 {
        let p = page(after.clone()).await;
        assert!(p.items.len() <= max);
        out.extend(p.items);
        match p.last_key {
            Some(k) => after = Some(k),
            None => return out,
        }
    }
    panic!("the list does not end");
}

async fn project_names(store: &dyn Store, max: usize) -> Vec<(String, String)> {
    walk(max, async |after: Option<String>| {
        store
            .query_projects(ws(), after.as_deref(), max)
            .await
            .unwrap()
    })
    .await
    .into_iter()
    .map(|(_, p)| (p.name, p.id.to_string()))
    .collect()
}

async fn projects_page_by_name_then_id(b: Backend) {
    let api = api(b).await;
    let long = "x".repeat(200);
    api.store()
        .put_items(&[
            project("p-b", "b"),
            project("p-a2", "a"),
            project("p-ab", "a b"),
            project("p-A", "A"),
            project("p-a1", "a"),
            project("p-ae", "\u{e4}"),
            project("p-long2", &format!("{long}\u{e4}")),
            project("p-long1", &format!("{long}b")),
        ])
        .await
        .unwrap();
    let mut want: Vec<(String, String)> = vec![
        ("Project A".into(), PA.into()),
        ("Project B".into(), PB.into()),
        ("b".into(), "p-b".into()),
        ("a".into(), "p-a2".into()),
        ("a b".into(), "p-ab".into()),
        ("A".into(), "p-A".into()),
        ("a".into(), "p-a1".into()),
        ("\u{e4}".into(), "p-ae".into()),
        (format!("{long}\u{e4}"), "p-long2".into()),
        (format!("{long}b"), "p-long1".into()),
    ];
    want.sort();
    for max in [1, 3, 100] {
        assert_eq!(project_names(api.store(), max).await, want, "max {max}");
    }
    // The sort key keeps byte order, shorter names first, within DynamoDB's key size.
    let p = |name: &str| Project {
        id: rid("x"),
        workspace_id: ws(),
        name: name.into(),
        created_at: at(0),
    };
    assert!(project_sort_key(&p("a")) < project_sort_key(&p("a b")));
    assert!(project_sort_key(&p("a b")) < project_sort_key(&p("ab")));
    assert!(project_sort_key(&p(&"\u{10348}".repeat(200))).len() <= 1024);
    // Other workspaces' projects are not in the list.
    let other = WorkspaceId::parse(B1).unwrap();
    let page = api.store().query_projects(other, None, 10).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].1.name, "Project X");
}

async fn a_renamed_project_moves_in_the_list(b: Backend) {
    let api = api(b).await;
    api.store()
        .put_items(&[project("p-1", "Zebra")])
        .await
        .unwrap();
    api.store()
        .put_items(&[project("p-1", "Aardvark")])
        .await
        .unwrap();
    let names = project_names(api.store(), 10).await;
    assert_eq!(
        names,
        vec![
            ("Aardvark".to_owned(), "p-1".to_owned()),
            ("Project A".into(), PA.into()),
            ("Project B".into(), PB.into()),
        ]
    );
}

async fn stash_ids(store: &dyn Store, index: StashIndex, max: usize) -> Vec<String> {
    walk(max, async |after: Option<String>| {
        store
            .query_stashes(ws(), &index, after.as_deref(), max)
            .await
            .unwrap()
    })
    .await
    .into_iter()
    .map(|(_, s)| s.id.to_string())
    .collect()
}

async fn stash_lists_page_newest_first_per_index(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let odd_creator = "user 7@example.com";
    store
        .put_items(&[
            Item::Stash(stash("old", -10, PB, "full-a")),
            Item::Stash(stash("tie-b", 5, PA, odd_creator)),
            Item::Stash(stash("tie-a", 5, PB, odd_creator)),
            Item::Stash(stash("new", 50_000_000, PA, "someone")),
        ])
        .await
        .unwrap();
    // The fixture's s1 and s2 were created on 2026-06-05, after `at(5)` and before `new`.
    let all = ["new", "s2", "s1", "tie-a", "tie-b", "old"];
    for max in [1, 2, 10] {
        assert_eq!(stash_ids(store, StashIndex::All, max).await, all, "{max}");
    }
    assert_eq!(
        stash_ids(store, StashIndex::Project(rid(PA)), 2).await,
        ["new", "s2", "s1", "tie-b"]
    );
    assert_eq!(
        stash_ids(store, StashIndex::Project(rid(PB)), 1).await,
        ["tie-a", "old"]
    );
    assert_eq!(
        stash_ids(store, StashIndex::Creator(odd_creator.into()), 1).await,
        ["tie-a", "tie-b"]
    );
    assert_eq!(
        stash_ids(store, StashIndex::Creator("full-a".into()), 5).await,
        ["s2", "old"]
    );
    assert!(
        stash_ids(store, StashIndex::Creator("user 7".into()), 5)
            .await
            .is_empty()
    );
    assert!(
        stash_ids(store, StashIndex::Project(rid("p-none")), 5)
            .await
            .is_empty()
    );
}

async fn stash_writes_keep_the_lists_in_step(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let created = stash("made", 60_000_000, PB, "full-a");
    let write = |record: StashRecord, expected_version| StashWrite {
        events: Vec::new(),
        record,
        expected_version,
        idempotency: None,
    };
    assert_eq!(
        store
            .save_stash(&write(created.clone(), None))
            .await
            .unwrap(),
        SaveOutcome::Saved
    );
    let mut updated = created.clone();
    updated.stash.name = "renamed".into();
    updated.version = 2;
    assert_eq!(
        store
            .save_stash(&write(updated.clone(), Some(1)))
            .await
            .unwrap(),
        SaveOutcome::Saved
    );
    // A write that loses its condition changes no list either.
    let mut stale = updated.clone();
    stale.stash.name = "lost".into();
    stale.version = 3;
    assert_eq!(
        store.save_stash(&write(stale, Some(1))).await.unwrap(),
        SaveOutcome::VersionMismatch
    );
    for index in [
        StashIndex::All,
        StashIndex::Project(rid(PB)),
        StashIndex::Creator("full-a".into()),
    ] {
        let page = store.query_stashes(ws(), &index, None, 1).await.unwrap();
        let (_, first) = &page.items[0];
        assert_eq!(first.id.as_str(), "made", "{index:?}");
        assert_eq!(first.name, "renamed", "{index:?}");
    }
    assert_eq!(
        stash_ids(store, StashIndex::All, 2)
            .await
            .iter()
            .filter(|s| *s == "made")
            .count(),
        1
    );
}

async fn a_reimported_stash_leaves_no_stale_copy(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    store
        .put_items(&[Item::Stash(stash("moved", 1, PA, "full-a"))])
        .await
        .unwrap();
    store
        .put_items(&[Item::Stash(stash("moved", 2, PB, "other"))])
        .await
        .unwrap();
    let in_pa = stash_ids(store, StashIndex::Project(rid(PA)), 10).await;
    assert!(!in_pa.contains(&"moved".to_owned()), "{in_pa:?}");
    assert_eq!(
        stash_ids(store, StashIndex::Project(rid(PB)), 10).await,
        ["moved"]
    );
    assert_eq!(
        stash_ids(store, StashIndex::Creator("full-a".into()), 10).await,
        ["s2"]
    );
    let all = stash_ids(store, StashIndex::All, 10).await;
    assert_eq!(all.iter().filter(|s| *s == "moved").count(), 1, "{all:?}");
}

async fn reach_is_one_read_of_what_exists(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let a2 = WorkspaceId::parse(A2).unwrap();
    let missing_ws = WorkspaceId::parse("c0c0c0c0-0000-4000-8000-000000000009").unwrap();
    let before = store.calls();
    let mut reach = store
        .get_reach(
            &rid("firm-a"),
            &[ws(), a2, missing_ws, ws()],
            &[
                (ws(), rid("flt-concrete")),
                (ws(), rid("flt-my-stashes")),
                (ws(), rid("flt-gone")),
                (a2, rid("flt-concrete")),
            ],
        )
        .await
        .unwrap();
    assert_eq!(store.calls() - before, 1);
    assert_eq!(reach.firm.map(|f| f.name).as_deref(), Some("Firm A"));
    reach.workspaces.sort_by_key(|w| w.id);
    let names: Vec<&str> = reach.workspaces.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["A one", "A two (downloads off)"]);
    reach.filters.sort_by(|a, b| a.id.cmp(&b.id));
    let filters: Vec<(&str, EntityType)> = reach
        .filters
        .iter()
        .map(|f: &Filter| (f.id.as_str(), f.entity_type))
        .collect();
    assert_eq!(
        filters,
        [
            ("flt-concrete", EntityType::Detail),
            ("flt-my-stashes", EntityType::Stash)
        ]
    );
    assert_ne!(reach.filters[1].rule, FilterMatch::default());
    let nothing = store.get_reach(&rid("firm-none"), &[], &[]).await.unwrap();
    assert!(nothing.firm.is_none() && nothing.workspaces.is_empty());
}
