//! `GET /docs/errors`: the error catalogue as a page (HTML, or JSON for a client that asks
//! for it), built once from `ErrorKind::ALL`.

use crate::{csp, html_page, static_page};
use lambda_http::{Body, Request, Response};
use pirros_shared::catalogue::ErrorKind;
use pirros_shared::headers;
use pirros_shared::request::header_str;
use serde::Serialize;
use std::sync::OnceLock;

/// One code of the catalogue.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CatalogueEntry {
    /// `error.code` on `/v1`; `error` on `/oauth/token` and in 429s.
    pub code: &'static str,
    /// The HTTP status it comes with.
    pub status: u16,
    /// Where it can happen: `/v1`, `/oauth/token` or `any`.
    pub endpoints: &'static str,
    /// When it happens and what to do (Markdown).
    pub when: &'static str,
}

/// Every error code the API answers.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorCatalogue {
    pub errors: Vec<CatalogueEntry>,
}

fn catalogue() -> ErrorCatalogue {
    ErrorCatalogue {
        errors: ErrorKind::ALL
            .iter()
            .map(|k| CatalogueEntry {
                code: k.code(),
                status: k.status().as_u16(),
                endpoints: k.surface().label(),
                when: k.when(),
            })
            .collect(),
    }
}

fn json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| serde_json::to_string(&catalogue()).expect("plain structs"))
}

/// Text for HTML, with Markdown's `code` spans as `<code>`.
fn html_text(s: &str) -> String {
    let escaped = s
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    let mut out = String::with_capacity(escaped.len());
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

const STYLE: &str = "body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}";

fn policy() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| csp::policy(&[], &[STYLE]))
}

fn html() -> &'static str {
    static HTML: OnceLock<String> = OnceLock::new();
    HTML.get_or_init(|| {
        let rows: String = catalogue()
            .errors
            .iter()
            .map(|e| {
                format!(
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    html_text(e.code),
                    e.status,
                    html_text(e.endpoints),
                    html_text(e.when)
                )
            })
            .collect();
        format!(
            r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Pirros External API: error codes</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{STYLE}</style>
</head>
<body>
<h1>Error codes</h1>
<p>Every error names its code: in <code>error.code</code> on <code>/v1</code>, in <code>error</code> on <code>/oauth/token</code> and in every 429. The same list as JSON: send <code>Accept: application/json</code>.</p>
<table>
<thead><tr><th>code</th><th>status</th><th>where</th><th>when</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
</body>
</html>"#
        )
    })
}

/// The error codes
///
/// Every error code the API answers, with its status, where it can happen and when: an HTML
/// table, or JSON when `Accept` names `application/json`.
#[utoipa::path(
    get,
    path = "/docs/errors",
    operation_id = "getErrorCodes",
    tag = "docs",
    responses((status = 200, description = "The error catalogue.", content(
        (String = "text/html"),
        (ErrorCatalogue = "application/json"),
    ))),
)]
pub fn errors_page(req: &Request, request_id: &str) -> Response<Body> {
    let wants_json = header_str(req, headers::ACCEPT)
        .is_some_and(|a| a.to_ascii_lowercase().contains("application/json"));
    if wants_json {
        static_page("application/json", json(), request_id)
    } else {
        html_page(html(), policy(), request_id)
    }
}
