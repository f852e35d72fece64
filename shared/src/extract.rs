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
//!     (NoQuery {}, Body(patch), key, expected): (
//!         NoQuery,
//!         Body<UpdateStash>,
//!         Option<IdempotencyKey>,
//!         Option<IfMatch>,
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
use lambda_http::Request;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::request_body::{RequestBody as BodyDoc, RequestBodyBuilder};
use utoipa::openapi::{Ref, RefOr, Required, Schema};

/// What an operation's document says of the parts its handler takes, read off the handler's
/// signature: so the parameters, the body and the errors they bring are written once, on
/// the types, never again in each operation's attribute.
#[derive(Default)]
pub struct Described {
    /// The errors, beyond what every `/v1` operation answers, that taking these parts can
    /// answer or that a handler taking them answers from them.
    pub raises: Vec<ErrorKind>,
    /// Query and header parameters, after the path's (which the attribute names).
    pub parameters: Vec<Parameter>,
    pub body: Option<BodyDoc>,
    /// The schemas the body refers to.
    pub schemas: Vec<(String, RefOr<Schema>)>,
}

/// A part of a request a handler takes.
pub trait Extract: Sized {
    fn extract(state: &AppState, call: &V1Call) -> Result<Self, ApiError>;

    /// Adds what the operation's document says of this part.
    fn describe(_: &mut Described) {}
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

    fn describe(d: &mut Described) {
        d.raises.extend_from_slice(T::RAISES);
        d.parameters
            .extend(T::into_params(|| Some(ParameterIn::Query)));
    }
}

impl QueryParams for NoQuery {}
impl QueryParams for IncludeQuery {
    const RAISES: &'static [ErrorKind] = &[ErrorKind::InvalidIncludeParam];
}
impl QueryParams for PageQuery {}

/// A JSON request body and what checking it makes of it.
pub trait RequestBody: DeserializeOwned + utoipa::ToSchema {
    /// The body once checked: what the handler works with.
    type Valid;
    /// Checks what the types alone do not (lengths, ranges, combinations); the function's
    /// configuration may set a limit.
    fn validate(self, state: &AppState) -> Result<Self::Valid, ApiError>;
    /// Whether an empty body stands for `{}` (operations whose body is optional).
    const OPTIONAL: bool = false;
    /// What the document says of the body besides its schema.
    const DESCRIPTION: Option<&'static str> = if Self::OPTIONAL {
        Some("Optional: nothing, or `{}`.")
    } else {
        None
    };
}

/// The request's JSON body, parsed strictly and checked: `Content-Type` must be
/// `application/json` and the body one object, its fields as `B` declares them.
pub struct Body<B: RequestBody>(pub B::Valid);

/// `request`'s body as `B`, parsed and checked as `Body<B>` extracts it.
pub fn body_of<B: RequestBody>(state: &AppState, request: &Request) -> Result<B::Valid, ApiError> {
    let raw: B = if B::OPTIONAL && body_bytes(request).is_empty() {
        json_from_empty::<B>()?
    } else {
        json_body(request)?
    };
    raw.validate(state)
}

impl<B: RequestBody> Extract for Body<B> {
    fn extract(state: &AppState, call: &V1Call) -> Result<Self, ApiError> {
        body_of::<B>(state, &call.request).map(Body)
    }

    fn describe(d: &mut Described) {
        let schema = Ref::from_schema_name(B::name());
        let content = ContentBuilder::new().schema(Some(schema)).build();
        let required = (!B::OPTIONAL).then_some(Required::True);
        d.body = Some(
            RequestBodyBuilder::new()
                .description(B::DESCRIPTION)
                .content("application/json", content)
                .required(required)
                .build(),
        );
        d.schemas.push((B::name().into_owned(), B::schema()));
        B::schemas(&mut d.schemas);
    }
}

/// Declares the body of a POST that takes nothing: none at all, or `{}`; any field is a
/// 400. `empty_body!(/** doc */ ExportStash);`
#[macro_export]
macro_rules! empty_body {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Default, ::serde::Deserialize, ::utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {}

        impl $crate::extract::RequestBody for $name {
            type Valid = ();
            const OPTIONAL: bool = true;

            fn validate(self, _: &$crate::AppState) -> Result<(), $crate::error::ApiError> {
                Ok(())
            }
        }
    };
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

    fn describe(d: &mut Described) {
        d.raises.push(ErrorKind::StalePrecondition);
        d.parameters.extend(IfMatch::into_params(|| None));
    }
}

/// `Idempotency-Key`, when the request sends one: a handler taking it answers 409
/// `IDEMPOTENCY_CONFLICT` for a key reused with another request.
impl Extract for Option<IdempotencyKey> {
    fn extract(_: &AppState, call: &V1Call) -> Result<Self, ApiError> {
        IdempotencyKey::from_request(&call.request)
    }

    fn describe(d: &mut Described) {
        d.raises.push(ErrorKind::IdempotencyConflict);
        d.parameters.extend(IdempotencyKey::into_params(|| None));
    }
}

macro_rules! tuples {
    ($( ($($t:ident),+) ),+) => {$(
        impl<$($t: Extract),+> Extract for ($($t,)+) {
            fn extract(state: &AppState, call: &V1Call) -> Result<Self, ApiError> {
                Ok(($($t::extract(state, call)?,)+))
            }

            fn describe(d: &mut Described) {
                $($t::describe(d);)+
            }
        }
    )+};
}

tuples!((A, B), (A, B, C), (A, B, C, D));

/// What the document says of the last parameter of `handler`, read off its type: `handler`
/// is a closure passing its argument on as that parameter, and is never called.
pub fn described_by<E: Extract, R>(_handler: impl FnOnce(E) -> R) -> Described {
    let mut d = Described::default();
    E::describe(&mut d);
    d
}
