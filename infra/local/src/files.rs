//! The local stand-in for S3 and the PDF CDN: fixture files served under URLs signed and
//! expiring like presigned ones (`/files/...`), and public PDFs (`/public/...`). Without a
//! bucket it also takes uploads: a signed, expiring PUT to `/files/{key}` (the URL the
//! upload request answered) stores the file, and, as the bucket's event does on AWS,
//! hands its job to the worker.

use futures::TryStreamExt;
use http::{HeaderValue, StatusCode, header};
use http_body_util::BodyExt;
use lambda_http::{Body, Request, Response};
use pirros_fixture::FileEntry;
use pirros_shared::AppState;
use pirros_shared::files::{content_disposition, verify_local, verify_local_put};
use pirros_shared::ids::WorkspaceId;
use pirros_shared::jobs::parse_upload_key;
use pirros_shared::objects::files::{FileSlot, is_object_key_of};
use pirros_shared::objects::local::LocalObjects;
use pirros_shared::objects::{Objects, SharedObjects};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::io::AsyncReadExt;

#[derive(Default)]
pub struct LocalFiles {
    pub key: Vec<u8>,
    entries: HashMap<String, FileEntry>,
    /// Where uploads, accepted family files and exports are kept (no bucket).
    objects: Option<Arc<LocalObjects>>,
    /// The bucket, when there is one: the PDFs an import put there (by `pirros-admin`, not
    /// this server's own fixture) are served from it under `/public/`, as the CDN would.
    bucket: Option<SharedObjects>,
    /// Holds that directory; it is removed with the server.
    _dir: Option<tempfile::TempDir>,
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
            objects: None,
            bucket: None,
            _dir: None,
        }
    }

    /// Also serves the public PDFs of `bucket`.
    pub fn with_bucket(mut self, bucket: SharedObjects) -> Self {
        self.bucket = Some(bucket);
        self
    }

    /// Also serves (and takes uploads into) `objects`, kept in `dir`.
    pub fn with_objects(mut self, objects: Arc<LocalObjects>, dir: tempfile::TempDir) -> Self {
        self.objects = Some(objects);
        self._dir = Some(dir);
        self
    }

    /// Whether `req` is an upload to the local file server (taken before the body is read
    /// whole, as a file may be large).
    pub fn is_upload<B>(req: &http::Request<B>) -> bool {
        req.method() == http::Method::PUT && req.uri().path().starts_with("/files/")
    }

    /// Stores an upload sent to a URL the upload request answered: signature and expiry
    /// are checked (403 otherwise, as S3 does), the body is stored whatever it is (up to
    /// `MAX_UPLOAD_BYTES`; the worker checks size and SHA-256), and the job is handed over.
    pub async fn receive(
        &self,
        req: hyper::Request<hyper::body::Incoming>,
        state: &AppState,
    ) -> Response<Body> {
        let mut resp = self.store_upload(req, state).await;
        if let Ok(v) = HeaderValue::from_str(&pirros_shared::request::new_request_id()) {
            resp.headers_mut().insert("x-request-id", v);
        }
        resp
    }

    async fn store_upload(
        &self,
        req: hyper::Request<hyper::body::Incoming>,
        state: &AppState,
    ) -> Response<Body> {
        let Some(objects) = &self.objects else {
            return plain(StatusCode::FORBIDDEN, "Uploads go to the bucket");
        };
        let key = decode(req.uri().path().trim_start_matches("/files/"));
        let params: HashMap<String, String> =
            url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let signed = match (
            params.get("expires").and_then(|e| e.parse::<i64>().ok()),
            params.get("size").and_then(|e| e.parse::<u64>().ok()),
            params.get("sha256"),
            params.get("sig"),
        ) {
            (Some(exp), Some(size), Some(sha), Some(sig)) => {
                verify_local_put(&self.key, &key, exp, size, sha, sig)
            }
            _ => false,
        };
        let Some(job) = parse_upload_key(&key).filter(|_| signed) else {
            return plain(StatusCode::FORBIDDEN, "Signature invalid or expired");
        };
        let max = state.config.max_upload_bytes;
        let body = req
            .into_body()
            .into_data_stream()
            .map_err(std::io::Error::other);
        // One byte past the limit is enough for the worker to refuse the file as too
        // large; the rest is read and dropped, never stored.
        let mut reader = tokio_util::io::StreamReader::new(body).take(max + 1);
        let stored = objects.write_from(&key, &mut reader).await.map(drop);
        let drained = tokio::io::copy(&mut reader.into_inner(), &mut tokio::io::sink()).await;
        if let Err(e) = stored
            .map_err(|e| e.to_string())
            .and(drained.map(drop).map_err(|e| e.to_string()))
        {
            tracing::warn!(key, error = %e, "upload not stored");
            let _ = objects.delete(&key).await;
            return plain(StatusCode::BAD_REQUEST, "The upload was cut short");
        }
        if let Err(e) = state.queue.enqueue(&job).await {
            tracing::warn!(key, error = %e, "upload stored; reading its job will hand it over");
        }
        plain(StatusCode::OK, "")
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
                None => self.public_pdf(&key).await,
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
            None => match self.objects.as_ref().and_then(|o| o.path_of(&key)) {
                Some(path) => {
                    let entry = FileEntry {
                        key: key.clone(),
                        content_type: if key.ends_with(".zip") {
                            "application/zip".into()
                        } else {
                            "application/octet-stream".into()
                        },
                        path,
                    };
                    self.send(&entry, Some(name)).await
                }
                None => plain(StatusCode::NOT_FOUND, "Not found"),
            },
        })
    }

    /// A detail's PDF from the bucket (`pdf/{ws}/{digest}/{name}.pdf`, the keys an import
    /// gives PDFs; nothing else there is public).
    async fn public_pdf(&self, key: &str) -> Response<Body> {
        let not_found = || plain(StatusCode::NOT_FOUND, "Not found");
        let (Some(bucket), Some(ws)) = (
            &self.bucket,
            key.split('/').nth(1).and_then(WorkspaceId::parse),
        ) else {
            return not_found();
        };
        if !is_object_key_of(key, FileSlot::Pdf, ws) {
            return not_found();
        }
        let failed = |e: &dyn std::fmt::Display| {
            tracing::warn!(key, error = %e, "reading a public PDF from the bucket failed");
            plain(StatusCode::BAD_GATEWAY, "The bucket did not answer")
        };
        let mut reader = match bucket.open(key).await {
            Ok(Some(reader)) => reader,
            Ok(None) => return not_found(),
            Err(e) => return failed(&e),
        };
        let mut bytes = Vec::new();
        if let Err(e) = reader.read_to_end(&mut bytes).await {
            return failed(&e);
        }
        let mut r = Response::new(Body::Binary(bytes));
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/pdf"),
        );
        r
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
