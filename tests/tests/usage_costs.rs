//! Issue 17: what the flag, reference and group routes cost in storage calls (and, on
//! DynamoDB, items read): bounded, and the same on both stores. Run with `--nocapture` to
//! see the figures.

use pirros_tests::*;
use reqwest::Method;
use serde_json::json;

pirros_tests::on_both_stores!(storage_calls_per_request_of_flags_references_and_groups);

async fn storage_calls_per_request_of_flags_references_and_groups(b: Backend) {
    let api = api(b).await;
    let store = api.store();
    let t = api.token("flagger-a").await;
    // Warm the kill-switch cache and the previous window's count, then measure.
    api.get(&format!("/v1/workspaces/{A1}/tags"), &t).await;
    let created = api
        .write(
            Method::POST,
            &format!("/v1/workspaces/{A1}/details/d1/flags"),
            &t,
            &json!({"reason": "outdated"}),
            None,
        )
        .await;
    let flag = created.body["response"]["id"].as_str().unwrap().to_owned();
    let flags = format!("/v1/workspaces/{A1}/details/d1/flags");
    // (what, method, path, body, idempotency key, status, storage calls beyond the
    // credential read and the rate-limit update)
    let cases: Vec<(
        &str,
        Method,
        String,
        Option<serde_json::Value>,
        Option<&str>,
        u16,
        u64,
    )> = vec![
        (
            "details get",
            Method::GET,
            format!("/v1/workspaces/{A1}/details/d1"),
            None,
            None,
            200,
            2,
        ),
        (
            "details search",
            Method::GET,
            format!("/v1/workspaces/{A1}/details?limit=5"),
            None,
            None,
            200,
            2,
        ),
        (
            "flag create",
            Method::POST,
            flags.clone(),
            Some(json!({"reason": "duplicate"})),
            None,
            201,
            2,
        ),
        (
            "flag create, with a key",
            Method::POST,
            flags.clone(),
            Some(json!({"reason": "incorrect"})),
            Some("cost-1"),
            201,
            3,
        ),
        ("flags list", Method::GET, flags.clone(), None, None, 200, 2),
        (
            "flags list, open",
            Method::GET,
            format!("{flags}?status=open"),
            None,
            None,
            200,
            2,
        ),
        (
            "flag resolve",
            Method::PATCH,
            format!("{flags}/{flag}"),
            Some(json!({"status": "resolved"})),
            None,
            200,
            3,
        ),
        (
            "family references",
            Method::GET,
            format!("/v1/workspaces/{A1}/families/f1/references"),
            None,
            None,
            200,
            2,
        ),
        (
            "family group",
            Method::GET,
            format!("/v1/workspaces/{A1}/families/f1/group"),
            None,
            None,
            200,
            3,
        ),
    ];
    for (what, method, path, body, key, status, data_calls) in cases {
        let (calls, items) = (store.calls(), store.items_read());
        let r = match &body {
            Some(body) => api.write(method, &path, &t, body, key).await,
            None => api.call(method, &path, &t).await,
        };
        assert_eq!(r.status.as_u16(), status, "{what}: {}", r.text);
        let (calls, items) = (store.calls() - calls, store.items_read() - items);
        eprintln!("{b:?} {what}: {calls} storage calls, {items} items read");
        assert_eq!(calls, 2 + data_calls, "{what}");
    }
}
