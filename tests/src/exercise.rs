//! Every route of the routing table, called the way clients call it: the test world's ids
//! in the path, the bodies and query strings a route needs, several callers whose grants
//! differ, and no token at all. The least-privilege test records what this makes each
//! function touch; the logging test checks what it makes the server log.

use crate::{A1, secret_of};
use pirros_shared::routes::ROUTES;
use serde_json::{Value, json};

/// What a call answered: the request, the status, the headers and the JSON body (`Null`
/// when the body is not JSON).
pub struct Answer {
    pub request: String,
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

async fn answer(request: String, resp: reqwest::Response) -> Answer {
    let status = resp.status().as_u16();
    assert!(status < 500, "{request}: {status}");
    let headers = resp.headers().clone();
    let body = resp.json().await.unwrap_or(Value::Null);
    Answer {
        request,
        status,
        headers,
        body,
    }
}

/// Bodies and extra query strings a route needs beyond the generic call: (method, route
/// template, query strings to send, JSON body). A new route whose write needs a valid body
/// to get past validation adds its line here.
pub const BODIES: &[(&str, &str, &[&str], Option<&str>)] = &[
    (
        "GET",
        "/v1/workspaces/{ws}/details",
        &[
            "",
            "?include=tags,project",
            "?tag_id=t-concrete",
            "?project_id=11111111-0000-4000-8000-0000000000a1",
            "?q=slab&limit=1",
        ],
        None,
    ),
    (
        "GET",
        "/v1/workspaces/{ws}/details/{id}",
        &["", "?include=tags,project"],
        None,
    ),
    (
        "GET",
        "/v1/workspaces/{ws}/families/{id}",
        &["", "?include=tags,project"],
        None,
    ),
    (
        "GET",
        "/v1/workspaces/{ws}/families/{id}/similar",
        &["", "?include=tags,project"],
        None,
    ),
    (
        "POST",
        "/v1/workspaces/{ws}/stashes",
        &[""],
        Some(
            r#"{"name": "Exercise", "project_id": "11111111-0000-4000-8000-0000000000a1", "item_ids": {"detail_ids": ["d1"], "family_ids": ["f1"]}}"#,
        ),
    ),
    (
        "PATCH",
        "/v1/workspaces/{ws}/stashes/{id}",
        &[""],
        Some(
            r#"{"name": "Renamed", "item_ids": {"detail_ids": ["d1", "d2"], "family_ids": ["f1"]}}"#,
        ),
    ),
];

/// Credentials whose grants differ (system filters, custom filters of each entity type).
pub const CALLERS: &[&str] = &[
    "full-a",
    "concrete-a",
    "projfam-a",
    "stash-mine-a",
    "steeltags-a",
    "typical-a",
    "writer-concrete-a",
];

/// A concrete path for a route template: the test world's workspace A1 and, for each id,
/// an item of the collection the path names.
pub fn example_path(template: &str) -> String {
    let mut out = Vec::new();
    let mut previous = "";
    for seg in template.split('/') {
        out.push(match seg {
            "{ws}" => A1.to_owned(),
            s if s.starts_with('{') => match previous {
                "details" | "pdf" | "rvt" => "d1".to_owned(),
                "families" => "f1".to_owned(),
                "stashes" => "s1".to_owned(),
                _ => "x1".to_owned(),
            },
            s => s.to_owned(),
        });
        previous = seg;
    }
    out.join("/")
}

/// Calls every route of `function` (every route when `None`) on `base`, as each of
/// `tokens` ((client, token) pairs) and without a token; for the token function, token
/// requests with each client's right and wrong secret in JSON, a form and HTTP Basic.
/// Returns every answer. Panics on a 5xx.
pub async fn exercise(
    http: &reqwest::Client,
    base: &str,
    function: Option<&str>,
    tokens: &[(String, String)],
) -> Vec<Answer> {
    let mut bodies = Vec::new();
    if function.is_none_or(|f| f == "oauth") {
        for (client, _) in tokens {
            for secret in [secret_of(client), "wrong-secret".to_owned()] {
                let form = format!(
                    "grant_type=client_credentials&client_id={client}&client_secret={secret}"
                );
                let requests = [
                    http.post(format!("{base}/oauth/token")).json(&json!({
                        "grant_type": "client_credentials", "client_id": client, "client_secret": secret
                    })),
                    http.post(format!("{base}/oauth/token"))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(form),
                    http.post(format!("{base}/oauth/token"))
                        .basic_auth(client, Some(&secret))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body("grant_type=client_credentials"),
                ];
                for req in requests {
                    let resp = req.send().await.expect("sent");
                    bodies.push(answer("POST /oauth/token".into(), resp).await);
                }
            }
        }
    }
    let routes = ROUTES
        .iter()
        .filter(|r| function.is_none_or(|f| r.function.name() == f));
    for route in routes {
        let path = example_path(route.path);
        let extra = BODIES
            .iter()
            .find(|(m, p, _, _)| *m == route.method && *p == route.path);
        let queries: &[&str] = extra.map_or(&[""], |e| e.2);
        let body = extra.and_then(|e| e.3).unwrap_or("{}");
        let method = reqwest::Method::from_bytes(route.method.as_bytes()).expect("method");
        let mut callers: Vec<Option<&str>> = tokens.iter().map(|(_, t)| Some(t.as_str())).collect();
        callers.push(None);
        for q in queries {
            for token in &callers {
                let url = format!("{base}{path}{q}");
                let mut req = http.request(method.clone(), &url);
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                if route.method != "GET" {
                    req = req
                        .header("content-type", "application/json")
                        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                        .body(body.to_owned());
                }
                if route.method == "PATCH"
                    && let Some(t) = token
                {
                    // The current version, as a client would send it.
                    let current = http.get(&url).bearer_auth(t).send().await.expect("sent");
                    if let Some(etag) = current.headers().get("etag").cloned() {
                        req = req.header("if-match", etag);
                    }
                }
                let resp = req.send().await.expect("sent");
                bodies.push(answer(format!("{} {url}", route.method), resp).await);
            }
        }
    }
    bodies
}
