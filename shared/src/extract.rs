//! What a `/v1` handler takes from its request besides the path, stated by the type of its
//! last parameter and extracted before it runs (`declare_routes!`): the query struct, the
//! JSON body checked into its valid form, `If-Match`, `Idempotency-Key`, or a tuple of
//! them, taken left to right. The first that is wrong answers its error, in the one envelope;
//! the handler never runs.
//!
//! ```ignore
//! pub async fn update(
//!     state: &AppState,
//!     call: &V1Call,
//!     ws: WorkspaceId,
//!     id: &ResourceId,
//!     (NoQuery {}, Body(patch), expected, key): (
//!         NoQuery,
//!         Body<UpdateStash>,
//!         Option<IfMatch>,
//!         Option<IdempotencyKey>,
//!     ),
//! ) -> Result<Reply, ApiError>
//! ```

use crate::AppState;
use crate::api::V1Call;
use crate::error::ApiError;
use crate::etag::IfMatch;
use crate::idempotency::IdempotencyKey;
use crate::query::{IncludeQuery, NoQuery, PageQuery};
use crate::request::{body_bytes, json_body};
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

/// A part of a request a handler takes.
pub trait Extract: Sized {
    fn extract(state: &AppState, call: &V1Call) -> Result<Self, ApiError>;
}

/// An operation's query struct: parsed strictly (`query::parse`).
pub trait QueryParams: DeserializeOwned + IntoParams {}

impl<T: QueryParams> Extract for T {
    fn extract(_: &AppState, call: &V1Call) -> Result<Self, ApiError> {
        call.query()
    }
}

impl QueryParams for NoQuery {}
impl QueryParams for IncludeQuery {}
impl QueryParams for PageQuery {}

/// A JSON request body and what checking it makes of it.
pub trait RequestBody: DeserializeOwned {
    /// The body once checked: what the handler works with.
    type Valid;
    /// Checks what the types alone do not (lengths, ranges, combinations); the function's
    /// configuration may set a limit.
    fn validate(self, state: &AppState) -> Result<Self::Valid, ApiError>;
    /// Whether an empty body stands for `{}` (operations whose body is optional).
    const OPTIONAL: bool = false;
}

/// The request's JSON body, parsed strictly and checked: `Content-Type` must be
/// `application/json` and the body one object, its fields as `B` declares them.
pub struct Body<B: RequestBody>(pub B::Valid);

impl<B: RequestBody> Extract for Body<B> {
    fn extract(state: &AppState, call: &V1Call) -> Result<Self, ApiError> {
        let raw: B = if B::OPTIONAL && body_bytes(&call.request).is_empty() {
            json_from_empty::<B>()?
        } else {
            json_body(&call.request)?
        };
        raw.validate(state).map(Body)
    }
}

/// An optional body sent empty: what `{}` would be.
fn json_from_empty<B: DeserializeOwned>() -> Result<B, ApiError> {
    serde_json::from_str("{}").map_err(ApiError::internal)
}

/// `If-Match`, when the request makes its write conditional (`*` is no condition).
impl Extract for Option<IfMatch> {
    fn extract(_: &AppState, call: &V1Call) -> Result<Self, ApiError> {
        IfMatch::from_request(&call.request)
    }
}

/// `Idempotency-Key`, when the request sends one.
impl Extract for Option<IdempotencyKey> {
    fn extract(_: &AppState, call: &V1Call) -> Result<Self, ApiError> {
        IdempotencyKey::from_request(&call.request)
    }
}

macro_rules! tuples {
    ($( ($($t:ident),+) ),+) => {$(
        impl<$($t: Extract),+> Extract for ($($t,)+) {
            fn extract(state: &AppState, call: &V1Call) -> Result<Self, ApiError> {
                Ok(($($t::extract(state, call)?,)+))
            }
        }
    )+};
}

tuples!((A, B), (A, B, C), (A, B, C, D));
