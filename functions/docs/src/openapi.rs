//! The OpenAPI 3.1 document, generated from the routes' declarations (each handler's
//! `#[utoipa::path]`), the payload types, the query structs and the error catalogue. What the annotations can't
//! say is added here: the security schemes, the tags, shared error responses, and the
//! headers every response carries.

use pirros_shared::headers::shown;
use pirros_shared::openapi::{self as doc, COMPONENT_EXTENSION};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use utoipa::openapi::ContactBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityRequirement,
    SecurityScheme,
};
use utoipa::openapi::server::ServerBuilder;
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi};

const DESCRIPTION: &str = "The Pirros External API: OAuth 2.0 client-credentials tokens and \
workspace-scoped `/v1` endpoints for tags, details, families, stashes and file downloads, \
and jobs for family uploads and stash exports.\n\n\
Get a token from `POST /oauth/token` (**Authorize** above does it for you with a client id \
and secret), then send it as `Authorization: Bearer <token>`; `GET /v1/me` names the \
workspaces your credential may use. Every `/v1` success is \
`{response, meta: {request_id}}`; every `/v1` error is `{error: {code, message, details?}, \
meta}`, except 429, whose body is flat. `/oauth/token` errors use RFC 6749's flat shape. \
Every response carries `X-Request-Id`; quote it to support. Every error code is listed at \
`/docs/errors`.";

#[derive(OpenApi)]
#[openapi(
    info(title = "Pirros External API", version = "1.0.0"),
    components(schemas(
        pirros_shared::query::IncludeValue,
        pirros_shared::error::FieldDetails,
        pirros_shared::error::ItemReferenceDetails,
        pirros_shared::error::ScopeDetails,
        pirros_shared::response::Meta,
    )),
    modifiers(&Additions)
)]
pub struct ApiDoc;

struct Additions;

impl Modify for Additions {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        api.info.description = Some(DESCRIPTION.to_owned());
        api.info.license = None;
        api.info.contact = Some(
            ContactBuilder::new()
                .name(Some("Pirros"))
                .url(Some("https://pirros.com"))
                .build(),
        );
        // Where the API runs. The console (`/docs`) puts the origin it was loaded from
        // first, so trying a route there calls the server that served it.
        api.servers = Some(vec![
            ServerBuilder::new()
                .url("https://external-api.pirros.com")
                .description(Some("Production"))
                .build(),
        ]);

        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            doc::OAUTH2,
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::ClientCredentials(ClientCredentials::new(
                    pirros_shared::routes::TOKEN_PATH,
                    Scopes::new(),
                ))],
                "OAuth 2.0 client credentials: your client id and secret for a bearer token \
                 (JWT, one hour). Access is governed by the grants your firm admin gave the \
                 credential, not by OAuth scopes.",
            )),
        );
        components.add_security_scheme(
            doc::CLIENT_BASIC,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some(
                        "For `/oauth/token` only: the client id and secret as HTTP Basic \
                         credentials, instead of in the body.",
                    ))
                    .build(),
            ),
        );

        api.tags = Some(
            [
                ("oauth", "Access tokens."),
                ("tags", "The workspace's tags."),
                ("details", "Details: search and get, and their flags."),
                (
                    "families",
                    "Revit families: search, get, similar ones, where they are used, their group, their versions.",
                ),
                (
                    "stashes",
                    "Stashes of details and families: list, get, create, update.",
                ),
                (
                    "downloads",
                    "Signed or public URLs of the files (PDF, RVT, RFA).",
                ),
                ("docs", "This document, its console and the error codes."),
                (
                    "discovery",
                    "Who you are, the workspaces you may use, their projects, and what changed in them.",
                ),
                (
                    "jobs",
                    "Family uploads, stash exports and the jobs that carry them out.",
                ),
                (
                    "webhooks",
                    "Webhook endpoints: signed deliveries of the events feed, their log and replays.",
                ),
            ]
            .into_iter()
            .map(|(name, description)| {
                TagBuilder::new()
                    .name(name)
                    .description(Some(description))
                    .build()
            })
            .collect(),
        );
    }
}

fn operations(api: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut Operation> {
    api.paths.paths.values_mut().flat_map(operations_of)
}

/// The operations of one path.
fn operations_of(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
}

/// Moves the error responses operations share into `components.responses`, under the name
/// each carries in its extension, and refers to them there. The names of the 429s.
fn share_error_responses(api: &mut utoipa::openapi::OpenApi) -> BTreeSet<String> {
    let mut shared = Vec::new();
    let mut throttled = BTreeSet::new();
    for op in operations(api) {
        for (status, response) in op.responses.responses.iter_mut() {
            let RefOr::T(r) = response else { continue };
            let Some(name) = r
                .extensions
                .as_mut()
                .and_then(|e| e.remove(COMPONENT_EXTENSION))
                .and_then(|v| v.as_str().map(str::to_owned))
            else {
                continue;
            };
            if r.extensions.as_ref().is_some_and(|e| e.is_empty()) {
                r.extensions = None;
            }
            if status == "429" {
                throttled.insert(name.clone());
            }
            let body = std::mem::replace(response, Ref::from_response_name(&name).into());
            shared.push((name, body));
        }
    }
    let components = api.components.get_or_insert_with(Default::default);
    for (name, body) in shared {
        components.responses.entry(name).or_insert(body);
    }
    throttled
}

/// A header object with `required`, which utoipa's header type lacks.
#[derive(Serialize)]
struct HeaderObject<'a> {
    description: &'a str,
    required: bool,
    schema: SchemaType,
}

#[derive(Serialize)]
struct SchemaType {
    #[serde(rename = "type")]
    kind: &'static str,
}

fn to_value<T: Serialize>(v: T) -> Value {
    serde_json::to_value(v).expect("plain structs")
}

fn reference(name: &str) -> Value {
    let mut m = Map::new();
    m.insert(
        "$ref".into(),
        Value::String(format!("#/components/headers/{name}")),
    );
    Value::Object(m)
}

/// Headers every response carries, by `$ref`, marked required where they always are.
/// utoipa's header object has no `required`, so this works on the JSON.
fn add_headers(doc: &mut Value, throttled: &BTreeSet<String>) {
    let mut defs = Map::new();
    let rid = doc::request_id_header();
    let description =
        |h: &utoipa::openapi::header::Header| h.description.clone().unwrap_or_default();
    defs.insert(
        shown::REQUEST_ID.into(),
        to_value(HeaderObject {
            description: &description(&rid),
            required: true,
            schema: SchemaType { kind: "string" },
        }),
    );
    for (name, h) in doc::rate_limit_headers() {
        defs.insert(
            name.into(),
            to_value(HeaderObject {
                description: &description(&h),
                required: true,
                schema: SchemaType { kind: "integer" },
            }),
        );
    }
    defs.insert(
        shown::IDEMPOTENT_REPLAYED.into(),
        to_value(HeaderObject {
            description: &description(&doc::idempotent_replayed_header()),
            required: false,
            schema: SchemaType { kind: "string" },
        }),
    );
    let rate_limit = [shown::RATE_LIMIT, shown::RATE_REMAINING, shown::RATE_RESET];

    // Inline responses (the successes): the request id, and on /v1 the rate-limit headers.
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let v1 = path.starts_with("/v1/");
            let Some(ops) = item.as_object_mut() else {
                continue;
            };
            for op in ops.values_mut() {
                let idempotent = takes_idempotency_key(op);
                add_not_modified(op);
                let Some(responses) = op["responses"].as_object_mut() else {
                    continue;
                };
                for (status, response) in responses.iter_mut() {
                    let Some(response) = response.as_object_mut() else {
                        continue;
                    };
                    if response.contains_key("$ref") {
                        continue;
                    }
                    let hs = response
                        .entry("headers")
                        .or_insert_with(|| Value::Object(Map::new()));
                    hs[shown::REQUEST_ID] = reference(shown::REQUEST_ID);
                    // A write that takes a key says on its success when it was replayed.
                    if idempotent && status.starts_with('2') {
                        hs[shown::IDEMPOTENT_REPLAYED] = reference(shown::IDEMPOTENT_REPLAYED);
                    }
                    if v1 {
                        for name in rate_limit {
                            hs[name] = reference(name);
                        }
                    }
                    mark_required(hs, true);
                }
            }
        }
    }

    // Error responses: the request id always; the rate-limit headers only once the token
    // was accepted, except on 429, where the limiter always sends them.
    if let Some(responses) = doc["components"]["responses"].as_object_mut() {
        for (name, response) in responses.iter_mut() {
            let Some(hs) = response.get_mut("headers") else {
                continue;
            };
            hs[shown::REQUEST_ID] = reference(shown::REQUEST_ID);
            mark_required(hs, throttled.contains(name));
        }
    }
    doc["components"]["headers"] = Value::Object(defs);
}

/// A read that takes `If-None-Match` answers 304 with the `ETag` its 200 describes.
fn add_not_modified(op: &mut Value) {
    let conditional = op["parameters"].as_array().is_some_and(|ps| {
        ps.iter()
            .any(|p| p["in"] == "header" && p["name"] == shown::IF_NONE_MATCH)
    });
    let etag = op["responses"]["200"]["headers"][shown::ETAG].clone();
    if !conditional || etag.is_null() {
        return;
    }
    let mut headers = Map::new();
    headers.insert(shown::ETAG.into(), etag);
    let mut not_modified = Map::new();
    not_modified.insert(
        "description".into(),
        Value::String("Not modified: `If-None-Match` names the current `ETag`. No body.".into()),
    );
    not_modified.insert("headers".into(), Value::Object(headers));
    op["responses"]["304"] = Value::Object(not_modified);
}

/// Whether an operation takes the `Idempotency-Key` header.
fn takes_idempotency_key(op: &Value) -> bool {
    op["parameters"].as_array().is_some_and(|ps| {
        ps.iter()
            .any(|p| p["in"] == "header" && p["name"] == shown::IDEMPOTENCY_KEY)
    })
}

/// Marks the inline headers of a response required, except, unless `rate_limits`, the
/// `X-RateLimit-*` ones.
fn mark_required(headers: &mut Value, rate_limits: bool) {
    let Some(hs) = headers.as_object_mut() else {
        return;
    };
    for (name, h) in hs.iter_mut() {
        if h.get("$ref").is_some() {
            continue;
        }
        let always = match name.as_str() {
            shown::RATE_LIMIT | shown::RATE_REMAINING | shown::RATE_RESET => rate_limits,
            _ => true,
        };
        h["required"] = Value::Bool(always);
    }
}

/// Every `/v1` operation takes a bearer token: said here once, not on each handler.
fn require_token(api: &mut utoipa::openapi::OpenApi) {
    let v1 = api
        .paths
        .paths
        .iter_mut()
        .filter(|(p, _)| p.starts_with("/v1/"));
    for op in v1.flat_map(|(_, item)| operations_of(item)) {
        op.security
            .get_or_insert_with(|| vec![SecurityRequirement::new(doc::OAUTH2, NO_SCOPES)]);
    }
}

/// A bearer token's grants are not OAuth scopes.
const NO_SCOPES: [&str; 0] = [];

/// The document as a JSON value.
pub fn document() -> Value {
    let mut api = ApiDoc::openapi();
    // The paths, and the schemas they name, from each route's one declaration.
    for document in crate::routes::documented() {
        document(&mut api);
    }
    require_token(&mut api);
    let throttled = share_error_responses(&mut api);
    let mut doc = to_value(api);
    add_headers(&mut doc, &throttled);
    doc["webhooks"] = webhooks();
    // What `POST .../test` sends, named beside `Event` for the webhooks' body.
    doc["components"]["schemas"]["WebhookTestEvent"] =
        to_value(<pirros_webhooks::body::WebhookTestEvent as utoipa::PartialSchema>::schema());
    doc["components"]["schemas"]["WebhookTestEventObject"] = to_value(
        <pirros_webhooks::body::WebhookTestEventObject as utoipa::PartialSchema>::schema(),
    );
    crate::refine::refine(&mut doc);
    doc
}

/// What an endpoint receives (OpenAPI 3.1's `webhooks`): one POST per event, signed as
/// Standard Webhooks sign, answered 2xx to succeed.
fn webhooks() -> Value {
    let header = |name: &str, description: &str, example: &str| {
        serde_json::json!({
            "name": name, "in": "header", "required": true, "description": description,
            "schema": {"type": "string"}, "example": example,
        })
    };
    serde_json::json!({
        "event": {
            "post": {
                "operationId": "webhookEvent",
                "tags": ["webhooks"],
                "summary": "An event, delivered to a webhook endpoint",
                "description": "Each event of the endpoint's `event_types` that its credential may see when it is sent (as the events feed shows it to that credential), POSTed to its `url`, plus `webhook.test` events that `POST .../test` sends (`object`: `{type: \"webhook_endpoint\", id}`). Verify `webhook-signature` with the endpoint's secret (the reference `standardwebhooks` libraries do) before trusting the body, and use `webhook-id` to ignore a delivery seen before: a retry or a replay carries the same id. Answer 2xx within 10 seconds; anything else is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then the delivery is failed. 410 disables the endpoint at once. Redirects are not followed. Deliveries may arrive in any order: `sequence` orders them.",
                "parameters": [
                    header(shown::WEBHOOK_ID, "The event's id: the same on every retry and replay.", "9b2f7c3e-4d1a-4f6b-8c2d-1e5a7b9c0d3f"),
                    header(shown::WEBHOOK_TIMESTAMP, "When this attempt was signed, in Unix seconds: refuse old ones.", "1796427000"),
                    header(shown::WEBHOOK_SIGNATURE, "`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the secret's bytes (the base64 after `whsec_`); during a secret roll, one per secret, space-separated.", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="),
                ],
                "requestBody": {
                    "required": true,
                    "content": {"application/json": {"schema": {"oneOf": [
                        {"$ref": "#/components/schemas/Event"},
                        {"$ref": "#/components/schemas/WebhookTestEvent"},
                    ]}}},
                },
                "responses": {
                    "2XX": {"description": "Received: the delivery succeeded."},
                    "410": {"description": "Gone: the endpoint is disabled at once (`disabled_reason: \"gone\"`)."},
                    "default": {"description": "Anything else, or no answer within 10 seconds: retried."},
                },
            },
        },
    })
}

/// The document as `/openapi.json` serves it: `openapi.json` at the top of the repository,
/// compacted by the build script. `the_checked_in_document_is_the_generated_one` keeps that
/// file equal to `document()`.
pub fn json() -> &'static str {
    include_str!(concat!(env!("OUT_DIR"), "/openapi.json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::all;
    use pirros_shared::catalogue::ErrorKind;
    use pirros_shared::headers;

    fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                out.push((method.to_uppercase(), path.clone(), op));
            }
        }
        out
    }

    /// `openapi.json` at the top of the repository, which `/openapi.json` serves and the
    /// SDKs are generated from, is the document the annotations generate.
    /// `PIRROS_WRITE_OPENAPI=1 cargo test -p pirros-docs the_checked_in_document` rewrites it
    /// after a change (the next build serves it).
    #[test]
    fn the_checked_in_document_is_the_generated_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json");
        let generated = document();
        if std::env::var_os("PIRROS_WRITE_OPENAPI").is_some() {
            let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
            std::fs::write(path, text).unwrap();
        }
        let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(
            file == generated,
            "openapi.json differs from the generated document: PIRROS_WRITE_OPENAPI=1 cargo test -p pirros-docs the_checked_in_document"
        );
    }

    /// What is served is the generated document, key order included (generators and diffs
    /// read it in that order).
    #[test]
    fn the_served_document_is_the_generated_one_in_its_order() {
        let generated = document().to_string();
        assert!(
            json() == generated,
            "/openapi.json is not the generated document: PIRROS_WRITE_OPENAPI=1 cargo test -p pirros-docs the_checked_in_document"
        );
    }

    #[test]
    fn is_openapi_3_1() {
        let doc: Value = serde_json::from_str(json()).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
    }

    #[test]
    fn documents_exactly_the_routes() {
        let doc = document();
        let mut documented: Vec<(String, String)> = operations(&doc)
            .into_iter()
            .map(|(m, p, _)| (m, p))
            .collect();
        let mut routes: Vec<(String, String)> = all()
            .defs()
            .iter()
            .map(|r| (r.method.to_string(), r.path.to_owned()))
            .collect();
        documented.sort();
        routes.sort();
        assert_eq!(documented, routes);
    }

    #[test]
    fn operation_ids_are_unique_and_v1_needs_a_token() {
        let doc = document();
        let mut ids = Vec::new();
        for (m, p, op) in operations(&doc) {
            ids.push(op["operationId"].as_str().expect("operationId").to_owned());
            if p.starts_with("/v1/") {
                assert_eq!(
                    op["security"],
                    serde_json::from_str::<Value>(r#"[{"oauth2": []}]"#).unwrap(),
                    "{m} {p}"
                );
                for status in ["200", "201"] {
                    if let Some(r) = op["responses"].get(status) {
                        assert!(r["headers"].get(shown::RATE_LIMIT).is_some(), "{m} {p}");
                    }
                }
                for status in ["400", "401", "404", "429", "500", "503"] {
                    assert!(op["responses"].get(status).is_some(), "{m} {p} {status}");
                }
            } else {
                assert!(
                    op.get("security")
                        .is_none_or(|s| s[0].as_object().is_some_and(Map::is_empty))
                );
            }
        }
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate operationId");
    }

    /// Each error response lists codes of the catalogue that come with its status.
    #[test]
    fn error_responses_are_the_catalogue_s() {
        let doc = document();
        let mut seen = 0;
        for (m, p, op) in operations(&doc) {
            for (status, r) in op["responses"].as_object().unwrap() {
                let Some(name) = r["$ref"].as_str() else {
                    continue;
                };
                let ptr = name.strip_prefix('#').unwrap();
                let component = doc.pointer(ptr).expect("shared response");
                let schema = &component["content"]["application/json"]["schema"];
                let schema = match schema["$ref"].as_str() {
                    Some(r) => doc.pointer(r.strip_prefix('#').unwrap()).expect("named"),
                    None => schema,
                };
                let codes = schema["properties"]["error"]["properties"]["code"]["enum"]
                    .as_array()
                    .or(schema["properties"]["error"]["enum"].as_array())
                    .unwrap_or_else(|| panic!("{m} {p} {status}: no codes"));
                for code in codes {
                    assert!(
                        ErrorKind::ALL
                            .iter()
                            .any(|k| k.code() == code && k.status().as_str() == status),
                        "{m} {p} {status}: {code}"
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen > 50, "{seen}");
    }

    /// A read that answers an `ETag` says it takes `If-None-Match` (and so documents its 304).
    #[test]
    fn every_tagged_read_is_conditional() {
        let doc = document();
        let mut tagged = 0;
        for (m, p, op) in operations(&doc) {
            if m != "GET" || op["responses"]["200"]["headers"]["ETag"].is_null() {
                continue;
            }
            assert!(
                !op["responses"]["304"].is_null(),
                "{m} {p} answers an ETag but takes no If-None-Match"
            );
            tagged += 1;
        }
        // `operations` spells methods in capitals: a test that matched none would pass.
        assert!(tagged >= 10, "only {tagged} tagged reads");
    }

    /// Every header the document names is one of `pirros_shared::headers`, spelt as there.
    #[test]
    fn header_names_come_from_the_header_module() {
        fn walk(v: &Value, known: &[&str], found: &mut usize) {
            match v {
                Value::Object(m) => {
                    // A response's header objects, not a schema property named `headers`.
                    if let Some(Value::Object(hs)) = m.get("headers")
                        && hs.values().all(Value::is_object)
                    {
                        for name in hs.keys() {
                            assert!(known.contains(&name.as_str()), "header {name}");
                            *found += 1;
                        }
                    }
                    if m.get("in").and_then(Value::as_str) == Some("header") {
                        let name = m["name"].as_str().unwrap();
                        assert!(known.contains(&name), "parameter {name}");
                        *found += 1;
                    }
                    m.values().for_each(|x| walk(x, known, found));
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, known, found)),
                _ => {}
            }
        }
        let all = headers::all();
        let known: Vec<&str> = all.iter().map(|(_, s)| *s).collect();
        let mut found = 0;
        walk(&document(), &known, &mut found);
        assert!(found > 20, "{found}");
    }

    /// Every `$ref` points at something that exists.
    #[test]
    fn references_resolve() {
        fn walk(v: &Value, doc: &Value) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::String(r)) = m.get("$ref") {
                        let ptr = r.strip_prefix('#').expect("local ref");
                        assert!(doc.pointer(ptr).is_some(), "dangling {r}");
                    }
                    m.values().for_each(|x| walk(x, doc));
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, doc)),
                _ => {}
            }
        }
        let doc = document();
        walk(&doc, &doc);
    }
}
