//! Everything the Pirros Lambda functions share: configuration, authentication, grants,
//! envelopes and errors, pagination, idempotency, rate limits and storage.

pub mod api;
pub mod auth;
pub mod catalogue;
pub mod config;
pub mod error;
pub mod etag;
pub mod expand;
pub mod files;
pub mod grants;
pub mod headers;
pub mod idempotency;
pub mod ids;
pub mod killswitch;
pub mod lambda;
pub mod logging;
pub mod metrics;
pub mod model;
pub mod openapi;
pub mod pagination;
pub mod payload;
pub mod query;
pub mod ratelimit;
pub mod request;
pub mod response;
pub mod routes;
#[cfg(feature = "schema")]
mod schema;
pub mod state;
pub mod store;
pub mod timestamp;

pub use error::ApiError;
pub use state::AppState;
