//! The events feed: writes recorded with their changes, shown as each caller's grants see
//! them, walked by cursor without loss or repeats, also under concurrent writers.

use pirros_shared::timestamp::Timestamp;
use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;

pirros_tests::on_both_stores!(
    writes_are_recorded_in_order_with_their_fields,
    the_cursor_resumes_without_loss_or_repeats,
    each_caller_sees_what_its_grants_reach,
    types_select_events_and_patterns,
    bad_queries_are_refused_with_their_codes,
    concurrent_writers_lose_no_event,
);

fn events() -> String {
    format!("/v1/workspaces/{A1}/events")
}

fn stashes() -> String {
    format!("/v1/workspaces/{A1}/stashes")
}

fn stash_body(name: &str) -> Value {
    json!({
        "name": name,
        "project_id": PA,
        "is_permanent": false,
        "item_ids": {"detail_ids": ["d1"], "family_ids": []},
    })
}

/// Creates a stash as a client does: a 503 (other writers to the workspace kept coming
/// first, which many writers on two loaded cores can meet) is retried after its
/// `Retry-After`.
async fn create_stash(api: &Api, token: &str, name: &str) -> String {
    for _ in 0..5 {
        let r = api
            .write(Method::POST, &stashes(), token, &stash_body(name), None)
            .await;
        if r.status == 503 {
            let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
            tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
            continue;
        }
        assert_eq!(r.status, 201, "{}", r.text);
        return r.body["response"]["id"].as_str().unwrap().to_owned();
    }
    panic!("{name}: five 503s in a row");
}

/// Every event the caller is shown from the start (or after `after`), following the
/// cursor to the end: the events and the cursor to resume from.
async fn walk(api: &Api, token: &str, query: &str, after: Option<String>) -> (Vec<Value>, String) {
    let mut seen = Vec::new();
    let mut cursor = after;
    for _ in 0..1000 {
        let mut q = format!("?limit=7{query}");
        if let Some(c) = &cursor {
            q.push_str(&format!("&after={c}"));
        }
        let r = api.get(&format!("{}{q}", events()), token).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let page = &r.body["response"];
        assert_eq!(page["expanded"], json!({}));
        seen.extend(page["data"].as_array().unwrap().iter().cloned());
        let next = page["next_cursor"].as_str().expect("never null").to_owned();
        cursor = Some(next.clone());
        if page["has_more"] == false {
            return (seen, next);
        }
    }
    panic!("the feed never ended");
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

async fn writes_are_recorded_in_order_with_their_fields(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let id = create_stash(&api, &t, "first").await;
    let path = format!("{}/{id}", stashes());
    let r = api
        .write(Method::PATCH, &path, &t, &json!({"name": "renamed"}), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // A rename in the millisecond of the create leaves `updated_at` as it was (then it is
    // not among the changed fields): which one happened, the stash says.
    let renamed = &r.body["response"];
    let rename_changed = match renamed["updated_at"] == renamed["created_at"] {
        true => json!(["name"]),
        false => json!(["name", "updated_at"]),
    };
    assert_eq!(api.call(Method::DELETE, &path, &t).await.status, 204);
    let flagger = api.token("flagger-a").await;
    let flags = format!("/v1/workspaces/{A1}/details/d1/flags");
    let r = api
        .write(
            Method::POST,
            &flags,
            &flagger,
            &json!({"reason": "outdated"}),
            None,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let flag = r.body["response"]["id"].as_str().unwrap().to_owned();
    let r = api
        .write(
            Method::PATCH,
            &format!("{flags}/{flag}"),
            &flagger,
            &json!({"status": "resolved"}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let (seen, _) = walk(&api, &t, "", None).await;
    assert_eq!(
        types(&seen),
        [
            "stash.created",
            "stash.updated",
            "stash.removed",
            "flag.created",
            "flag.resolved"
        ]
    );
    let sequences: Vec<u64> = seen
        .iter()
        .map(|e| e["sequence"].as_u64().unwrap())
        .collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
    let created = &seen[0];
    let mut fields: Vec<&String> = created.as_object().unwrap().keys().collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "actor",
            "changed",
            "created_at",
            "id",
            "object",
            "reason",
            "sequence",
            "type",
            "workspace_id"
        ]
    );
    assert_eq!(created["object"], json!({"type": "stash", "id": id}));
    assert_eq!(created["workspace_id"], A1);
    assert_eq!(created["changed"], Value::Null);
    assert_eq!(created["reason"], Value::Null);
    assert_eq!(created["actor"], json!({"type": "client", "id": "full-a"}));
    assert!(Timestamp::parse(created["created_at"].as_str().unwrap()).is_some());
    assert_eq!(seen[1]["changed"], rename_changed);
    assert_eq!(seen[2]["reason"], "deleted");
    assert_eq!(seen[2]["changed"], Value::Null);
    assert_eq!(
        seen[3]["object"],
        json!({"type": "flag", "id": flag, "detail_id": "d1"})
    );
    assert_eq!(
        seen[4]["actor"],
        json!({"type": "client", "id": "flagger-a"})
    );
    let ids: HashSet<&str> = seen.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), seen.len(), "every event has its own id");
}

async fn the_cursor_resumes_without_loss_or_repeats(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    // An empty feed still hands out a cursor, and it finds what comes later.
    let r = api.get(&events(), &t).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["response"]["data"], json!([]));
    assert_eq!(r.body["response"]["has_more"], false);
    let empty = r.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut made = Vec::new();
    for i in 0..16 {
        made.push(create_stash(&api, &t, &format!("s{i}")).await);
    }
    let (seen, end) = walk(&api, &t, "", Some(empty)).await;
    let ids: Vec<&str> = seen
        .iter()
        .map(|e| e["object"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, made.iter().map(String::as_str).collect::<Vec<_>>());
    // A page of the walk: 7 events and more to come.
    let r = api.get(&format!("{}?limit=7", events()), &t).await;
    assert_eq!(r.body["response"]["data"].as_array().unwrap().len(), 7);
    assert_eq!(r.body["response"]["has_more"], true);
    // At the end: nothing new, the same place; then only what came after.
    let (none, again) = walk(&api, &t, "", Some(end.clone())).await;
    assert!(none.is_empty());
    let later = create_stash(&api, &t, "later").await;
    for cursor in [end, again] {
        let (after, _) = walk(&api, &t, "", Some(cursor)).await;
        assert_eq!(types(&after), ["stash.created"]);
        assert_eq!(after[0]["object"]["id"], later.as_str());
    }
}

async fn each_caller_sees_what_its_grants_reach(b: Backend) {
    let api = api(b).await;
    let full = api.token("full-a").await;
    let mine = api.token("stash-mine-a").await;
    let flagger = api.token("flagger-a").await;
    let theirs = create_stash(&api, &full, "full-a's").await;
    let own = create_stash(&api, &mine, "mine").await;
    let flags = |d: &str| format!("/v1/workspaces/{A1}/details/{d}/flags");
    for d in ["d1", "d2"] {
        let r = api
            .write(
                Method::POST,
                &flags(d),
                &flagger,
                &json!({"reason": "outdated"}),
                None,
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let objects = |seen: &[Value]| -> Vec<String> {
        seen.iter()
            .map(|e| {
                let o = &e["object"];
                match o["detail_id"].as_str() {
                    Some(d) => format!("flag@{d}"),
                    None => format!(
                        "{}:{}",
                        o["type"].as_str().unwrap(),
                        o["id"].as_str().unwrap()
                    ),
                }
            })
            .collect()
    };
    let (all, _) = walk(&api, &full, "", None).await;
    assert_eq!(
        objects(&all),
        [
            format!("stash:{theirs}"),
            format!("stash:{own}"),
            "flag@d1".into(),
            "flag@d2".into()
        ]
    );
    // Stashes of its own only, and every detail's flags.
    let (seen, _) = walk(&api, &mine, "", None).await;
    assert_eq!(
        objects(&seen),
        [format!("stash:{own}"), "flag@d1".into(), "flag@d2".into()]
    );
    // Concrete details only (d1, not the steel d2), and no stash grant at all.
    let concrete = api.token("concrete-a").await;
    let (seen, _) = walk(&api, &concrete, "", None).await;
    assert_eq!(objects(&seen), ["flag@d1"]);
    // Hidden events keep the sequence moving: the same ids and numbers for everyone.
    let in_all: Vec<(&Value, &Value)> = all.iter().map(|e| (&e["id"], &e["sequence"])).collect();
    assert!(in_all.contains(&(&seen[0]["id"], &seen[0]["sequence"])));
}

async fn types_select_events_and_patterns(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let id = create_stash(&api, &t, "typed").await;
    let path = format!("{}/{id}", stashes());
    assert_eq!(api.call(Method::DELETE, &path, &t).await.status, 204);
    let flagger = api.token("flagger-a").await;
    let r = api
        .write(
            Method::POST,
            &format!("/v1/workspaces/{A1}/details/d1/flags"),
            &flagger,
            &json!({"reason": "outdated"}),
            None,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let (seen, _) = walk(&api, &t, "&types=stash.removed", None).await;
    assert_eq!(types(&seen), ["stash.removed"]);
    let (seen, _) = walk(&api, &t, "&types=flag.*,stash.created", None).await;
    assert_eq!(types(&seen), ["stash.created", "flag.created"]);
    let (seen, _) = walk(&api, &t, "&types=detail.*", None).await;
    assert!(seen.is_empty());
    // A cursor is not bound to the selection: changing it mid-walk keeps the place.
    let r = api
        .get(&format!("{}?limit=1&types=stash.*", events()), &t)
        .await;
    let c = r.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let (rest, _) = walk(&api, &t, "", Some(c)).await;
    assert_eq!(types(&rest), ["stash.removed", "flag.created"]);
}

async fn bad_queries_are_refused_with_their_codes(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    create_stash(&api, &t, "one").await;
    let bad = |r: &Reply, field: &str| {
        assert_eq!(r.status, 400, "{}", r.text);
        assert_eq!(r.body["error"]["code"], "invalid_request", "{}", r.text);
        assert_eq!(r.body["error"]["details"]["field"], field, "{}", r.text);
    };
    for q in [
        "types=detail.gone",
        "types=nope.*",
        "types=",
        "types=stash.created,,",
    ] {
        let r = api.get(&format!("{}?{q}", events()), &t).await;
        bad(&r, "types");
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("type")
        );
    }
    for q in ["limit=0", "limit=101", "limit=x"] {
        bad(&api.get(&format!("{}?{q}", events()), &t).await, "limit");
    }
    let r = api.get(&format!("{}?after=garbage.x", events()), &t).await;
    bad(&r, "after");
    let r = api.get(&format!("{}?since=1", events()), &t).await;
    assert_eq!(r.status, 400, "{}", r.text);
    // A cursor of another credential, or of another workspace, is not this feed's.
    let r = api.get(&events(), &t).await;
    let cursor = r.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = api.token("readonly-a").await;
    let r = api
        .get(&format!("{}?after={cursor}", events()), &other)
        .await;
    bad(&r, "after");
    let a2 = format!("/v1/workspaces/{A2}/events?after={cursor}");
    bad(&api.get(&a2, &t).await, "after");
    // A list cursor is not a feed cursor.
    let r = api.get(&format!("{}?limit=1", stashes()), &t).await;
    let list_cursor = r.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    bad(
        &api.get(&format!("{}?after={list_cursor}", events()), &t)
            .await,
        "after",
    );
    // No read grant in the workspace.
    let none = api.token("nogrants-a").await;
    let r = api.get(&events(), &none).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "insufficient_scope");
    let r = api.get(&format!("/v1/workspaces/{B1}/events"), &t).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = api.call(Method::POST, &events(), &t).await;
    assert_eq!(r.status, 405, "{}", r.text);
}

async fn concurrent_writers_lose_no_event(b: Backend) {
    let api = Arc::new(api(b).await);
    let t = Arc::new(api.token("full-a").await);
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let (api, t) = (api.clone(), t.clone());
            tokio::spawn(async move {
                let mut made = Vec::new();
                for i in 0..8 {
                    made.push(create_stash(&api, &t, &format!("w{w}-{i}")).await);
                }
                made
            })
        })
        .collect();
    // A reader follows the feed while they write.
    let mut seen: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut made = HashSet::new();
    let mut writers = writers;
    loop {
        let (page, next) = walk(&api, &t, "", cursor.clone()).await;
        seen.extend(page);
        cursor = Some(next);
        if writers.iter().all(|w| w.is_finished()) && made.is_empty() {
            for w in writers.drain(..) {
                made.extend(w.await.unwrap());
            }
            continue;
        }
        if writers.is_empty() {
            break;
        }
    }
    let ids: Vec<&str> = seen
        .iter()
        .map(|e| e["object"]["id"].as_str().unwrap())
        .collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "an event seen twice");
    assert_eq!(
        unique,
        made.iter().map(String::as_str).collect(),
        "an event missed"
    );
    let sequences: Vec<u64> = seen
        .iter()
        .map(|e| e["sequence"].as_u64().unwrap())
        .collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
}

/// A cursor whose next events are gone (DynamoDB's TTL removed them after 30 days) is
/// 410 `cursor_expired`: the walk cannot go on without missing them. Played by deleting
/// an event from the table, as the TTL would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_past_expired_events_is_gone() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let api = api(Backend::Dynamo).await;
    let t = api.token("full-a").await;
    for i in 0..3 {
        create_stash(&api, &t, &format!("s{i}")).await;
    }
    let r = api.get(&format!("{}?limit=1", events()), &t).await;
    let cursor = r.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let ddb = aws_sdk_dynamodb::Client::new(&pirros_shared::config::aws::sdk_config().await);
    ddb.delete_item()
        .table_name(&api.running.app.state.config.table_name)
        .key("pk", AttributeValue::S(format!("EVENT#{A1}")))
        .key("sk", AttributeValue::S(format!("{:020}", 2)))
        .send()
        .await
        .unwrap();
    let r = api.get(&format!("{}?after={cursor}", events()), &t).await;
    assert_eq!(r.status, 410, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "cursor_expired");
    // From the start, the feed goes on with what is kept.
    let (seen, _) = walk(&api, &t, "", None).await;
    let sequences: Vec<u64> = seen
        .iter()
        .map(|e| e["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(sequences, [1, 3]);
}
