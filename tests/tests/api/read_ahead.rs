//! Reads started beside authentication (`shared/src/ahead.rs`): a read route whose item
//! comes from its path reads it in the round trip of the credential read and the rate
//! limit; a list reads its page ahead from the query and cursor. What it read reaches
//! nobody the pipeline refuses, and a client over its limit costs no reads.

use pirros_local::budget;
use pirros_tests::*;
use reqwest::Method;
use serde_json::json;

pirros_tests::on_both_stores!(
    a_client_over_its_limit_reads_nothing_ahead,
    a_refused_call_answers_nothing_its_route_read_ahead,
    a_lists_later_pages_are_read_ahead_and_a_wrong_cursor_reads_nothing,
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
