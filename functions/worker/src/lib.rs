//! The worker behind family uploads and stash exports: it checks an uploaded family file
//! (size, SHA-256, OLE container, Revit release) and writes the family's next version, and
//! streams a stash's files into one zip, and a workspace's readable resources into one
//! snapshot file. `main.rs` runs it as an SQS-triggered Lambda
//! function; `pirros-local` runs the same `Worker` in-process (`inline`).

pub mod batch;
pub mod checksum;
pub mod export;
pub mod export_job;
pub mod inline;
pub mod messages;
pub mod snapshot_job;
pub mod sqs;
pub mod upload_error;
pub mod upload_job;
pub mod worker;
pub mod zip_names;

/// Moved to `pirros_objects` (the S3 object store stores streams with it).
pub use pirros_objects::multipart;
