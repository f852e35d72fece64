//! Issue 17: where a family is used (details that place it, stashes that hold it), kept
//! current by stash writes, filtered by grants; and the group a family belongs to.

use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

pirros_tests::on_both_stores!(
    references_list_details_then_stashes_by_name,
    references_show_only_what_the_caller_may_read,
    references_follow_stash_writes,
    references_follow_stash_writes_made_in_steps,
    references_page_with_cursors_bound_to_the_family,
    group_lists_the_members_the_caller_may_read,
    families_name_their_group,
);

fn refs(family: &str) -> String {
    format!("/v1/workspaces/{A1}/families/{family}/references")
}

fn group(family: &str) -> String {
    format!("/v1/workspaces/{A1}/families/{family}/group")
}

/// `(type, id, name)` of each reference of a page.
fn uses(r: &Reply) -> Vec<(String, String, String)> {
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let s = |k: &str| u[k].as_str().unwrap().to_owned();
            (s("type"), s("id"), s("name"))
        })
        .collect()
}

fn u(kind: &str, id: &str, name: &str) -> (String, String, String) {
    (kind.into(), id.into(), name.into())
}

async fn references_list_details_then_stashes_by_name(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let r = api.get(&refs("f1"), &t).await;
    r.request_id();
    assert_eq!(
        uses(&r),
        [
            u("detail", "d3", "Concrete basement wall"),
            u("detail", "d1", "Concrete slab edge"),
            u("detail", "d2", "Steel connection"),
            u("stash", "s1", "Mine"),
        ]
    );
    let first = r.body["response"]["data"][0].as_object().unwrap();
    assert_eq!(first.keys().collect::<Vec<_>>(), ["type", "id", "name"]);
    assert_eq!(r.body["response"]["next_cursor"], Value::Null);
    assert_eq!(r.body["response"]["expanded"], json!({}));
    assert_eq!(
        uses(&api.get(&refs("f2"), &t).await),
        [u("detail", "d1", "Concrete slab edge")]
    );
    assert_eq!(
        uses(&api.get(&refs("f3"), &t).await),
        [u("detail", "d4", "Timber floor")]
    );
    assert_eq!(uses(&api.get(&refs("f4"), &t).await), []);
}

async fn references_show_only_what_the_caller_may_read(b: Backend) {
    let api = api(b).await;
    // Concrete details only, project A families, every stash.
    let w = api.token("writer-concrete-a").await;
    assert_eq!(
        uses(&api.get(&refs("f1"), &w).await),
        [
            u("detail", "d3", "Concrete basement wall"),
            u("detail", "d1", "Concrete slab edge"),
            u("stash", "s1", "Mine"),
        ]
    );
    // f2 is in project B: not readable, so 404, whoever uses it.
    api.get(&refs("f2"), &w)
        .await
        .assert_error(404, "not_found");
    // Project A families and nothing else: the family is readable, none of its users.
    let pf = api.token("projfam-a").await;
    let r = api.get(&refs("f1"), &pf).await;
    assert_eq!(uses(&r), []);
    assert_eq!(r.body["response"]["next_cursor"], Value::Null);
    // Every detail, only the stashes stash-mine-a created (s1 is one).
    let mine = api.token("stash-mine-a").await;
    let created = api
        .write(
            Method::POST,
            &format!("/v1/workspaces/{A1}/stashes"),
            &api.token("full-a").await,
            &json!({"name": "Another's", "project_id": PA,
                    "item_ids": {"detail_ids": [], "family_ids": ["f1"]}}),
            None,
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let theirs = uses(&api.get(&refs("f1"), &mine).await);
    assert_eq!(theirs.last(), Some(&u("stash", "s1", "Mine")));
    assert!(
        !theirs.iter().any(|(_, _, n)| n == "Another's"),
        "{theirs:?}"
    );
    // No read grant on families: 403, the route lists.
    let conc = api.token("concrete-a").await;
    api.get(&refs("f1"), &conc)
        .await
        .assert_error(403, "insufficient_scope");
    let t = api.token("full-a").await;
    for f in ["nope", "fb1", "bad%23id"] {
        api.get(&refs(f), &t).await.assert_error(404, "not_found");
    }
    api.get(&format!("/v1/workspaces/{B1}/families/f1/references"), &t)
        .await
        .assert_error(403, "insufficient_scope");
    api.get("/v1/workspaces/nope/families/f1/references", &t)
        .await
        .assert_error(400, "invalid_request");
}

async fn references_follow_stash_writes(b: Backend) {
    follow_stash_writes(&api(b).await).await;
}

/// A stash write whose items don't fit one transaction goes in steps (entries marked, the
/// stash committed, the entries settled); with transactions of 4 items every write above
/// does, on either store, and every answer is the same.
async fn references_follow_stash_writes_made_in_steps(b: Backend) {
    let api = Setup::new(b)
        .env("STORE_TRANSACTION_ITEMS", "4")
        .start()
        .await;
    follow_stash_writes(&api).await;
}

async fn follow_stash_writes(api: &Api) {
    let t = api.token("full-a").await;
    let created = api
        .write(
            Method::POST,
            &format!("/v1/workspaces/{A1}/stashes"),
            &t,
            &json!({"name": "Alpha", "project_id": PA,
                    "item_ids": {"detail_ids": ["d1"], "family_ids": ["f1", "f4"]}}),
            None,
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["response"]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/workspaces/{A1}/stashes/{id}");
    let stashes_of = |r: &Reply| -> Vec<(String, String, String)> {
        uses(r)
            .into_iter()
            .filter(|(k, _, _)| k == "stash")
            .collect()
    };
    assert_eq!(
        stashes_of(&api.get(&refs("f1"), &t).await),
        [u("stash", &id, "Alpha"), u("stash", "s1", "Mine")]
    );
    assert_eq!(
        uses(&api.get(&refs("f4"), &t).await),
        [u("stash", &id, "Alpha")]
    );
    // A rename moves it in the order.
    let r = api
        .write(Method::PATCH, &path, &t, &json!({"name": "Zulu"}), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        stashes_of(&api.get(&refs("f1"), &t).await),
        [u("stash", "s1", "Mine"), u("stash", &id, "Zulu")]
    );
    // New items replace the old: f1 and f4 lose it, f2 gains it.
    let r = api
        .write(
            Method::PATCH,
            &path,
            &t,
            &json!({"item_ids": {"detail_ids": [], "family_ids": ["f2"]}}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        stashes_of(&api.get(&refs("f1"), &t).await),
        [u("stash", "s1", "Mine")]
    );
    assert_eq!(uses(&api.get(&refs("f4"), &t).await), []);
    assert_eq!(
        uses(&api.get(&refs("f2"), &t).await),
        [
            u("detail", "d1", "Concrete slab edge"),
            u("stash", &id, "Zulu")
        ]
    );
    // A refused write (stale If-Match) changes no reference.
    let stale = api
        .send(
            api.http
                .patch(api.url(&path))
                .bearer_auth(&t)
                .header("content-type", "application/json")
                .header("if-match", "\"v1\"")
                .body(r#"{"name":"Lost","item_ids":{"detail_ids":[],"family_ids":["f3"]}}"#),
        )
        .await;
    stale.assert_error(409, "stale_precondition");
    assert_eq!(
        uses(&api.get(&refs("f3"), &t).await),
        [u("detail", "d4", "Timber floor")]
    );
    assert_eq!(
        stashes_of(&api.get(&refs("f2"), &t).await),
        [u("stash", &id, "Zulu")]
    );
}

async fn references_page_with_cursors_bound_to_the_family(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let all = uses(&api.get(&refs("f1"), &t).await);
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = format!("{}?limit=1", refs("f1"));
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let r = api.get(&path, &t).await;
        walked.extend(uses(&r));
        pages += 1;
        match r.body["response"]["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(walked, all);
    assert_eq!(pages, all.len());
    let first = api.get(&format!("{}?limit=2", refs("f1")), &t).await;
    let c = first.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    api.get(&format!("{}?cursor={c}", refs("f3")), &t)
        .await
        .assert_error(400, "invalid_request");
    let other = api.token("writer-concrete-a").await;
    api.get(&format!("{}?cursor={c}", refs("f1")), &other)
        .await
        .assert_error(400, "invalid_request");
    for q in [
        "limit=0",
        "limit=101",
        "limit=x",
        "cursor=abc",
        "type=detail",
    ] {
        let r = api.get(&format!("{}?{q}", refs("f1")), &t).await;
        r.assert_error(400, "invalid_request");
    }
    let r = api.get(&format!("{}?limit=100", refs("f1")), &t).await;
    assert_eq!(uses(&r), all);
}

async fn group_lists_the_members_the_caller_may_read(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let r = api.get(&group("f1"), &t).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.request_id();
    assert_eq!(
        r.body["response"],
        json!({"id": "g-doors", "workspace_id": A1, "name": "Flush doors",
               "family_ids": ["f1", "f2"], "expanded": {}})
    );
    let etag = r.header("etag").expect("ETag").to_owned();
    let same = api.get(&group("f2"), &t).await;
    assert_eq!(same.body["response"], r.body["response"]);
    assert_eq!(same.header("etag"), Some(etag.as_str()));
    // Project A families only: f2 is not shown, and its own group is not found.
    let pf = api.token("projfam-a").await;
    let mine = api.get(&group("f1"), &pf).await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert_eq!(mine.body["response"]["family_ids"], json!(["f1"]));
    assert_ne!(
        mine.header("etag"),
        Some(etag.as_str()),
        "another view, another tag"
    );
    api.get(&group("f2"), &pf)
        .await
        .assert_error(404, "not_found");
    // In no group, missing, elsewhere, or no family grant: 404 alike.
    for f in ["f3", "f4", "nope", "fb1", "bad%23id"] {
        api.get(&group(f), &t).await.assert_error(404, "not_found");
    }
    let conc = api.token("concrete-a").await;
    api.get(&group("f1"), &conc)
        .await
        .assert_error(404, "not_found");
    api.get(&format!("{}?include=tags", group("f1")), &t)
        .await
        .assert_error(400, "invalid_request");
}

async fn families_name_their_group(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let f1 = api
        .get(&format!("/v1/workspaces/{A1}/families/f1"), &t)
        .await;
    assert_eq!(f1.body["response"]["group_id"], "g-doors");
    let f3 = api
        .get(&format!("/v1/workspaces/{A1}/families/f3"), &t)
        .await;
    assert_eq!(f3.body["response"]["group_id"], Value::Null);
    let similar = api
        .get(&format!("/v1/workspaces/{A1}/families/f1/similar"), &t)
        .await;
    let f2 = similar.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "f2")
        .expect("f2 is similar")
        .clone();
    assert_eq!(f2["group_id"], "g-doors");
}

/// A transaction size outside what DynamoDB allows, a stop point that names no step, or a
/// job hold that is no number of milliseconds up to ten minutes stops `pirros-local` with a
/// message naming the variable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_knobs_out_of_range_stop_the_server() {
    use pirros_local::start::{Options, StoreKind, start};
    let cases = [
        ("STORE_TRANSACTION_ITEMS", &["1", "101", "many", ""][..]),
        ("STORE_STOP_AFTER", &["halfway"][..]),
        ("LOCAL_JOB_HOLD_MS", &["-1", "600001", "soon", ""][..]),
    ];
    for (var, bads) in cases {
        for bad in bads {
            let env = std::collections::HashMap::from([(var.to_owned(), (*bad).to_owned())]);
            let started = start(Options {
                store: StoreKind::Memory,
                fixture: None,
                addr: "127.0.0.1:0".parse().unwrap(),
                env,
            })
            .await;
            let Err(e) = started else {
                panic!("{var}={bad:?} was accepted");
            };
            assert!(
                e.to_string().contains(&format!("{var} must be")),
                "{var}={bad:?}: {e}"
            );
        }
    }
}
