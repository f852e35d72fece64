//! `GET /openapi.json` (the OpenAPI 3.1 document generated from the code) and `GET /docs`
//! (Swagger UI with every asset inlined, so it works without internet).

pub mod openapi;
mod page;

use lambda_http::{Body, Request, Response};
use pirros_shared::api::early_failure;
use pirros_shared::error::ApiError;
use pirros_shared::request::new_request_id;
use pirros_shared::response::json_response;
use pirros_shared::routes::{self, Route};
use std::time::Instant;

pub async fn handle(req: Request) -> Response<Body> {
    let started = Instant::now();
    let request_id = new_request_id();
    let resp = match routes::resolve(req.method(), req.uri().path()) {
        Ok(Route::OpenApi) => openapi_json(&request_id),
        Ok(Route::Docs) => docs_page(&request_id),
        Ok(_) => return early_failure(ApiError::NotFound, &request_id, started, &req),
        Err(e) => return early_failure(e, &request_id, started, &req),
    };
    let status = resp.status().as_u16();
    pirros_shared::metrics::request_finished(&req, &request_id, status, None, started);
    resp
}

/// The OpenAPI document
///
/// This document: OpenAPI 3.1, generated from the code.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "getOpenApi",
    tag = "docs",
    responses((status = 200, description = "The OpenAPI 3.1 document.", body = Object)),
)]
pub fn openapi_json(request_id: &str) -> Response<Body> {
    let mut r = json_response(http::StatusCode::OK, openapi::json().to_owned(), request_id);
    r.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("public, max-age=300"),
    );
    r
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
    page::response(request_id)
}
