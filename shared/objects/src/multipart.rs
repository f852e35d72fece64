//! Uploads a stream of unknown length to S3 in parts of `PART_BYTES`, holding at most two
//! parts in memory: one being uploaded while the next fills. (`S3Objects::put_stream`;
//! the worker's exports stream through it.)

use aws_sdk_s3::Client;
use aws_sdk_s3::error::{DisplayErrorContext, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use tokio::io::{AsyncRead, AsyncReadExt};

/// 8 MiB: above S3's 5 MiB minimum for every part but the last, and 10,000 parts (S3's
/// maximum) make 78 GiB, far past any export.
pub const PART_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum MultipartError {
    #[error("S3 {operation} of {key} failed: {message}")]
    S3 {
        operation: &'static str,
        key: String,
        message: String,
    },
    #[error("reading what to upload failed: {0}")]
    Read(#[source] std::io::Error),
}

fn s3_error<E, R>(
    operation: &'static str,
    key: &str,
) -> impl FnOnce(SdkError<E, R>) -> MultipartError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let key = key.to_owned();
    move |e| MultipartError::S3 {
        operation,
        key,
        message: DisplayErrorContext(&e).to_string(),
    }
}

/// A started multipart upload. It becomes an object only by `complete`; `abort` discards
/// the parts. If neither runs (the process died), the bucket's lifecycle rule for
/// incomplete multipart uploads removes them.
pub struct MultipartUpload<'a> {
    client: &'a Client,
    bucket: &'a str,
    key: &'a str,
    upload_id: String,
}

impl<'a> MultipartUpload<'a> {
    pub async fn create(
        client: &'a Client,
        bucket: &'a str,
        key: &'a str,
        content_type: &str,
    ) -> Result<Self, MultipartError> {
        let created = client
            .create_multipart_upload()
            .bucket(bucket)
            .key(key)
            .content_type(content_type)
            .send()
            .await
            .map_err(s3_error("CreateMultipartUpload", key))?;
        let upload_id = created.upload_id.ok_or_else(|| MultipartError::S3 {
            operation: "CreateMultipartUpload",
            key: key.to_owned(),
            message: "no upload id in the answer".to_owned(),
        })?;
        Ok(Self {
            client,
            bucket,
            key,
            upload_id,
        })
    }

    /// Uploads everything `reader` yields, to its end; answers the parts and the byte count.
    /// At least one part is sent, so an empty stream makes an empty object.
    pub async fn upload_parts<R: AsyncRead + Unpin>(
        &self,
        mut reader: R,
    ) -> Result<(Vec<CompletedPart>, u64), MultipartError> {
        let mut parts = Vec::new();
        let mut total = 0u64;
        let mut in_flight = None;
        for part_number in 1.. {
            let previous = in_flight.take();
            let (filled, uploaded) = tokio::join!(fill_part(&mut reader), async {
                match previous {
                    Some(upload) => Some(upload.await),
                    None => None,
                }
            });
            if let Some(uploaded) = uploaded {
                parts.push(uploaded?);
            }
            let part = filled.map_err(MultipartError::Read)?;
            let last = part.len() < PART_BYTES;
            if !(part.is_empty() && part_number > 1) {
                total += part.len() as u64;
                in_flight = Some(self.upload_part(part_number, part));
            }
            if last {
                break;
            }
        }
        if let Some(upload) = in_flight {
            parts.push(upload.await?);
        }
        Ok((parts, total))
    }

    async fn upload_part(
        &self,
        part_number: i32,
        part: Vec<u8>,
    ) -> Result<CompletedPart, MultipartError> {
        let uploaded = self
            .client
            .upload_part()
            .bucket(self.bucket)
            .key(self.key)
            .upload_id(&self.upload_id)
            .part_number(part_number)
            .body(ByteStream::from(part))
            .send()
            .await
            .map_err(s3_error("UploadPart", self.key))?;
        Ok(CompletedPart::builder()
            .part_number(part_number)
            .set_e_tag(uploaded.e_tag)
            .build())
    }

    /// Makes the object; on failure the parts are discarded.
    pub async fn complete(self, parts: Vec<CompletedPart>) -> Result<(), MultipartError> {
        let completed = self
            .client
            .complete_multipart_upload()
            .bucket(self.bucket)
            .key(self.key)
            .upload_id(&self.upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await
            .map_err(s3_error("CompleteMultipartUpload", self.key));
        if completed.is_err() {
            self.abort().await;
        }
        completed.map(|_| ())
    }

    /// Discards the uploaded parts. A failure is only logged: the caller is already
    /// reporting the error that made it abort, and the lifecycle rule cleans up after it.
    pub async fn abort(self) {
        let aborted = self
            .client
            .abort_multipart_upload()
            .bucket(self.bucket)
            .key(self.key)
            .upload_id(&self.upload_id)
            .send()
            .await;
        if let Err(e) = aborted {
            tracing::warn!(key = self.key, error = %DisplayErrorContext(&e), "aborting a multipart upload failed");
        }
    }
}

/// Uploads all of `reader` as the object `key`; answers its size.
pub async fn upload_stream<R: AsyncRead + Unpin>(
    client: &Client,
    bucket: &str,
    key: &str,
    content_type: &str,
    reader: R,
) -> Result<u64, MultipartError> {
    let upload = MultipartUpload::create(client, bucket, key, content_type).await?;
    match upload.upload_parts(reader).await {
        Ok((parts, total)) => upload.complete(parts).await.map(|()| total),
        Err(e) => {
            upload.abort().await;
            Err(e)
        }
    }
}

/// Reads up to `PART_BYTES`; shorter only at the end of the stream. The buffer is
/// allocated at its full size once, so it never grows (and doubles) while filling.
async fn fill_part<R: AsyncRead + Unpin>(reader: &mut R) -> std::io::Result<Vec<u8>> {
    let mut part = vec![0u8; PART_BYTES];
    let mut len = 0;
    while len < PART_BYTES {
        let n = reader.read(&mut part[len..]).await?;
        if n == 0 {
            break;
        }
        len += n;
    }
    part.truncate(len);
    Ok(part)
}
