//! The domain's plain types, below every other crate of the workspace: typed ids and
//! timestamps, the resources and their stored records, grants and filters, detail flags,
//! jobs, change events, family references, webhook endpoints and deliveries, credential secret hashes, published public keys, and the
//! search lists and words every store keeps.

pub mod events;
pub mod flags;
pub mod grants;
pub mod ids;
pub mod jobs;
pub mod jwks;
pub mod lists;
pub mod model;
mod object_only;
pub mod references;
#[cfg(feature = "schema")]
mod schema;
pub mod secret;
pub mod timestamp;
pub mod webhooks;
pub mod words;
