//! The `/docs` page: Swagger UI's vendored assets inlined into one HTML document, built once.

use std::sync::OnceLock;

/// Extracted from the vendored Swagger UI archive by `build.rs`.
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/swagger-ui.css"));
const BUNDLE: &str = include_str!(concat!(env!("OUT_DIR"), "/swagger-ui-bundle.js"));
const PRESET: &str = include_str!(concat!(env!("OUT_DIR"), "/swagger-ui-standalone-preset.js"));

pub fn html() -> &'static str {
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
