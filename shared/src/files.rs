//! Download URLs: presigned S3 GETs for RVT/RFA, a public base URL for PDFs, and, for the
//! embedded local run, URLs that `pirros-local` signs and serves itself.

use crate::error::ApiError;
use crate::timestamp::Timestamp;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::{Duration, UNIX_EPOCH};

type HmacSha256 = Hmac<Sha256>;

pub enum FileSigner {
    S3 {
        client: aws_sdk_s3::Client,
        bucket: String,
    },
    /// `pirros-local` serves `{base}/files/{key}?expires=..&name=..&sig=..` itself.
    Local { base_url: String, key: Vec<u8> },
    /// No bucket configured: downloads answer 503 rather than a broken URL.
    None,
}

/// `attachment; filename="..."` with an ASCII fallback and the UTF-8 name (RFC 6266).
pub fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " ._-()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(filename.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn local_mac(key: &[u8], file_key: &str, expires: i64, name: &str) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(key).expect("any key length");
    m.update(file_key.as_bytes());
    m.update(b"\n");
    m.update(expires.to_string().as_bytes());
    m.update(b"\n");
    m.update(name.as_bytes());
    m
}

fn local_sig(key: &[u8], file_key: &str, expires: i64, name: &str) -> String {
    URL_SAFE_NO_PAD.encode(
        local_mac(key, file_key, expires, name)
            .finalize()
            .into_bytes(),
    )
}

/// Checks a local signed URL's parameters; true when genuine and not expired.
pub fn verify_local(key: &[u8], file_key: &str, expires: i64, name: &str, sig: &str) -> bool {
    let Ok(sig) = URL_SAFE_NO_PAD.decode(sig) else {
        return false;
    };
    local_mac(key, file_key, expires, name)
        .verify_slice(&sig)
        .is_ok()
        && Timestamp::now().secs() < expires
}

// ---- Uploads to the local file server (`pirros-local` without a bucket).

/// What a local upload URL binds: the key, its expiry, and the size and SHA-256 declared.
fn local_put_mac(key: &[u8], file_key: &str, expires: i64, size: u64, sha256: &str) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(key).expect("any key length");
    for part in [
        "PUT",
        file_key,
        &expires.to_string(),
        &size.to_string(),
        sha256,
    ] {
        m.update(part.as_bytes());
        m.update(b"\n");
    }
    m
}

/// The query of a local upload URL: `expires`, `size`, `sha256` and `sig`.
pub fn local_put_query(
    key: &[u8],
    file_key: &str,
    expires: i64,
    size: u64,
    sha256: &str,
) -> String {
    let sig = URL_SAFE_NO_PAD.encode(
        local_put_mac(key, file_key, expires, size, sha256)
            .finalize()
            .into_bytes(),
    );
    format!("expires={expires}&size={size}&sha256={sha256}&sig={sig}")
}

/// Checks a local upload URL's parameters; true when genuine and not expired.
pub fn verify_local_put(
    key: &[u8],
    file_key: &str,
    expires: i64,
    size: u64,
    sha256: &str,
    sig: &str,
) -> bool {
    let Ok(sig) = URL_SAFE_NO_PAD.decode(sig) else {
        return false;
    };
    local_put_mac(key, file_key, expires, size, sha256)
        .verify_slice(&sig)
        .is_ok()
        && Timestamp::now().secs() < expires
}

pub(crate) fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl FileSigner {
    /// A URL valid for `ttl_secs` from now, and the instant it expires.
    pub async fn presign(
        &self,
        file_key: &str,
        filename: &str,
        ttl_secs: u64,
    ) -> Result<(String, Timestamp), ApiError> {
        // Whole seconds: SigV4 dates have no fraction, so `expires_at` is exact.
        let start = Timestamp::from_millis(Timestamp::now().secs() * 1000);
        let expires = start.plus_secs(ttl_secs);
        match self {
            FileSigner::S3 { client, bucket } => {
                let cfg = aws_sdk_s3::presigning::PresigningConfig::builder()
                    .start_time(UNIX_EPOCH + Duration::from_secs(start.secs() as u64))
                    .expires_in(Duration::from_secs(ttl_secs))
                    .build()
                    .map_err(ApiError::internal)?;
                let req = client
                    .get_object()
                    .bucket(bucket)
                    .key(file_key)
                    .response_content_disposition(content_disposition(filename))
                    .presigned(cfg)
                    .await
                    .map_err(ApiError::internal)?;
                Ok((req.uri().to_owned(), expires))
            }
            FileSigner::Local { base_url, key } => {
                let exp = expires.secs();
                let sig = local_sig(key, file_key, exp, filename);
                Ok((
                    format!(
                        "{}/files/{}?expires={exp}&name={}&sig={sig}",
                        base_url.trim_end_matches('/'),
                        enc(file_key),
                        enc(filename)
                    ),
                    expires,
                ))
            }
            FileSigner::None => Err(ApiError::ServiceUnavailable(
                "File downloads are not configured",
            )),
        }
    }
}

/// The non-expiring public URL of a PDF.
pub fn public_url(base: &str, file_key: &str) -> String {
    let path: Vec<String> = file_key
        .split('/')
        .map(|seg| enc(seg).replace('+', "%20"))
        .collect();
    format!("{}/{}", base.trim_end_matches('/'), path.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_names_the_file_safely() {
        assert_eq!(
            content_disposition("Wall \"A\".rvt"),
            "attachment; filename=\"Wall _A_.rvt\"; filename*=UTF-8''Wall%20%22A%22.rvt"
        );
    }

    #[test]
    fn local_upload_urls_bind_key_expiry_size_and_digest() {
        let key = b"k".to_vec();
        let exp = Timestamp::now().secs() + 60;
        let q = local_put_query(&key, "uploads/w/j", exp, 10, "ab");
        let sig = q.rsplit("sig=").next().unwrap();
        assert!(verify_local_put(&key, "uploads/w/j", exp, 10, "ab", sig));
        assert!(!verify_local_put(&key, "uploads/w/k", exp, 10, "ab", sig));
        assert!(!verify_local_put(&key, "uploads/w/j", exp, 11, "ab", sig));
        assert!(!verify_local_put(&key, "uploads/w/j", exp, 10, "ac", sig));
        // A download signature is no upload signature.
        let get = local_sig(&key, "uploads/w/j", exp, "j");
        assert!(!verify_local_put(&key, "uploads/w/j", exp, 10, "ab", &get));
    }

    #[test]
    fn local_urls_refuse_tampering() {
        let key = b"k".to_vec();
        let exp = Timestamp::now().secs() + 60;
        let sig = local_sig(&key, "rvt/a.rvt", exp, "a.rvt");
        assert!(verify_local(&key, "rvt/a.rvt", exp, "a.rvt", &sig));
        assert!(!verify_local(&key, "rvt/b.rvt", exp, "a.rvt", &sig));
        assert!(!verify_local(&key, "rvt/a.rvt", exp + 1, "a.rvt", &sig));
        let past = Timestamp::now().secs() - 1;
        let sig = local_sig(&key, "rvt/a.rvt", past, "a.rvt");
        assert!(!verify_local(&key, "rvt/a.rvt", past, "a.rvt", &sig));
    }
}
