//! The HTTP pipeline every `/v1` and `/oauth` function runs: the call and its extraction,
//! envelopes and the one error type, pagination, conditional requests, idempotency, rate
//! limits, the kill switch, route tables, metrics and OpenAPI pieces. The layers below
//! (domain, config, store, objects, auth, search) are crates of their own, re-exported here
//! under the module paths the functions use.

pub mod ahead;
pub mod api;
pub mod catalogue;
pub mod conditional;
pub mod cors;
pub mod error;
pub mod etag;
pub mod expand;
pub mod extract;
pub mod headers;
pub mod idempotency;
pub mod integer;
pub mod killswitch;
pub mod lambda;
pub mod metrics;
pub mod openapi;
pub mod pagination;
pub mod payload;
pub mod query;
pub mod ratelimit;
pub mod request;
pub mod response;
pub mod routes;
pub mod search;
pub mod state;
pub mod write;

// The layers below, where the functions have always found them.
pub use pirros_auth as auth;
pub use pirros_config::{self as config, logging};
pub use pirros_domain::{
    events, flags, grants, ids, jobs, model, object_only, references, timestamp, webhooks,
};
pub use pirros_objects::{self as objects, files};
pub use pirros_store as store;

pub use error::ApiError;
pub use state::AppState;

/// For `declare_routes!`: the handler's OpenAPI type is named by joining identifiers.
#[doc(hidden)]
pub use pastey as __paste;
