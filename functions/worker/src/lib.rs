//! The worker behind family uploads and stash exports: it checks an uploaded family file
//! (size, SHA-256, OLE container, Revit release) and streams a stash's files into one zip
//! on S3. `main.rs` runs it as an SQS-triggered Lambda function.

pub mod batch;
pub mod checksum;
pub mod export;
pub mod multipart;
pub mod rfa;
pub mod upload_error;
pub mod zip_names;
