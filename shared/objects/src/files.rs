//! Download URLs: presigned S3 GETs for RVT/RFA, a public base URL for PDFs, and, for the
//! embedded local run, URLs that `pirros-local` signs and serves itself.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use pirros_domain::ids::WorkspaceId;
use pirros_domain::timestamp::Timestamp;
use rand::RngCore;
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

/// Why a download URL could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("file downloads are not configured")]
    NotConfigured,
    #[error("signing a download URL failed: {0}")]
    Failed(String),
}

impl FileSigner {
    /// A URL valid for `ttl_secs` from now, and the instant it expires.
    pub async fn presign(
        &self,
        file_key: &str,
        filename: &str,
        ttl_secs: u64,
    ) -> Result<(String, Timestamp), SignError> {
        // Whole seconds: SigV4 dates have no fraction, so `expires_at` is exact.
        let start = Timestamp::from_millis(Timestamp::now().secs() * 1000);
        let expires = start.plus_secs(ttl_secs);
        match self {
            FileSigner::S3 { client, bucket } => {
                let cfg = aws_sdk_s3::presigning::PresigningConfig::builder()
                    .start_time(UNIX_EPOCH + Duration::from_secs(start.secs() as u64))
                    .expires_in(Duration::from_secs(ttl_secs))
                    .build()
                    .map_err(|e| SignError::Failed(e.to_string()))?;
                let req = client
                    .get_object()
                    .bucket(bucket)
                    .key(file_key)
                    .response_content_disposition(content_disposition(filename))
                    .presigned(cfg)
                    .await
                    .map_err(|e| SignError::Failed(e.to_string()))?;
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
            FileSigner::None => Err(SignError::NotConfigured),
        }
    }
}

/// Which file of a resource an object holds: also the first segment of its key, which
/// the bucket policy and the IAM roles go by (`pdf/` is public through the CDN).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileSlot {
    Pdf,
    Rvt,
    Rfa,
}

impl FileSlot {
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Rvt => "rvt",
            Self::Rfa => "rfa",
        }
    }
}

/// A new object key for a file of workspace `ws`, chosen by the server, never by whoever
/// supplies the file: `{slot}/{ws}/{32 hex digits: 128 random bits}/{name}.{slot}`. PDF URLs
/// are public and never expire, so the random part is what keeps them from being guessed;
/// the workspace part keeps one firm's import from ever writing another's objects.
pub fn new_object_key(slot: FileSlot, ws: WorkspaceId, name: &str) -> String {
    let mut random = [0u8; 16];
    rand::rng().fill_bytes(&mut random);
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}/{ws}/{hex}/{}",
        slot.prefix(),
        key_name(name, slot.prefix())
    )
}

/// Whether `key` is one `new_object_key` made for `slot` in `ws` (a re-import keeps it).
pub fn is_object_key_of(key: &str, slot: FileSlot, ws: WorkspaceId) -> bool {
    let mut parts = key.splitn(4, '/');
    let (Some(prefix), Some(w), Some(hex), Some(name)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    prefix == slot.prefix()
        && w == ws.to_string()
        && hex.len() == 32
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && !name.is_empty()
        && !name.contains('/')
}

/// `name` as the last segment of a key and a URL: ASCII letters and digits, `_` and `-`
/// (runs of anything else become one `-`), at most 100 characters, then `.{ext}`.
fn key_name(name: &str, ext: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 100 {
            break;
        }
    }
    let trimmed = out.trim_matches('-');
    let base = if trimmed.is_empty() { "file" } else { trimmed };
    format!("{base}.{ext}")
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
    fn object_keys_are_random_per_workspace_and_safe() {
        let ws = WorkspaceId::parse("6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11").unwrap();
        let other = WorkspaceId::parse("7a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11").unwrap();
        let a = new_object_key(FileSlot::Pdf, ws, "Slab edge / \"A\" ../..");
        let b = new_object_key(FileSlot::Pdf, ws, "Slab edge / \"A\" ../..");
        assert_ne!(a, b, "128 random bits each time");
        assert!(a.starts_with(&format!("pdf/{ws}/")), "{a}");
        assert!(a.ends_with("/Slab-edge-A.pdf"), "{a}");
        assert_eq!(a.split('/').count(), 4, "{a}");
        assert!(is_object_key_of(&a, FileSlot::Pdf, ws));
        assert!(!is_object_key_of(&a, FileSlot::Rvt, ws));
        assert!(!is_object_key_of(&a, FileSlot::Pdf, other));
        assert!(!is_object_key_of("pdf/d1.pdf", FileSlot::Pdf, ws));
        assert!(!is_object_key_of(
            &format!("pdf/{ws}/short/x.pdf"),
            FileSlot::Pdf,
            ws
        ));
        assert_eq!(key_name("", "rvt"), "file.rvt");
        assert_eq!(key_name("Wall: type 2", "rfa"), "Wall-type-2.rfa");
        assert_eq!(key_name(&"x".repeat(500), "pdf").len(), 104);
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
