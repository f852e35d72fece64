//! Every route of the routing table, called the way clients call it: the test world's ids
//! in the path, the bodies and query strings a route needs, several callers whose grants
//! differ, and no token at all. Routes that name what an earlier call made get its id (the
//! flag a create made, each job an upload or export started), and an accepted upload's file
//! is PUT where its answer says, so the worker has jobs to do. The least-privilege test
//! records what this makes each function touch; the logging test checks what it makes the
//! server log.

use crate::routes::{ROUTES, Route};
use crate::uploads::{rfa, upload_body};
use crate::{A1, PA, secret_of};
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
        "/v1/workspaces/{ws}/families",
        &[
            "",
            "?include=tags,project",
            "?q=door",
            "?category=Doors",
            "?tag_id=t-timber",
            "?project_id=11111111-0000-4000-8000-0000000000a1",
            "?updated_since=2020-01-01T00:00:00.000Z",
        ],
        None,
    ),
    (
        "GET",
        "/v1/workspaces/{ws}/stashes",
        &[
            "",
            "?project_id=11111111-0000-4000-8000-0000000000a1",
            "?created_by=full-a",
        ],
        None,
    ),
    (
        "POST",
        "/v1/workspaces/{ws}/details/{id}/flags",
        &[""],
        Some(r#"{"reason": "outdated", "note": "Exercise"}"#),
    ),
    (
        "PATCH",
        "/v1/workspaces/{ws}/details/{id}/flags/{flag_id}",
        &[""],
        Some(r#"{"status": "resolved", "resolution_note": "Done"}"#),
    ),
    // Twice: a new family, then the next version of f1 (`Upload`).
    (
        "POST",
        "/v1/workspaces/{ws}/families/uploads",
        &["", ""],
        None,
    ),
    (
        "GET",
        "/v1/workspaces/{ws}/jobs/{id}",
        &["", "?wait_for_completion=true"],
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
    (
        "POST",
        "/v1/workspaces/{ws}/webhook-endpoints",
        &[""],
        Some(r#"{"url": "https://1.1.1.1/hooks", "event_types": ["stash.*"]}"#),
    ),
    (
        "PATCH",
        "/v1/workspaces/{ws}/webhook-endpoints/{id}",
        &[""],
        Some(r#"{"description": "Exercise", "event_types": ["*"]}"#),
    ),
    (
        "POST",
        "/v1/workspaces/{ws}/webhook-endpoints/{id}/secret/roll",
        &[""],
        Some(r#"{"old_secret_valid_for": 60}"#),
    ),
    (
        "POST",
        "/v1/workspaces/{ws}/webhook-endpoints/{id}/replay",
        &[""],
        Some(r#"{"event_ids": ["e1"]}"#),
    ),
    (
        "GET",
        "/v1/workspaces/{ws}/webhook-endpoints/{id}/deliveries",
        &["", "?status=failed"],
        None,
    ),
];

/// Credentials whose grants differ (system filters, custom filters of each entity type).
pub const CALLERS: &[&str] = &[
    "full-a",
    "famwriter-a",
    "flagger-a",
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
/// requests with each client's wrong and then right secret in JSON, a form and HTTP Basic
/// (a success after wrong attempts resets their counters). Returns every answer. Panics
/// on a 5xx.
pub async fn exercise(
    http: &reqwest::Client,
    base: &str,
    function: Option<&str>,
    tokens: &[(String, String)],
) -> Vec<Answer> {
    let mut bodies = Vec::new();
    if function.is_none_or(|f| f == "oauth") {
        for (client, _) in tokens {
            for secret in ["wrong-secret".to_owned(), secret_of(client)] {
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
    let mut made = Made::default();
    for route in routes {
        let extra = BODIES
            .iter()
            .find(|(m, p, _, _)| *m == route.method && *p == route.path);
        let queries: &[&str] = extra.map_or(&[""], |e| e.2);
        let method = reqwest::Method::from_bytes(route.method.as_bytes()).expect("method");
        let mut callers: Vec<Option<&str>> = tokens.iter().map(|(_, t)| Some(t.as_str())).collect();
        callers.push(None);
        for path in made.paths(route) {
            for (nth, q) in queries.iter().enumerate() {
                for token in &callers {
                    let url = format!("{base}{path}{q}");
                    let upload = Upload::for_route(route, nth);
                    let body = match &upload {
                        Some(u) => u.body.to_string(),
                        None => extra.and_then(|e| e.3).unwrap_or("{}").to_owned(),
                    };
                    let mut req = http.request(method.clone(), &url);
                    if let Some(t) = token {
                        req = req.bearer_auth(t);
                    }
                    if route.method != "GET" {
                        req = req
                            .header("content-type", "application/json")
                            .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                            .body(body);
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
                    let a = answer(format!("{} {url}", route.method), resp).await;
                    if let Some(u) = upload {
                        u.send(http, &a).await;
                    }
                    made.note(route, &a);
                    bodies.push(a);
                }
            }
        }
    }
    bodies
}

/// Ids that calls made, for the routes that name them: the flag a create made, the jobs
/// uploads and exports started, the stash a create made (which the delete deletes, so the
/// test world's stashes stay for the routes after it).
#[derive(Default)]
struct Made {
    flag: Option<String>,
    /// The webhook endpoint a create made (each caller makes its own).
    endpoint: Option<String>,
    jobs: Vec<String>,
    stash: Option<String>,
}

impl Made {
    /// The paths to call `route` on: the example path, with the flag or each job made.
    fn paths(&self, route: &Route) -> Vec<String> {
        let path = example_path(route.path);
        if route.path.ends_with("/{flag_id}") {
            let flag = self.flag.as_deref().unwrap_or("x1");
            return vec![format!("{}/{flag}", path.trim_end_matches("/x1"))];
        }
        if route.method == "DELETE" && route.path.ends_with("/stashes/{id}") {
            let stash = self.stash.as_deref().unwrap_or("x1");
            return vec![format!("{}/{stash}", path.trim_end_matches("/s1"))];
        }
        if route.path.contains("/webhook-endpoints/{id}") {
            let endpoint = self.endpoint.as_deref().unwrap_or("x1");
            return vec![path.replacen("/x1", &format!("/{endpoint}"), 1)];
        }
        if route.path.ends_with("/jobs/{id}") && !self.jobs.is_empty() {
            let prefix = path.trim_end_matches("/x1");
            return self.jobs.iter().map(|j| format!("{prefix}/{j}")).collect();
        }
        vec![path]
    }

    fn note(&mut self, route: &Route, a: &Answer) {
        let id = a.body["response"]["id"].as_str();
        let job = a.body["response"]["job"]["id"].as_str();
        match (route.method, route.path) {
            ("POST", p) if p.ends_with("/flags") && a.status == 201 => {
                self.flag = id.map(str::to_owned);
            }
            ("POST", p) if p.ends_with("/stashes") && a.status == 201 => {
                self.stash = id.map(str::to_owned);
            }
            ("POST", p) if p.ends_with("/webhook-endpoints") && a.status == 201 => {
                self.endpoint = id.map(str::to_owned);
            }
            ("POST", p) if p.ends_with("/uploads") || p.ends_with("/exports") => {
                self.jobs.extend(job.or(id).map(str::to_owned));
            }
            _ => {}
        }
    }
}

/// An upload request, and the file its answer says where to PUT: a new family on the
/// route's first call, the next version of f1 on its second.
struct Upload {
    body: Value,
    data: Vec<u8>,
}

impl Upload {
    fn for_route(route: &Route, nth: usize) -> Option<Upload> {
        if !(route.method == "POST" && route.path.ends_with("/families/uploads")) {
            return None;
        }
        let data = rfa(8192, Some(2024));
        let mut body = upload_body(&data, (nth == 1).then_some("f1"));
        if nth == 0 {
            body["project_id"] = json!(PA);
            body["tag_ids"] = json!(["t-timber"]);
        }
        Some(Upload { body, data })
    }

    /// PUTs the file where an accepted upload says (not an answer of the API itself).
    async fn send(self, http: &reqwest::Client, a: &Answer) {
        let upload = &a.body["response"]["upload"];
        let Some(url) = upload["url"].as_str().filter(|_| a.status == 202) else {
            return;
        };
        let mut req = http.put(url).body(self.data);
        for (k, v) in upload["headers"].as_object().into_iter().flatten() {
            req = req.header(k, v.as_str().unwrap_or_default());
        }
        let status = req.send().await.expect("PUT sent").status();
        assert!(status.is_success(), "upload PUT: {status}");
    }
}
