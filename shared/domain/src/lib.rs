//! The domain's plain types, below every other crate of the workspace: typed ids and
//! timestamps, the resources and their stored records, grants and filters, detail flags,
//! jobs, family references and credential secret hashes.

pub mod flags;
pub mod grants;
pub mod ids;
pub mod jobs;
pub mod model;
pub mod references;
#[cfg(feature = "schema")]
mod schema;
pub mod secret;
pub mod timestamp;
