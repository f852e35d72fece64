//! A stash export: one zip of many S3 objects plus a `manifest.json`, streamed straight into
//! a multipart upload. Each file flows GetObject → zip entry → upload part, so memory stays
//! at about two parts (see `multipart`) whatever the size of the export.

use async_zip::base::write::ZipFileWriter;
use async_zip::{Compression, ZipDateTime, ZipDateTimeBuilder, ZipEntryBuilder};
use aws_sdk_s3::Client;
use aws_sdk_s3::error::DisplayErrorContext;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio_util::compat::FuturesAsyncWriteCompatExt;

use crate::multipart::{MultipartError, MultipartUpload};
use crate::zip_names::ZipNames;

pub const MANIFEST_NAME: &str = "manifest.json";

/// How many bytes the zip writer may run ahead of the part being filled.
const PIPE_BYTES: usize = 256 * 1024;

/// One file of the export: the object to read and the path it gets in the zip (made safe
/// and unique, see `ZipNames`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    /// Files in the zip, the manifest not counted.
    pub files: usize,
    /// Their total size before compression.
    pub bytes: u64,
    /// The zip's object key.
    pub key: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("reading {key} failed: {message}")]
    Source { key: String, message: String },
    #[error(transparent)]
    Upload(#[from] MultipartError),
    #[error("writing the zip failed: {0}")]
    Zip(#[from] async_zip::error::ZipError),
    #[error("streaming into the zip failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes `files` (read from `bucket`) and `manifest` as `manifest.json` into one zip at
/// `bucket`/`key`. On any error the multipart upload is aborted and no object appears.
pub async fn export_zip(
    client: &Client,
    bucket: &str,
    files: &[ExportFile],
    manifest: &serde_json::Value,
    key: &str,
) -> Result<ExportSummary, ExportError> {
    let manifest = serde_json::to_vec_pretty(manifest).expect("a JSON value always serialises");
    let upload = MultipartUpload::create(client, bucket, key, "application/zip").await?;
    let (zip_side, upload_side) = tokio::io::duplex(PIPE_BYTES);
    // Both halves run in this task; if either fails, `try_join` drops the other at once,
    // so the upload is never completed from a zip cut short.
    let written = tokio::try_join!(
        write_zip(client, bucket, files, &manifest, zip_side),
        async { Ok(upload.upload_parts(upload_side).await?) },
    );
    match written {
        Ok(((files, bytes), (parts, _))) => {
            upload.complete(parts).await?;
            Ok(ExportSummary {
                files,
                bytes,
                key: key.to_owned(),
            })
        }
        Err(e) => {
            upload.abort().await;
            Err(e)
        }
    }
}

/// The zip into `sink`; answers the file count and their bytes.
async fn write_zip<W: AsyncWrite + Unpin>(
    client: &Client,
    bucket: &str,
    files: &[ExportFile],
    manifest: &[u8],
    sink: W,
) -> Result<(usize, u64), ExportError> {
    let mut zip = ZipFileWriter::with_tokio(sink);
    let now = zip_date(time::OffsetDateTime::now_utc());
    // Stored, not deflated: the files are PDFs and Revit files, whose contents are
    // compressed already, so deflate would cost CPU for a few percent.
    let manifest_entry = ZipEntryBuilder::new(MANIFEST_NAME.to_owned().into(), Compression::Stored)
        .last_modification_date(now)
        .unix_permissions(0o644);
    zip.write_entry_whole(manifest_entry, manifest).await?;

    let mut names = ZipNames::new([MANIFEST_NAME]);
    let mut bytes = 0u64;
    for file in files {
        let object = client
            .get_object()
            .bucket(bucket)
            .key(&file.key)
            .send()
            .await
            .map_err(|e| ExportError::Source {
                key: file.key.clone(),
                message: DisplayErrorContext(&e).to_string(),
            })?;
        let modified = object
            .last_modified
            .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t.secs()).ok())
            .map_or(now, zip_date);
        let entry = ZipEntryBuilder::new(names.unique(&file.name).into(), Compression::Stored)
            .last_modification_date(modified)
            .unix_permissions(0o644);
        let mut body = object.body.into_async_read();
        let mut entry_writer = zip.write_entry_stream(entry).await?.compat_write();
        bytes += tokio::io::copy_buf(&mut body, &mut entry_writer)
            .await
            .map_err(|e| ExportError::Source {
                key: file.key.clone(),
                message: e.to_string(),
            })?;
        entry_writer.into_inner().close().await?;
    }
    // Shutting the pipe down is the end of stream that lets the upload send its last part.
    zip.close().await?.into_inner().shutdown().await?;
    Ok((files.len(), bytes))
}

/// Zip times have two-second steps from 1980 on; an object older than that gets 1980.
fn zip_date(t: time::OffsetDateTime) -> ZipDateTime {
    let t = t.max(time::macros::datetime!(1980-01-01 0:00 UTC));
    ZipDateTimeBuilder::new()
        .year(t.year())
        .month(u8::from(t.month()).into())
        .day(t.day().into())
        .hour(t.hour().into())
        .minute(t.minute().into())
        .second(t.second().into())
        .build()
}
