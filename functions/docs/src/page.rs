//! The `/docs` page: Swagger UI's vendored assets inlined into one HTML document, built once.

use http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use std::sync::OnceLock;

/// Extracted from the vendored Swagger UI archive by `build.rs`.
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/swagger-ui.css"));
const BUNDLE: &str = include_str!(concat!(env!("OUT_DIR"), "/swagger-ui-bundle.js"));
const PRESET: &str = include_str!(concat!(env!("OUT_DIR"), "/swagger-ui-standalone-preset.js"));

fn html() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| {
        format!(
            r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Pirros External API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{css}</style>
</head>
<body>
<div id="swagger-ui"></div>
<script>{bundle}</script>
<script>{preset}</script>
<script>
window.ui = SwaggerUIBundle({{
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout"
}});
</script>
</body>
</html>"##,
            css = CSS,
            bundle = BUNDLE,
            preset = PRESET,
        )
    })
}

pub fn response(request_id: &str) -> Response<Body> {
    let mut r = Response::new(Body::Text(html().to_owned()));
    *r.status_mut() = StatusCode::OK;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-request-id", v);
    }
    r
}
