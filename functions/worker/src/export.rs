//! A stash export: one zip of many stored objects plus a `manifest.json`, streamed straight
//! into object storage (on S3 a multipart upload). Each file flows read → zip entry →
//! upload part, so memory stays at about two parts (see `multipart`) whatever the size of
//! the export.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_zip::base::write::ZipFileWriter;
use async_zip::{Compression, ZipDateTime, ZipDateTimeBuilder, ZipEntryBuilder};
use pirros_objects::{ObjectError, Objects};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, DuplexStream, ReadBuf};
use tokio_util::compat::FuturesAsyncWriteCompatExt;

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
    Upload(#[from] ObjectError),
    #[error("writing the zip failed: {0}")]
    Zip(#[from] async_zip::error::ZipError),
    #[error("streaming into the zip failed: {0}")]
    Io(#[from] std::io::Error),
}

/// The upload's side of the pipe. The zip writer closing its side is the end of the
/// archive only when it finished; if it stopped on an error, the end of the pipe is an
/// error here too, so the store makes no object of a zip cut short.
struct ZipStream {
    pipe: DuplexStream,
    finished: Arc<AtomicBool>,
}

impl AsyncRead for ZipStream {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = std::pin::Pin::new(&mut self.pipe).poll_read(cx, buf);
        if let std::task::Poll::Ready(Ok(())) = polled
            && buf.filled().len() == before
            && buf.remaining() > 0
            && !self.finished.load(Ordering::Acquire)
        {
            return std::task::Poll::Ready(Err(std::io::Error::other(
                "the zip writer stopped before the end of the archive",
            )));
        }
        polled
    }
}

/// Writes `files` (read from `objects`) and `manifest` as `manifest.json` into one zip at
/// `key`. On any error no object appears (the store discards what it had received).
pub async fn export_zip(
    objects: &dyn Objects,
    files: &[ExportFile],
    manifest: &serde_json::Value,
    key: &str,
) -> Result<ExportSummary, ExportError> {
    let manifest = serde_json::to_vec_pretty(manifest).expect("a JSON value always serialises");
    let (zip_side, upload_side) = tokio::io::duplex(PIPE_BYTES);
    let finished = Arc::new(AtomicBool::new(false));
    let stream = ZipStream {
        pipe: upload_side,
        finished: finished.clone(),
    };
    // Both halves run to their end in this task: a failed zip ends the stream with an error
    // (the upload then discards its parts), a failed upload drops its side of the pipe
    // (the zip's next write fails).
    let (zipped, uploaded) = tokio::join!(
        write_zip(objects, files, &manifest, zip_side, &finished),
        objects.put_stream(key, "application/zip", Box::new(stream)),
    );
    match (zipped, uploaded) {
        (Ok((files, bytes)), Ok(_)) => Ok(ExportSummary {
            files,
            bytes,
            key: key.to_owned(),
        }),
        // A store that failed on its own is the cause; one that failed reading the pipe
        // only echoes the zip's error, which says more.
        (_, Err(e)) if !matches!(e, ObjectError::Read(_)) => Err(e.into()),
        (Err(e), _) => Err(e),
        (Ok(_), Err(e)) => Err(e.into()),
    }
}

/// The zip into `sink`; answers the file count and their bytes.
async fn write_zip<W: AsyncWrite + Unpin>(
    objects: &dyn Objects,
    files: &[ExportFile],
    manifest: &[u8],
    sink: W,
    finished: &AtomicBool,
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
        let source = |message: String| ExportError::Source {
            key: file.key.clone(),
            message,
        };
        let mut body = objects
            .open(&file.key)
            .await
            .map_err(|e| source(e.to_string()))?
            .ok_or_else(|| source("no such object".into()))?;
        let entry = ZipEntryBuilder::new(names.unique(&file.name).into(), Compression::Stored)
            .last_modification_date(now)
            .unix_permissions(0o644);
        let mut entry_writer = zip.write_entry_stream(entry).await?.compat_write();
        bytes += tokio::io::copy(&mut body, &mut entry_writer)
            .await
            .map_err(|e| source(e.to_string()))?;
        entry_writer.into_inner().close().await?;
    }
    let mut sink = zip.close().await?.into_inner();
    sink.flush().await?;
    // Set before the end of the pipe is seen: only now is the archive whole.
    finished.store(true, Ordering::Release);
    sink.shutdown().await?;
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
