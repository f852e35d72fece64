//! `GET /openapi.json` (the OpenAPI 3.1 document generated from the code), `GET /docs`
//! (Swagger UI with every asset inlined, so it works without internet), `GET /redoc` (the
//! same document as ReDoc renders it, also offline) and `GET /docs/errors` (the error
//! catalogue).

mod csp;
pub mod errors;
pub mod openapi;
mod page;
mod refine;
pub mod routes;

use http::{HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};
use pirros_shared::api::early_failure;
use pirros_shared::error::ApiError;
use pirros_shared::headers;
use pirros_shared::request::new_request_id;
use pirros_shared::routes::{Function, FunctionRoute};
use std::time::Instant;

use errors::errors_page;

pirros_shared::declare_routes! {
    DocsRoute for Docs {
        OpenApi() => {openapi_json},
        Console() => {docs_page},
        Reference() => {redoc_page},
        Errors() => errors::{errors_page},
    }
}

/// Its own pages, and every request no route of any function takes (API Gateway's
/// `$default` route): 404, or 405 with the methods the path takes.
pub async fn handle(req: Request) -> Response<Body> {
    let started = Instant::now();
    let request_id = new_request_id();
    let (method, path) = (req.method(), req.uri().path());
    let (name, route) = match routes::all().find(method, path) {
        Ok(m) if m.def.function == Function::Docs => DocsRoute::table().route(method, path),
        Ok(_) => (None, Err(ApiError::NotFound)),
        Err(e) => (None, Err(e)),
    };
    let resp = match route {
        Ok(DocsRoute::OpenApi()) => openapi_json(&request_id),
        Ok(DocsRoute::Console()) => docs_page(&request_id),
        Ok(DocsRoute::Reference()) => redoc_page(&request_id),
        Ok(DocsRoute::Errors()) => errors_page(&req, &request_id),
        Err(e) => return early_failure(e, name, &request_id, started, &req),
    };
    let status = resp.status().as_u16();
    pirros_shared::metrics::request_finished(&req, name, &request_id, status, None, started);
    resp
}

/// A page that is the same for everyone until the next deployment.
fn static_page(content_type: &'static str, body: &str, request_id: &str) -> Response<Body> {
    let mut r = Response::new(Body::Text(body.to_owned()));
    *r.status_mut() = StatusCode::OK;
    let h = r.headers_mut();
    h.insert(
        headers::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    h.insert(
        headers::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    h.insert(
        headers::CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert(headers::REQUEST_ID, v);
    }
    r
}

/// An HTML page: only its own scripts and styles run (`csp`), no other site frames it, and
/// no link out of it tells where it came from.
fn html_page(body: &str, csp: &str, request_id: &str) -> Response<Body> {
    let mut r = static_page("text/html; charset=utf-8", body, request_id);
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(csp) {
        h.insert(headers::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(headers::FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        headers::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

/// The OpenAPI document
///
/// This document: OpenAPI 3.1, generated from the code.
#[utoipa::path(
    get,
    path = pirros_shared::routes::OPENAPI_PATH,
    operation_id = "getOpenApi",
    tag = "docs",
    responses((status = 200, description = "The OpenAPI 3.1 document.", body = Object)),
)]
pub fn openapi_json(request_id: &str) -> Response<Body> {
    static_page("application/json", openapi::json(), request_id)
}

/// The API console
///
/// Swagger UI for this document, with every asset inlined: authorize with a client id and
/// secret, then try the endpoints.
#[utoipa::path(
    get,
    path = "/docs",
    operation_id = "getDocs",
    tag = "docs",
    responses((status = 200, description = "An HTML page.", body = String, content_type = "text/html")),
)]
pub fn docs_page(request_id: &str) -> Response<Body> {
    let page = page::console();
    html_page(&page.html, &page.csp, request_id)
}

/// The API reference
///
/// This document as ReDoc renders it, with every asset inlined (no internet needed), under
/// the same Content-Security-Policy rules as `/docs`.
#[utoipa::path(
    get,
    path = "/redoc",
    operation_id = "getRedoc",
    tag = "docs",
    responses((status = 200, description = "An HTML page.", body = String, content_type = "text/html")),
)]
pub fn redoc_page(request_id: &str) -> Response<Body> {
    let page = page::reference();
    html_page(&page.html, &page.csp, request_id)
}
