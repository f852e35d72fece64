//! Reads started beside authentication (`shared/src/ahead.rs`): a read route whose item
//! comes from its path reads it in the round trip of the credential read and the rate
//! limit; a list reads its page ahead from the query and cursor. A search and `/v1/me`,
//! whose keys depend on the caller's grants, read ahead with the grants the server last saw
//! for the client, and use it only when today's grants name the same keys. What was read
//! reaches nobody the pipeline refuses, and a client over its limit costs no reads.

use pirros_local::budget;
use pirros_tests::*;
use reqwest::Method;
use serde_json::json;

pirros_tests::on_both_stores!(
    a_client_over_its_limit_reads_nothing_ahead,
    a_refused_call_answers_nothing_its_route_read_ahead,
    a_lists_later_pages_are_read_ahead_and_a_wrong_cursor_reads_nothing,
    a_search_reads_ahead_with_the_grants_last_seen_and_answers_by_the_current_ones,
    me_reads_ahead_the_workspaces_last_seen_and_answers_the_current_grants,
    a_webhook_endpoint_create_counts_ahead_and_a_refused_one_creates_nothing,
    a_keys_record_is_read_ahead_and_a_malformed_key_reads_nothing,
    a_stash_creates_project_and_items_are_read_ahead_from_its_body,
);

/// A read route reads its item beside authentication (`shared/src/ahead.rs`): that read is
/// part of its budget, and a 429 nobody foresaw has paid it too. Once this server has told a
/// client 429, its requests read nothing ahead until the wait is over: over its limit a
/// client costs the credential read and its counter's update, no more.
async fn a_client_over_its_limit_reads_nothing_ahead(b: Backend) {
    let api = Setup::new(b)
        .env("API_RATE_LIMIT_PER_HOUR", "3")
        .start()
        .await;
    let calls = || api.store().calls();
    let (a, other) = (api.token("full-a").await, api.token("full-b").await);
    let path = format!("/v1/workspaces/{A1}/details/d1");
    for _ in 0..3 {
        assert_eq!(api.get(&path, &a).await.status, 200);
    }
    let before = calls();
    let r = api.get(&path, &a).await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(
        calls() - before,
        budget::of("details get").calls,
        "the first refusal read ahead"
    );
    for _ in 0..2 {
        let before = calls();
        let r = api.get(&path, &a).await;
        assert_eq!(r.status, 429, "{}", r.text);
        assert!(r.body.get("data").is_none(), "{}", r.text);
        assert_eq!(calls() - before, 2, "the credential and the counter only");
    }
    // Another client still reads ahead: its first request reads its previous window's
    // count as well, the second costs the route's budget.
    let other_path = format!("/v1/workspaces/{B1}/tags");
    assert_eq!(api.get(&other_path, &other).await.status, 200);
    let before = calls();
    assert_eq!(api.get(&other_path, &other).await.status, 200);
    assert_eq!(calls() - before, budget::of("tags").calls);
}

/// A revoked credential's token still verifies until it expires: its request reads ahead
/// (a read its 401 never uses: the price of the round trip), and answers 401 and nothing
/// of the item. A caller the item's workspace does not grant gets 404 as before.
async fn a_refused_call_answers_nothing_its_route_read_ahead(b: Backend) {
    let api = api(b).await;
    let calls = || api.store().calls();
    let (a, other) = (api.token("full-a").await, api.token("full-b").await);
    let paths = [
        format!("/v1/workspaces/{A1}/details/d1"),
        format!("/v1/workspaces/{A1}/families/f1"),
        format!("/v1/workspaces/{A1}/downloads/rvt/d1"),
    ];
    let mut names = Vec::new();
    for p in &paths[..2] {
        let r = api.get(p, &a).await;
        assert_eq!(r.status, 200, "{p}: {}", r.text);
        names.push(r.body["response"]["name"].as_str().unwrap().to_owned());
    }
    for p in &paths {
        let r = api.get(p, &other).await;
        r.assert_error(404, "not_found");
        assert!(
            names.iter().all(|n| !r.text.contains(n.as_str())),
            "{p}: {}",
            r.text
        );
    }
    crate::access_at_work::operator(&api, &["credentials", "revoke", "full-a"]).await;
    for p in &paths {
        let before = calls();
        let r = api.get(p, &a).await;
        r.assert_error(401, "invalid_token");
        assert!(r.body.get("response").is_none(), "{p}: {}", r.text);
        assert!(
            names.iter().all(|n| !r.text.contains(n.as_str())),
            "{p}: {}",
            r.text
        );
        assert_eq!(
            calls() - before,
            3,
            "{p}: the credential, the counter and the read ahead"
        );
    }
}

/// A list's page is read ahead from its query and cursor (a cursor is bound to the token's
/// client, known before the credential read): a later page costs what the first does. A
/// cursor or query that is wrong reads nothing: the answer is the same 400, at the
/// credential read and the counter's update.
async fn a_lists_later_pages_are_read_ahead_and_a_wrong_cursor_reads_nothing(b: Backend) {
    let api = Setup::new(b)
        .env("WEBHOOK_LOCAL_FOLLOW", "false")
        .start()
        .await;
    let calls = || api.store().calls();
    let (flagger, full) = (api.token("flagger-a").await, api.token("full-a").await);
    // Each client's first request of the window also reads the previous window's count.
    for t in [&flagger, &full] {
        api.get(&format!("/v1/workspaces/{A1}/tags"), t).await;
    }
    let flags = format!("/v1/workspaces/{A1}/details/d1/flags");
    for _ in 0..3 {
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
    }
    let events = format!("/v1/workspaces/{A1}/events");
    let pages = [
        (&flagger, format!("{flags}?limit=1"), "cursor", "flags list"),
        (&full, format!("{events}?limit=1"), "after", "events page"),
    ];
    for (t, first, param, route) in pages {
        let r = api.get(&first, t).await;
        assert_eq!(r.status, 200, "{first}: {}", r.text);
        let cursor = r.body["response"]["next_cursor"]
            .as_str()
            .unwrap_or_else(|| panic!("{first}: a next page: {}", r.text))
            .to_owned();
        let next = format!("{first}&{param}={cursor}");
        let before = calls();
        let r = api.get(&next, t).await;
        assert_eq!(r.status, 200, "{next}: {}", r.text);
        assert_eq!(
            r.body["response"]["data"].as_array().unwrap().len(),
            1,
            "{next}"
        );
        assert_eq!(calls() - before, budget::of(route).calls, "{next}");
        // The cursor of another list, and a query that is not one: 400, nothing read.
        let wrong = if route == "flags list" {
            format!("{events}?limit=1&after={cursor}")
        } else {
            format!("{flags}?limit=1&cursor={cursor}")
        };
        for (path, who) in [
            (
                wrong,
                if route == "flags list" {
                    &full
                } else {
                    &flagger
                },
            ),
            (format!("{first}&limit=0"), t),
        ] {
            let before = calls();
            let r = api.get(&path, who).await;
            r.assert_error(400, "invalid_request");
            assert_eq!(
                calls() - before,
                2,
                "{path}: the credential and the counter only"
            );
        }
    }
}

fn ids(r: &pirros_tests::Reply) -> Vec<String> {
    let mut ids: Vec<String> = r.body["response"]["data"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {}", r.text))
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

/// A search page's list is chosen from the caller's grants, which are read beside it: the
/// server reads ahead with the grants it last saw for the client (only when they let it see
/// every detail), and the page is walked with the grants read for the request. A grant
/// narrowed in between answers by the new grant; a client whose grants do not let it see
/// everything reads nothing ahead, and neither does a client the server has not seen.
async fn a_search_reads_ahead_with_the_grants_last_seen_and_answers_by_the_current_ones(
    b: Backend,
) {
    let api = api(b).await;
    let calls = || api.store().calls();
    let search = format!("/v1/workspaces/{A1}/details?limit=100");
    let (reader, concrete, full) = (
        api.token("readonly-a").await,
        api.token("concrete-a").await,
        api.token("full-a").await,
    );
    // The first request of a client in a window reads the window before's count too.
    let first = api.get(&search, &reader).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let everything = ids(&first);
    let r = api.get(&search, &concrete).await;
    let concrete_ids = ids(&r);
    assert!(
        !concrete_ids.is_empty() && concrete_ids.len() < everything.len(),
        "the filter keeps some: {concrete_ids:?} of {everything:?}"
    );
    let before = calls();
    let r = api.get(&search, &reader).await;
    assert_eq!(ids(&r), everything);
    assert_eq!(calls() - before, budget::of("details search").calls);
    // Narrowed to the concrete details: the page read ahead (everything's list) is not the
    // one the new grant reads, and the answer is the new grant's.
    crate::access_at_work::grants(&api, "remove", "readonly-a", "default:details", "read").await;
    crate::access_at_work::grants(&api, "add", "readonly-a", "flt-concrete", "read").await;
    let r = api.get(&search, &reader).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        ids(&r),
        concrete_ids,
        "answered by the grant read for the call"
    );
    // Now known as a filtered reader: it costs what another filtered reader's search does.
    let before = calls();
    let r = api.get(&search, &concrete).await;
    assert_eq!(ids(&r), concrete_ids);
    let filtered = calls() - before;
    let before = calls();
    assert_eq!(ids(&api.get(&search, &reader).await), concrete_ids);
    assert_eq!(calls() - before, filtered, "no read ahead");
    // Revoked, a client the server knew as seeing everything has paid the page's read ahead
    // (its 401 carries nothing of it: a details page reads its list and the open-flag
    // counts, a families page its list); one it knew as filtered has read nothing ahead.
    let families = format!("/v1/workspaces/{A1}/families");
    for path in [&search, &families] {
        assert_eq!(api.get(path, &full).await.status, 200, "{path}");
    }
    let cases = [
        ("full-a", &full, &search, 2),
        ("full-a", &full, &families, 1),
        ("readonly-a", &reader, &search, 0),
    ];
    for (client, token, path, read_ahead) in cases {
        crate::access_at_work::operator(&api, &["credentials", "revoke", client]).await;
        let before = calls();
        let r = api.get(path, token).await;
        r.assert_error(401, "invalid_token");
        assert!(r.body.get("response").is_none(), "{}", r.text);
        assert_eq!(calls() - before, 2 + read_ahead, "{client} {path}");
    }
}

/// `/v1/me` reads the workspaces the credential's grants name: ahead, those of the grants
/// the server last saw for the client, used only when the credential read for the request
/// names the same ones. A grant added in between shows at once (read again).
async fn me_reads_ahead_the_workspaces_last_seen_and_answers_the_current_grants(b: Backend) {
    let api = api(b).await;
    let calls = || api.store().calls();
    let (none, full) = (api.token("nogrants-a").await, api.token("full-a").await);
    for t in [&none, &full] {
        let r = api.get("/v1/me", t).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let workspaces = |r: &pirros_tests::Reply| -> Vec<String> {
        r.body["response"]["workspaces"]
            .as_array()
            .unwrap_or_else(|| panic!("{}", r.text))
            .iter()
            .map(|w| w["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = calls();
    let r = api.get("/v1/me", &none).await;
    assert!(workspaces(&r).is_empty(), "{}", r.text);
    assert_eq!(calls() - before, budget::of("me").calls);
    crate::access_at_work::grants(&api, "add", "nogrants-a", "default:tags", "read").await;
    let before = calls();
    let r = api.get("/v1/me", &none).await;
    assert_eq!(
        workspaces(&r),
        [A1],
        "the grant read for the call: {}",
        r.text
    );
    assert_eq!(
        r.body["response"]["workspaces"][0]["grants"][0]["filter_id"],
        "default:tags"
    );
    assert_eq!(
        calls() - before,
        budget::of("me").calls + 1,
        "what was read ahead named no workspace: read again"
    );
    let before = calls();
    assert_eq!(workspaces(&api.get("/v1/me", &none).await), [A1]);
    assert_eq!(calls() - before, budget::of("me").calls);
    crate::access_at_work::operator(&api, &["credentials", "revoke", "full-a"]).await;
    let before = calls();
    let r = api.get("/v1/me", &full).await;
    r.assert_error(401, "invalid_token");
    assert!(r.body.get("response").is_none(), "{}", r.text);
    assert_eq!(
        calls() - before,
        3,
        "the credential, the counter and the read ahead"
    );
}

/// A webhook endpoint create counts the caller's endpoints in the workspace (and where the
/// feed stands) beside authentication: the token's client is known then. A create the
/// cap refuses and one whose credential was revoked meanwhile create nothing.
async fn a_webhook_endpoint_create_counts_ahead_and_a_refused_one_creates_nothing(b: Backend) {
    let api = Setup::new(b)
        .env("WEBHOOK_LOCAL_FOLLOW", "false")
        .start()
        .await;
    let calls = || api.store().calls();
    let full = api.token("full-a").await;
    let endpoints = format!("/v1/workspaces/{A1}/webhook-endpoints");
    let listed = |r: &pirros_tests::Reply| r.body["response"]["data"].as_array().unwrap().len();
    let create =
        |n: usize| json!({"url": format!("https://1.1.1.1/hook-{n}"), "event_types": ["*"]});
    assert_eq!(listed(&api.get(&endpoints, &full).await), 0);
    let cap = pirros_shared::webhooks::MAX_ENDPOINTS_PER_CREDENTIAL;
    for n in 0..cap {
        let before = calls();
        let r = api
            .write(Method::POST, &endpoints, &full, &create(n), None)
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(
            calls() - before,
            budget::of("webhook endpoint create").calls,
            "create {n}"
        );
    }
    // The count read ahead is the one the cap is checked with.
    let r = api
        .write(Method::POST, &endpoints, &full, &create(cap), None)
        .await;
    r.assert_error(409, "limit_exceeded");
    let r = api.get(&format!("{endpoints}?limit=100"), &full).await;
    assert_eq!(listed(&r), cap, "{}", r.text);
    crate::access_at_work::operator(&api, &["credentials", "revoke", "full-a"]).await;
    let before = calls();
    let r = api
        .write(Method::POST, &endpoints, &full, &create(99), None)
        .await;
    r.assert_error(401, "invalid_token");
    assert_eq!(
        calls() - before,
        4,
        "the credential, the counter and the count read ahead (two reads)"
    );
    let ws = pirros_shared::ids::WorkspaceId::parse(A1).unwrap();
    let stored = api.store().list_endpoints(ws).await.unwrap();
    assert_eq!(stored.len(), cap, "nothing more was created");
}

/// A POST's `Idempotency-Key` record is read beside authentication (a key is the token's
/// client's): a fresh create pays that read in the first round trip, a replay costs the
/// credential, the counter and the record, answered only once the grant is checked again.
/// A malformed key reads nothing, and a revoked credential's request has paid the read
/// and answers nothing of the record.
async fn a_keys_record_is_read_ahead_and_a_malformed_key_reads_nothing(b: Backend) {
    let api = Setup::new(b)
        .env("WEBHOOK_LOCAL_FOLLOW", "false")
        .env("LOCAL_JOB_HOLD_MS", "600000")
        .start()
        .await;
    let calls = || api.store().calls();
    let t = api.token("famwriter-a").await;
    assert_eq!(
        api.get(&format!("/v1/workspaces/{A1}/tags"), &t)
            .await
            .status,
        200
    );
    let uploads = format!("/v1/workspaces/{A1}/families/uploads");
    let body = json!({"name": "Keyed door", "category": "Doors", "file_name": "keyed.rfa", "size_bytes": 1024, "sha256": "0".repeat(64)});
    let before = calls();
    let first = api
        .write(Method::POST, &uploads, &t, &body, Some("key-one"))
        .await;
    assert_eq!(first.status, 202, "{}", first.text);
    assert_eq!(
        calls() - before,
        budget::of("upload start").calls + 1,
        "the route's calls and the key's record"
    );
    let before = calls();
    let again = api
        .write(Method::POST, &uploads, &t, &body, Some("key-one"))
        .await;
    assert_eq!(again.status, 202, "{}", again.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body["response"], first.body["response"]);
    assert_eq!(
        calls() - before,
        3,
        "the credential, the counter and the record"
    );
    let before = calls();
    let long = "k".repeat(256);
    let r = api
        .write(Method::POST, &uploads, &t, &body, Some(&long))
        .await;
    r.assert_error(400, "invalid_request");
    assert_eq!(calls() - before, 2, "the credential and the counter only");
    crate::access_at_work::operator(&api, &["credentials", "revoke", "famwriter-a"]).await;
    let before = calls();
    let r = api
        .write(Method::POST, &uploads, &t, &body, Some("key-one"))
        .await;
    r.assert_error(401, "invalid_token");
    assert!(r.body.get("response").is_none(), "{}", r.text);
    assert_eq!(
        calls() - before,
        3,
        "the credential, the counter and the record"
    );
}

/// A stash create reads the project and items its body names beside authentication (the
/// body is there before the credential is read), and checks them with the caller's grants
/// once it is known. A body that is not a stash create's reads nothing; a revoked
/// credential's create has paid the reads and created nothing.
async fn a_stash_creates_project_and_items_are_read_ahead_from_its_body(b: Backend) {
    let api = Setup::new(b)
        .env("WEBHOOK_LOCAL_FOLLOW", "false")
        .start()
        .await;
    let calls = || api.store().calls();
    let (full, concrete) = (
        api.token("full-a").await,
        api.token("writer-concrete-a").await,
    );
    for t in [&full, &concrete] {
        assert_eq!(api.get("/v1/me", t).await.status, 200);
    }
    let stashes = format!("/v1/workspaces/{A1}/stashes");
    let body = json!({"name": "ahead", "project_id": PA, "item_ids": {"detail_ids": ["d1"], "family_ids": ["f1"]}});
    // The workspace's first write in this server also reads where its feed stands.
    for _ in 0..2 {
        let before = calls();
        let r = api.write(Method::POST, &stashes, &full, &body, None).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert!(calls() - before <= budget::of("stash create").calls + 1);
    }
    let before = calls();
    let r = api.write(Method::POST, &stashes, &full, &body, None).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(calls() - before, budget::of("stash create").calls);
    // The items were read ahead, and checked with the grants read for the call: a writer
    // whose read grant covers concrete details only is told which it may not name.
    let steel = json!({"name": "steel", "project_id": PA, "item_ids": {"detail_ids": ["d1", "d2"], "family_ids": []}});
    let r = api
        .write(Method::POST, &stashes, &concrete, &steel, None)
        .await;
    r.assert_error(400, "INVALID_ITEM_REFERENCE");
    assert_eq!(
        r.body["error"]["details"]["detail_ids"],
        json!(["d2"]),
        "{}",
        r.text
    );
    let before = calls();
    let wrong =
        json!({"name": "ahead", "project_id": PA, "item_ids": {"detail_ids": ["d1"]}, "extra": 1});
    let r = api.write(Method::POST, &stashes, &full, &wrong, None).await;
    r.assert_error(400, "invalid_request");
    assert_eq!(calls() - before, 2, "the credential and the counter only");
    crate::access_at_work::operator(&api, &["credentials", "revoke", "full-a"]).await;
    let before = calls();
    let r = api.write(Method::POST, &stashes, &full, &body, None).await;
    r.assert_error(401, "invalid_token");
    assert_eq!(
        calls() - before,
        5,
        "the credential, the counter, the project and the items (details, families)"
    );
    let reader = api.token("readonly-a").await;
    let r = api.get(&format!("{stashes}?limit=100"), &reader).await;
    let named = r.body["response"]["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.text))
        .iter()
        .filter(|s| s["name"] == "ahead")
        .count();
    assert_eq!(named, 3, "only the first three were created: {}", r.text);
}
