//! The one error type of the API and its mapping to status, code and body (the catalogue in
//! `catalogue.rs` says which codes exist and when they happen).

pub use crate::catalogue::ErrorKind;
use crate::response::Meta;
use http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

/// The `error.details` of a 403 `insufficient_scope`.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeDetails {
    /// `read`, `write` or `download`.
    #[schema(value_type = String, example = "read")]
    pub required_action: &'static str,
    /// `detail`, `family`, `stash` or `tag`; `project` on the projects list, which any
    /// read grant opens.
    #[schema(value_type = String, example = "detail")]
    pub entity_type: &'static str,
    /// The resource asked about, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub entity_id: Option<String>,
    /// The filters your credential holds for this workspace (any action).
    pub granted_filter_ids: Vec<String>,
    pub granted_filter_names: Vec<String>,
}

/// `error.details` of 400 `invalid_request`: the parameter, header or body field at fault.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDetails {
    pub field: String,
}

/// `error.details` of 400 `INVALID_ITEM_REFERENCE`: the ids that are malformed, missing
/// from the workspace, or not readable with your grants.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemReferenceDetails {
    pub detail_ids: Vec<String>,
    pub family_ids: Vec<String>,
    /// Tags of a family upload that are not in the workspace or not readable (present only
    /// then).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag_ids: Vec<String>,
    /// The project of a family upload, when it is not one of the workspace's (present only
    /// then).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub project_ids: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    InvalidRequest {
        message: String,
        details: Option<FieldDetails>,
    },
    #[error("{0}")]
    InvalidIncludeParam(String),
    #[error("Some referenced items do not exist in this workspace or are not readable")]
    InvalidItemReference(ItemReferenceDetails),
    #[error("{0}")]
    InvalidToken(&'static str),
    #[error("Token has no eligible filter for this resource")]
    InsufficientScope(Box<ScopeDetails>),
    #[error("Downloads are disabled for this workspace")]
    DownloadDisabled,
    #[error("Resource not found")]
    NotFound,
    #[error("Method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("Idempotency-Key was already used with a different request")]
    IdempotencyConflict,
    #[error("The resource changed since it was last read")]
    StalePrecondition,
    #[error("The events after this cursor are no longer kept (30 days); rebuild from a snapshot")]
    CursorExpired,
    /// A cap on what one resource holds; the message states the limit.
    #[error("{0}")]
    LimitExceeded(String),
    #[error("Rate limit exceeded. Please retry after the indicated time.")]
    TooManyRequests { retry_after: u64 },
    #[error("{0}")]
    ServiceUnavailable(&'static str),
    /// Other writers to the same resource kept coming first: 503 like the above, but worth
    /// trying again within a second, not ten.
    #[error("{0}")]
    Contended(&'static str),
    #[error("Internal error")]
    Internal(String),
    // RFC 6749 token-endpoint errors.
    #[error("{0}")]
    OAuthInvalidRequest(String),
    #[error("Client authentication failed")]
    InvalidClient,
    #[error("Only grant_type=client_credentials is supported")]
    UnsupportedGrantType,
}

/// The shape errors take: the `/v1` envelope or RFC 6749's flat one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    V1,
    OAuth,
}

impl ApiError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
            details: None,
        }
    }

    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
            details: Some(FieldDetails {
                field: field.to_owned(),
            }),
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidRequest { .. } => ErrorKind::InvalidRequest,
            Self::InvalidIncludeParam(_) => ErrorKind::InvalidIncludeParam,
            Self::InvalidItemReference(_) => ErrorKind::InvalidItemReference,
            Self::InvalidToken(_) => ErrorKind::InvalidToken,
            Self::InsufficientScope(_) => ErrorKind::InsufficientScope,
            Self::DownloadDisabled => ErrorKind::DownloadDisabled,
            Self::NotFound => ErrorKind::NotFound,
            Self::MethodNotAllowed { .. } => ErrorKind::MethodNotAllowed,
            Self::IdempotencyConflict => ErrorKind::IdempotencyConflict,
            Self::StalePrecondition => ErrorKind::StalePrecondition,
            Self::CursorExpired => ErrorKind::CursorExpired,
            Self::LimitExceeded(_) => ErrorKind::LimitExceeded,
            Self::TooManyRequests { .. } => ErrorKind::TooManyRequests,
            Self::ServiceUnavailable(_) | Self::Contended(_) => ErrorKind::ServiceUnavailable,
            Self::Internal(_) => ErrorKind::Internal,
            Self::OAuthInvalidRequest(_) => ErrorKind::OAuthInvalidRequest,
            Self::InvalidClient => ErrorKind::InvalidClient,
            Self::UnsupportedGrantType => ErrorKind::UnsupportedGrantType,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.kind().status()
    }

    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    fn details(&self) -> Option<Details<'_>> {
        match self {
            Self::InvalidRequest { details, .. } => details.as_ref().map(Details::Field),
            Self::InsufficientScope(d) => Some(Details::Scope(d)),
            Self::InvalidItemReference(d) => Some(Details::ItemReference(d)),
            _ => None,
        }
    }

    /// The body as it goes on the wire. 429 is flat in both flavours (the API's one
    /// exception to its `/v1` envelope).
    pub fn body(&self, flavor: Flavor, request_id: &str) -> String {
        let message = Message(self);
        let written = match (self, flavor) {
            (Self::TooManyRequests { retry_after }, _) => serde_json::to_string(&FlatTooMany {
                error: self.code(),
                error_description: message,
                retry_after: *retry_after,
                request_id,
            }),
            (_, Flavor::V1) => serde_json::to_string(&V1Error {
                error: ErrorObject {
                    code: self.code(),
                    message,
                    details: self.details(),
                },
                meta: Meta { request_id },
            }),
            (_, Flavor::OAuth) => serde_json::to_string(&OAuthError {
                error: self.code(),
                error_description: message,
                request_id,
            }),
        };
        written.expect("error bodies are plain structs")
    }
}

/// What the client is told: the error's display. Internal causes stay in the logs.
struct Message<'a>(&'a ApiError);

impl Serialize for Message<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Details<'a> {
    Field(&'a FieldDetails),
    Scope(&'a ScopeDetails),
    ItemReference(&'a ItemReferenceDetails),
}

/// `{error: {code, message, details?}, meta: {request_id}}`.
#[derive(Serialize)]
struct V1Error<'a> {
    error: ErrorObject<'a>,
    meta: Meta<'a>,
}

#[derive(Serialize)]
struct ErrorObject<'a> {
    code: &'static str,
    message: Message<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<Details<'a>>,
}

/// RFC 6749 §5.2, plus the request id.
#[derive(Serialize)]
struct OAuthError<'a> {
    error: &'static str,
    error_description: Message<'a>,
    request_id: &'a str,
}

#[derive(Serialize)]
struct FlatTooMany<'a> {
    error: &'static str,
    error_description: Message<'a>,
    retry_after: u64,
    request_id: &'a str,
}

/// The 409 of a detail at `flags::MAX_OPEN_FLAGS`, stating the limit.
pub fn too_many_open_flags() -> ApiError {
    ApiError::LimitExceeded(format!(
        "A detail holds at most {} open flags; resolve one before flagging it again",
        crate::flags::MAX_OPEN_FLAGS
    ))
}

impl From<crate::objects::ObjectError> for ApiError {
    fn from(e: crate::objects::ObjectError) -> Self {
        match e {
            crate::objects::ObjectError::NotConfigured => {
                ApiError::ServiceUnavailable("File uploads are not configured")
            }
            other => {
                tracing::error!(error = %other, "object storage failed");
                ApiError::ServiceUnavailable("A dependency is temporarily unavailable; retry later")
            }
        }
    }
}

impl From<crate::files::SignError> for ApiError {
    fn from(e: crate::files::SignError) -> Self {
        match e {
            crate::files::SignError::NotConfigured => {
                ApiError::ServiceUnavailable("File downloads are not configured")
            }
            crate::files::SignError::Failed(message) => ApiError::internal(message),
        }
    }
}

impl From<crate::pagination::BadCursor> for ApiError {
    fn from(e: crate::pagination::BadCursor) -> Self {
        ApiError::invalid_field("cursor", e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn parsed(e: &ApiError, flavor: Flavor) -> Value {
        serde_json::from_str(&e.body(flavor, "r1")).unwrap()
    }

    #[test]
    fn internal_causes_are_not_shown() {
        let e = ApiError::internal("dynamodb: secret table name");
        let body = parsed(&e, Flavor::V1);
        assert_eq!(body["error"]["message"], "Internal error");
        assert_eq!(body["error"]["code"], "internal_error");
        assert_eq!(body["meta"]["request_id"], "r1");
    }

    #[test]
    fn too_many_requests_is_flat_in_both_flavours() {
        let e = ApiError::TooManyRequests { retry_after: 7 };
        assert_eq!(e.body(Flavor::V1, "r"), e.body(Flavor::OAuth, "r"));
        assert_eq!(
            e.body(Flavor::V1, "r"),
            r#"{"error":"too_many_requests","error_description":"Rate limit exceeded. Please retry after the indicated time.","retry_after":7,"request_id":"r"}"#
        );
    }

    #[test]
    fn details_are_present_only_where_there_are_some() {
        let body = parsed(&ApiError::invalid_field("limit", "bad"), Flavor::V1);
        assert_eq!(body["error"]["details"]["field"], "limit");
        let body = parsed(&ApiError::invalid("bad"), Flavor::V1);
        assert!(body["error"].get("details").is_none());
        let body = parsed(&ApiError::UnsupportedGrantType, Flavor::OAuth);
        assert_eq!(body["error"], "unsupported_grant_type");
        assert_eq!(body["request_id"], "r1");
    }
}
