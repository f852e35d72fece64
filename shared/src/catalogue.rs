//! The error catalogue: every kind of `ApiError` with its code, status, where it can happen
//! and when. The OpenAPI error responses, the `/docs/errors` page and the README's table are
//! all made from this list.

use crate::error::ApiError;
use http::StatusCode;

/// Which endpoints can answer an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    /// The `/v1` endpoints, in the `{error: {code, message, details?}, meta}` envelope.
    V1,
    /// `POST /oauth/token`, in RFC 6749's flat shape.
    Token,
    /// Any endpoint, in the shape of that endpoint.
    Any,
}

impl Surface {
    pub fn label(self) -> &'static str {
        match self {
            Self::V1 => "/v1",
            Self::Token => crate::routes::TOKEN_PATH,
            Self::Any => "any",
        }
    }
}

macro_rules! catalogue {
    ($($kind:ident: $status:ident, $code:literal, $surface:ident, $when:literal, $example:expr;)*) => {
        /// What went wrong, without the particulars: one per `ApiError` variant.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ErrorKind {
            $($kind,)*
        }

        impl ErrorKind {
            /// The catalogue, in the order it is shown.
            pub const ALL: &[ErrorKind] = &[$(Self::$kind),*];

            /// The machine-readable `error.code` (`error` on `/oauth/token` and in 429s).
            pub const fn code(self) -> &'static str {
                match self {
                    $(Self::$kind => $code,)*
                }
            }

            pub const fn status(self) -> StatusCode {
                match self {
                    $(Self::$kind => StatusCode::$status,)*
                }
            }

            pub const fn surface(self) -> Surface {
                match self {
                    $(Self::$kind => Surface::$surface,)*
                }
            }

            /// When it happens and what to do, in a sentence or two.
            pub const fn when(self) -> &'static str {
                match self {
                    $(Self::$kind => $when,)*
                }
            }

            /// A typical error of this kind, for the documentation's examples.
            pub fn example(self) -> ApiError {
                match self {
                    $(Self::$kind => $example,)*
                }
            }
        }
    };
}

catalogue! {
    InvalidRequest: BAD_REQUEST, "invalid_request", V1,
        "A malformed workspace id; an unknown query parameter, a repeated one (`tag_id` and \
         `include` may repeat), or one out of range; a body that is not `application/json`, not a JSON object, or has an unknown, \
         missing or invalid field; a bad `Idempotency-Key`, `If-Match` or `If-None-Match`. \
         `error.details.field` names the culprit where there is one.",
        ApiError::invalid_field("workspaceId", "workspaceId must be a workspace UUID");
    InvalidIncludeParam: BAD_REQUEST, "invalid_include_param", V1,
        "An `include` value other than `tags` and `project`.",
        ApiError::InvalidIncludeParam("Unknown include value \"owner\"; allowed: tags, project".into());
    InvalidItemReference: BAD_REQUEST, "INVALID_ITEM_REFERENCE", V1,
        "A stash write names details or families (a family upload: tags or a project) that are \
         malformed, not in the workspace, or not readable with your grants; `error.details` \
         lists them (only the malformed ones while there are any).",
        ApiError::InvalidItemReference(crate::error::ItemReferenceDetails {
            detail_ids: vec!["det-missing".into()],
            family_ids: vec![],
            ..Default::default()
        });
    InvalidToken: UNAUTHORIZED, "invalid_token", V1,
        "The bearer token is missing, malformed or expired (or sent in more than one \
         `Authorization` header), or its credential was revoked or regenerated. Get a new token.",
        ApiError::InvalidToken("Invalid or expired access token");
    InsufficientScope: FORBIDDEN, "insufficient_scope", V1,
        "The token is valid but holds no grant for this workspace, resource type and action; \
         `error.details` lists the filters it does hold here.",
        ApiError::InsufficientScope(Box::new(crate::error::ScopeDetails {
            required_action: "read",
            entity_type: "detail",
            entity_id: None,
            granted_filter_ids: vec!["flt-concrete-typical".into()],
            granted_filter_names: vec!["Concrete details (typical project)".into()],
        }));
    DownloadDisabled: FORBIDDEN, "DOWNLOAD_DISABLED", V1,
        "Downloads are turned off for this workspace (told only to callers who could otherwise \
         download the file).",
        ApiError::DownloadDisabled;
    NotFound: NOT_FOUND, "not_found", Any,
        "No such route or resource. A resource in another workspace or firm, or one your grants \
         don't cover, answers the same.",
        ApiError::NotFound;
    MethodNotAllowed: METHOD_NOT_ALLOWED, "method_not_allowed", Any,
        "The path exists, but not with this method; `Allow` lists the methods it takes.",
        ApiError::MethodNotAllowed { allow: "GET".into() };
    IdempotencyConflict: CONFLICT, "IDEMPOTENCY_CONFLICT", V1,
        "This `Idempotency-Key` was already used with a different request (another method, \
         path or body; bodies are compared byte for byte, no body counting as `{}`).",
        ApiError::IdempotencyConflict;
    StalePrecondition: CONFLICT, "stale_precondition", V1,
        "The stash or flag changed since the `ETag` sent in `If-Match`; read it again.",
        ApiError::StalePrecondition;
    CursorExpired: GONE, "cursor_expired", V1,
        "An events feed cursor older than the 30 days events are kept, or whose next events \
         are gone: rebuild the copy from a snapshot and follow its `events_cursor`.",
        ApiError::CursorExpired;
    LimitExceeded: CONFLICT, "limit_exceeded", V1,
        "The write would pass a cap: a detail holds at most 100 open flags, a credential at \
         most 16 webhook endpoints in a workspace. The message states the limit; resolve a \
         flag or delete an endpoint to make room.",
        crate::error::too_many_open_flags();
    TooManyRequests: TOO_MANY_REQUESTS, "too_many_requests", Any,
        "Over the rate limit: requests per sliding hour per credential on `/v1`, failed \
         attempts per client id and source IP (and per client id over all IPs) on `/oauth/token`, \
         a 4th export of one credential while 3 are queued or running, or a rate counter that \
         cannot be updated. The body is flat, not the `/v1` envelope; \
         wait `Retry-After` seconds.",
        ApiError::TooManyRequests { retry_after: 1234 };
    Internal: INTERNAL_SERVER_ERROR, "internal_error", Any,
        "On Pirros' side. Retry with backoff; quote the request id to support if it persists.",
        ApiError::internal("example");
    ServiceUnavailable: SERVICE_UNAVAILABLE, "service_unavailable", Any,
        "The API is switched off by its operator, or a dependency is briefly unavailable \
         (`Retry-After: 10`), or a write kept meeting other writers for a while \
         (`Retry-After: 1`: a `PATCH` without `If-Match` of the same resource for about a \
         second, each write that answered 200 landed once; a credential's webhook endpoint \
         creates; writes to one workspace's events feed for 5 seconds). Nothing of the \
         refused write was stored. Retry after `Retry-After` seconds.",
        ApiError::ServiceUnavailable("The API is temporarily disabled; retry later");
    OAuthInvalidRequest: BAD_REQUEST, "invalid_request", Token,
        "A missing parameter, a body that is neither JSON nor a form, a repeated form \
         parameter, credentials both in the body and in HTTP Basic, or malformed Basic \
         credentials.",
        ApiError::OAuthInvalidRequest("grant_type is required".into());
    InvalidClient: UNAUTHORIZED, "invalid_client", Token,
        "Unknown client, wrong secret or revoked credential: they are indistinguishable.",
        ApiError::InvalidClient;
    UnsupportedGrantType: BAD_REQUEST, "unsupported_grant_type", Token,
        "A `grant_type` other than `client_credentials`.",
        ApiError::UnsupportedGrantType;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_of_its_own_kind() {
        for kind in ErrorKind::ALL {
            let e = kind.example();
            assert_eq!(e.kind(), *kind);
            assert_eq!(e.code(), kind.code());
            assert_eq!(e.status(), kind.status());
        }
    }

    #[test]
    fn codes_are_unique_per_surface() {
        for a in ErrorKind::ALL {
            for b in ErrorKind::ALL {
                if a != b && a.code() == b.code() {
                    assert_ne!(a.surface(), b.surface(), "{a:?} {b:?}");
                    assert!(!matches!(a.surface(), Surface::Any));
                }
            }
        }
    }
}
