//! What the OpenAPI document (`functions/docs`) says about the wire format, in one place:
//! the envelopes, the error responses each status can carry, the path parameters and the
//! headers. The handlers' `#[utoipa::path]` annotations refer to these; nothing here runs
//! on a request. The JSON the handlers build must keep matching them (schemathesis checks
//! that against `pirros-local` in `infra/scripts/fuzz.sh`).

use crate::model::{Detail, Family, Project, Stash, Tag};
use std::collections::BTreeMap;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, Type};
use utoipa::openapi::{KnownFormat, Ref, RefOr, SchemaFormat};
use utoipa::{IntoParams, ToResponse, ToSchema};

/// The security scheme every `/v1` operation requires (OAuth 2.0 client credentials).
pub const OAUTH2: &str = "oauth2";
/// HTTP Basic client authentication, accepted by `/oauth/token` instead of body credentials.
pub const CLIENT_BASIC: &str = "clientBasic";

/// What `ResourceId::parse` accepts (`ids::is_plain_id`).
pub const ID_PATTERN: &str = "^[A-Za-z0-9._:-]{1,128}$";

// ---------------------------------------------------------------------------------------
// Path parameters.

/// `{ws}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WorkspacePath {
    /// A workspace UUID (hyphenated) your credentials were granted. Anything else is 400
    /// `invalid_request`.
    #[param(format = Uuid, example = "3f0c2a9e-7b1d-4c55-9e2a-5d6f1b2c3a40")]
    pub ws: String,
}

/// `{ws}` and `{id}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ResourcePath {
    /// A workspace UUID (hyphenated) your credentials were granted. Anything else is 400
    /// `invalid_request`.
    #[param(format = Uuid, example = "3f0c2a9e-7b1d-4c55-9e2a-5d6f1b2c3a40")]
    pub ws: String,
    /// The resource id: 1 to 128 characters of `A-Z a-z 0-9 . _ : -`. Any other value
    /// cannot exist and is 404 `not_found`.
    #[param(pattern = "^[A-Za-z0-9._:-]{1,128}$")]
    pub id: String,
}

/// `{ws}` and `{detailId}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DetailPath {
    /// A workspace UUID (hyphenated) your credentials were granted. Anything else is 400
    /// `invalid_request`.
    #[param(format = Uuid, example = "3f0c2a9e-7b1d-4c55-9e2a-5d6f1b2c3a40")]
    pub ws: String,
    /// The detail id: 1 to 128 characters of `A-Z a-z 0-9 . _ : -`. Any other value cannot
    /// exist and is 404 `not_found`.
    #[param(rename = "detailId", pattern = "^[A-Za-z0-9._:-]{1,128}$")]
    pub detail_id: String,
}

// ---------------------------------------------------------------------------------------
// Success envelopes.

/// `meta` of every `/v1` answer.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The same value as the `X-Request-Id` header; quote it to support.
    #[schema(format = Uuid)]
    pub request_id: String,
}

/// `expanded` where nothing can be expanded: always `{}`.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoExpansions {}

/// Related objects asked for with `include`, keyed by id, only those the caller may read.
/// A key is present only when `include` named it.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Expanded {
    /// With `include=tags`: the referenced tags.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, Tag>,
    /// With `include=project`: the referenced projects.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub projects: BTreeMap<String, Project>,
}

/// Every tag the caller may read, by name, in one page (at most 500).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagList {
    pub data: Vec<Tag>,
    /// Always `null`: tags are never paged.
    #[schema(required, value_type = Option<String>)]
    pub next_cursor: Option<String>,
    pub expanded: NoExpansions,
}

/// One page of details, newest first.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetailList {
    pub data: Vec<Detail>,
    /// Pass it back as `cursor` for the next page; `null` on the last page.
    #[schema(required)]
    pub next_cursor: Option<String>,
    pub expanded: Expanded,
}

/// A family with how alike it is to the one asked about.
#[derive(ToSchema)]
pub struct ScoredFamily {
    #[serde(flatten)]
    pub family: Family,
    /// 0 (nothing in common) to 1, four decimals.
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub score: f64,
}

/// The most similar families, by descending `score`.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimilarFamilyList {
    pub data: Vec<ScoredFamily>,
    /// Always `null`: one page.
    #[schema(required)]
    pub next_cursor: Option<String>,
    pub expanded: Expanded,
}

/// A detail and what `include` expanded.
#[derive(ToSchema)]
pub struct DetailWithExpanded {
    #[serde(flatten)]
    pub detail: Detail,
    pub expanded: Expanded,
}

/// A family and what `include` expanded.
#[derive(ToSchema)]
pub struct FamilyWithExpanded {
    #[serde(flatten)]
    pub family: Family,
    pub expanded: Expanded,
}

/// A stash (`expanded` is always `{}`).
#[derive(ToSchema)]
pub struct StashWithExpanded {
    #[serde(flatten)]
    pub stash: Stash,
    pub expanded: NoExpansions,
}

/// Where to fetch a file. Fetch it yourself; the API never redirects.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Download {
    /// RVT and RFA: a signed URL that stops working at `expires_at`. PDF: a public URL.
    #[schema(format = "uri")]
    pub download_url: String,
    /// When `download_url` stops working (RVT and RFA, ~15 minutes out); `null` for PDFs.
    #[schema(required, value_type = Option<String>, format = DateTime, example = "2026-06-04T12:15:00.000Z")]
    pub expires_at: Option<String>,
    pub expanded: NoExpansions,
}

macro_rules! envelope {
    ($(#[$doc:meta])* $name:ident($payload:ty)) => {
        $(#[$doc])*
        #[derive(ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            pub response: $payload,
            pub meta: Meta,
        }
    };
}

envelope!(
    /// `{response: {data, next_cursor, expanded}, meta}`.
    TagListEnvelope(TagList)
);
envelope!(
    /// `{response: {data, next_cursor, expanded}, meta}`.
    DetailListEnvelope(DetailList)
);
envelope!(
    /// `{response: {data, next_cursor, expanded}, meta}`; each item carries `score`.
    SimilarFamilyListEnvelope(SimilarFamilyList)
);
envelope!(
    /// `{response: {...detail, expanded}, meta}`.
    DetailEnvelope(DetailWithExpanded)
);
envelope!(
    /// `{response: {...family, expanded}, meta}`.
    FamilyEnvelope(FamilyWithExpanded)
);
envelope!(
    /// `{response: {...stash, expanded}, meta}`.
    StashEnvelope(StashWithExpanded)
);
envelope!(
    /// `{response: {download_url, expires_at, expanded}, meta}`.
    DownloadEnvelope(Download)
);

// ---------------------------------------------------------------------------------------
// Error details.

/// `error.details` of 400 `invalid_request`: the parameter, header or body field at fault.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDetails {
    pub field: String,
}

/// `error.details` of 400 `INVALID_ITEM_REFERENCE`: the ids that are malformed, missing
/// from the workspace, or not readable with your grants.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemReferenceDetails {
    pub detail_ids: Vec<String>,
    pub family_ids: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// Error responses, one component per status and set of codes.

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// `additionalProperties: false`.
fn closed() -> AdditionalProperties<Schema> {
    AdditionalProperties::FreeForm(false)
}

fn schema_ref(name: &str) -> RefOr<Schema> {
    Ref::from_schema_name(name).into()
}

fn uuid_string() -> ObjectBuilder {
    string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
}

fn header(description: &str, integer: bool) -> utoipa::openapi::header::Header {
    let schema = if integer {
        ObjectBuilder::new().schema_type(Type::Integer)
    } else {
        string()
    };
    HeaderBuilder::new()
        .schema(schema)
        .description(Some(description))
        .build()
}

/// Header names, as documented.
pub mod headers {
    pub const REQUEST_ID: &str = "X-Request-Id";
    pub const RATE_LIMIT: &str = "X-RateLimit-Limit";
    pub const RATE_REMAINING: &str = "X-RateLimit-Remaining";
    pub const RATE_RESET: &str = "X-RateLimit-Reset";
    pub const RETRY_AFTER: &str = "Retry-After";
    pub const ETAG: &str = "ETag";
    pub const IDEMPOTENT_REPLAYED: &str = "Idempotent-Replayed";
    pub const ALLOW: &str = "Allow";
    pub const WWW_AUTHENTICATE: &str = "WWW-Authenticate";
}

/// The header every response carries.
pub fn request_id_header() -> utoipa::openapi::header::Header {
    header(
        "The request's id, the same as `request_id` in the body; quote it to support.",
        false,
    )
}

/// The `X-RateLimit-*` headers of an authenticated `/v1` response.
pub fn rate_limit_headers() -> Vec<(&'static str, utoipa::openapi::header::Header)> {
    vec![
        (
            headers::RATE_LIMIT,
            header("Requests allowed per hour for this credential.", true),
        ),
        (
            headers::RATE_REMAINING,
            header(
                "Requests left now. The hour slides: requests of the previous window still \
                count in proportion to how much of it the last hour covers.",
                true,
            ),
        ),
        (
            headers::RATE_RESET,
            header("When the current window ends, in Unix seconds.", true),
        ),
    ]
}

/// The `/v1` error envelope whose `error.code` is one of `codes`.
fn v1_error_schema(codes: &[&str], details: Option<RefOr<Schema>>) -> Schema {
    let mut error = ObjectBuilder::new()
        .property(
            "code",
            string()
                .enum_values(Some(codes.iter().copied()))
                .description(Some(
                    "Machine-readable; one of the values listed for this status.",
                )),
        )
        .required("code")
        .property(
            "message",
            string().description(Some("Human-readable; may change.")),
        )
        .required("message")
        .additional_properties(Some(closed()));
    if let Some(d) = details {
        error = error.property("details", d);
    }
    ObjectBuilder::new()
        .property("error", error)
        .required("error")
        .property("meta", schema_ref("Meta"))
        .required("meta")
        .additional_properties(Some(closed()))
        .into()
}

/// RFC 6749's flat error body of `/oauth/token`.
fn oauth_error_schema(codes: &[&str]) -> Schema {
    ObjectBuilder::new()
        .property("error", string().enum_values(Some(codes.iter().copied())))
        .required("error")
        .property("error_description", string())
        .required("error_description")
        .property("request_id", uuid_string())
        .required("request_id")
        .additional_properties(Some(closed()))
        .into()
}

/// The flat 429 body, the same on every route (the guide's one exception).
fn too_many_requests_schema() -> Schema {
    ObjectBuilder::new()
        .property("error", string().enum_values(Some(["too_many_requests"])))
        .required("error")
        .property("error_description", string())
        .required("error_description")
        .property(
            "retry_after",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .description(Some("Seconds to wait; the same as `Retry-After`.")),
        )
        .required("retry_after")
        .property("request_id", uuid_string())
        .required("request_id")
        .additional_properties(Some(closed()))
        .into()
}

struct ErrorSpec<'a> {
    description: &'a str,
    schema: Schema,
    example: serde_json::Value,
    /// `/v1` responses carry the rate-limit headers once the token was accepted.
    v1: bool,
    extra_headers: Vec<(&'a str, utoipa::openapi::header::Header)>,
}

fn error_response(spec: ErrorSpec<'_>) -> RefOr<Response> {
    let mut b = ResponseBuilder::new()
        .description(spec.description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(spec.schema))
                .example(Some(spec.example))
                .build(),
        )
        .header(headers::REQUEST_ID, request_id_header());
    if spec.v1 {
        for (name, h) in rate_limit_headers() {
            b = b.header(name, h);
        }
    }
    for (name, h) in spec.extra_headers {
        b = b.header(name, h);
    }
    b.build().into()
}

const RID: &str = "8e1a3c4f-5b6d-4e7f-8a9b-0c1d2e3f4a5b";

fn v1_example(code: &str, message: &str, details: Option<serde_json::Value>) -> serde_json::Value {
    let mut error = serde_json::json!({ "code": code, "message": message });
    if let Some(d) = details {
        error["details"] = d;
    }
    serde_json::json!({ "error": error, "meta": { "request_id": RID } })
}

fn field_details() -> RefOr<Schema> {
    schema_ref("FieldDetails")
}

macro_rules! response_component {
    ($(#[$doc:meta])* $name:ident => $build:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl<'r> ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                (stringify!($name), $build)
            }
        }
    };
}

response_component!(
    /// 400 `invalid_request` only.
    BadRequest => error_response(ErrorSpec {
        description: "`invalid_request`: a malformed workspace id, an unknown or repeated \
            query parameter, or a parameter out of range. `error.details.field` names it.",
        schema: v1_error_schema(&["invalid_request"], Some(field_details())),
        example: v1_example(
            "invalid_request",
            "workspaceId must be a workspace UUID",
            Some(serde_json::json!({ "field": "workspaceId" })),
        ),
        v1: true,
        extra_headers: vec![],
    })
);

response_component!(
    /// 400 `invalid_request` or `invalid_include_param`.
    BadRequestInclude => error_response(ErrorSpec {
        description: "`invalid_request` (a malformed workspace id, an unknown or repeated \
            query parameter, a value out of range; `error.details.field` names it) or \
            `invalid_include_param` (an `include` value other than `tags` and `project`).",
        schema: v1_error_schema(
            &["invalid_request", "invalid_include_param"],
            Some(field_details()),
        ),
        example: v1_example(
            "invalid_include_param",
            "Unknown include value \"owner\"; allowed: tags, project",
            None,
        ),
        v1: true,
        extra_headers: vec![],
    })
);

response_component!(
    /// 400 on stash writes: `invalid_request` or `INVALID_ITEM_REFERENCE`.
    BadRequestWrite => error_response(ErrorSpec {
        description: "`invalid_request` (the body is not JSON, not `application/json`, has \
            an unknown or missing field, a value out of range, or a bad `Idempotency-Key` or \
            `If-Match`; `error.details.field` names it) or `INVALID_ITEM_REFERENCE` (ids in \
            `item_ids` that are malformed, not in the workspace, or not readable; listed in \
            `error.details`).",
        schema: v1_error_schema(
            &["invalid_request", "INVALID_ITEM_REFERENCE"],
            Some(RefOr::T(Schema::OneOf(
                utoipa::openapi::schema::OneOfBuilder::new()
                    .item(field_details())
                    .item(schema_ref("ItemReferenceDetails"))
                    .build(),
            ))),
        ),
        example: v1_example(
            "INVALID_ITEM_REFERENCE",
            "Some referenced items do not exist in this workspace or are not readable",
            Some(serde_json::json!({ "detail_ids": ["det-missing"], "family_ids": [] })),
        ),
        v1: true,
        extra_headers: vec![],
    })
);

response_component!(
    /// 401 `invalid_token`.
    Unauthorized => error_response(ErrorSpec {
        description: "`invalid_token`: the bearer token is missing, malformed, expired, or \
            its credential was revoked or regenerated. Get a new token.",
        schema: v1_error_schema(&["invalid_token"], None),
        example: v1_example("invalid_token", "Invalid or expired access token", None),
        v1: false,
        extra_headers: vec![(
            headers::WWW_AUTHENTICATE,
            header("`Bearer error=\"invalid_token\"`.", false),
        )],
    })
);

response_component!(
    /// 403 `insufficient_scope`.
    Forbidden => error_response(ErrorSpec {
        description: "`insufficient_scope`: the token is valid but holds no grant for this \
            workspace, resource type and action. `error.details` lists the filters it does \
            hold here.",
        schema: v1_error_schema(&["insufficient_scope"], Some(schema_ref("ScopeDetails"))),
        example: v1_example(
            "insufficient_scope",
            "Token has no eligible filter for this resource",
            Some(serde_json::json!({
                "required_action": "read",
                "entity_type": "detail",
                "granted_filter_ids": ["flt-concrete-typical"],
                "granted_filter_names": ["Concrete details (typical project)"],
            })),
        ),
        v1: true,
        extra_headers: vec![],
    })
);

response_component!(
    /// 403 `DOWNLOAD_DISABLED`.
    DownloadDisabled => error_response(ErrorSpec {
        description: "`DOWNLOAD_DISABLED`: downloads are turned off for this workspace (told \
            only to callers who could otherwise download the file).",
        schema: v1_error_schema(&["DOWNLOAD_DISABLED"], None),
        example: v1_example("DOWNLOAD_DISABLED", "Downloads are disabled for this workspace", None),
        v1: true,
        extra_headers: vec![],
    })
);

response_component!(
    /// 404 `not_found`.
    NotFound => error_response(ErrorSpec {
        description: "`not_found`: no such resource (or route), or one in another \
            workspace or firm, or one your grants don't cover: all answer the same.",
        schema: v1_error_schema(&["not_found"], None),
        example: v1_example("not_found", "Resource not found", None),
        v1: true,
        extra_headers: vec![],
    })
);

response_component!(
    /// 405 `method_not_allowed`.
    MethodNotAllowed => error_response(ErrorSpec {
        description: "`method_not_allowed`: the path exists, but not with this method; \
            `Allow` lists the methods it takes.",
        schema: v1_error_schema(&["method_not_allowed"], None),
        example: v1_example("method_not_allowed", "Method not allowed", None),
        v1: false,
        extra_headers: vec![(headers::ALLOW, header("The methods this path takes.", false))],
    })
);

response_component!(
    /// 409 on create: `IDEMPOTENCY_CONFLICT`.
    CreateConflict => error_response(ErrorSpec {
        description: "`IDEMPOTENCY_CONFLICT`: this `Idempotency-Key` was already used with a \
            different request.",
        schema: v1_error_schema(&["IDEMPOTENCY_CONFLICT"], None),
        example: v1_example(
            "IDEMPOTENCY_CONFLICT",
            "Idempotency-Key was already used with a different request",
            None,
        ),
        v1: true,
        extra_headers: vec![],
    })
);

response_component!(
    /// 409 on update: `IDEMPOTENCY_CONFLICT` or `stale_precondition`.
    UpdateConflict => error_response(ErrorSpec {
        description: "`IDEMPOTENCY_CONFLICT` (this `Idempotency-Key` was already used with a \
            different request) or `stale_precondition` (the stash changed since the `ETag` \
            sent in `If-Match`; read it again).",
        schema: v1_error_schema(&["IDEMPOTENCY_CONFLICT", "stale_precondition"], None),
        example: v1_example("stale_precondition", "The stash changed since it was last read", None),
        v1: true,
        extra_headers: vec![],
    })
);

fn retry_after_header() -> utoipa::openapi::header::Header {
    header("Seconds to wait before retrying.", true)
}

fn too_many_requests(v1: bool) -> RefOr<Response> {
    error_response(ErrorSpec {
        description: "Over the rate limit. The body is flat (not the `/v1` envelope). \
            Wait `Retry-After` seconds.",
        schema: too_many_requests_schema(),
        example: serde_json::json!({
            "error": "too_many_requests",
            "error_description": "Rate limit exceeded. Please retry after the indicated time.",
            "retry_after": 1234,
            "request_id": RID,
        }),
        v1,
        extra_headers: vec![(headers::RETRY_AFTER, retry_after_header())],
    })
}

response_component!(
    /// 429 of `/v1`: 1,000 requests per hour per credential (a sliding hour).
    TooManyRequests => too_many_requests(true)
);

response_component!(
    /// 500 `internal_error`.
    InternalError => error_response(ErrorSpec {
        description: "`internal_error`: on Pirros' side. Retry with backoff; quote the \
            request id to support if it persists.",
        schema: v1_error_schema(&["internal_error"], None),
        example: v1_example("internal_error", "Internal error", None),
        v1: true,
        extra_headers: vec![],
    })
);

response_component!(
    /// 503 `service_unavailable`.
    ServiceUnavailable => error_response(ErrorSpec {
        description: "`service_unavailable`: the API is switched off by its operator, or a \
            dependency is briefly unavailable. Retry after `Retry-After` seconds.",
        schema: v1_error_schema(&["service_unavailable"], None),
        example: v1_example(
            "service_unavailable",
            "The API is temporarily disabled; retry later",
            None,
        ),
        v1: true,
        extra_headers: vec![(headers::RETRY_AFTER, retry_after_header())],
    })
);

// /oauth/token: RFC 6749's flat shape.

fn oauth_example(code: &str, description: &str) -> serde_json::Value {
    serde_json::json!({ "error": code, "error_description": description, "request_id": RID })
}

response_component!(
    /// 400 of `/oauth/token`.
    TokenBadRequest => error_response(ErrorSpec {
        description: "`invalid_request` (a missing parameter, a body that is not JSON or a \
            form, credentials both in the body and in HTTP Basic, an `Authorization` header \
            other than Basic) or `unsupported_grant_type` (anything but \
            `client_credentials`).",
        schema: oauth_error_schema(&["invalid_request", "unsupported_grant_type"]),
        example: oauth_example("invalid_request", "grant_type is required"),
        v1: false,
        extra_headers: vec![],
    })
);

response_component!(
    /// 401 of `/oauth/token`.
    TokenUnauthorized => error_response(ErrorSpec {
        description: "`invalid_client`: unknown client, wrong secret or revoked credential \
            (indistinguishable).",
        schema: oauth_error_schema(&["invalid_client"]),
        example: oauth_example("invalid_client", "Client authentication failed"),
        v1: false,
        extra_headers: vec![(
            headers::WWW_AUTHENTICATE,
            header("`Basic realm=\"pirros\"`.", false),
        )],
    })
);

response_component!(
    /// 405 of `/oauth/token`.
    TokenMethodNotAllowed => error_response(ErrorSpec {
        description: "`method_not_allowed`: only POST.",
        schema: oauth_error_schema(&["method_not_allowed"]),
        example: oauth_example("method_not_allowed", "Method not allowed"),
        v1: false,
        extra_headers: vec![(headers::ALLOW, header("`POST`.", false))],
    })
);

response_component!(
    /// 429 of `/oauth/token`: 5 attempts per 15 minutes per client id and source IP, 25 per
    /// client id over all IPs.
    TokenTooManyRequests => too_many_requests(false)
);

response_component!(
    /// 500 of `/oauth/token`.
    TokenInternalError => error_response(ErrorSpec {
        description: "`internal_error`: on Pirros' side. Retry with backoff.",
        schema: oauth_error_schema(&["internal_error"]),
        example: oauth_example("internal_error", "Internal error"),
        v1: false,
        extra_headers: vec![],
    })
);

response_component!(
    /// 503 of `/oauth/token`.
    TokenServiceUnavailable => error_response(ErrorSpec {
        description: "`service_unavailable`: a dependency is briefly unavailable. Retry \
            after `Retry-After` seconds.",
        schema: oauth_error_schema(&["service_unavailable"]),
        example: oauth_example(
            "service_unavailable",
            "A dependency is temporarily unavailable; retry later",
        ),
        v1: false,
        extra_headers: vec![(headers::RETRY_AFTER, retry_after_header())],
    })
);

/// A value of the `include` query parameter.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum IncludeValue {
    /// `response.expanded.tags`: the referenced tags you may read.
    Tags,
    /// `response.expanded.projects`: the referenced projects.
    Project,
}
