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
use crate::catalogue::ErrorKind;
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

    /// The errors, beyond what every `/v1` operation answers, that taking this part can
    /// answer or that a handler taking it answers from it: the operation's document lists
    /// them from its handler's signature.
    fn raises() -> Vec<ErrorKind> {
        Vec::new()
    }
}

/// An operation's query struct: parsed strictly (`query::parse`).
pub trait QueryParams: DeserializeOwned + IntoParams {
    /// What its parameters can be refused with besides 400 `invalid_request`.
    const RAISES: &'static [ErrorKind] = &[];
}

impl<T: QueryParams> Extract for T {
    fn extract(_: &AppState, call: &V1Call) -> Result<Self, ApiError> {
        call.query()
    }

    fn raises() -> Vec<ErrorKind> {
        T::RAISES.to_vec()
    }
}

impl QueryParams for NoQuery {}
impl QueryParams for IncludeQuery {
    const RAISES: &'static [ErrorKind] = &[ErrorKind::InvalidIncludeParam];
}
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

/// `If-Match`, when the request makes its write conditional (`*` is no condition): a
/// handler taking it answers 409 `stale_precondition` when the resource moved on.
impl Extract for Option<IfMatch> {
    fn extract(_: &AppState, call: &V1Call) -> Result<Self, ApiError> {
        IfMatch::from_request(&call.request)
    }

    fn raises() -> Vec<ErrorKind> {
        vec![ErrorKind::StalePrecondition]
    }
}

/// `Idempotency-Key`, when the request sends one: a handler taking it answers 409
/// `IDEMPOTENCY_CONFLICT` for a key reused with another request.
impl Extract for Option<IdempotencyKey> {
    fn extract(_: &AppState, call: &V1Call) -> Result<Self, ApiError> {
        IdempotencyKey::from_request(&call.request)
    }

    fn raises() -> Vec<ErrorKind> {
        vec![ErrorKind::IdempotencyConflict]
    }
}

macro_rules! tuples {
    ($( ($($t:ident),+) ),+) => {$(
        impl<$($t: Extract),+> Extract for ($($t,)+) {
            fn extract(state: &AppState, call: &V1Call) -> Result<Self, ApiError> {
                Ok(($($t::extract(state, call)?,)+))
            }

            fn raises() -> Vec<ErrorKind> {
                [$($t::raises()),+].concat()
            }
        }
    )+};
}

tuples!((A, B), (A, B, C), (A, B, C, D));

/// What extracting the last parameter of `handler` raises, read off its type: `handler` is
/// a closure passing its argument on as that parameter, and is never called.
pub fn raised_by<E: Extract, R>(_handler: impl FnOnce(E) -> R) -> Vec<ErrorKind> {
    E::raises()
}
