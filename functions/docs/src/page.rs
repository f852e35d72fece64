//! The `/docs` page: Swagger UI's vendored assets inlined into one HTML document, built once
//! with the Content-Security-Policy that lets exactly its own scripts and styles run.

use crate::csp;
use std::sync::OnceLock;

/// Extracted from the vendored Swagger UI archive by `build.rs`.
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/swagger-ui.css"));
const BUNDLE: &str = include_str!(concat!(env!("OUT_DIR"), "/swagger-ui-bundle.js"));
const PRESET: &str = include_str!(concat!(env!("OUT_DIR"), "/swagger-ui-standalone-preset.js"));

/// The one `<style>` Swagger UI inserts at run time (the top bar's SVG logo, in the
/// standalone preset): the policy allows it by hash beside the page's own blocks.
pub const RUNTIME_STYLE: &str =
    ".logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}";

/// The console's start-up. `persistAuthorization: false`: the client secret and the token
/// live in the page's memory only, never in the browser's storage, and go with the tab.
const INIT: &str = r##"
window.ui = SwaggerUIBundle({
  url: "OPENAPI_PATH",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
  tryItOutEnabled: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout"
});
"##;

pub struct Page {
    pub html: String,
    pub csp: String,
}

pub fn console() -> &'static Page {
    static PAGE: OnceLock<Page> = OnceLock::new();
    PAGE.get_or_init(|| {
        let init = INIT.replace("OPENAPI_PATH", pirros_shared::routes::OPENAPI_PATH);
        Page {
            html: format!(
                r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Pirros External API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}</style>
</head>
<body>
<div id="swagger-ui"></div>
<script>{BUNDLE}</script>
<script>{PRESET}</script>
<script>{init}</script>
</body>
</html>"##
            ),
            csp: csp::policy(&[BUNDLE, PRESET, &init], &[CSS, RUNTIME_STYLE]),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Swagger UI upgrade that changes the logo's style shows here, not as a style the
    /// browser refuses.
    #[test]
    fn the_runtime_style_is_the_presets() {
        assert!(PRESET.contains(&format!("\"{RUNTIME_STYLE}\"")));
    }
}
