//! The OpenAPI document as served, and what fuzzing it against the API found.

use pirros_tests::routes::ROUTES;
use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

pirros_tests::on_both_stores!(
    document_is_served_and_describes_every_route,
    if_match_accepts_only_etags_of_this_api,
    unknown_query_parameters_are_refused_naming_the_documented_ones,
);

async fn document_is_served_and_describes_every_route(b: Backend) {
    let api = api(b).await;
    let r = api.send(api.http.get(api.url("/openapi.json"))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r.header("x-request-id").is_some());
    let doc = &r.body;
    assert_eq!(doc["openapi"], "3.1.0");
    for route in ROUTES.iter() {
        let (method, path) = (route.method, route.path);
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
    let schema = resolve(
        doc,
        &doc["paths"]["/v1/workspaces/{ws}/tags"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"],
    );
    let required = |schema: &Value| -> Vec<String> {
        schema["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} has no required list"))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let response = resolve(doc, &schema["properties"]["response"]);
    let tag = resolve(doc, &response["properties"]["data"]["items"]);
    assert_eq!(keys(&r.body), required(schema));
    assert_eq!(keys(&r.body["response"]), required(response));
    assert_eq!(keys(&r.body["response"]["data"][0]), required(tag));
    assert_eq!(
        required(tag),
        required(&doc["components"]["schemas"]["Tag"])
    );
}

/// A schema, or what its `$ref` points at.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .expect("reference resolves"),
        None => schema,
    }
}

/// Each operation parses its query with the struct that documents it: an unknown parameter
/// is 400 naming it, and the message lists exactly the documented query parameters.
async fn unknown_query_parameters_are_refused_naming_the_documented_ones(b: Backend) {
    let api = api(b).await;
    let token = api.token("full-a").await;
    let r = api.send(api.http.get(api.url("/openapi.json"))).await;
    let doc = &r.body;
    let mut checked = 0;
    for route in ROUTES.iter().filter(|r| r.path.starts_with("/v1/")) {
        let op = &doc["paths"][route.path][route.method.to_lowercase()];
        let documented: Vec<&str> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        let path = route
            .path
            .replace("{ws}", A1)
            .replace("{id}", "s1")
            .replace("{detailId}", "d1")
            .replace("{flag_id}", "fl1");
        let method = Method::from_bytes(route.method.as_bytes()).unwrap();
        let r = api
            .send(
                api.http
                    .request(method, api.url(&format!("{path}?bogus=1")))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body("{}"),
            )
            .await;
        r.assert_error(400, "invalid_request");
        assert_eq!(r.body["error"]["details"]["field"], "bogus", "{path}");
        let takes = match documented.as_slice() {
            [] => "this endpoint takes no query parameters".to_owned(),
            names => format!("this endpoint accepts: {}", names.join(", ")),
        };
        assert_eq!(
            r.body["error"]["message"],
            format!("Unknown query parameter \"bogus\"; {takes}"),
            "{} {}",
            route.method,
            route.path
        );
        checked += 1;
    }
    assert_eq!(checked, 37);
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
