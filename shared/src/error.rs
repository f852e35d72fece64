//! The one error type of the API and its mapping to status, code and envelope.

use http::StatusCode;
use serde::Serialize;
use serde_json::{Value, json};

/// The `error.details` of a 403 `insufficient_scope` (the guide's shape).
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeDetails {
    /// `read`, `write` or `download`.
    #[schema(value_type = String, example = "read")]
    pub required_action: &'static str,
    /// `detail`, `family`, `stash` or `tag`.
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

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    InvalidRequest {
        message: String,
        details: Option<Value>,
    },
    #[error("{0}")]
    InvalidIncludeParam(String),
    #[error("Some referenced items do not exist in this workspace or are not readable")]
    InvalidItemReference {
        detail_ids: Vec<String>,
        family_ids: Vec<String>,
    },
    #[error("{0}")]
    InvalidToken(&'static str),
    #[error("Token has no eligible filter for this resource")]
    InsufficientScope(Box<ScopeDetails>),
    #[error("Downloads are disabled for this workspace")]
    DownloadDisabled,
    #[error("Resource not found")]
    NotFound,
    #[error("Method not allowed")]
    MethodNotAllowed { allow: &'static str },
    #[error("Idempotency-Key was already used with a different request")]
    IdempotencyConflict,
    #[error("The stash changed since it was last read")]
    StalePrecondition,
    #[error("Rate limit exceeded. Please retry after the indicated time.")]
    TooManyRequests { retry_after: u64 },
    #[error("{0}")]
    ServiceUnavailable(&'static str),
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
            details: Some(json!({ "field": field })),
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidRequest { .. }
            | Self::InvalidIncludeParam(_)
            | Self::InvalidItemReference { .. }
            | Self::OAuthInvalidRequest(_)
            | Self::UnsupportedGrantType => StatusCode::BAD_REQUEST,
            Self::InvalidToken(_) | Self::InvalidClient => StatusCode::UNAUTHORIZED,
            Self::InsufficientScope(_) | Self::DownloadDisabled => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::IdempotencyConflict | Self::StalePrecondition => StatusCode::CONFLICT,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::ServiceUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest { .. } | Self::OAuthInvalidRequest(_) => "invalid_request",
            Self::InvalidIncludeParam(_) => "invalid_include_param",
            Self::InvalidItemReference { .. } => "INVALID_ITEM_REFERENCE",
            Self::InvalidToken(_) => "invalid_token",
            Self::InsufficientScope(_) => "insufficient_scope",
            Self::DownloadDisabled => "DOWNLOAD_DISABLED",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::IdempotencyConflict => "IDEMPOTENCY_CONFLICT",
            Self::StalePrecondition => "stale_precondition",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::ServiceUnavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
            Self::InvalidClient => "invalid_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
        }
    }

    /// What the client is told. Internal causes stay in the logs.
    pub fn public_message(&self) -> String {
        self.to_string()
    }

    pub fn details(&self) -> Option<Value> {
        match self {
            Self::InvalidRequest { details, .. } => details.clone(),
            Self::InsufficientScope(d) => serde_json::to_value(d).ok(),
            Self::InvalidItemReference {
                detail_ids,
                family_ids,
            } => Some(json!({ "detail_ids": detail_ids, "family_ids": family_ids })),
            _ => None,
        }
    }

    /// The `/v1` envelope: `{error: {code, message, details?}, meta: {request_id}}`,
    /// except 429, which is flat everywhere (the guide's one exception).
    pub fn v1_body(&self, request_id: &str) -> Value {
        if let Self::TooManyRequests { retry_after } = self {
            return flat_429(*retry_after, request_id);
        }
        let mut error = json!({ "code": self.code(), "message": self.public_message() });
        if let Some(d) = self.details() {
            error["details"] = d;
        }
        json!({ "error": error, "meta": { "request_id": request_id } })
    }

    /// RFC 6749's flat shape for `/oauth/*`.
    pub fn oauth_body(&self, request_id: &str) -> Value {
        if let Self::TooManyRequests { retry_after } = self {
            return flat_429(*retry_after, request_id);
        }
        json!({
            "error": self.code(),
            "error_description": self.public_message(),
            "request_id": request_id,
        })
    }
}

fn flat_429(retry_after: u64, request_id: &str) -> Value {
    json!({
        "error": "too_many_requests",
        "error_description": "Rate limit exceeded. Please retry after the indicated time.",
        "retry_after": retry_after,
        "request_id": request_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_causes_are_not_shown() {
        let e = ApiError::internal("dynamodb: secret table name");
        let body = e.v1_body("r1");
        assert_eq!(body["error"]["message"], "Internal error");
        assert_eq!(body["error"]["code"], "internal_error");
    }

    #[test]
    fn too_many_requests_is_flat_in_both_flavours() {
        let e = ApiError::TooManyRequests { retry_after: 7 };
        assert_eq!(e.v1_body("r"), e.oauth_body("r"));
        assert_eq!(e.v1_body("r")["retry_after"], 7);
    }
}
