//! The `/docs` page: Swagger UI's vendored assets inlined into one HTML document, built once.

use http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use std::sync::{Arc, OnceLock};

fn asset(name: &str) -> String {
    let config = Arc::new(utoipa_swagger_ui::Config::from("/openapi.json"));
    let file = utoipa_swagger_ui::serve(name, config)
        .ok()
        .flatten()
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .unwrap_or_default();
    // Inlined into <script>/<style>: a literal closing tag inside would end the element.
    file.replace("</script", "<\\/script")
        .replace("</style", "<\\/style")
}

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
            css = asset("swagger-ui.css"),
            bundle = asset("swagger-ui-bundle.js"),
            preset = asset("swagger-ui-standalone-preset.js"),
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
