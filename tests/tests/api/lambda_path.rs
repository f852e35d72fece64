//! The function binaries as Lambda runs them (issue 18): API Gateway HTTP API events through
//! a local Lambda Runtime API, against DynamoDB Local. `foundation.rs` and `reads.rs` run
//! their scenarios on this path too (`on_every_path!`); this file adds what only this path
//! has: the events as API Gateway encodes them, the metrics each invocation prints, and the
//! example events of `infra/events/` that the README's `cargo lambda invoke` lines use.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use pirros_shared::metrics::catalog;
use pirros_tests::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

/// What one request should have published.
struct Expect {
    request_id: String,
    function: &'static str,
    route: String,
    status: u16,
    code: Option<&'static str>,
    /// Whether it reaches DynamoDB (the token, tags, details routes do).
    storage: bool,
}

/// Every EMF document the functions printed, by function, once there are `n` of them.
async fn documents(api: &Api, n: usize) -> HashMap<String, Vec<Value>> {
    let gw = api.gateway.as_ref().expect("Lambda path");
    for _ in 0..100 {
        let lines = gw.functions.stdout_lines().await;
        let total: usize = lines
            .values()
            .map(|l| l.iter().filter(|l| l.contains("\"_aws\"")).count())
            .sum();
        if total >= n {
            return lines
                .into_iter()
                .map(|(f, l)| (f, emf::documents(&l)))
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("fewer than {n} metrics documents");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_through_the_runtime_api_each_publish_one_valid_emf_document() {
    let api = Setup::new(Backend::Lambda).start().await;
    let mut expect = Vec::new();
    let mut seen = |r: &Reply, function, route: &str, code, storage| {
        expect.push(Expect {
            request_id: r.header("x-request-id").expect("X-Request-Id").to_owned(),
            function,
            route: route.to_owned(),
            status: r.status.as_u16(),
            code,
            storage,
        });
    };
    let token_route = "POST /oauth/token";
    let r = api
        .token_request(json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": secret_of("full-a")}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    seen(&r, "pirros-oauth", token_route, None, true);
    let token = r.body["access_token"].as_str().unwrap().to_owned();

    // A form body travels base64-encoded in the event, as API Gateway sends it.
    let form = format!(
        "grant_type=client_credentials&client_id=full-a&client_secret={}",
        secret_of("full-a")
    );
    let r = api
        .send(
            api.http
                .post(api.url("/oauth/token"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    seen(&r, "pirros-oauth", token_route, None, true);
    let r = api
        .token_request(json!({"grant_type": "client_credentials", "client_id": "full-a", "client_secret": "wrong"}))
        .await;
    r.assert_oauth_error(401, "invalid_client");
    seen(
        &r,
        "pirros-oauth",
        token_route,
        Some("invalid_client"),
        true,
    );

    let tags = format!("/v1/workspaces/{A1}/tags");
    let r = api.get(&tags, &token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(ids(&r).len(), 3);
    seen(
        &r,
        "pirros-tags",
        "GET /v1/workspaces/{ws}/tags",
        None,
        true,
    );
    let r = api
        .get(&format!("/v1/workspaces/{A1}/details/d1"), &token)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["response"]["id"], "d1");
    seen(
        &r,
        "pirros-details",
        "GET /v1/workspaces/{ws}/details/{id}",
        None,
        true,
    );
    let r = api
        .get(
            &format!("/v1/workspaces/{A1}/details?limit=2&include=tags"),
            &token,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(ids(&r), ["d4", "d5"]);
    assert!(r.body["response"]["next_cursor"].is_string());
    seen(
        &r,
        "pirros-details",
        "GET /v1/workspaces/{ws}/details",
        None,
        true,
    );

    // Error envelopes, each with its request id.
    // Refused before any storage call (the kill switch is cached): no DynamoDB cost.
    let r = api.send(api.http.get(api.url(&tags))).await;
    r.assert_error(401, "invalid_token");
    seen(
        &r,
        "pirros-tags",
        "GET /v1/workspaces/{ws}/tags",
        Some("invalid_token"),
        false,
    );
    let r = api
        .get(&format!("/v1/workspaces/{A1}/details/nope"), &token)
        .await;
    r.assert_error(404, "not_found");
    seen(
        &r,
        "pirros-details",
        "GET /v1/workspaces/{ws}/details/{id}",
        Some("not_found"),
        true,
    );
    let r = api.call(Method::DELETE, &tags, &token).await;
    r.assert_error(405, "method_not_allowed");
    assert_eq!(r.header("allow"), Some("GET"));
    seen(
        &r,
        "pirros-tags",
        catalog::UNMATCHED_ROUTE,
        Some("method_not_allowed"),
        false,
    );
    let r = api.get("/v1/unknown/route", &token).await;
    r.assert_error(404, "not_found");
    seen(
        &r,
        "pirros-docs",
        catalog::UNMATCHED_ROUTE,
        Some("not_found"),
        false,
    );
    let r = api.send(api.http.get(api.url("/openapi.json"))).await;
    assert_eq!(r.status, 200);
    seen(&r, "pirros-docs", "GET /openapi.json", None, false);

    let docs = documents(&api, expect.len()).await;
    let all: Vec<&Value> = docs.values().flatten().collect();
    assert_eq!(all.len(), expect.len(), "one document per invocation");
    for e in &expect {
        let d = all
            .iter()
            .find(|d| d["RequestId"] == e.request_id.as_str())
            .unwrap_or_else(|| panic!("no document for {}", e.route));
        let what = format!("{} {}: {d}", e.route, e.status);
        assert!(
            docs[e.function].iter().any(|x| x == *d),
            "printed by {}: {what}",
            e.function
        );
        assert_eq!(d["Function"], e.function, "{what}");
        assert_eq!(d["Route"], e.route.as_str(), "{what}");
        assert_eq!(d["Service"], catalog::SERVICE_NAME, "{what}");
        assert_eq!(d["StatusClass"], catalog::status_class(e.status), "{what}");
        assert_eq!(d["StatusCode"], e.status, "{what}");
        assert_eq!(d["Requests"], 1, "{what}");
        assert_eq!(d["Faults"], 0, "{what}");
        assert!(d["Latency"].as_f64().unwrap() > 0.0, "{what}");
        assert_eq!(
            d["_aws"]["CloudWatchMetrics"][0]["Namespace"],
            catalog::DEFAULT_NAMESPACE
        );
        // The ids that tie it to API Gateway's access log and to the trace.
        assert!(
            d["ApiRequestId"].as_str().is_some_and(|s| s.ends_with('=')),
            "{what}"
        );
        assert!(d["LambdaRequestId"].is_string(), "{what}");
        assert!(
            d["TraceId"].as_str().unwrap().starts_with("Root=1-"),
            "{what}"
        );
        let directives = d["_aws"]["CloudWatchMetrics"].as_array().unwrap();
        let has_errors = directives
            .iter()
            .any(|x| x["Metrics"][0]["Name"] == catalog::ERRORS);
        match e.code {
            Some(code) => {
                assert!(has_errors, "{what}");
                assert_eq!(d["ErrorCode"], code, "{what}");
                assert_eq!(d["Errors"], 1, "{what}");
            }
            None => {
                assert!(!has_errors && d.get("ErrorCode").is_none(), "{what}");
            }
        }
        let calls = d["DynamoDBCalls"].as_u64().unwrap();
        if e.storage {
            assert!(calls >= 1, "{what}");
            let units = d["ReadCapacityUnits"].as_f64().unwrap()
                + d["WriteCapacityUnits"].as_f64().unwrap();
            assert!(units > 0.0, "consumed capacity is reported: {what}");
        } else {
            assert_eq!(calls, 0, "{what}");
        }
    }
    // An authenticated read: the credential (consistent: 1 unit), the rate-limit counter (a
    // write), and the data.
    let tags_doc = all
        .iter()
        .find(|d| d["Route"] == "GET /v1/workspaces/{ws}/tags" && d["StatusCode"] == 200)
        .unwrap();
    // Plus, once per client and window in a container, the previous window's count that
    // the sliding rate limit weighs in.
    let calls = tags_doc["DynamoDBCalls"].as_u64().unwrap();
    assert!((3..=4).contains(&calls), "{tags_doc}");
    assert_eq!(tags_doc["WriteCapacityUnits"], 1.0, "{tags_doc}");
    assert!(
        tags_doc["ReadCapacityUnits"].as_f64().unwrap() >= 1.5,
        "{tags_doc}"
    );
    // Each process has exactly one cold start.
    for (f, ds) in &docs {
        let cold: u64 = ds.iter().map(|d| d["ColdStart"].as_u64().unwrap()).sum();
        assert_eq!(cold, 1, "{f}");
        assert_eq!(
            ds[0]["ColdStart"], 1,
            "{f}: the first request is the cold one"
        );
    }
}

/// (function, file under infra/events/, status it answers with the demo fixture).
const EVENTS: &[(&str, &str, u16)] = &[
    ("oauth", "token-json.json", 200),
    ("oauth", "token-form.json", 200),
    ("oauth", "token-basic.json", 200),
    ("oauth", "wrong-secret.json", 401),
    ("tags", "list.json", 200),
    ("tags", "no-token.json", 401),
    ("details", "search.json", 200),
    ("details", "search-by-tag.json", 200),
    ("details", "get.json", 200),
    ("details", "get-missing.json", 404),
    ("details", "flags.json", 200),
    ("families", "get.json", 200),
    ("families", "similar.json", 200),
    ("families", "search.json", 200),
    ("families", "references.json", 200),
    ("families", "group.json", 200),
    ("families", "versions.json", 200),
    ("stashes", "get.json", 200),
    ("stashes", "create.json", 201),
    ("stashes", "create-base64.json", 201),
    ("stashes", "update.json", 200),
    ("stashes", "put-not-allowed.json", 405),
    ("stashes", "list.json", 200),
    ("stashes", "delete.json", 204),
    ("downloads", "pdf.json", 200),
    ("downloads", "rvt.json", 200),
    ("downloads", "rfa.json", 200),
    ("docs", "openapi.json", 200),
    ("docs", "console.json", 200),
    ("discovery", "me.json", 200),
    ("discovery", "usage.json", 200),
    ("discovery", "projects.json", 200),
    ("discovery", "events.json", 200),
    ("webhooks", "list.json", 200),
    ("jobs", "get-missing.json", 404),
];

fn events_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/events")
}

#[test]
fn every_event_file_is_listed_and_is_an_api_gateway_v2_event() {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(events_dir()).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let function = dir.file_name().unwrap().to_str().unwrap().to_owned();
            let name = f.file_name().unwrap().to_str().unwrap().to_owned();
            let ev: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            assert_eq!(ev["version"], "2.0", "{name}");
            assert_eq!(
                ev["rawPath"], ev["requestContext"]["http"]["path"],
                "{name}"
            );
            let method = ev["requestContext"]["http"]["method"].as_str().unwrap();
            let path = ev["rawPath"].as_str().unwrap();
            let m = Method::from_bytes(method.as_bytes()).unwrap();
            // The route key is the one API Gateway would set, and the folder is the
            // function that route belongs to.
            match pirros_tests::routes::template_for(&m, path) {
                Some(t) => {
                    assert_eq!(ev["routeKey"], format!("{method} {t}"), "{name}");
                    let f = pirros_tests::routes::function_for(&m, path).unwrap();
                    assert_eq!(f.name(), function, "{name}");
                }
                None => assert_eq!(ev["routeKey"], "$default", "{name}"),
            }
            if ev["isBase64Encoded"] == true {
                STANDARD
                    .decode(ev["body"].as_str().unwrap())
                    .unwrap_or_else(|e| panic!("{name}: body is not base64: {e}"));
            }
            files.push((function, name));
        }
    }
    files.sort();
    let mut listed: Vec<(String, String)> = EVENTS
        .iter()
        .map(|(f, n, _)| (f.to_string(), n.to_string()))
        .collect();
    listed.sort();
    assert_eq!(
        files, listed,
        "infra/events/ and EVENTS list the same files"
    );
    for route in pirros_tests::routes::ROUTES.iter() {
        let f = route.function;
        assert!(
            files.iter().any(|(dir, _)| dir == f.name()),
            "no event for {}",
            f.name()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_file_gets_its_answer_from_its_function() {
    let demo = pirros_local::start::demo_dir().join("demo.json");
    let mut setup = Setup::new(Backend::Lambda).fixture(Some(demo));
    if let Ok(bucket) = std::env::var("FILES_BUCKET") {
        setup = setup.env("FILES_BUCKET", &bucket);
    }
    let api = setup.start().await;
    let functions = &api.gateway.as_ref().unwrap().functions;
    let read = |f: &str, n: &str| -> Value {
        let text = std::fs::read_to_string(events_dir().join(f).join(n)).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let answer = |inv: pirros_runtime_api::runtime::Invocation| match inv.outcome {
        pirros_runtime_api::runtime::Outcome::Response(v) => v,
        other => panic!("{other:?}"),
    };
    let token = answer(
        functions
            .invoke("pirros-oauth", read("oauth", "token-json.json"))
            .await
            .unwrap(),
    );
    let body: Value = serde_json::from_str(token["body"].as_str().unwrap()).unwrap();
    let token = body["access_token"].as_str().unwrap().to_owned();
    for (f, name, status) in EVENTS {
        let text = serde_json::to_string(&read(f, name))
            .unwrap()
            .replace("{{TOKEN}}", &token);
        let inv = functions
            .invoke(&format!("pirros-{f}"), serde_json::from_str(&text).unwrap())
            .await
            .unwrap_or_else(|e| panic!("{f}/{name}: {e}"));
        let payload = answer(inv);
        assert_eq!(payload["statusCode"], *status, "{f}/{name}: {payload}");
    }
}
