//! Stash writes: strict bodies, grants, If-Match, Idempotency-Key, exactly once.

use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

pirros_tests::on_both_stores!(
    create_then_get,
    create_bodies_are_strict,
    item_references_must_exist_and_be_readable,
    writes_need_a_write_grant,
    filtered_write_grants_cover_only_their_stashes,
    patch_updates_with_etags_and_if_match,
    patch_bodies_are_strict_and_scoped,
    idempotent_replay_and_conflict,
    idempotency_keys_are_validated,
    idempotency_expires_after_its_ttl,
    twenty_concurrent_retries_create_exactly_one_stash,
    concurrent_retries_with_one_different_body,
    concurrent_renames_without_if_match_each_write_once,
    a_stash_holds_at_most_a_thousand_ids,
    a_deleted_stash_is_gone_from_every_read,
    deletes_check_grants_and_if_match,
    a_large_stash_is_deleted_in_steps_that_leave_nothing,
    a_delete_stopped_between_steps_shows_nothing_and_the_next_one_finishes_it,
    a_replay_needs_a_grant_still_covering_the_stash,
);

fn stashes() -> String {
    format!("/v1/workspaces/{A1}/stashes")
}

fn body() -> Value {
    json!({
        "name": "Facade study",
        "description": "optional",
        "project_id": PA,
        "is_permanent": false,
        "item_ids": {"detail_ids": ["d1", "d3"], "family_ids": ["f1"]},
    })
}

async fn create_then_get(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let r = api.write(Method::POST, &stashes(), &t, &body(), None).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.request_id();
    assert_eq!(r.header("etag"), Some("\"v1\""));
    let s = &r.body["response"];
    assert_eq!(s["name"], "Facade study");
    assert_eq!(s["created_by"], "full-a");
    assert_eq!(s["workspace_id"], A1);
    assert_eq!(
        s["item_ids"],
        json!({"detail_ids": ["d1", "d3"], "family_ids": ["f1"]})
    );
    assert_eq!(s["expanded"], json!({}));
    let id = s["id"].as_str().unwrap();
    let g = api.get(&format!("{}/{id}", stashes()), &t).await;
    assert_eq!(g.status, 200);
    assert_eq!(g.header("etag"), Some("\"v1\""));
    assert_eq!(g.body["response"], r.body["response"]);
    // Optional fields default.
    let minimal =
        json!({"name": "m", "project_id": PA, "item_ids": {"detail_ids": [], "family_ids": []}});
    let r = api
        .write(Method::POST, &stashes(), &t, &minimal, None)
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["response"]["description"], Value::Null);
    assert_eq!(r.body["response"]["is_permanent"], false);
}

async fn create_bodies_are_strict(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let mut cases: Vec<(Value, &str)> = Vec::new();
    let with = |k: &str, v: Value| {
        let mut x = body();
        x[k] = v;
        x
    };
    let without = |k: &str| {
        let mut x = body();
        x.as_object_mut().unwrap().remove(k);
        x
    };
    cases.push((with("colour", json!("red")), "colour"));
    cases.push((without("name"), "name"));
    cases.push((without("project_id"), "project_id"));
    cases.push((without("item_ids"), "item_ids"));
    cases.push((with("name", json!("")), "name"));
    cases.push((with("name", json!("   ")), "name"));
    cases.push((with("name", json!("x".repeat(201))), "name"));
    cases.push((with("name", json!(5)), "name"));
    cases.push((with("is_permanent", json!("yes")), "is_permanent"));
    cases.push((with("item_ids", json!({"detail_ids": []})), "family_ids"));
    cases.push((
        with(
            "item_ids",
            json!({"detail_ids": [], "family_ids": [], "x": []}),
        ),
        "x",
    ));
    // Fields in order are not an object: serde's derive would read them as one.
    cases.push((with("item_ids", json!([["d1"], []])), "item_ids"));
    cases.push((with("item_ids", json!([])), "item_ids"));
    cases.push((with("project_id", json!("no-such-project")), "project_id"));
    cases.push((
        with("project_id", json!("11111111-0000-4000-8000-0000000000b1")),
        "project_id",
    ));
    cases.push((with("description", json!("d".repeat(2001))), "description"));
    for (b, field) in cases {
        let r = api.write(Method::POST, &stashes(), &t, &b, None).await;
        r.assert_error(400, "invalid_request");
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(field)
                || r.body["error"]["details"]["field"] == field,
            "{field}: {}",
            r.text
        );
    }
    // A field given twice is named, as an unknown or missing one is.
    for (raw, field) in [
        (
            format!(
                r#"{{"name":"a","name":"b","project_id":"{PA}","item_ids":{{"detail_ids":[],"family_ids":[]}}}}"#
            ),
            "name",
        ),
        (
            format!(
                r#"{{"name":"a","project_id":"{PA}","item_ids":{{"detail_ids":[],"detail_ids":[],"family_ids":[]}}}}"#
            ),
            "item_ids.detail_ids",
        ),
    ] {
        let r = api
            .send(
                api.http
                    .post(api.url(&stashes()))
                    .bearer_auth(&t)
                    .header("content-type", "application/json")
                    .body(raw),
            )
            .await;
        r.assert_error(400, "invalid_request");
        assert_eq!(r.body["error"]["details"]["field"], field, "{}", r.text);
    }
    let r = api
        .write(
            Method::POST,
            &stashes(),
            &t,
            &with("name", json!("x".repeat(200))),
            None,
        )
        .await;
    assert_eq!(r.status, 201, "200 characters is allowed");
}

async fn item_references_must_exist_and_be_readable(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let mut x = body();
    x["item_ids"] =
        json!({"detail_ids": ["d1", "db1", "nope", "bad#id"], "family_ids": ["f1", "fb1"]});
    let r = api.write(Method::POST, &stashes(), &t, &x, None).await;
    r.assert_error(400, "INVALID_ITEM_REFERENCE");
    let d = &r.body["error"]["details"];
    assert_eq!(
        d["detail_ids"],
        json!(["bad#id"]),
        "malformed ids are reported first: {}",
        r.text
    );
    x["item_ids"] =
        json!({"detail_ids": ["d1", "db1", "nope", "da2"], "family_ids": ["f1", "fb1"]});
    let r = api.write(Method::POST, &stashes(), &t, &x, None).await;
    r.assert_error(400, "INVALID_ITEM_REFERENCE");
    let d = &r.body["error"]["details"];
    assert_eq!(d["detail_ids"], json!(["db1", "nope", "da2"]));
    assert_eq!(d["family_ids"], json!(["fb1"]));
    // Existing but not readable by this caller (reads only concrete details and project A families).
    let w = api.token("writer-concrete-a").await;
    x["item_ids"] = json!({"detail_ids": ["d1", "d2"], "family_ids": ["f1", "f2"]});
    let r = api.write(Method::POST, &stashes(), &w, &x, None).await;
    r.assert_error(400, "INVALID_ITEM_REFERENCE");
    assert_eq!(r.body["error"]["details"]["detail_ids"], json!(["d2"]));
    assert_eq!(r.body["error"]["details"]["family_ids"], json!(["f2"]));
    x["item_ids"] = json!({"detail_ids": ["d1"], "family_ids": ["f1"]});
    assert_eq!(
        api.write(Method::POST, &stashes(), &w, &x, None)
            .await
            .status,
        201
    );
}

async fn writes_need_a_write_grant(b: Backend) {
    let api = api(b).await;
    let t = api.token("readonly-a").await;
    let r = api.write(Method::POST, &stashes(), &t, &body(), None).await;
    r.assert_error(403, "insufficient_scope");
    let d = &r.body["error"]["details"];
    assert_eq!(d["required_action"], "write");
    assert_eq!(d["entity_type"], "stash");
    let ids = d["granted_filter_ids"].as_array().unwrap();
    assert!(ids.contains(&json!("default:stashes")), "{d}");
    let r = api
        .write(
            Method::PATCH,
            &format!("{}/s1", stashes()),
            &t,
            &json!({"name": "x"}),
            None,
        )
        .await;
    r.assert_error(403, "insufficient_scope");
    assert_eq!(r.body["error"]["details"]["entity_id"], "s1");
    let full_b = api.token("full-b").await;
    api.write(Method::POST, &stashes(), &full_b, &body(), None)
        .await
        .assert_error(403, "insufficient_scope");
}

async fn patch_updates_with_etags_and_if_match(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let created = api.write(Method::POST, &stashes(), &t, &body(), None).await;
    let id = created.body["response"]["id"].as_str().unwrap().to_owned();
    let path = format!("{}/{id}", stashes());
    let r = api
        .write(
            Method::PATCH,
            &path,
            &t,
            &json!({"name": "Renamed", "description": null}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("etag"), Some("\"v2\""));
    assert_eq!(r.body["response"]["name"], "Renamed");
    assert_eq!(r.body["response"]["description"], Value::Null);
    assert_eq!(
        r.body["response"]["item_ids"], created.body["response"]["item_ids"],
        "untouched"
    );
    assert_eq!(
        r.body["response"]["created_at"],
        created.body["response"]["created_at"]
    );
    // item_ids replaces.
    let r = api
        .write(
            Method::PATCH,
            &path,
            &t,
            &json!({"item_ids": {"detail_ids": ["d2"], "family_ids": []}, "is_permanent": true}),
            None,
        )
        .await;
    assert_eq!(
        r.body["response"]["item_ids"],
        json!({"detail_ids": ["d2"], "family_ids": []})
    );
    assert_eq!(r.body["response"]["is_permanent"], true);
    // A stale If-Match is refused; the current one and * pass.
    let stale = api
        .send(
            api.http
                .patch(api.url(&path))
                .bearer_auth(&t)
                .header("content-type", "application/json")
                .header("if-match", "\"v1\"")
                .body(r#"{"name":"lost update"}"#),
        )
        .await;
    stale.assert_error(409, "stale_precondition");
    let ok = api
        .send(
            api.http
                .patch(api.url(&path))
                .bearer_auth(&t)
                .header("content-type", "application/json")
                .header("if-match", "\"v3\"")
                .body(r#"{"name":"v4"}"#),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.header("etag"), Some("\"v4\""));
    let g = api.get(&path, &t).await;
    assert_eq!(g.body["response"]["name"], "v4");
    let bad = api
        .send(
            api.http
                .patch(api.url(&path))
                .bearer_auth(&t)
                .header("content-type", "application/json")
                .header("if-match", "v4")
                .body(r#"{"name":"x"}"#),
        )
        .await;
    bad.assert_error(400, "invalid_request");
    // Tags compare as strings: `"v04"` is not `"v4"`; 20 digits are no tag of ours.
    let patch = |tags: &'static [&'static str]| {
        let mut req = api
            .http
            .patch(api.url(&path))
            .bearer_auth(&t)
            .header("content-type", "application/json");
        for tag in tags {
            req = req.header("if-match", *tag);
        }
        api.send(req.body(r#"{"name":"x"}"#))
    };
    patch(&["\"v04\""])
        .await
        .assert_error(409, "stale_precondition");
    patch(&["\"v18446744073709551615\""])
        .await
        .assert_error(400, "invalid_request");
    // Two header lines are one list: the stale tag and the current one pass.
    let both = patch(&["\"v1\"", "\"v4\""]).await;
    assert_eq!(both.status, 200, "{}", both.text);
    assert_eq!(both.header("etag"), Some("\"v5\""));
}

async fn patch_bodies_are_strict_and_scoped(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let path = format!("{}/s2", stashes());
    for bad in [
        json!({"name": null}),
        json!({"name": ""}),
        json!({"colour": 1}),
        json!({"is_permanent": null}),
        json!({"item_ids": null}),
        json!([]),
    ] {
        api.write(Method::PATCH, &path, &t, &bad, None)
            .await
            .assert_error(400, "invalid_request");
    }
    let mut refs = json!({"item_ids": {"detail_ids": ["db1"], "family_ids": []}});
    api.write(Method::PATCH, &path, &t, &refs, None)
        .await
        .assert_error(400, "INVALID_ITEM_REFERENCE");
    refs["item_ids"]["detail_ids"] = json!([]);
    assert_eq!(
        api.write(Method::PATCH, &path, &t, &refs, None)
            .await
            .status,
        200
    );
    // stash-mine-a may write stashes but only read its own: s2 is invisible.
    let mine = api.token("stash-mine-a").await;
    api.write(Method::PATCH, &path, &mine, &json!({"name": "x"}), None)
        .await
        .assert_error(404, "not_found");
    assert_eq!(
        api.write(
            Method::PATCH,
            &format!("{}/s1", stashes()),
            &mine,
            &json!({"name": "ok"}),
            None
        )
        .await
        .status,
        200
    );
    api.write(
        Method::PATCH,
        &format!("{}/missing", stashes()),
        &t,
        &json!({"name": "x"}),
        None,
    )
    .await
    .assert_error(404, "not_found");
    let full_b = api.token("full-b").await;
    api.write(
        Method::PATCH,
        &format!("/v1/workspaces/{B1}/stashes/s1"),
        &full_b,
        &json!({"name": "x"}),
        None,
    )
    .await
    .assert_error(404, "not_found");
}

async fn idempotent_replay_and_conflict(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let first = api
        .write(Method::POST, &stashes(), &t, &body(), Some("key-1"))
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert!(first.header("idempotent-replayed").is_none());
    let again = api
        .write(Method::POST, &stashes(), &t, &body(), Some("key-1"))
        .await;
    assert_eq!(again.status, 201);
    assert_eq!(
        again.text, first.text,
        "the original response, byte for byte"
    );
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("etag"), Some("\"v1\""));
    // The header names the request the body does: the one that made the write.
    assert_eq!(
        again.header("x-request-id"),
        first.body["meta"]["request_id"].as_str()
    );
    let mut other = body();
    other["name"] = json!("Different");
    let r = api
        .write(Method::POST, &stashes(), &t, &other, Some("key-1"))
        .await;
    r.assert_error(409, "IDEMPOTENCY_CONFLICT");
    // Same key on another route is another request.
    let id = first.body["response"]["id"].as_str().unwrap();
    api.write(
        Method::PATCH,
        &format!("{}/{id}", stashes()),
        &t,
        &json!({"name": "x"}),
        Some("key-1"),
    )
    .await
    .assert_error(409, "IDEMPOTENCY_CONFLICT");
    // Keys belong to one credential: another one's same key is a new write.
    let w = api.token("stash-mine-a").await;
    let mine = api
        .write(Method::POST, &stashes(), &w, &body(), Some("key-1"))
        .await;
    assert_eq!(mine.status, 201);
    assert_ne!(mine.body["response"]["id"], first.body["response"]["id"]);
    // Without a key every write is new.
    let a = api.write(Method::POST, &stashes(), &t, &body(), None).await;
    let c = api.write(Method::POST, &stashes(), &t, &body(), None).await;
    assert_ne!(a.body["response"]["id"], c.body["response"]["id"]);
    // PATCH replays too.
    let p1 = api
        .write(
            Method::PATCH,
            &format!("{}/{id}", stashes()),
            &t,
            &json!({"name": "p"}),
            Some("patch-1"),
        )
        .await;
    let p2 = api
        .write(
            Method::PATCH,
            &format!("{}/{id}", stashes()),
            &t,
            &json!({"name": "p"}),
            Some("patch-1"),
        )
        .await;
    assert_eq!(p1.status, 200);
    assert_eq!(p2.text, p1.text);
    assert_eq!(p2.header("etag"), Some("\"v2\""), "not applied twice");
    // A failed write is not remembered: fixing the body under the same key works.
    let mut broken = body();
    broken["colour"] = json!(1);
    api.write(Method::POST, &stashes(), &t, &broken, Some("key-2"))
        .await
        .assert_error(400, "invalid_request");
    assert_eq!(
        api.write(Method::POST, &stashes(), &t, &body(), Some("key-2"))
            .await
            .status,
        201
    );
}

async fn idempotency_keys_are_validated(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let long = "k".repeat(256);
    for key in ["", long.as_str(), "with space", "tab\tkey"] {
        let r = api
            .send(
                api.http
                    .post(api.url(&stashes()))
                    .bearer_auth(&t)
                    .header("content-type", "application/json")
                    .header("idempotency-key", key)
                    .body(body().to_string()),
            )
            .await;
        r.assert_error(400, "invalid_request");
    }
    let max = "k".repeat(255);
    assert_eq!(
        api.write(Method::POST, &stashes(), &t, &body(), Some(&max))
            .await
            .status,
        201
    );
}

async fn idempotency_expires_after_its_ttl(b: Backend) {
    let api = Setup::new(b).env("IDEMPOTENCY_TTL_SECS", "1").start().await;
    let t = api.token("full-a").await;
    let first = api
        .write(Method::POST, &stashes(), &t, &body(), Some("short"))
        .await;
    assert_eq!(first.status, 201);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let later = api
        .write(Method::POST, &stashes(), &t, &body(), Some("short"))
        .await;
    assert_eq!(later.status, 201, "{}", later.text);
    assert!(later.header("idempotent-replayed").is_none());
    assert_ne!(
        later.body["response"]["id"], first.body["response"]["id"],
        "a new stash"
    );
}

async fn fire(api: Arc<Api>, token: String, bodies: Vec<Value>) -> Vec<Reply> {
    let barrier = Arc::new(tokio::sync::Barrier::new(bodies.len()));
    let mut tasks = Vec::new();
    for b in bodies {
        let (api, token, barrier) = (api.clone(), token.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            api.write(Method::POST, &stashes(), &token, &b, Some("race-key"))
                .await
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

async fn twenty_concurrent_retries_create_exactly_one_stash(b: Backend) {
    let api = Arc::new(api(b).await);
    let t = api.token("full-a").await;
    let replies = fire(api.clone(), t, vec![body(); 20]).await;
    for r in &replies {
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let first = &replies[0].text;
    assert!(
        replies.iter().all(|r| &r.text == first),
        "every body identical"
    );
    let replayed = replies
        .iter()
        .filter(|r| r.header("idempotent-replayed").is_some())
        .count();
    assert_eq!(replayed, 19, "one write, nineteen replays");
}

/// Without `If-Match` the last write wins: writers that collide read again after a random
/// pause. Each 200 is exactly one write (the version counts them), one that kept losing is
/// 503 with `Retry-After: 1`, and the stash ends as the last 200 left it.
async fn concurrent_renames_without_if_match_each_write_once(b: Backend) {
    let api = Arc::new(api(b).await);
    let t = api.token("full-a").await;
    let r = api.write(Method::POST, &stashes(), &t, &body(), None).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let path = format!(
        "{}/{}",
        stashes(),
        r.body["response"]["id"].as_str().unwrap()
    );
    let renames = (0..20).map(|i| {
        let (api, t, path) = (api.clone(), t.clone(), path.clone());
        async move {
            let name = format!("rename {i}");
            let r = api
                .write(Method::PATCH, &path, &t, &json!({"name": name}), None)
                .await;
            (name, r)
        }
    });
    let replies = futures::future::join_all(renames).await;
    let mut versions = std::collections::HashSet::new();
    for (name, r) in &replies {
        match r.status.as_u16() {
            200 => {
                assert_eq!(r.body["response"]["name"], json!(name), "{}", r.text);
                assert!(versions.insert(r.header("etag").unwrap().to_owned()));
            }
            _ => {
                r.assert_error(503, "service_unavailable");
                assert_eq!(r.header("retry-after"), Some("1"));
            }
        }
    }
    assert!(!versions.is_empty(), "no rename landed");
    let now = api.get(&path, &t).await;
    let last = format!("\"v{}\"", versions.len() + 1);
    assert_eq!(
        now.header("etag"),
        Some(last.as_str()),
        "one version per 200"
    );
    let landed_last = replies
        .iter()
        .find(|(_, r)| r.header("etag") == Some(last.as_str()))
        .expect("the last version came from a 200");
    assert_eq!(now.body["response"]["name"], json!(landed_last.0));
}

async fn concurrent_retries_with_one_different_body(b: Backend) {
    let api = Arc::new(api(b).await);
    let t = api.token("full-a").await;
    let mut odd = body();
    odd["name"] = json!("The odd one");
    let mut bodies = vec![body(); 19];
    bodies.insert(7, odd.clone());
    let replies = fire(api.clone(), t, bodies.clone()).await;
    let winners: Vec<&Reply> = replies.iter().filter(|r| r.status == 201).collect();
    let ids: std::collections::HashSet<&Value> =
        winners.iter().map(|r| &r.body["response"]["id"]).collect();
    assert_eq!(ids.len(), 1, "exactly one stash");
    let won_name = winners[0].body["response"]["name"].clone();
    for (r, b) in replies.iter().zip(&bodies) {
        if b["name"] == won_name {
            assert_eq!(r.status, 201, "{}", r.text);
        } else {
            r.assert_error(409, "IDEMPOTENCY_CONFLICT");
        }
    }
}

async fn filtered_write_grants_cover_only_their_stashes(b: Backend) {
    let api = api(b).await;
    // delegate-a may write only stashes created by stash-mine-a (s1), and read all.
    let t = api.token("delegate-a").await;
    let r = api
        .write(
            Method::PATCH,
            &format!("{}/s1", stashes()),
            &t,
            &json!({"name": "edited"}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api
        .write(
            Method::PATCH,
            &format!("{}/s2", stashes()),
            &t,
            &json!({"name": "no"}),
            None,
        )
        .await;
    r.assert_error(403, "insufficient_scope");
    let d = &r.body["error"]["details"];
    assert_eq!(d["entity_id"], "s2");
    assert_eq!(d["required_action"], "write");
    assert!(
        d["granted_filter_names"]
            .as_array()
            .unwrap()
            .contains(&json!("My stashes")),
        "{d}"
    );
    // A stash it would create is its own, which its filter does not cover.
    api.write(Method::POST, &stashes(), &t, &body(), None)
        .await
        .assert_error(403, "insufficient_scope");
    // Unchanged: the refused write left s2 alone.
    let g = api.get(&format!("{}/s2", stashes()), &t).await;
    assert_eq!(g.body["response"]["name"], "Someone else's");
}

/// The cost of a stash write grows with its ids (each is looked up), so their number is
/// capped: 1,000 detail ids and 1,000 family ids, on create and on update alike, refused
/// before any is looked up.
async fn a_stash_holds_at_most_a_thousand_ids(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let ids = |prefix: &str, n: usize| -> Vec<String> {
        (0..n).map(|i| format!("{prefix}-missing-{i}")).collect()
    };
    let items = |d: usize, f: usize| json!({"detail_ids": ids("d", d), "family_ids": ids("f", f)});
    for (d, f) in [(1001, 0), (0, 1001), (1001, 1000)] {
        let mut over = body();
        over["item_ids"] = items(d, f);
        let r = api.write(Method::POST, &stashes(), &t, &over, None).await;
        r.assert_error(400, "invalid_request");
        assert_eq!(
            r.body["error"]["details"]["field"], "item_ids",
            "{}",
            r.text
        );
        assert!(r.text.contains("at most 1000"), "{}", r.text);
        let r = api
            .write(
                Method::PATCH,
                &format!("{}/s2", stashes()),
                &t,
                &json!({"item_ids": items(d, f)}),
                None,
            )
            .await;
        r.assert_error(400, "invalid_request");
        assert_eq!(
            r.body["error"]["details"]["field"], "item_ids",
            "{}",
            r.text
        );
    }
    // 1,000 of each is within the cap: the ids are looked up (and these do not exist).
    let mut at = body();
    at["item_ids"] = items(1000, 1000);
    let r = api.write(Method::POST, &stashes(), &t, &at, None).await;
    r.assert_error(400, "INVALID_ITEM_REFERENCE");
}

/// The families a family's references list holds as stashes, by id.
async fn referencing_stashes(api: &Api, t: &str, family: &str) -> Vec<String> {
    let r = api
        .get(
            &format!("/v1/workspaces/{A1}/families/{family}/references"),
            t,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["type"] == "stash")
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn listed_stashes(api: &Api, t: &str, query: &str) -> Vec<String> {
    let r = api.get(&format!("{}{query}", stashes()), t).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_deleted_stash_is_gone_from_every_read(b: Backend) {
    let api = api(b).await;
    let t = api.token("full-a").await;
    let created = api.write(Method::POST, &stashes(), &t, &body(), None).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["response"]["id"].as_str().unwrap().to_owned();
    let path = format!("{}/{id}", stashes());
    assert!(referencing_stashes(&api, &t, "f1").await.contains(&id));
    for query in ["", &format!("?project_id={PA}"), "?created_by=full-a"] {
        assert!(
            listed_stashes(&api, &t, query).await.contains(&id),
            "{query}"
        );
    }

    let r = api.call(Method::DELETE, &path, &t).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(r.text.is_empty(), "a 204 has no body: {}", r.text);
    assert!(r.headers.get("content-type").is_none());
    assert!(r.headers.get("x-request-id").is_some());

    api.get(&path, &t).await.assert_error(404, "not_found");
    api.write(Method::PATCH, &path, &t, &json!({"name": "x"}), None)
        .await
        .assert_error(404, "not_found");
    assert!(!referencing_stashes(&api, &t, "f1").await.contains(&id));
    for query in ["", &format!("?project_id={PA}"), "?created_by=full-a"] {
        assert!(
            !listed_stashes(&api, &t, query).await.contains(&id),
            "{query}"
        );
    }
    // Deleting it again, or what never was, is 404; so is a malformed id.
    api.call(Method::DELETE, &path, &t)
        .await
        .assert_error(404, "not_found");
    api.call(Method::DELETE, &format!("{}/nope", stashes()), &t)
        .await
        .assert_error(404, "not_found");
    api.call(Method::DELETE, &format!("{}/bad%20id", stashes()), &t)
        .await
        .assert_error(404, "not_found");
    // The fixture's other stash is untouched.
    assert_eq!(api.get(&format!("{}/s1", stashes()), &t).await.status, 200);
}

async fn deletes_check_grants_and_if_match(b: Backend) {
    let api = api(b).await;
    // No write grant on stashes: 403, and the stash stays.
    let reader = api.token("readonly-a").await;
    let r = api
        .call(Method::DELETE, &format!("{}/s1", stashes()), &reader)
        .await;
    r.assert_error(403, "insufficient_scope");
    assert_eq!(r.body["error"]["details"]["entity_id"], "s1");
    // A write grant whose filter does not cover the stash: 403; one that does: 204.
    let delegate = api.token("delegate-a").await;
    let r = api
        .call(Method::DELETE, &format!("{}/s2", stashes()), &delegate)
        .await;
    r.assert_error(403, "insufficient_scope");
    assert_eq!(r.body["error"]["details"]["entity_id"], "s2");
    let full = api.token("full-a").await;
    assert_eq!(
        api.get(&format!("{}/s2", stashes()), &full).await.status,
        200
    );
    // Another workspace's credential: as if it did not exist.
    let other = api.token("full-b").await;
    api.call(Method::DELETE, &format!("{}/s1", stashes()), &other)
        .await
        .assert_error(403, "insufficient_scope");
    // If-Match: a stale version is 409 and deletes nothing; the current one deletes.
    let created = api
        .write(Method::POST, &stashes(), &full, &body(), None)
        .await;
    let id = created.body["response"]["id"].as_str().unwrap().to_owned();
    let path = format!("{}/{id}", stashes());
    let renamed = api
        .write(Method::PATCH, &path, &full, &json!({"name": "v2"}), None)
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    let delete_if = |tag: &'static str| {
        api.http
            .delete(api.url(&path))
            .bearer_auth(&full)
            .header("if-match", tag)
    };
    api.send(delete_if("\"v1\""))
        .await
        .assert_error(409, "stale_precondition");
    api.send(delete_if("not-an-etag"))
        .await
        .assert_error(400, "invalid_request");
    assert_eq!(api.get(&path, &full).await.status, 200);
    let r = api.send(delete_if("\"v2\"")).await;
    assert_eq!(r.status, 204, "{}", r.text);
    api.get(&path, &full).await.assert_error(404, "not_found");
    // delegate-a's filter covers s1 (created by stash-mine-a).
    let r = api
        .call(Method::DELETE, &format!("{}/s1", stashes()), &delegate)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
}

/// With transactions of 4 items, a stash holding 3 families is deleted in steps (its
/// entries marked, the stash gone, the entries gone): every read after it, on either store,
/// shows nothing of it.
async fn a_large_stash_is_deleted_in_steps_that_leave_nothing(b: Backend) {
    let api = Setup::new(b)
        .env("STORE_TRANSACTION_ITEMS", "4")
        .start()
        .await;
    let t = api.token("full-a").await;
    let mut big = body();
    big["item_ids"] = json!({"detail_ids": ["d1"], "family_ids": ["f1", "f2", "f3"]});
    let created = api.write(Method::POST, &stashes(), &t, &big, None).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["response"]["id"].as_str().unwrap().to_owned();
    for f in ["f1", "f2", "f3"] {
        assert!(referencing_stashes(&api, &t, f).await.contains(&id), "{f}");
    }
    let r = api
        .call(Method::DELETE, &format!("{}/{id}", stashes()), &t)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    for f in ["f1", "f2", "f3"] {
        assert!(!referencing_stashes(&api, &t, f).await.contains(&id), "{f}");
    }
    assert!(!listed_stashes(&api, &t, "").await.contains(&id));
}

/// Items of the table whose partition key is `pk` and whose `id` is `id` (the DynamoDB
/// store's reference entries of one stash in one family, marked or not).
async fn stored_entries(api: &Api, pk: &str, id: &str) -> usize {
    use aws_sdk_dynamodb::types::AttributeValue;
    let ddb = aws_sdk_dynamodb::Client::new(&pirros_shared::config::aws::sdk_config().await);
    let table = &api.running.app.state.config.table_name;
    let items = ddb
        .query()
        .table_name(table)
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .items
        .unwrap_or_default();
    items
        .iter()
        .filter(|i| {
            i.get("id")
                .and_then(|v| v.as_s().ok())
                .is_some_and(|v| v == id)
        })
        .count()
}

/// A new stash holding families f1 to f3 (more entries than a 4-item transaction takes with
/// the stash): its id and path.
async fn three_family_stash(api: &Api, t: &str) -> (String, String) {
    let mut big = body();
    big["item_ids"] = json!({"detail_ids": [], "family_ids": ["f1", "f2", "f3"]});
    let created = api.write(Method::POST, &stashes(), t, &big, None).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["response"]["id"].as_str().unwrap().to_owned();
    let path = format!("{}/{id}", stashes());
    (id, path)
}

/// A stash delete going in steps that stops (as if the process died) after writing its
/// journal and marks, or after the stash went: at no point does a reader see a reference of
/// a deleted stash or miss one of a stash that is still there, and the next DELETE finishes
/// the work (204), after which nothing of the stash is stored.
async fn a_delete_stopped_between_steps_shows_nothing_and_the_next_one_finishes_it(b: Backend) {
    for step in ["journaled", "unlinked"] {
        let api = Setup::new(b)
            .env("STORE_TRANSACTION_ITEMS", "4")
            .env("STORE_STOP_AFTER", step)
            .start()
            .await;
        let t = api.token("full-a").await;
        let (id, path) = three_family_stash(&api, &t).await;

        api.call(Method::DELETE, &path, &t)
            .await
            .assert_error(500, "internal_error");
        let still_there = step == "journaled";
        assert_eq!(
            api.get(&path, &t).await.status == 200,
            still_there,
            "{step}"
        );
        assert_eq!(
            listed_stashes(&api, &t, "").await.contains(&id),
            still_there,
            "{step}"
        );
        for f in ["f1", "f2", "f3"] {
            assert_eq!(
                referencing_stashes(&api, &t, f).await.contains(&id),
                still_there,
                "{step} {f}"
            );
        }

        let r = api.call(Method::DELETE, &path, &t).await;
        assert_eq!(r.status, 204, "{step}: {}", r.text);
        api.get(&path, &t).await.assert_error(404, "not_found");
        api.call(Method::DELETE, &path, &t)
            .await
            .assert_error(404, "not_found");
        for f in ["f1", "f2", "f3"] {
            assert!(!referencing_stashes(&api, &t, f).await.contains(&id), "{f}");
        }
        let ws = pirros_shared::ids::WorkspaceId::parse(A1).unwrap();
        let sid = pirros_shared::ids::ResourceId::parse(&id).unwrap();
        assert_eq!(
            api.store().pending_stash_delete(ws, &sid).await.unwrap(),
            None,
            "{step}: the journal is gone"
        );
        if b == Backend::Dynamo {
            for f in ["f1", "f2", "f3"] {
                let family = pirros_shared::ids::ResourceId::parse(f).unwrap();
                let pk = pirros_shared::store::keys::references_pk(ws, &family);
                assert_eq!(stored_entries(&api, &pk, &id).await, 0, "{step} {f}");
            }
        }
    }
}

/// A create's or an update's replay is answered only while the caller may still make that
/// write: once its write grant on stashes is narrowed to a filter that does not cover the
/// stash, both are 403 (as a fresh write would be), not the stored answers.
async fn a_replay_needs_a_grant_still_covering_the_stash(b: Backend) {
    use pirros_shared::grants::{EntityType, FilterId};
    let api = api(b).await;
    let t = api.token("full-a").await;
    let created = api
        .write(Method::POST, &stashes(), &t, &body(), Some("cover-1"))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["response"]["id"].as_str().unwrap().to_owned();
    let path = format!("{}/{id}", stashes());
    let rename = json!({"name": "renamed"});
    let patched = api
        .write(Method::PATCH, &path, &t, &rename, Some("cover-2"))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);

    let my_stashes =
        FilterId::Custom(pirros_shared::ids::ResourceId::parse("flt-my-stashes").unwrap());
    api.set_write_filter("full-a", A1, my_stashes).await;
    api.write(Method::POST, &stashes(), &t, &body(), Some("cover-1"))
        .await
        .assert_error(403, "insufficient_scope");
    api.write(Method::PATCH, &path, &t, &rename, Some("cover-2"))
        .await
        .assert_error(403, "insufficient_scope");
    api.set_write_filter("full-a", A1, FilterId::System(EntityType::Stash))
        .await;
    for (method, at, body, key) in [
        (Method::POST, stashes(), body(), "cover-1"),
        (Method::PATCH, path.clone(), rename.clone(), "cover-2"),
    ] {
        let again = api.write(method, &at, &t, &body, Some(key)).await;
        assert_eq!(
            again.header("idempotent-replayed"),
            Some("true"),
            "{}",
            again.text
        );
    }
}

/// A delete in steps that stopped after its journal, on an instance whose transactions are
/// small, then a delete of the same stash by one whose transaction holds it whole (the same
/// table): that delete takes the journal with it, so the next DELETE is 404, not a second
/// 204 from the leftover journal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_delete_takes_an_earlier_journal_with_it() {
    let small = Setup::new(Backend::Dynamo)
        .env("STORE_TRANSACTION_ITEMS", "4")
        .env("STORE_STOP_AFTER", "journaled")
        .start()
        .await;
    let table = small.running.app.state.config.table_name.clone();
    let whole = Setup::new(Backend::Dynamo)
        .env("TABLE_NAME", &table)
        .fixture(None)
        .start()
        .await;
    let t = small.token("full-a").await;
    let (id, path) = three_family_stash(&small, &t).await;
    small
        .call(Method::DELETE, &path, &t)
        .await
        .assert_error(500, "internal_error");

    let r = whole.call(Method::DELETE, &path, &t).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let ws = pirros_shared::ids::WorkspaceId::parse(A1).unwrap();
    let sid = pirros_shared::ids::ResourceId::parse(&id).unwrap();
    assert_eq!(
        whole.store().pending_stash_delete(ws, &sid).await.unwrap(),
        None,
        "the journal went with the stash"
    );
    whole
        .call(Method::DELETE, &path, &t)
        .await
        .assert_error(404, "not_found");
    for f in ["f1", "f2", "f3"] {
        assert!(
            !referencing_stashes(&whole, &t, f).await.contains(&id),
            "{f}"
        );
    }
}

/// `pirros-admin delete stash ID` (the real binary, on the DynamoDB table the API uses):
/// the stash leaves every read as with `DELETE`, the tool prints what it did, and an unknown
/// or ambiguous id exits non-zero naming why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_tool_deletes_a_stash_by_id() {
    use pirros_shared::model::{ItemIds, Stash, StashRecord};
    use pirros_shared::store::Item;
    let api = api(Backend::Dynamo).await;
    let table = api.running.app.state.config.table_name.clone();
    let t = api.token("full-a").await;
    let created = api.write(Method::POST, &stashes(), &t, &body(), None).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["response"]["id"].as_str().unwrap().to_owned();
    assert!(referencing_stashes(&api, &t, "f1").await.contains(&id));

    let (ok, out, err) = admin(&table, &["delete", "stash", &id], &[]);
    assert!(ok, "{err}");
    assert_eq!(
        out,
        json!({"deleted": {"type": "stash", "id": id, "workspace_id": A1}, "changed": []})
    );
    api.get(&format!("{}/{id}", stashes()), &t)
        .await
        .assert_error(404, "not_found");
    assert!(!referencing_stashes(&api, &t, "f1").await.contains(&id));
    assert!(!listed_stashes(&api, &t, "").await.contains(&id));

    // Gone now, and never was: non-zero, naming the id.
    for missing in [id.as_str(), "never-was"] {
        let (ok, _, err) = admin(&table, &["delete", "stash", missing], &[]);
        assert!(!ok, "{missing}");
        assert!(err.contains(&format!("no stash \"{missing}\"")), "{err}");
    }
    // An id two workspaces use needs --workspace.
    let at = pirros_shared::timestamp::Timestamp::now();
    let twin = StashRecord {
        stash: Stash {
            id: pirros_shared::ids::ResourceId::parse("s1").unwrap(),
            workspace_id: pirros_shared::ids::WorkspaceId::parse(B1).unwrap(),
            name: "Twin".into(),
            description: None,
            project_id: pirros_shared::ids::ResourceId::parse(PB).unwrap(),
            is_permanent: false,
            item_ids: ItemIds::default(),
            created_by: "full-b".into(),
            created_at: at,
            updated_at: at,
        },
        version: 1,
    };
    api.store().put_items(&[Item::Stash(twin)]).await.unwrap();
    let (ok, _, err) = admin(&table, &["delete", "stash", "s1"], &[]);
    assert!(!ok);
    assert!(
        err.contains("is in 2 workspaces") && err.contains("--workspace"),
        "{err}"
    );
    assert_eq!(api.get(&format!("{}/s1", stashes()), &t).await.status, 200);
    let (ok, out, err) = admin(&table, &["delete", "stash", "s1", "--workspace", B1], &[]);
    assert!(ok, "{err}");
    assert_eq!(out["deleted"]["workspace_id"], B1);
    assert_eq!(api.get(&format!("{}/s1", stashes()), &t).await.status, 200);
}
