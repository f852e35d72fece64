//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` annotations,
//! the models and `pirros_shared::openapi`. What the annotations can't say is added here:
//! the security schemes, the tags, and the headers every response carries.

use pirros_shared::openapi::{self as doc, headers};
use serde_json::{Value, json};
use std::sync::OnceLock;
use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
};
use utoipa::openapi::tag::TagBuilder;
use utoipa::{Modify, OpenApi};

const DESCRIPTION: &str = "The Pirros External API: OAuth 2.0 client-credentials tokens and \
workspace-scoped `/v1` endpoints for tags, details, families, stashes and file downloads.\n\n\
Get a token from `POST /oauth/token` (**Authorize** above does it for you with a client id \
and secret), then send it as `Authorization: Bearer <token>`. Every `/v1` success is \
`{response, meta: {request_id}}`; every `/v1` error is `{error: {code, message, details?}, \
meta}`, except 429, whose body is flat. `/oauth/token` errors use RFC 6749's flat shape. \
Every response carries `X-Request-Id`; quote it to support.";

#[derive(OpenApi)]
#[openapi(
    info(title = "Pirros External API", version = "1.0.0"),
    paths(
        pirros_oauth::handle,
        pirros_oauth::jwks,
        pirros_tags::list,
        pirros_details::search,
        pirros_details::get,
        pirros_families::get,
        pirros_families::similar,
        pirros_stashes::get,
        pirros_stashes::create,
        pirros_stashes::update,
        pirros_downloads::download_pdf,
        pirros_downloads::download_rvt,
        pirros_downloads::download_rfa,
        crate::openapi_json,
        crate::docs_page,
    ),
    components(
        schemas(
            doc::IncludeValue,
            doc::FieldDetails,
            doc::ItemReferenceDetails,
            pirros_shared::error::ScopeDetails,
        ),
        responses(
            doc::BadRequest,
            doc::BadRequestInclude,
            doc::BadRequestWrite,
            doc::Unauthorized,
            doc::Forbidden,
            doc::DownloadDisabled,
            doc::NotFound,
            doc::MethodNotAllowed,
            doc::CreateConflict,
            doc::UpdateConflict,
            doc::TooManyRequests,
            doc::InternalError,
            doc::ServiceUnavailable,
            doc::TokenBadRequest,
            doc::TokenUnauthorized,
            doc::TokenMethodNotAllowed,
            doc::TokenTooManyRequests,
            doc::TokenInternalError,
            doc::TokenServiceUnavailable,
        )
    ),
    modifiers(&Additions)
)]
pub struct ApiDoc;

struct Additions;

impl Modify for Additions {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        api.info.description = Some(DESCRIPTION.to_owned());
        api.info.license = None;

        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            doc::OAUTH2,
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::ClientCredentials(ClientCredentials::new(
                    "/oauth/token",
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
                ("details", "Details: search and get."),
                ("families", "Revit families: get and similar ones."),
                (
                    "stashes",
                    "Stashes of details and families: get, create, update.",
                ),
                (
                    "downloads",
                    "Signed or public URLs of the files (PDF, RVT, RFA).",
                ),
                ("docs", "This document and its console."),
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

/// Headers every response carries, by `$ref`, marked required where they always are.
/// utoipa's header object has no `required`, so this works on the JSON.
fn add_headers(doc: &mut Value) {
    let header = |description: &str, schema: Value| json!({ "description": description, "required": true, "schema": schema });
    let mut defs = serde_json::Map::new();
    let rid = doc::request_id_header();
    defs.insert(
        headers::REQUEST_ID.into(),
        header(
            rid.description.as_deref().unwrap_or_default(),
            json!({ "type": "string" }),
        ),
    );
    for (name, h) in doc::rate_limit_headers() {
        defs.insert(
            name.into(),
            header(
                h.description.as_deref().unwrap_or_default(),
                json!({ "type": "integer" }),
            ),
        );
    }
    let reference = |name: &str| json!({ "$ref": format!("#/components/headers/{name}") });

    // Inline responses (the successes): the request id, and on /v1 the rate-limit headers.
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let v1 = path.starts_with("/v1/");
            let Some(ops) = item.as_object_mut() else {
                continue;
            };
            for op in ops.values_mut() {
                let Some(responses) = op["responses"].as_object_mut() else {
                    continue;
                };
                for response in responses.values_mut() {
                    if response.get("$ref").is_some() {
                        continue;
                    }
                    let hs = response
                        .as_object_mut()
                        .expect("a response is an object")
                        .entry("headers")
                        .or_insert_with(|| json!({}));
                    hs[headers::REQUEST_ID] = reference(headers::REQUEST_ID);
                    if v1 {
                        for name in [
                            headers::RATE_LIMIT,
                            headers::RATE_REMAINING,
                            headers::RATE_RESET,
                        ] {
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
            hs[headers::REQUEST_ID] = reference(headers::REQUEST_ID);
            mark_required(hs, name == "TooManyRequests");
        }
    }
    doc["components"]["headers"] = Value::Object(defs);
}

/// Marks the inline headers of a response required, except `Idempotent-Replayed` (only on
/// replays) and, unless `rate_limits`, the `X-RateLimit-*` ones.
fn mark_required(headers: &mut Value, rate_limits: bool) {
    let Some(hs) = headers.as_object_mut() else {
        return;
    };
    for (name, h) in hs.iter_mut() {
        if h.get("$ref").is_some() {
            continue;
        }
        let always = match name.as_str() {
            headers::IDEMPOTENT_REPLAYED => false,
            n if n.starts_with("X-RateLimit-") => rate_limits,
            _ => true,
        };
        h["required"] = json!(always);
    }
}

/// The document as a JSON value.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the document serialises");
    add_headers(&mut doc);
    doc
}

/// The document as JSON, rendered once per container.
pub fn json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| document().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pirros_shared::routes::ROUTES;

    fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                out.push((method.to_uppercase(), path.clone(), op));
            }
        }
        out
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
        let mut routes: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p, _)| (m.to_string(), p.to_string()))
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
                assert_eq!(op["security"], json!([{ "oauth2": [] }]), "{m} {p}");
                for status in ["200", "201"] {
                    if let Some(r) = op["responses"].get(status) {
                        assert!(r["headers"].get("X-RateLimit-Limit").is_some(), "{m} {p}");
                    }
                }
                for status in ["400", "401", "404", "429", "500", "503"] {
                    assert!(op["responses"].get(status).is_some(), "{m} {p} {status}");
                }
            } else {
                assert!(op.get("security").is_none_or(|s| s[0] == json!({})));
            }
        }
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate operationId");
    }

    /// The query parameters documented are the ones the handlers accept.
    #[test]
    fn query_parameters_are_the_accepted_ones() {
        let doc = document();
        let accepted: &[(&str, &[&str])] = &[
            ("listTags", pirros_tags::LIST_QUERY),
            ("searchDetails", pirros_details::SEARCH_QUERY),
            ("getDetail", pirros_details::GET_QUERY),
            ("getFamily", pirros_families::GET_QUERY),
            ("similarFamilies", pirros_families::SIMILAR_QUERY),
            ("getStash", pirros_stashes::STASH_QUERY),
            ("createStash", pirros_stashes::STASH_QUERY),
            ("updateStash", pirros_stashes::STASH_QUERY),
            ("downloadDetailPdf", pirros_downloads::DOWNLOAD_QUERY),
            ("downloadDetailRvt", pirros_downloads::DOWNLOAD_QUERY),
            ("downloadFamilyRfa", pirros_downloads::DOWNLOAD_QUERY),
        ];
        let v1: Vec<_> = operations(&doc)
            .into_iter()
            .filter(|(_, p, _)| p.starts_with("/v1/"))
            .collect();
        assert_eq!(v1.len(), accepted.len());
        for (_, _, op) in v1 {
            let id = op["operationId"].as_str().unwrap();
            let (_, want) = accepted
                .iter()
                .find(|(i, _)| *i == id)
                .unwrap_or_else(|| panic!("{id} is not listed here"));
            let mut have: Vec<&str> = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            let mut want = want.to_vec();
            have.sort();
            want.sort();
            assert_eq!(have, want, "{id}");
        }
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
