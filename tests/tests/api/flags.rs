//! Issue 17: detail flags: create, list, resolve, the grants they need, and `open_flags`
//! kept exact under concurrent flagging and resolving.

use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;

pirros_tests::on_both_stores!(
    flag_then_list_then_resolve,
    flag_bodies_are_strict,
    resolve_bodies_and_preconditions_are_strict,
    flag_writes_need_a_write_grant_covering_the_detail,
    a_hidden_detail_hides_its_flags,
    flag_lists_page_newest_first_by_status,
    idempotent_flag_creates,
    twenty_concurrent_flags_then_racing_resolves_count_exactly,
    racing_resolves_with_one_etag_succeed_once,
    a_flag_replay_needs_a_write_grant_still_covering_the_detail,
);

fn flags(detail: &str) -> String {
    format!("/v1/workspaces/{A1}/details/{detail}/flags")
}

fn detail(d: &str) -> String {
    format!("/v1/workspaces/{A1}/details/{d}")
}

async fn open_flags(api: &Api, token: &str, d: &str) -> Value {
    let r = api.get(&detail(d), token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["response"]["open_flags"].clone()
}

async fn flag(api: &Api, token: &str, d: &str, body: Value) -> Reply {
    api.write(Method::POST, &flags(d), token, &body, None).await
}

async fn resolve(
    api: &Api,
    token: &str,
    d: &str,
    id: &str,
    if_match: Option<&str>,
    body: &Value,
) -> Reply {
    let mut req = api
        .http
        .patch(api.url(&format!("{}/{id}", flags(d))))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(m) = if_match {
        req = req.header("if-match", m);
    }
    api.send(req).await
}

fn resolved() -> Value {
    json!({"status": "resolved"})
}

async fn flag_then_list_then_resolve(b: Backend) {
    let api = api(b).await;
    let t = api.token("flagger-a").await;
    assert_eq!(open_flags(&api, &t, "d1").await, 0);
    let r = flag(
        &api,
        &t,
        "d1",
        json!({"reason": "outdated", "note": "2026 sill heights"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.request_id();
    assert_eq!(r.header("etag"), Some("\"v1\""));
    let f = r.body["response"].clone();
    let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "detail_id",
            "reason",
            "note",
            "status",
            "resolution_note",
            "created_by",
            "created_at",
            "resolved_at",
            "updated_at",
            "expanded"
        ]
    );
    assert_eq!(f["detail_id"], "d1");
    assert_eq!(f["reason"], "outdated");
    assert_eq!(f["note"], "2026 sill heights");
    assert_eq!(f["status"], "open");
    assert_eq!(f["resolution_note"], Value::Null);
    assert_eq!(f["resolved_at"], Value::Null);
    assert_eq!(f["created_by"], "flagger-a");
    assert_eq!(f["created_at"], f["updated_at"]);
    assert_eq!(f["expanded"], json!({}));
    let id = f["id"].as_str().unwrap().to_owned();

    // The detail counts it, in its own answer and in search; other details count none.
    assert_eq!(open_flags(&api, &t, "d1").await, 1);
    let s = api.get(&format!("/v1/workspaces/{A1}/details"), &t).await;
    for d in s.body["response"]["data"].as_array().unwrap() {
        let want = if d["id"] == "d1" { 1 } else { 0 };
        assert_eq!(d["open_flags"], want, "{d}");
    }
    let reason_only = flag(&api, &t, "d1", json!({"reason": "needs_review"})).await;
    assert_eq!(reason_only.status, 201, "{}", reason_only.text);
    assert_eq!(reason_only.body["response"]["note"], Value::Null);
    assert_eq!(open_flags(&api, &t, "d1").await, 2);

    let list = api.get(&flags("d1"), &t).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(
        ids(&list),
        [reason_only.body["response"]["id"].as_str().unwrap(), &id],
        "newest first"
    );
    assert_eq!(list.body["response"]["data"][1], {
        let mut x = f.clone();
        x.as_object_mut().unwrap().remove("expanded");
        x
    });
    assert_eq!(list.body["response"]["next_cursor"], Value::Null);
    assert_eq!(list.body["response"]["expanded"], json!({}));

    let r = resolve(
        &api,
        &t,
        "d1",
        &id,
        Some("\"v1\""),
        &json!({"status": "resolved", "resolution_note": "Updated"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("etag"), Some("\"v2\""));
    let done = &r.body["response"];
    assert_eq!(done["status"], "resolved");
    assert_eq!(done["resolution_note"], "Updated");
    assert_eq!(done["resolved_at"], done["updated_at"]);
    assert!(done["resolved_at"].as_str().unwrap() >= f["created_at"].as_str().unwrap());
    assert_eq!(done["created_at"], f["created_at"]);
    assert_eq!(done["note"], f["note"]);
    assert_eq!(open_flags(&api, &t, "d1").await, 1);

    // Resolving again changes nothing; a new note replaces the old one, nothing else.
    let again = resolve(&api, &t, "d1", &id, None, &resolved()).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.header("etag"), Some("\"v2\""));
    assert_eq!(again.body["response"]["resolution_note"], "Updated");
    let renote = resolve(
        &api,
        &t,
        "d1",
        &id,
        Some("\"v2\""),
        &json!({"status": "resolved", "resolution_note": "Redrawn"}),
    )
    .await;
    assert_eq!(renote.status, 200, "{}", renote.text);
    assert_eq!(renote.header("etag"), Some("\"v3\""));
    assert_eq!(renote.body["response"]["resolved_at"], done["resolved_at"]);
    assert_eq!(open_flags(&api, &t, "d1").await, 1);

    let open = api.get(&format!("{}?status=open", flags("d1")), &t).await;
    assert_eq!(
        ids(&open),
        [reason_only.body["response"]["id"].as_str().unwrap()]
    );
    let closed = api
        .get(&format!("{}?status=resolved", flags("d1")), &t)
        .await;
    assert_eq!(ids(&closed), [id.as_str()]);
    assert_eq!(
        closed.body["response"]["data"][0]["resolution_note"],
        "Redrawn"
    );
    // Both resolutions are in the feed, the first and the new note; resolving again with
    // nothing new is not.
    let feed = api
        .get(
            &format!("/v1/workspaces/{A1}/events?types=flag.resolved&limit=100"),
            &t,
        )
        .await;
    assert_eq!(feed.status, 200, "{}", feed.text);
    let resolutions = feed.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["object"]["id"] == id.as_str())
        .count();
    assert_eq!(resolutions, 2, "{}", feed.text);
}

async fn flag_bodies_are_strict(b: Backend) {
    let api = api(b).await;
    let t = api.token("flagger-a").await;
    let long = "n".repeat(2001);
    let cases = [
        (json!({"reason": "outdated", "colour": "red"}), "colour"),
        (json!({"note": "x"}), "reason"),
        (json!({"reason": "stale"}), "reason"),
        (json!({"reason": 3}), "reason"),
        (json!({"reason": "other"}), "note"),
        (json!({"reason": "other", "note": "   "}), "note"),
        (json!({"reason": "outdated", "note": long}), "note"),
        (json!({"reason": "outdated", "note": 5}), "note"),
    ];
    for (body, field) in cases {
        let r = flag(&api, &t, "d1", body.clone()).await;
        r.assert_error(400, "invalid_request");
        assert_eq!(
            r.body["error"]["details"]["field"], field,
            "{body}: {}",
            r.text
        );
    }
    for raw in ["[]", "", "{", "\"x\""] {
        let r = api
            .send(
                api.http
                    .post(api.url(&flags("d1")))
                    .bearer_auth(&t)
                    .header("content-type", "application/json")
                    .body(raw),
            )
            .await;
        r.assert_error(400, "invalid_request");
    }
    let r = api
        .send(
            api.http
                .post(api.url(&flags("d1")))
                .bearer_auth(&t)
                .header("content-type", "text/plain")
                .body(r#"{"reason": "outdated"}"#),
        )
        .await;
    r.assert_error(400, "invalid_request");
    let r = api
        .write(
            Method::POST,
            &format!("{}?x=1", flags("d1")),
            &t,
            &json!({"reason": "outdated"}),
            None,
        )
        .await;
    r.assert_error(400, "invalid_request");
    assert_eq!(open_flags(&api, &t, "d1").await, 0, "nothing was flagged");
    let ok = flag(
        &api,
        &t,
        "d1",
        json!({"reason": "other", "note": "n".repeat(2000)}),
    )
    .await;
    assert_eq!(ok.status, 201, "2,000 characters is allowed: {}", ok.text);
    for reason in ["incorrect", "duplicate", "needs_review", "outdated"] {
        let r = flag(&api, &t, "d1", json!({"reason": reason})).await;
        assert_eq!(r.status, 201, "{reason}: {}", r.text);
        assert_eq!(r.body["response"]["reason"], reason);
    }
}

async fn resolve_bodies_and_preconditions_are_strict(b: Backend) {
    let api = api(b).await;
    let t = api.token("flagger-a").await;
    let created = flag(&api, &t, "d2", json!({"reason": "duplicate"})).await;
    let id = created.body["response"]["id"].as_str().unwrap().to_owned();
    let long = "n".repeat(2001);
    let cases = [
        (json!({"status": "open"}), "status"),
        (json!({"status": 1}), "status"),
        (json!({}), "status"),
        (json!({"status": "resolved", "reason": "other"}), "reason"),
        (
            json!({"status": "resolved", "resolution_note": long}),
            "resolution_note",
        ),
        (
            json!({"status": "resolved", "resolution_note": 1}),
            "resolution_note",
        ),
    ];
    for (body, field) in cases {
        let r = resolve(&api, &t, "d2", &id, None, &body).await;
        r.assert_error(400, "invalid_request");
        assert_eq!(
            r.body["error"]["details"]["field"], field,
            "{body}: {}",
            r.text
        );
    }
    for bad in ["v1", "\"v+1\"", "W/W/\"v1\"", ""] {
        let r = resolve(&api, &t, "d2", &id, Some(bad), &resolved()).await;
        r.assert_error(400, "invalid_request");
        assert_eq!(r.body["error"]["details"]["field"], "If-Match", "{bad}");
    }
    let stale = resolve(&api, &t, "d2", &id, Some("\"v2\""), &resolved()).await;
    stale.assert_error(409, "stale_precondition");
    assert_eq!(
        open_flags(&api, &t, "d2").await,
        1,
        "a refused resolve changes nothing"
    );
    // Unknown flags, flags of another detail and malformed ids are all 404.
    for (d, f) in [
        ("d2", "nope"),
        ("d1", id.as_str()),
        ("d2", "bad%23id"),
        ("nope", id.as_str()),
    ] {
        resolve(&api, &t, d, f, None, &resolved())
            .await
            .assert_error(404, "not_found");
    }
    for m in ["*", "W/\"v1\"", "\"v7\", \"v1\""] {
        let mut fresh = flag(&api, &t, "d2", json!({"reason": "duplicate"})).await;
        let fid = fresh.body["response"]["id"].take();
        let r = resolve(&api, &t, "d2", fid.as_str().unwrap(), Some(m), &resolved()).await;
        assert_eq!(r.status, 200, "If-Match {m}: {}", r.text);
    }
    assert_eq!(open_flags(&api, &t, "d2").await, 1);
}

async fn flag_writes_need_a_write_grant_covering_the_detail(b: Backend) {
    let api = api(b).await;
    let body = json!({"reason": "incorrect"});
    // Read grants only: 403 naming what is missing, for any detail, existing or not.
    let ro = api.token("readonly-a").await;
    for d in ["d1", "nope"] {
        let r = flag(&api, &ro, d, body.clone()).await;
        r.assert_error(403, "insufficient_scope");
        let details = &r.body["error"]["details"];
        assert_eq!(details["required_action"], "write");
        assert_eq!(details["entity_type"], "detail");
        assert_eq!(details["entity_id"], d);
    }
    resolve(&api, &ro, "d1", "x", None, &resolved())
        .await
        .assert_error(403, "insufficient_scope");
    // Another firm's credential has no grant in this workspace.
    let fb = api.token("full-b").await;
    flag(&api, &fb, "d1", body.clone())
        .await
        .assert_error(403, "insufficient_scope");
    // A write grant filtered to concrete details: d2 (steel) is readable but not writable.
    let conc = api.token("flag-concrete-a").await;
    let r = flag(&api, &conc, "d2", body.clone()).await;
    r.assert_error(403, "insufficient_scope");
    assert_eq!(r.body["error"]["details"]["entity_id"], "d2");
    let names = r.body["error"]["details"]["granted_filter_names"].clone();
    assert!(
        names
            .as_array()
            .unwrap()
            .contains(&json!("Concrete details")),
        "{names}"
    );
    let ok = flag(&api, &conc, "d1", body.clone()).await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    // A detail that exists nowhere the caller can see.
    let t = api.token("flagger-a").await;
    for d in ["nope", "db1", "da2", "bad%23id"] {
        flag(&api, &t, d, body.clone())
            .await
            .assert_error(404, "not_found");
        api.get(&flags(d), &t).await.assert_error(404, "not_found");
    }
    // Listing flags needs a read grant on details.
    let none = api.token("nogrants-a").await;
    api.get(&flags("d1"), &none)
        .await
        .assert_error(403, "insufficient_scope");
    let steel_tags = api.token("steeltags-a").await;
    api.get(&flags("d1"), &steel_tags)
        .await
        .assert_error(403, "insufficient_scope");
    assert_eq!(open_flags(&api, &t, "d2").await, 0);
    assert_eq!(open_flags(&api, &t, "d1").await, 1);
}

async fn a_hidden_detail_hides_its_flags(b: Backend) {
    let api = api(b).await;
    let t = api.token("flagger-a").await;
    let on_d2 = flag(&api, &t, "d2", json!({"reason": "outdated"})).await;
    let d2_flag = on_d2.body["response"]["id"].as_str().unwrap().to_owned();
    let on_d1 = flag(&api, &t, "d1", json!({"reason": "outdated"})).await;
    assert_eq!(on_d1.status, 201);
    // flag-hidden-a reads concrete details only (d2 is steel) and writes every detail.
    let hidden = api.token("flag-hidden-a").await;
    api.get(&detail("d2"), &hidden)
        .await
        .assert_error(404, "not_found");
    api.get(&flags("d2"), &hidden)
        .await
        .assert_error(404, "not_found");
    flag(&api, &hidden, "d2", json!({"reason": "outdated"}))
        .await
        .assert_error(404, "not_found");
    resolve(&api, &hidden, "d2", &d2_flag, None, &resolved())
        .await
        .assert_error(404, "not_found");
    assert_eq!(open_flags(&api, &t, "d2").await, 1, "untouched");
    let visible = api.get(&flags("d1"), &hidden).await;
    assert_eq!(visible.status, 200, "{}", visible.text);
    assert_eq!(ids(&visible).len(), 1);
    let mine = flag(&api, &hidden, "d1", json!({"reason": "duplicate"})).await;
    assert_eq!(mine.status, 201, "{}", mine.text);
    assert_eq!(mine.body["response"]["created_by"], "flag-hidden-a");
}

async fn flag_lists_page_newest_first_by_status(b: Backend) {
    let api = api(b).await;
    let t = api.token("flagger-a").await;
    let mut created = Vec::new();
    for i in 0..7 {
        let r = flag(
            &api,
            &t,
            "d3",
            json!({"reason": "other", "note": format!("n{i}")}),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.text);
        created.push(r.body["response"]["id"].as_str().unwrap().to_owned());
    }
    for id in [&created[1], &created[4], &created[5]] {
        assert_eq!(
            resolve(&api, &t, "d3", id, None, &resolved()).await.status,
            200
        );
    }
    assert_eq!(open_flags(&api, &t, "d3").await, 4);
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    let walk = |query: &'static str| {
        let api = &api;
        let t = &t;
        async move {
            let mut seen = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut path = format!("{}?limit=2{query}", flags("d3"));
                if let Some(c) = &cursor {
                    path.push_str(&format!("&cursor={c}"));
                }
                let r = api.get(&path, t).await;
                assert_eq!(r.status, 200, "{}", r.text);
                assert!(ids(&r).len() <= 2);
                seen.extend(ids(&r));
                match r.body["response"]["next_cursor"].as_str() {
                    Some(c) => cursor = Some(c.to_owned()),
                    None => return seen,
                }
            }
        }
    };
    assert_eq!(walk("").await, newest_first);
    let open: Vec<String> = newest_first
        .iter()
        .filter(|id| ![&created[1], &created[4], &created[5]].contains(id))
        .cloned()
        .collect();
    assert_eq!(walk("&status=open").await, open);
    let closed = walk("&status=resolved").await;
    assert_eq!(closed, [created[5].as_str(), &created[4], &created[1]]);
    assert_eq!(closed.iter().collect::<HashSet<_>>().len(), 3);
    // Refused: a bad status, a bad limit, a cursor of another query or detail.
    for q in [
        "status=closed",
        "status=",
        "limit=0",
        "limit=101",
        "status=open&status=open",
        "cursor=abc.def",
    ] {
        let r = api.get(&format!("{}?{q}", flags("d3")), &t).await;
        r.assert_error(400, "invalid_request");
    }
    let first = api
        .get(&format!("{}?limit=1&status=open", flags("d3")), &t)
        .await;
    let c = first.body["response"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    for other in [
        format!("{}?limit=1&status=resolved&cursor={c}", flags("d3")),
        format!("{}?limit=1&cursor={c}", flags("d3")),
        format!("{}?limit=1&status=open&cursor={c}", flags("d1")),
    ] {
        api.get(&other, &t)
            .await
            .assert_error(400, "invalid_request");
    }
    let next = api
        .get(
            &format!("{}?limit=1&status=open&cursor={c}", flags("d3")),
            &t,
        )
        .await;
    assert_eq!(ids(&next), [open[1].as_str()]);
    // A detail without flags lists none.
    let empty = api.get(&flags("d5"), &t).await;
    assert_eq!(empty.body["response"]["data"], json!([]));
    assert_eq!(empty.body["response"]["next_cursor"], Value::Null);
}

async fn idempotent_flag_creates(b: Backend) {
    let api = api(b).await;
    let t = api.token("flagger-a").await;
    let body = json!({"reason": "outdated", "note": "retry me"});
    let first = api
        .write(Method::POST, &flags("d4"), &t, &body, Some("flag-1"))
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert!(first.header("idempotent-replayed").is_none());
    let again = api
        .write(Method::POST, &flags("d4"), &t, &body, Some("flag-1"))
        .await;
    assert_eq!(again.status, 201);
    assert_eq!(again.text, first.text, "the original answer, byte for byte");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("etag"), Some("\"v1\""));
    assert_eq!(open_flags(&api, &t, "d4").await, 1, "flagged once");
    let r = api
        .write(
            Method::POST,
            &flags("d4"),
            &t,
            &json!({"reason": "incorrect"}),
            Some("flag-1"),
        )
        .await;
    r.assert_error(409, "IDEMPOTENCY_CONFLICT");
    // The same key on another detail is another request.
    api.write(Method::POST, &flags("d5"), &t, &body, Some("flag-1"))
        .await
        .assert_error(409, "IDEMPOTENCY_CONFLICT");
    let r = api
        .send(
            api.http
                .post(api.url(&flags("d4")))
                .bearer_auth(&t)
                .header("content-type", "application/json")
                .header("idempotency-key", "has space")
                .body(body.to_string()),
        )
        .await;
    r.assert_error(400, "invalid_request");
    assert_eq!(open_flags(&api, &t, "d4").await, 1);
    assert_eq!(ids(&api.get(&flags("d4"), &t).await).len(), 1);
}

/// Runs `n` copies of a request at once (released together by a barrier).
async fn at_once<F, Fut>(n: usize, make: F) -> Vec<Reply>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Reply> + Send + 'static,
{
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let mut tasks = Vec::new();
    for i in 0..n {
        let barrier = barrier.clone();
        let fut = make(i);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            fut.await
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

async fn twenty_concurrent_flags_then_racing_resolves_count_exactly(b: Backend) {
    let api = Arc::new(api(b).await);
    let t = api.token("flagger-a").await;
    let created = at_once(20, |i| {
        let (api, t) = (api.clone(), t.clone());
        async move {
            api.write(
                Method::POST,
                &flags("d5"),
                &t,
                &json!({"reason": "other", "note": format!("#{i}")}),
                None,
            )
            .await
        }
    })
    .await;
    for r in &created {
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let ids_created: HashSet<String> = created
        .iter()
        .map(|r| r.body["response"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids_created.len(), 20);
    assert_eq!(open_flags(&api, &t, "d5").await, 20);
    let listed = api.get(&format!("{}?limit=100", flags("d5")), &t).await;
    assert_eq!(
        ids(&listed).into_iter().collect::<HashSet<_>>(),
        ids_created
    );

    // Each flag resolved by two requests at once: every request succeeds, each flag is
    // resolved once, and the count goes down by one per flag.
    let targets: Vec<String> = ids_created.into_iter().collect();
    let targets = Arc::new(targets);
    let resolves = at_once(40, |i| {
        let (api, t, targets) = (api.clone(), t.clone(), targets.clone());
        async move {
            let id = targets[i / 2].clone();
            resolve(&api, &t, "d5", &id, None, &resolved()).await
        }
    })
    .await;
    for r in &resolves {
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["response"]["status"], "resolved");
        assert_eq!(
            r.header("etag"),
            Some("\"v2\""),
            "resolved once: {}",
            r.text
        );
    }
    assert_eq!(open_flags(&api, &t, "d5").await, 0);
    let search = api
        .get(&format!("/v1/workspaces/{A1}/details?limit=100"), &t)
        .await;
    let d5 = search.body["response"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "d5")
        .unwrap()
        .clone();
    assert_eq!(d5["open_flags"], 0);
}

async fn racing_resolves_with_one_etag_succeed_once(b: Backend) {
    let api = Arc::new(api(b).await);
    let t = api.token("flagger-a").await;
    let r = flag(&api, &t, "d4", json!({"reason": "incorrect"})).await;
    let id = r.body["response"]["id"].as_str().unwrap().to_owned();
    let replies = at_once(6, |i| {
        let (api, t, id) = (api.clone(), t.clone(), id.clone());
        async move {
            let body = json!({"status": "resolved", "resolution_note": format!("by {i}")});
            resolve(&api, &t, "d4", &id, Some("\"v1\""), &body).await
        }
    })
    .await;
    let won: Vec<&Reply> = replies.iter().filter(|r| r.status == 200).collect();
    assert_eq!(
        won.len(),
        1,
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    for r in replies.iter().filter(|r| r.status != 200) {
        r.assert_error(409, "stale_precondition");
    }
    assert_eq!(open_flags(&api, &t, "d4").await, 0);
    let list = api.get(&flags("d4"), &t).await;
    assert_eq!(
        list.body["response"]["data"][0]["resolution_note"],
        won[0].body["response"]["resolution_note"]
    );
}

/// A flag create's replay is answered only while the caller's write grant still covers the
/// detail: narrowed to a filter that no longer matches it, 403 as a fresh flag would be.
async fn a_flag_replay_needs_a_write_grant_still_covering_the_detail(b: Backend) {
    use pirros_shared::grants::{EntityType, FilterId};
    let api = api(b).await;
    let t = api.token("flagger-a").await;
    let body = json!({"reason": "outdated"});
    let first = api
        .write(Method::POST, &flags("d2"), &t, &body, Some("flag-cover"))
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    // flt-concrete: d2 carries t-steel only.
    let concrete = pirros_shared::ids::ResourceId::parse("flt-concrete").unwrap();
    api.set_write_filter("flagger-a", A1, FilterId::Custom(concrete))
        .await;
    api.write(Method::POST, &flags("d2"), &t, &body, Some("flag-cover"))
        .await
        .assert_error(403, "insufficient_scope");
    api.set_write_filter("flagger-a", A1, FilterId::System(EntityType::Detail))
        .await;
    let again = api
        .write(Method::POST, &flags("d2"), &t, &body, Some("flag-cover"))
        .await;
    assert_eq!(
        again.header("idempotent-replayed"),
        Some("true"),
        "{}",
        again.text
    );
    assert_eq!(again.text, first.text);
}
