//! Object storage for uploads and exports, behind one trait: S3 (production, and tests on
//! s3rver) and a local directory (`pirros-local` without a bucket). Handlers and the worker
//! see only `Objects`. `files` signs the download URLs of stored resource files.

pub mod files;
pub mod local;
pub mod multipart;
pub mod s3;

use async_trait::async_trait;
use pirros_domain::timestamp::Timestamp;
use std::sync::Arc;
use tokio::io::AsyncRead;

pub type ObjectReader = Box<dyn AsyncRead + Send + Unpin>;

#[derive(Debug, thiserror::Error)]
pub enum ObjectError {
    /// The store failed or could not be reached: worth a retry.
    #[error("object storage {operation} of {key} failed: {message}")]
    Failed {
        operation: &'static str,
        key: String,
        message: String,
    },
    /// What was to be stored could not be read: no object was made.
    #[error("reading what to store failed: {0}")]
    Read(#[source] std::io::Error),
    #[error("object storage is not configured")]
    NotConfigured,
}

/// An object that exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    pub size: u64,
}

/// A URL the client PUTs one file to, with the headers it must send.
#[derive(Clone, Debug, PartialEq)]
pub struct PresignedPut {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub expires_at: Timestamp,
}

#[async_trait]
pub trait Objects: Send + Sync {
    /// A URL that stores exactly one object at `key` until `ttl_secs` from now, bound (where
    /// the store can) to the declared size and SHA-256 (lowercase hex).
    async fn presign_put(
        &self,
        key: &str,
        size: u64,
        sha256_hex: &str,
        ttl_secs: u64,
    ) -> Result<PresignedPut, ObjectError>;
    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, ObjectError>;
    /// The object's bytes as a stream; `None` when there is no such object.
    async fn open(&self, key: &str) -> Result<Option<ObjectReader>, ObjectError>;
    async fn copy(&self, from: &str, to: &str) -> Result<(), ObjectError>;
    /// Deleting what is not there is no error.
    async fn delete(&self, key: &str) -> Result<(), ObjectError>;
    /// Stores everything `reader` yields, to its end, as `key`; answers the size. If the
    /// reader fails, no object is made.
    async fn put_stream(
        &self,
        key: &str,
        content_type: &str,
        reader: ObjectReader,
    ) -> Result<u64, ObjectError>;
}

/// For functions that touch no uploads or exports.
pub struct NoObjects;

#[async_trait]
impl Objects for NoObjects {
    async fn presign_put(
        &self,
        _: &str,
        _: u64,
        _: &str,
        _: u64,
    ) -> Result<PresignedPut, ObjectError> {
        Err(ObjectError::NotConfigured)
    }
    async fn head(&self, _: &str) -> Result<Option<ObjectInfo>, ObjectError> {
        Err(ObjectError::NotConfigured)
    }
    async fn open(&self, _: &str) -> Result<Option<ObjectReader>, ObjectError> {
        Err(ObjectError::NotConfigured)
    }
    async fn copy(&self, _: &str, _: &str) -> Result<(), ObjectError> {
        Err(ObjectError::NotConfigured)
    }
    async fn delete(&self, _: &str) -> Result<(), ObjectError> {
        Err(ObjectError::NotConfigured)
    }
    async fn put_stream(&self, _: &str, _: &str, _: ObjectReader) -> Result<u64, ObjectError> {
        Err(ObjectError::NotConfigured)
    }
}

pub type SharedObjects = Arc<dyn Objects>;
