//! `Objects` on an S3 bucket. Uploads are presigned PUTs that sign `Content-Length` and
//! `x-amz-checksum-sha256`, so S3 itself refuses another size (the signature breaks) or
//! other bytes (the checksum fails); streams are stored by multipart upload.

use super::multipart::{MultipartError, upload_stream};
use super::{ObjectError, ObjectInfo, ObjectReader, Objects, PresignedPut};
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{DisplayErrorContext, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use pirros_domain::timestamp::Timestamp;
use std::time::{Duration, UNIX_EPOCH};

pub struct S3Objects {
    client: Client,
    bucket: String,
}

fn failed<E, R>(operation: &'static str, key: &str) -> impl FnOnce(SdkError<E, R>) -> ObjectError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let key = key.to_owned();
    move |e| ObjectError::Failed {
        operation,
        key,
        message: DisplayErrorContext(&e).to_string(),
    }
}

impl From<MultipartError> for ObjectError {
    fn from(e: MultipartError) -> Self {
        match e {
            MultipartError::S3 {
                operation,
                key,
                message,
            } => ObjectError::Failed {
                operation,
                key,
                message,
            },
            MultipartError::Read(e) => ObjectError::Read(e),
        }
    }
}

/// A key as `CopyObject`'s source wants it: bucket and key, URL-encoded per segment.
fn copy_source(bucket: &str, key: &str) -> String {
    let encoded: Vec<String> = key
        .split('/')
        .map(|seg| {
            url::form_urlencoded::byte_serialize(seg.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        })
        .collect();
    format!("{bucket}/{}", encoded.join("/"))
}

impl S3Objects {
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }
}

#[async_trait]
impl Objects for S3Objects {
    async fn presign_put(
        &self,
        key: &str,
        size: u64,
        sha256_hex: &str,
        ttl_secs: u64,
    ) -> Result<PresignedPut, ObjectError> {
        let digest: Vec<u8> = (0..sha256_hex.len())
            .step_by(2)
            .filter_map(|i| u8::from_str_radix(sha256_hex.get(i..i + 2)?, 16).ok())
            .collect();
        // Whole seconds: SigV4 dates have no fraction, so `expires_at` is exact.
        let start = Timestamp::from_millis(Timestamp::now().secs() * 1000);
        let cfg = PresigningConfig::builder()
            .start_time(UNIX_EPOCH + Duration::from_secs(start.secs() as u64))
            .expires_in(Duration::from_secs(ttl_secs))
            .build()
            .map_err(|e| ObjectError::Failed {
                operation: "PresignPutObject",
                key: key.to_owned(),
                message: e.to_string(),
            })?;
        let req = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_length(size as i64)
            .checksum_sha256(STANDARD.encode(digest))
            .presigned(cfg)
            .await
            .map_err(failed("PresignPutObject", key))?;
        Ok(PresignedPut {
            url: req.uri().to_owned(),
            headers: req
                .headers()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            expires_at: start.plus_secs(ttl_secs),
        })
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, ObjectError> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => Ok(Some(ObjectInfo {
                size: out.content_length.unwrap_or(0).max(0) as u64,
            })),
            Err(e) if e.as_service_error().is_some_and(|se| se.is_not_found()) => Ok(None),
            Err(e) => Err(failed("HeadObject", key)(e)),
        }
    }

    async fn open(&self, key: &str) -> Result<Option<ObjectReader>, ObjectError> {
        match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => Ok(Some(Box::new(out.body.into_async_read()))),
            Err(e) if e.as_service_error().is_some_and(|se| se.is_no_such_key()) => Ok(None),
            Err(e) => Err(failed("GetObject", key)(e)),
        }
    }

    async fn copy(&self, from: &str, to: &str) -> Result<(), ObjectError> {
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .key(to)
            .copy_source(copy_source(&self.bucket, from))
            .send()
            .await
            .map_err(failed("CopyObject", from))?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(failed("DeleteObject", key))?;
        Ok(())
    }

    async fn put_stream(
        &self,
        key: &str,
        content_type: &str,
        reader: ObjectReader,
    ) -> Result<u64, ObjectError> {
        Ok(upload_stream(&self.client, &self.bucket, key, content_type, reader).await?)
    }
}

/// S3 client; path-style addressing when an endpoint override points at an emulator.
pub fn client(sdk: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let path_style = std::env::var_os("AWS_ENDPOINT_URL_S3").is_some()
        || std::env::var_os("AWS_ENDPOINT_URL").is_some();
    // Checksums only where S3 requires them: streaming (aws-chunked) uploads with trailing
    // checksums are not understood by every S3-compatible store, and ours are tiny.
    let conf = aws_sdk_s3::config::Builder::from(sdk)
        .force_path_style(path_style)
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_sources_are_encoded_per_segment() {
        assert_eq!(
            copy_source("b", "uploads/ws/a:b c"),
            "b/uploads/ws/a%3Ab%20c"
        );
    }
}
