//! The local stand-in for S3 and the PDF CDN: fixture files served under URLs signed and
//! expiring like presigned ones (`/files/...`), and public PDFs (`/public/...`).

use http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Request, Response};
use pirros_fixture::FileEntry;
use pirros_shared::files::{content_disposition, verify_local};
use std::collections::HashMap;

#[derive(Default)]
pub struct LocalFiles {
    pub key: Vec<u8>,
    entries: HashMap<String, FileEntry>,
}

fn plain(status: StatusCode, msg: &str) -> Response<Body> {
    let mut r = Response::new(Body::Text(msg.to_owned()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    r
}

fn decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

impl LocalFiles {
    pub fn new(key: Vec<u8>, entries: &[FileEntry]) -> Self {
        Self {
            key,
            entries: entries.iter().map(|e| (e.key.clone(), e.clone())).collect(),
        }
    }

    /// `Some` when the request is for a local file URL.
    pub async fn serve(&self, req: &Request) -> Option<Response<Body>> {
        let mut resp = self.serve_file(req).await?;
        if let Ok(v) = HeaderValue::from_str(&pirros_shared::request::new_request_id()) {
            resp.headers_mut().insert("x-request-id", v);
        }
        Some(resp)
    }

    async fn serve_file(&self, req: &Request) -> Option<Response<Body>> {
        let path = req.uri().path();
        if req.method() != http::Method::GET {
            return None;
        }
        if let Some(rest) = path.strip_prefix("/public/") {
            let key = decode(rest);
            // Only PDFs are public, as behind the CDN.
            let entry = self
                .entries
                .get(&key)
                .filter(|e| e.content_type == "application/pdf");
            return Some(match entry {
                Some(e) => self.send(e, None).await,
                None => plain(StatusCode::NOT_FOUND, "Not found"),
            });
        }
        let rest = path.strip_prefix("/files/")?;
        let key = decode(rest);
        let params: HashMap<String, String> =
            url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let (Some(exp), Some(name), Some(sig)) = (
            params.get("expires").and_then(|e| e.parse::<i64>().ok()),
            params.get("name"),
            params.get("sig"),
        ) else {
            return Some(plain(StatusCode::FORBIDDEN, "Missing signature"));
        };
        if !verify_local(&self.key, &key, exp, name, sig) {
            return Some(plain(StatusCode::FORBIDDEN, "Signature invalid or expired"));
        }
        Some(match self.entries.get(&key) {
            Some(e) => self.send(e, Some(name)).await,
            None => plain(StatusCode::NOT_FOUND, "Not found"),
        })
    }

    async fn send(&self, e: &FileEntry, name: Option<&String>) -> Response<Body> {
        match tokio::fs::read(&e.path).await {
            Ok(bytes) => {
                let mut r = Response::new(Body::Binary(bytes));
                let h = r.headers_mut();
                if let Ok(v) = HeaderValue::from_str(&e.content_type) {
                    h.insert(header::CONTENT_TYPE, v);
                }
                let fallback = e.key.rsplit('/').next().unwrap_or("file").to_owned();
                let disp = content_disposition(name.unwrap_or(&fallback));
                if let Ok(v) = HeaderValue::from_str(&disp) {
                    h.insert(header::CONTENT_DISPOSITION, v);
                }
                r
            }
            Err(_) => plain(StatusCode::NOT_FOUND, "Not found"),
        }
    }
}
