//! Issue 8: the OpenAPI document as served, and what fuzzing it against the API found.

use pirros_shared::routes::ROUTES;
use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

pirros_tests::on_both_stores!(
    document_is_served_and_describes_every_route,
    if_match_accepts_only_etags_of_this_api,
);

async fn document_is_served_and_describes_every_route(b: Backend) {
    let api = api(b).await;
    let r = api.send(api.http.get(api.url("/openapi.json"))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r.header("x-request-id").is_some());
    let doc = &r.body;
    assert_eq!(doc["openapi"], "3.1.0");
    for (method, path, _) in ROUTES {
        let op = &doc["paths"][path][method.to_lowercase()];
        assert!(op.is_object(), "{method} {path} is not documented");
        if path.starts_with("/v1/") {
            assert_eq!(op["security"], json!([{ "oauth2": [] }]), "{method} {path}");
        }
    }
    let flow = &doc["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"];
    assert_eq!(flow["tokenUrl"], "/oauth/token");

    // What the document promises for the tags list holds for a real answer.
    let token = api.token("full-a").await;
    let r = api.get(&format!("/v1/workspaces/{A1}/tags"), &token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let required = |schema: &str| -> Vec<String> {
        doc["components"]["schemas"][schema]["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} has no required list"))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys(&r.body), required("TagListEnvelope"));
    assert_eq!(keys(&r.body["response"]), required("TagList"));
    assert_eq!(keys(&r.body["response"]["data"][0]), required("Tag"));
}

/// Found by schemathesis (the document's `If-Match` pattern against the handler): the
/// handler took `"v+1"` for version 1 (Rust's integer parser allows a sign) and `W/W/"v1"`
/// for a weak `"v1"`. Neither is an ETag this API sends; both must be 400, like any other
/// malformed `If-Match`. Tabs around the commas are HTTP's own whitespace and stay allowed.
async fn if_match_accepts_only_etags_of_this_api(b: Backend) {
    let api = api(b).await;
    let token = api.token("full-a").await;
    let path = format!("/v1/workspaces/{A1}/stashes/s1");
    let version = || async {
        let r = api.get(&path, &token).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let etag = r.header("etag").expect("ETag").to_owned();
        etag.trim_matches('"').trim_start_matches('v').to_owned()
    };

    let patch = |if_match: String| {
        api.http
            .request(Method::PATCH, api.url(&path))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .header("if-match", if_match)
            .body("{}")
    };
    let v = version().await;
    for bad in [
        format!("\"v+{v}\""),
        format!("W/W/\"v{v}\""),
        format!("\"v {v}\""),
        format!("\"v-{v}\""),
        String::new(),
    ] {
        let r = api.send(patch(bad.clone())).await;
        r.assert_error(400, "invalid_request");
        assert_eq!(r.body["error"]["details"]["field"], "If-Match", "{bad}");
    }
    let weak = |v: String| format!("W/\"v{v}\"");
    let listed = |v: String| format!("\"v0\",\t\"v{v}\"");
    for make in [&weak as &dyn Fn(String) -> String, &listed, &|_| {
        "*".to_owned()
    }] {
        let good = make(version().await);
        let r = api.send(patch(good.clone())).await;
        assert_eq!(r.status, 200, "If-Match {good}: {}", r.text);
    }
}
