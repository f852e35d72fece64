//! Each route makes exactly the storage calls its budget declares
//! (`infra/local/src/budget.rs`), on both stores. Run with `--nocapture` to see them.

use pirros_local::budget;
use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

pirros_tests::on_both_stores!(every_route_makes_the_calls_its_budget_declares);

/// One request of a route, by the credential that may make it.
struct Case {
    route: &'static str,
    client: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
    key: Option<&'static str>,
    status: u16,
}

fn get(route: &'static str, client: &'static str, path: String) -> Case {
    Case {
        route,
        client,
        method: Method::GET,
        path,
        body: None,
        key: None,
        status: 200,
    }
}

fn post(route: &'static str, client: &'static str, path: String, body: Value, status: u16) -> Case {
    Case {
        route,
        client,
        method: Method::POST,
        path,
        body: Some(body),
        key: None,
        status,
    }
}

/// Waits until nothing in the process touches the store (a job the fixture or an earlier
/// case started has finished), so a measured request counts only its own calls.
async fn settle(store: &dyn pirros_shared::store::AdminStore) {
    for _ in 0..100 {
        let before = store.calls();
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        if store.calls() == before {
            return;
        }
    }
    panic!("the store never went quiet");
}

async fn every_route_makes_the_calls_its_budget_declares(b: Backend) {
    // No local delivery of webhooks and no job run while the test lasts: the follower and
    // the worker would use the table beside the requests.
    let api = Setup::new(b)
        .env("WEBHOOK_LOCAL_FOLLOW", "false")
        .env("LOCAL_JOB_HOLD_MS", "600000")
        .start()
        .await;
    let store = api.store();
    let ws = format!("/v1/workspaces/{A1}");
    let mut tokens = std::collections::HashMap::new();
    for client in ["full-a", "flagger-a", "famwriter-a"] {
        let t = api.token(client).await;
        // Warm the kill-switch cache and the previous window's count: what a request in a
        // busy hour pays, not the first of the hour.
        api.get(&format!("{ws}/tags"), &t).await;
        tokens.insert(client, t);
    }
    let stash = json!({"name": "budget", "project_id": PA, "item_ids": {"detail_ids": ["d1"], "family_ids": ["f1"]}});
    let upload = json!({"name": "Budget door", "category": "Doors", "file_name": "budget.rfa", "size_bytes": 1024, "sha256": "0".repeat(64)});
    // A job to read that holds no bulk slot (an export's would hold one of full-a's, and
    // the export below would pay a claim more than a credential holding none does).
    let started = api
        .write(
            Method::POST,
            &format!("{ws}/families/uploads"),
            &tokens["famwriter-a"],
            &upload,
            None,
        )
        .await;
    let job = started.body["response"]["job"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a job: {}", started.text))
        .to_owned();
    // A write before the measured ones: the process learns the workspace's event sequence,
    // as a busy one knows it (the first write of a process reads it once).
    let warm = api
        .write(
            Method::POST,
            &format!("{ws}/stashes"),
            &tokens["full-a"],
            &stash,
            None,
        )
        .await;
    assert_eq!(warm.status, 201, "{}", warm.text);
    let cases = [
        get("tags", "full-a", format!("{ws}/tags")),
        get("details get", "full-a", format!("{ws}/details/d1")),
        get("details search", "full-a", format!("{ws}/details?limit=2")),
        get("families get", "full-a", format!("{ws}/families/f1")),
        get(
            "families similar",
            "full-a",
            format!("{ws}/families/f1/similar"),
        ),
        get("stash get", "full-a", format!("{ws}/stashes/s1")),
        post(
            "stash create",
            "full-a",
            format!("{ws}/stashes"),
            stash.clone(),
            201,
        ),
        Case {
            key: Some("budget-stash"),
            ..post(
                "stash create with a key",
                "full-a",
                format!("{ws}/stashes"),
                stash,
                201,
            )
        },
        get("download rvt", "full-a", format!("{ws}/downloads/rvt/d1")),
        get("me", "full-a", "/v1/me".into()),
        get("flags list", "flagger-a", format!("{ws}/details/d1/flags")),
        post(
            "flag create",
            "flagger-a",
            format!("{ws}/details/d1/flags"),
            json!({"reason": "outdated"}),
            201,
        ),
        get(
            "references",
            "full-a",
            format!("{ws}/families/f1/references"),
        ),
        get("versions", "full-a", format!("{ws}/families/f1/versions")),
        post(
            "upload start",
            "famwriter-a",
            format!("{ws}/families/uploads"),
            upload,
            202,
        ),
        get("job get", "famwriter-a", format!("{ws}/jobs/{job}")),
        post(
            "export start",
            "full-a",
            format!("{ws}/stashes/s1/exports"),
            json!({}),
            202,
        ),
        // Another credential than the export's: each starts with every bulk slot free.
        post(
            "snapshot start",
            "flagger-a",
            format!("{ws}/snapshots"),
            json!({}),
            202,
        ),
        get("events page", "full-a", format!("{ws}/events?limit=5")),
        post(
            "webhook endpoint create",
            "full-a",
            format!("{ws}/webhook-endpoints"),
            json!({"url": "https://1.1.1.1/budget", "event_types": ["*"]}),
            201,
        ),
    ];
    let mut wrong = Vec::new();
    for case in cases {
        let t = &tokens[case.client];
        settle(store).await;
        let before = store.calls();
        let r = match &case.body {
            Some(body) => api.write(case.method, &case.path, t, body, case.key).await,
            None => api.call(case.method, &case.path, t).await,
        };
        let calls = store.calls() - before;
        assert_eq!(r.status.as_u16(), case.status, "{}: {}", case.route, r.text);
        let declared = budget::of(case.route);
        eprintln!(
            "{b:?} {}: {calls} calls (declared {})",
            case.route, declared.calls
        );
        if calls != declared.calls {
            wrong.push(format!(
                "{}: {calls} calls, {} declared",
                case.route, declared.calls
            ));
        }
    }
    // The token route: a secret that got a token before (full-a's, above), with no wrong
    // attempt in its window.
    settle(store).await;
    let before = store.calls();
    api.token("full-a").await;
    let calls = store.calls() - before;
    eprintln!("{b:?} token: {calls} calls");
    if calls != budget::of("token").calls {
        wrong.push(format!(
            "token: {calls} calls, {} declared",
            budget::of("token").calls
        ));
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
