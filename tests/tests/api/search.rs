//! Issue 13: search that never scans. Word-prefix `q`, bounded work per page whatever the
//! filters and grants, walks that neither repeat nor skip, families search,
//! `updated_since`, and `similar` from candidates.

use pirros_shared::auth::secret::SecretHash;
use pirros_shared::grants::{Action, EntityType, Filter, FilterId, FilterMatch};
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::model::{
    Credential, CredentialStatus, Detail, DetailRecord, Family, FamilyRecord, Grant, Library,
};
use pirros_shared::search::budget;
use pirros_shared::store::Item;
use pirros_shared::timestamp::Timestamp;
use pirros_tests::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

pirros_tests::on_both_stores!(
    q_matches_folded_word_prefixes,
    q_takes_at_most_eight_words,
    every_walk_is_complete_and_within_budget,
    a_page_may_be_short_while_the_walk_goes_on,
    the_rarest_word_is_walked,
    updated_since_walks_in_update_order,
    reimport_moves_a_detail_in_every_index,
    families_search_filters_grants_and_pages,
    similar_equals_exhaustive_scoring,
    similar_reads_a_bounded_number_of_candidates,
    similar_trusts_the_family_count_only_as_far_as_it_reads,
);

fn rid(s: &str) -> ResourceId {
    ResourceId::parse(s).unwrap()
}

fn ws() -> WorkspaceId {
    WorkspaceId::parse(A1).unwrap()
}

fn at(day: u32, second: u32) -> Timestamp {
    Timestamp::parse(&format!("2026-07-{day:02}T00:00:{second:02}Z")).unwrap()
}

fn detail(id: &str, name: &str, description: &str, created: Timestamp) -> Detail {
    Detail {
        id: rid(id),
        workspace_id: ws(),
        name: name.into(),
        description: description.into(),
        library: Library::Typical,
        tag_ids: vec![],
        project_id: None,
        has_pdf: false,
        has_rvt: false,
        created_at: created,
        updated_at: created,
        open_flags: 0,
    }
}

fn put_detail(d: Detail) -> Item {
    Item::Detail(DetailRecord {
        detail: d,
        files: Default::default(),
        family_ids: Vec::new(),
    })
}

fn details_path(q: &str) -> String {
    format!("/v1/workspaces/{A1}/details?{q}")
}

fn families_path(q: &str) -> String {
    format!("/v1/workspaces/{A1}/families?{q}")
}

async fn q_matches_folded_word_prefixes(b: Backend) {
    let api = api(b).await;
    api.store()
        .put_items(&[
            put_detail(detail("w1", "Parapet FLASHING detail", "", at(1, 0))),
            put_detail(detail("w2", "Façade panel", "", at(2, 0))),
            put_detail(detail("w3", "Wall footing at slab edge", "", at(3, 0))),
            put_detail(detail("w4", "Reflashed roof", "ÉTANCHÉITÉ", at(4, 0))),
            put_detail(detail("w5", "Straße gully", "", at(5, 0))),
            put_detail(detail("w6", "Łódź Ørsted kapı", "", at(6, 0))),
        ])
        .await
        .unwrap();
    let t = api.token("full-a").await;
    let cases: &[(&str, &[&str])] = &[
        ("q=flash", &["w1"]),
        ("q=FLASHING", &["w1"]),
        ("q=flashings", &[]),
        ("q=FA%C3%87ADE", &["w2"]),
        ("q=facade", &["w2"]),
        ("q=etancheite", &["w4"]),
        // Case folding, not only lower case: `ß` is `ss`.
        ("q=strasse", &["w5"]),
        ("q=STRASS", &["w5"]),
        ("q=stra%C3%9Fe", &["w5"]),
        // Letters whose mark no decomposition takes off: `ł`, `ø`, dotless `ı`.
        ("q=lodz%20orsted", &["w6"]),
        ("q=kapi", &["w6"]),
        ("q=%C5%82%C3%B3d%C5%BA", &["w6"]),
        ("q=wall%20footing", &["w3"]),
        ("q=footing,WALL", &["w3"]),
        ("q=wall%20roof", &[]),
        // One letter: below the index's shortest prefix, still a word prefix.
        ("q=a", &["w3"]),
        ("q=e", &["w4", "w3", "d2", "d1"]),
        // Words of the description count as the name's do.
        ("q=waterproof", &["d3"]),
        ("q=concrete%20ledge", &["d4"]),
        // Substrings inside a word are not matches.
        ("q=ashing", &[]),
        ("q=oncrete", &[]),
        // No words at all is no filter.
        (
            "q=--%20",
            &[
                "w6", "w5", "w4", "w3", "w2", "w1", "d4", "d5", "d3", "d2", "d1",
            ],
        ),
    ];
    for (q, want) in cases {
        let r = api.get(&details_path(q), &t).await;
        assert_eq!(r.status, 200, "{q}: {}", r.text);
        assert_eq!(ids(&r), *want, "{q}");
        assert_eq!(r.body["response"]["next_cursor"], Value::Null, "{q}");
    }
}

async fn q_takes_at_most_eight_words(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let r = api
        .get(&details_path("q=concrete%20a%20b%20c%20d%20e%20f%20g"), &t)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for path in [
        details_path("q=concrete+a+b+c+d+e+f+g+h"),
        families_path("q=a-b-c-d-e-f-g-h-i"),
    ] {
        let r = api.get(&path, &t).await;
        r.assert_error(400, "invalid_request");
        assert_eq!(r.body["error"]["details"]["field"], "q", "{}", r.text);
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("at most 8"),
            "{}",
            r.text
        );
    }
    let long = "x".repeat(201);
    api.get(&details_path(&format!("q={long}")), &t)
        .await
        .assert_error(400, "invalid_request");
}

/// The generated workspace: 240 details of A1 besides the fixture's five. Detail `i` is
/// tagged `t-rare` when `i % 50 == 9`, `t-steel` when even; is a project detail when
/// `i % 3 == 0`; says "needle" when `i % 70 == 19`, "Flashing" when `i % 8 == 3`.
const GENERATED: usize = 240;

fn generated(i: usize) -> Detail {
    let mut d = detail(
        &format!("g{i:03}"),
        &format!("Generated {i}"),
        &format!(
            "{}{}plain words",
            if i % 70 == 19 { "needle " } else { "" },
            if i % 8 == 3 { "Flashing " } else { "" }
        ),
        Timestamp::from_millis(at(10, 0).millis() + i as i64 * 1000),
    );
    if i % 50 == 9 {
        d.tag_ids.push(rid("t-rare"));
    }
    if i.is_multiple_of(2) {
        d.tag_ids.push(rid("t-steel"));
    }
    if i.is_multiple_of(3) {
        d.library = Library::Project;
    }
    d.updated_at =
        Timestamp::from_millis(at(20, 0).millis() + ((i * 37) % GENERATED) as i64 * 1000);
    d
}

/// A credential of A1 whose only details grant is a custom filter over `t-rare`.
fn rare_reader() -> Vec<Item> {
    vec![
        Item::Filter(Filter {
            id: rid("flt-rare"),
            workspace_id: ws(),
            name: "Rare tag".into(),
            entity_type: EntityType::Detail,
            rule: FilterMatch {
                tag_ids_any: Some(vec![rid("t-rare")]),
                ..Default::default()
            },
        }),
        Item::Credential(Credential {
            client_id: ClientId::parse("rare-a").unwrap(),
            name: "rare".into(),
            firm_id: rid("firm-a"),
            status: CredentialStatus::Active,
            secret: SecretHash::of(&secret_of("rare-a")),
            secret_version: 1,
            previous_secret: None,
            grants: vec![Grant {
                workspace_id: ws(),
                filter_id: FilterId::parse("flt-rare").unwrap(),
                action: Action::Read,
            }],
            created_at: Timestamp::now(),
            version: 1,
        }),
    ]
}

async fn seeded(b: Backend) -> Api {
    let api = api(b).await;
    let mut items: Vec<Item> = (0..GENERATED).map(|i| put_detail(generated(i))).collect();
    items.extend(rare_reader());
    api.operator().put_items(&items).await.unwrap();
    api
}

/// Follows `next_cursor` from `query` with page size `limit`: the ids in order, and the
/// most items one page read (the credential's own read and its custom filters left out).
async fn walk(
    api: &Api,
    token: &str,
    query: &str,
    limit: usize,
    filters: u64,
) -> (Vec<String>, u64) {
    let mut seen = Vec::new();
    let mut most = 0;
    let mut cursor: Option<String> = None;
    for _ in 0..500 {
        let q = match &cursor {
            Some(c) => format!("{query}&limit={limit}&cursor={c}"),
            None => format!("{query}&limit={limit}"),
        };
        let before = api.store().items_read();
        let r = api.get(&details_path(&q), token).await;
        let read = api.store().items_read() - before - 1 - filters;
        assert_eq!(r.status, 200, "{q}: {}", r.text);
        let page = ids(&r);
        assert!(page.len() <= limit, "{q}");
        most = most.max(read);
        seen.extend(page);
        match r.body["response"]["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return (seen, most),
        }
    }
    panic!("{query}: the walk does not end");
}

async fn every_walk_is_complete_and_within_budget(b: Backend) {
    let api = seeded(b).await;
    let full = api.token("full-a").await;
    let rare = api.token("rare-a").await;
    // Warm the limiter's previous-window read and the kill-switch cache.
    api.get(&details_path("limit=1"), &full).await;
    api.get(&details_path("limit=1"), &rare).await;
    let all: Vec<Detail> = (0..GENERATED).rev().map(generated).collect();
    let newest = |f: &dyn Fn(&Detail) -> bool| -> Vec<String> {
        all.iter()
            .filter(|d| f(d))
            .map(|d| d.id.as_str().to_owned())
            .collect()
    };
    let has = |d: &Detail, t: &str| d.tag_ids.contains(&rid(t));
    let words = |d: &Detail| d.description.to_lowercase();
    // Fixture details are older than every generated one and come last.
    let mut steel_typical = newest(&|d| has(d, "t-steel") && d.library == Library::Typical);
    steel_typical.extend(["d5", "d2"].map(String::from));
    let cases: Vec<(&str, Vec<String>, &str, u64)> = vec![
        (
            "q=needle",
            newest(&|d| words(d).contains("needle")),
            "full",
            0,
        ),
        (
            "q=flash",
            newest(&|d| words(d).contains("flashing")),
            "full",
            0,
        ),
        (
            "q=needle%20flashing",
            newest(&|d| words(d).contains("needle") && words(d).contains("flashing")),
            "full",
            0,
        ),
        ("q=zzyzx", vec![], "full", 0),
        (
            "q=generated%20flash",
            newest(&|d| words(d).contains("flashing")),
            "full",
            0,
        ),
        ("tag_id=t-steel&library=typical", steel_typical, "full", 0),
        ("tag_id=t-rare", newest(&|d| has(d, "t-rare")), "full", 0),
        (
            "tag_id=t-rare&q=needle",
            newest(&|d| has(d, "t-rare") && words(d).contains("needle")),
            "full",
            0,
        ),
        ("q=generated", newest(&|_| true), "rare", 1),
        ("q=g", newest(&|d| has(d, "t-rare")), "rare", 1),
        (
            "library=project",
            newest(&|d| has(d, "t-rare") && d.library == Library::Project),
            "rare",
            1,
        ),
    ];
    for (query, want, who, filters) in cases {
        let want = if who == "rare" {
            newest(&|d| has(d, "t-rare") && want.contains(&d.id.as_str().to_owned()))
        } else {
            want
        };
        let token = if who == "rare" { &rare } else { &full };
        for limit in [1, 5, 25] {
            let (seen, most) = walk(&api, token, query, limit, filters).await;
            assert_eq!(seen, want, "{who} {query} limit={limit}");
            assert!(
                most <= budget(limit) as u64,
                "{who} {query} limit={limit}: a page read {most} items, budget {}",
                budget(limit)
            );
        }
    }
}

// "generated" (the longer word) is in every generated detail, "flash" in one in 8: the
// page walks the rarer word's entry, so a full page costs a full page of reads (and the
// two list sizes), not the budget.
async fn the_rarest_word_is_walked(b: Backend) {
    let api = seeded(b).await;
    let t = api.token("full-a").await;
    api.get(&details_path("limit=1"), &t).await;
    let before = api.store().items_read();
    let r = api
        .get(&details_path("q=generated%20flash&limit=25"), &t)
        .await;
    let read = api.store().items_read() - before - 1;
    assert_eq!(ids(&r).len(), 25, "{}", r.text);
    assert!(read <= 25 + 1 + 2, "read {read}");
}

async fn a_page_may_be_short_while_the_walk_goes_on(b: Backend) {
    let api = seeded(b).await;
    let t = api.token("full-a").await;
    // A one-letter word has no index entry: the walk checks it on what it reads.
    let r = api.get(&details_path("q=zzyzx&q=&limit=1"), &t).await;
    r.assert_error(400, "invalid_request");
    let r = api.get(&details_path("q=z&limit=1"), &t).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(ids(&r), Vec::<String>::new());
    let c = r.body["response"]["next_cursor"]
        .as_str()
        .expect("the walk goes on")
        .to_owned();
    let r = api
        .get(&details_path(&format!("q=z&limit=1&cursor={c}")), &t)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (seen, most) = walk(&api, &t, "q=z", 1, 0).await;
    assert!(seen.is_empty());
    assert!(most <= budget(1) as u64, "{most}");
}

async fn updated_since_walks_in_update_order(b: Backend) {
    let api = seeded(b).await;
    let t = api.token("full-a").await;
    let since = at(20, 0).millis() + 200 * 1000;
    let mut want: Vec<(i64, String)> = (0..GENERATED)
        .map(generated)
        .filter(|d| d.updated_at.millis() >= since)
        .map(|d| (d.updated_at.millis(), d.id.as_str().to_owned()))
        .collect();
    want.sort();
    let want: Vec<String> = want.into_iter().map(|(_, id)| id).collect();
    assert_eq!(want.len(), 40);
    let stamp = Timestamp::from_millis(since).to_string();
    let (seen, _) = walk(&api, &t, &format!("updated_since={stamp}"), 7, 0).await;
    assert_eq!(seen, want);
    // With other filters, the same order.
    let (seen, _) = walk(
        &api,
        &t,
        &format!("updated_since={stamp}&tag_id=t-steel"),
        3,
        0,
    )
    .await;
    let steel: Vec<String> = want
        .iter()
        .filter(|id| {
            generated(id[1..].parse().unwrap())
                .tag_ids
                .contains(&rid("t-steel"))
        })
        .cloned()
        .collect();
    assert_eq!(seen, steel);
    // An offset other than Z is the same instant.
    let r = api
        .get(
            &details_path("updated_since=2026-07-20T02:03:20%2B02:00&limit=100"),
            &t,
        )
        .await;
    assert_eq!(ids(&r), want);
    // A time finer than milliseconds: a detail updated in the millisecond it falls in is
    // before it, so not at or after it.
    let first = Timestamp::from_millis(since).to_string();
    let finer = first.replace(".000Z", ".0001Z");
    assert_ne!(finer, first);
    let r = api
        .get(
            &details_path(&format!("updated_since={finer}&limit=100")),
            &t,
        )
        .await;
    let later: Vec<String> = (0..GENERATED)
        .map(generated)
        .filter(|d| d.updated_at.millis() > since)
        .map(|d| d.id.as_str().to_owned())
        .collect();
    assert!(
        later.len() < want.len(),
        "one is updated at {first} exactly"
    );
    let mut got = ids(&r);
    got.sort();
    let mut later = later;
    later.sort();
    assert_eq!(got, later);
    for bad in ["yesterday", "2026-07-20", "2026-07-20T00:00:00", ""] {
        let r = api
            .get(&details_path(&format!("updated_since={bad}")), &t)
            .await;
        r.assert_error(400, "invalid_request");
        assert_eq!(
            r.body["error"]["details"]["field"], "updated_since",
            "{bad}"
        );
    }
    // The cursor of an update-order walk is bound to its timestamp.
    let r = api
        .get(&details_path(&format!("updated_since={stamp}&limit=1")), &t)
        .await;
    let c = r.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    api.get(&details_path(&format!("limit=1&cursor={c}")), &t)
        .await
        .assert_error(400, "invalid_request");
}

async fn reimport_moves_a_detail_in_every_index(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let search = async |q: &str| ids(&api.get(&details_path(q), &t).await);
    assert_eq!(search("q=parapet").await, ["d5"]);
    assert_eq!(search("tag_id=t-steel").await, ["d5", "d2"]);
    let mut d5 = api
        .store()
        .get_detail(ws(), &rid("d5"))
        .await
        .unwrap()
        .unwrap();
    d5.detail.name = "Balustrade".into();
    d5.detail.tag_ids = vec![rid("t-timber")];
    d5.detail.updated_at = Timestamp::parse("2026-08-01T00:00:00Z").unwrap();
    api.operator().put_items(&[Item::Detail(d5)]).await.unwrap();
    assert!(search("q=parapet").await.is_empty(), "old name word");
    assert_eq!(search("q=balus").await, ["d5"]);
    assert_eq!(search("q=coping").await, ["d5"], "description kept");
    assert_eq!(search("tag_id=t-steel").await, ["d2"]);
    assert_eq!(search("tag_id=t-timber").await, ["d4", "d5"]);
    let since = search("updated_since=2026-06-02T00:00:00Z").await;
    assert_eq!(
        since,
        ["d2", "d3", "d4", "d5"],
        "d5 moved to its new update time"
    );
}

async fn families_search_filters_grants_and_pages(b: Backend) {
    let api = api(b).await;
    let full = api.token("full-a").await;
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("".into(), vec!["f4", "f3", "f2", "f1"]),
        ("q=door".into(), vec!["f2", "f1"]),
        ("q=dou".into(), vec!["f2"]),
        ("q=DOOR%20flush%20single".into(), vec!["f1"]),
        ("tag_id=t-timber".into(), vec!["f3", "f2", "f1"]),
        ("tag_id=t-timber&tag_id=t-steel".into(), vec![]),
        (format!("project_id={PA}"), vec!["f3", "f1"]),
        ("category=Doors".into(), vec!["f2", "f1"]),
        ("category=doors".into(), vec![]),
        ("category=Windows&q=case".into(), vec!["f3"]),
        (
            "updated_since=2026-06-02T10:00:00Z".into(),
            vec!["f2", "f3", "f4"],
        ),
        ("q=nothing".into(), vec![]),
    ];
    for (q, want) in &cases {
        let r = api.get(&families_path(q), &full).await;
        assert_eq!(r.status, 200, "{q}: {}", r.text);
        assert_eq!(ids(&r), *want, "{q}");
        assert_eq!(r.body["response"]["next_cursor"], Value::Null, "{q}");
    }
    // Grants: a project filter on families sees only that project's.
    let proj = api.token("projfam-a").await;
    let r = api.get(&families_path("q=door"), &proj).await;
    assert_eq!(ids(&r), ["f1"]);
    // No read grant on families: 403 naming what the caller holds.
    let concrete = api.token("concrete-a").await;
    let r = api.get(&families_path(""), &concrete).await;
    r.assert_error(403, "insufficient_scope");
    assert_eq!(r.body["error"]["details"]["entity_type"], "family");
    // Pages, cursors bound to the query, expansions.
    let r = api
        .get(&families_path("limit=3&include=tags,project"), &full)
        .await;
    assert_eq!(ids(&r), ["f4", "f3", "f2"]);
    let e = &r.body["response"]["expanded"];
    assert_eq!(e["tags"]["t-timber"]["name"], "timber");
    assert!(e["projects"][PA].is_object() && e["projects"][PB].is_object());
    let c = r.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = api
        .get(&families_path(&format!("limit=3&cursor={c}")), &full)
        .await;
    assert_eq!(ids(&r), ["f1"]);
    assert_eq!(r.body["response"]["next_cursor"], Value::Null);
    api.get(&families_path(&format!("q=door&cursor={c}")), &full)
        .await
        .assert_error(400, "invalid_request");
    api.get(&details_path(&format!("limit=3&cursor={c}")), &full)
        .await
        .assert_error(400, "invalid_request");
    for bad in [
        "category=",
        "library=typical",
        "limit=0",
        "tag_id=a%23b",
        "include=x",
    ] {
        let r = api.get(&families_path(bad), &full).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
    }
    // Another firm's workspace: no grant there.
    api.get(&format!("/v1/workspaces/{B1}/families"), &full)
        .await
        .assert_error(403, "insufficient_scope");
}

/// Every family of A1 the token may read.
async fn readable_families(api: &Api, token: &str) -> Vec<Family> {
    let r = api.get(&families_path("limit=100"), token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    serde_json::from_value(r.body["response"]["data"].clone()).unwrap()
}

/// A family of A1 created on day 1.
fn family_item(id: &str, name: &str, category: &str, tags: &[&str]) -> Item {
    Item::Family(FamilyRecord {
        family: Family {
            id: rid(id),
            workspace_id: ws(),
            name: name.into(),
            category: category.into(),
            description: String::new(),
            tag_ids: tags.iter().map(|t| rid(t)).collect(),
            project_id: None,
            has_rfa: false,
            version: 1,
            group_id: None,
            file: None,
            created_at: at(1, 0),
            updated_at: at(1, 0),
        },
        files: Default::default(),
    })
}

/// Families of A1 sharing nothing with any other, enough to take the workspace past
/// `similar`'s whole-workspace read.
fn loners() -> Vec<Item> {
    use pirros_shared::search::similar::WHOLE;
    (0..=WHOLE)
        .map(|i| {
            family_item(
                &format!("loner-{i}"),
                &format!("Q{i}"),
                &format!("C{i}"),
                &[],
            )
        })
        .collect()
}

/// Every family `similar` answers, for each family a token may read, is what scoring
/// every readable family ranks.
async fn assert_similar_is_exhaustive(api: &Api) {
    use pirros_families::similarity;
    for who in ["full-a", "projfam-a"] {
        let t = api.token(who).await;
        let readable = readable_families(api, &t).await;
        for target in &readable {
            let path = format!(
                "/v1/workspaces/{A1}/families/{}/similar?limit=50",
                target.id
            );
            let r = api.get(&path, &t).await;
            assert_eq!(r.status, 200, "{}", r.text);
            let got: Vec<(String, f64)> = r.body["response"]["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    (
                        d["id"].as_str().unwrap().to_owned(),
                        d["score"].as_f64().unwrap(),
                    )
                })
                .collect();
            let want: Vec<(String, f64)> = similarity::rank(target, readable.clone(), 50)
                .into_iter()
                .map(|(f, s)| (f.id.as_str().to_owned(), s))
                .collect();
            assert_eq!(got, want, "{who} {}", target.id);
            assert!(got.iter().all(|(_, s)| *s > 0.0));
        }
    }
}

async fn similar_equals_exhaustive_scoring(b: Backend) {
    let api = api(b).await;
    // More families, so that some share only a name word, only the category or nothing.
    let family = family_item;
    api.store()
        .put_items(&[
            family("f5", "Flush Panel", "Walls", &[]),
            family("f6", "Skylight", "WINDOWS", &[]),
            family("f7", "Bench", "Furniture", &[]),
            family("f8", "Door Pocket Sliding", "Specialty", &["t-concrete"]),
        ])
        .await
        .unwrap();
    // A workspace this small is read whole; one past `WHOLE` families, from the lists.
    assert_similar_is_exhaustive(&api).await;
    api.operator().put_items(&loners()).await.unwrap();
    assert_similar_is_exhaustive(&api).await;
    let t = api.token("full-a").await;
    let r = api
        .get(&format!("/v1/workspaces/{A1}/families/f7/similar"), &t)
        .await;
    assert_eq!(
        r.body["response"]["data"],
        json!([]),
        "nothing in common: nothing listed"
    );
    let ids: BTreeSet<String> = ids(&api
        .get(&format!("/v1/workspaces/{A1}/families/f1/similar"), &t)
        .await)
    .into_iter()
    .collect();
    assert_eq!(
        ids,
        ["f2", "f3", "f5", "f8"].map(String::from).into(),
        "tag, name word and category sharers only"
    );
}

// A category shared by more families than `similar` may read: it reads its budget, the
// small lists (the target's tag) whole, and still ranks the one sharing most first.
async fn similar_reads_a_bounded_number_of_candidates(b: Backend) {
    use pirros_shared::search::similar::BUDGET;
    let api = api(b).await;
    let doors: Vec<Item> = (0..BUDGET + 100)
        .map(|i| {
            Item::Family(FamilyRecord {
                family: Family {
                    id: rid(&format!("door-{i:04}")),
                    workspace_id: ws(),
                    name: format!("Model {i}"),
                    category: "Doors".into(),
                    description: String::new(),
                    tag_ids: vec![],
                    project_id: None,
                    has_rfa: false,
                    version: 1,
                    group_id: None,
                    file: None,
                    created_at: Timestamp::from_millis(at(1, 0).millis() + i as i64 * 1000),
                    updated_at: at(1, 0),
                },
                files: Default::default(),
            })
        })
        .collect();
    api.operator().put_items(&doors).await.unwrap();
    let t = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/families/f1/similar?limit=5");
    api.get(&path, &t).await;
    let before = api.store().items_read();
    let r = api.get(&path, &t).await;
    let read = api.store().items_read() - before;
    assert_eq!(r.status, 200, "{}", r.text);
    // The credential, the target family and the workspace's family count, then the
    // candidates.
    assert!(read <= 3 + BUDGET as u64, "similar read {read} items");
    let got = ids(&r);
    assert_eq!(got[0], "f2", "same tag, category and name words");
    assert_eq!(got.len(), 5);
}

// The family count `similar` chooses by is a hint (a size write may lag). Told the
// workspace is empty when it is not small, it still finds exactly the families that share
// something; told it is large when it is small, the same.
async fn similar_trusts_the_family_count_only_as_far_as_it_reads(b: Backend) {
    use pirros_shared::search::similar::{WHOLE, candidates};
    let api = api(b).await;
    let store = api.store();
    let target = match store.get_family(ws(), &rid("f1")).await.unwrap() {
        Some(record) => record.family,
        None => panic!("the fixture's f1"),
    };
    let ids = |fs: Vec<Family>| -> BTreeSet<String> {
        fs.into_iter().map(|f| f.id.as_str().to_owned()).collect()
    };
    let sharing = ids(candidates(store, ws(), &target, u64::MAX).await.unwrap());
    assert!(
        !sharing.is_empty() && !sharing.contains("f1"),
        "{sharing:?}"
    );
    // Small, read whole: every other family, those sharing something among them.
    let whole = ids(candidates(store, ws(), &target, 0).await.unwrap());
    assert!(whole.len() <= WHOLE && !whole.contains("f1"), "{whole:?}");
    assert!(whole.is_superset(&sharing), "{whole:?} {sharing:?}");
    // Past `WHOLE`, a count of 0 no longer reads the workspace whole: the lists again.
    api.operator().put_items(&loners()).await.unwrap();
    let lied_to = ids(candidates(store, ws(), &target, 0).await.unwrap());
    assert_eq!(lied_to, sharing);
    assert!(lied_to.iter().all(|id| !id.starts_with("loner-")));
}
