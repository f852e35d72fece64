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
/// The document names production as its server; the console lists the origin that served
/// it first, so "Try it out" calls this deployment (or `pirros-local`).
const INIT: &str = r##"
fetch("OPENAPI_PATH").then(function (r) { return r.json(); }).then(function (spec) {
  spec.servers = [{url: window.location.origin, description: "This server"}].concat(spec.servers || []);
  window.ui = SwaggerUIBundle({
    spec: spec,
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    tryItOutEnabled: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
  });
});
"##;

pub struct Page {
    pub html: String,
    pub csp: String,
}

/// The page around `body`: its title, and what goes in its head after the viewport.
fn document(title: &str, head: &str, body: &str) -> String {
    format!(
        r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}</head>
<body>
{body}
</body>
</html>"##
    )
}

pub fn console() -> &'static Page {
    static PAGE: OnceLock<Page> = OnceLock::new();
    PAGE.get_or_init(|| {
        let init = INIT.replace("OPENAPI_PATH", pirros_shared::routes::OPENAPI_PATH);
        Page {
            html: document(
                "Pirros External API",
                &format!("<style>{CSS}</style>\n"),
                &format!(
                    "<div id=\"swagger-ui\"></div>\n<script>{BUNDLE}</script>\n\
                     <script>{PRESET}</script>\n<script>{init}</script>"
                ),
            ),
            csp: csp::policy(&[BUNDLE, PRESET, &init], &[CSS, RUNTIME_STYLE]),
        }
    })
}

/// ReDoc's standalone bundle (v2.5.4, MIT: `assets/redoc.LICENSE`), vendored so `/redoc`
/// needs nothing from the internet.
const REDOC: &str = include_str!("../assets/redoc.standalone.js");

/// ReDoc's start-up: the document from this origin, search off (it would start a worker
/// from a `blob:` URL, which the policy does not allow).
const REDOC_INIT: &str = r##"
Redoc.init("OPENAPI_PATH", {disableSearch: true, hideDownloadButton: false}, document.getElementById("redoc"));
"##;

/// The empty `<style>` elements ReDoc's styled-components creates and then fills through
/// the CSSOM (which the policy does not govern): allowed by the hash of their empty text.
const EMPTY_STYLE: &str = "";

/// The one stylesheet ReDoc 2.5.4 inserts as text at run time (its scrollbar's, 6,493
/// characters assembled from several modules), allowed by its hash: the browser test
/// (`tests/browser/docs.test.mjs`) fails if an upgrade changes it.
const REDOC_RUNTIME_STYLE_HASH: &str = "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='";

pub fn reference() -> &'static Page {
    static PAGE: OnceLock<Page> = OnceLock::new();
    PAGE.get_or_init(|| {
        // Inlined into <script>: a literal closing tag inside would end the element (and,
        // as for Swagger UI's bundle, no closing style tag either).
        let bundle = REDOC
            .replace("</script", "<\\/script")
            .replace("</style", "<\\/style");
        let init = REDOC_INIT.replace("OPENAPI_PATH", pirros_shared::routes::OPENAPI_PATH);
        Page {
            html: document(
                "Pirros External API reference",
                "",
                &format!(
                    "<div id=\"redoc\"></div>\n<script>{bundle}</script>\n<script>{init}</script>"
                ),
            ),
            csp: csp::policy_with_style_hashes(
                &[&bundle, &init],
                &[EMPTY_STYLE],
                &[REDOC_RUNTIME_STYLE_HASH],
            ),
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
