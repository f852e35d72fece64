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
    let flag_path = format!("{flags}/{flag}");
    let families = format!("/v1/workspaces/{A1}/families/f1");
    let cases = [
        Case::get(
            "details get",
            format!("/v1/workspaces/{A1}/details/d1"),
            declared("details get"),
        ),
        Case::get(
            "details search",
            format!("/v1/workspaces/{A1}/details?limit=5"),
            declared("details search"),
        ),
        Case::write(
            "flag create",
            Method::POST,
            &flags,
            json!({"reason": "duplicate"}),
            None,
            201,
            declared("flag create"),
        ),
        Case::write(
            "flag create, with a key",
            Method::POST,
            &flags,
            json!({"reason": "incorrect"}),
            Some("cost-1"),
            201,
            // The key's record is read first.
            declared("flag create") + 1,
        ),
        Case::get("flags list", flags.clone(), declared("flags list")),
        Case::get(
            "flags list, open",
            format!("{flags}?status=open"),
            declared("flags list"),
        ),
        Case::write(
            "flag resolve",
            Method::PATCH,
            &flag_path,
            json!({"status": "resolved"}),
            None,
            200,
            // The flag; its transaction; the detail's count deleted if back at zero.
            4,
        ),
        Case::get(
            "family references",
            format!("{families}/references"),
            declared("references"),
        ),
        Case::get("family group", format!("{families}/group"), 3),
    ];
    for Case {
        what,
        method,
        path,
        body,
        key,
        status,
        data_calls,
    } in cases
    {
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

/// The calls beyond the credential read and the rate-limit update that `route`'s budget
/// declares (`infra/local/src/budget.rs`).
fn declared(route: &str) -> u64 {
    pirros_local::budget::of(route).calls - 2
}

/// One request, what it answers, and how many storage calls it makes beyond the credential
/// read and the rate-limit update.
struct Case {
    what: &'static str,
    method: Method,
    path: String,
    body: Option<serde_json::Value>,
    key: Option<&'static str>,
    status: u16,
    data_calls: u64,
}

impl Case {
    fn get(what: &'static str, path: String, data_calls: u64) -> Self {
        Self {
            what,
            method: Method::GET,
            path,
            body: None,
            key: None,
            status: 200,
            data_calls,
        }
    }

    fn write(
        what: &'static str,
        method: Method,
        path: &str,
        body: serde_json::Value,
        key: Option<&'static str>,
        status: u16,
        data_calls: u64,
    ) -> Self {
        Self {
            what,
            method,
            path: path.to_owned(),
            body: Some(body),
            key,
            status,
            data_calls,
        }
    }
}
