//! What the OpenAPI document (`functions/docs`) says beyond the payload types: the path
//! parameters, and the error responses of each operation, made from the error catalogue
//! and from the very code that answers errors. Nothing here runs on a request.

use crate::catalogue::ErrorKind;
use crate::error::{FieldDetails, Flavor, ItemReferenceDetails, ScopeDetails};
use crate::headers::{self, shown};
use crate::response::{self, Meta};
use http::HeaderName;
use std::collections::BTreeMap;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{KnownFormat, Ref, RefOr, Required, SchemaFormat};
use utoipa::{IntoParams, ToSchema};

/// The security scheme every `/v1` operation requires (OAuth 2.0 client credentials).
pub const OAUTH2: &str = "oauth2";
/// HTTP Basic client authentication, accepted by `/oauth/token` instead of body credentials.
pub const CLIENT_BASIC: &str = "clientBasic";

/// The extension an error response carries until `functions/docs` moves it into
/// `components.responses` under the name it gives (operations share them).
pub const COMPONENT_EXTENSION: &str = "x-pirros-component";

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
    /// The resource id: 1 to 128 characters of `A-Z a-z 0-9 . _ : -`, not `.` or `..`. Any other value
    /// cannot exist and is 404 `not_found`.
    #[param(
        pattern = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$"
    )]
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
    /// The detail id: 1 to 128 characters of `A-Z a-z 0-9 . _ : -`, not `.` or `..`. Any other value cannot
    /// exist and is 404 `not_found`.
    #[param(
        rename = "detailId",
        pattern = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$"
    )]
    pub detail_id: String,
}

/// A resource id in a query (`tag_id`): 1 to 128 characters of `A-Z a-z 0-9 . _ : -`, not `.` or `..`
/// (`ResourceId`); anything else is 400 `invalid_request`.
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$")]
pub struct QueryId(pub String);

// ---------------------------------------------------------------------------------------
// Headers.

fn header(description: impl Into<String>, schema_type: Type) -> Header {
    HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(schema_type))
        .description(Some(description))
        .build()
}

/// The headers of a `/v1` response once the token was accepted, as documented.
pub fn rate_limit_headers() -> [(&'static str, Header); 3] {
    [
        (
            shown::RATE_LIMIT,
            header(
                "Requests allowed per hour for this credential.",
                Type::Integer,
            ),
        ),
        (
            shown::RATE_REMAINING,
            header(
                "Requests left now. The hour slides: requests of the previous window still \
                count in proportion to how much of it the last hour covers.",
                Type::Integer,
            ),
        ),
        (
            shown::RATE_RESET,
            header(
                "In Unix seconds: when the current window ends or, once nothing is left, \
                when one more request fits (as `Retry-After` says).",
                Type::Integer,
            ),
        ),
    ]
}

/// The header every response carries.
/// On the success of every operation that takes an `Idempotency-Key`.
pub fn idempotent_replayed_header() -> Header {
    header(
        "`true` when this is the remembered answer to an earlier request with the same \
         `Idempotency-Key`.",
        Type::String,
    )
}

pub fn request_id_header() -> Header {
    header(
        "The request's id, the same as `request_id` in the body; quote it to support.",
        Type::String,
    )
}

/// An optional request header, as documented.
pub fn header_parameter(name: &str, description: &str, syntax: HeaderSyntax) -> Parameter {
    let mut schema = string().pattern(Some(syntax.pattern));
    if let Some(format) = syntax.format {
        schema = schema.format(Some(SchemaFormat::Custom(format.to_owned())));
    }
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
        .example(Some(syntax.example.into()))
        .build()
}

/// What a request header may hold: its pattern, an example, and a format name for a
/// pattern that generators can't sample on their own (a tool that knows the name can
/// register the pattern under it; infra/scripts/schemathesis_hooks.py does).
pub struct HeaderSyntax {
    pub pattern: &'static str,
    pub format: Option<&'static str>,
    pub example: &'static str,
}

/// A header an error response carries, described from the value it really has.
fn error_header(name: &HeaderName, value: &str) -> Option<(&'static str, Header)> {
    Some(if name == headers::RETRY_AFTER {
        (
            shown::RETRY_AFTER,
            header("Seconds to wait before retrying.", Type::Integer),
        )
    } else if name == headers::ALLOW {
        (
            shown::ALLOW,
            header("The methods this path takes.", Type::String),
        )
    } else if name == headers::WWW_AUTHENTICATE {
        (
            shown::WWW_AUTHENTICATE,
            header(format!("`{value}`."), Type::String),
        )
    } else {
        return None;
    })
}

// ---------------------------------------------------------------------------------------
// Error responses.

/// What every operation of a flavour can answer, whatever it does.
fn always(flavor: Flavor) -> &'static [ErrorKind] {
    use ErrorKind::*;
    match flavor {
        // A malformed workspace id is 400 on every `/v1` route.
        Flavor::V1 => &[
            InvalidRequest,
            InvalidToken,
            NotFound,
            MethodNotAllowed,
            TooManyRequests,
            Internal,
            ServiceUnavailable,
        ],
        Flavor::OAuth => &[
            MethodNotAllowed,
            TooManyRequests,
            Internal,
            ServiceUnavailable,
        ],
    }
}

/// The error responses of an operation of `flavor` that can also answer `extra`: one per
/// status, listing its codes and when they happen, with an example body and the headers
/// that the code answering errors really produces.
pub fn error_responses(flavor: Flavor, extra: &[ErrorKind]) -> BTreeMap<String, RefOr<Response>> {
    let mut by_status: BTreeMap<u16, Vec<ErrorKind>> = BTreeMap::new();
    for kind in ErrorKind::ALL {
        if always(flavor).contains(kind) || extra.contains(kind) {
            by_status
                .entry(kind.status().as_u16())
                .or_default()
                .push(*kind);
        }
    }
    by_status
        .into_iter()
        .map(|(status, kinds)| (status.to_string(), error_response(flavor, &kinds).into()))
        .collect()
}

/// The extension the error responses of `error_responses!` carry until `settle_errors`
/// merges what the handler lists with what its extraction raises: the flavor and the kinds
/// the handler listed.
const LISTED_EXTENSION: &str = "x-pirros-listed";

/// The error responses of `flavor` answering `listed` too, each marked with what was listed.
pub fn listed_error_responses(
    flavor: Flavor,
    listed: &[ErrorKind],
) -> BTreeMap<String, RefOr<Response>> {
    let mark = serde_json::json!({
        "v1": flavor == Flavor::V1,
        "kinds": listed.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>(),
    });
    let mut responses = error_responses(flavor, listed);
    for r in responses.values_mut() {
        if let RefOr::T(r) = r {
            r.extensions
                .get_or_insert_with(Default::default)
                .insert(LISTED_EXTENSION.to_owned(), mark.clone());
        }
    }
    responses
}

/// Makes an operation's error responses those of what its handler lists
/// (`error_responses!`) and what extracting its parameters raises (`raised`): `/v1`
/// operations (`v1`) answer at least what every `/v1` operation answers, listed or not.
pub fn settle_errors(
    responses: &mut BTreeMap<String, RefOr<Response>>,
    v1: bool,
    raised: &[ErrorKind],
) {
    let mut flavor = v1.then_some(Flavor::V1);
    let mut kinds = raised.to_vec();
    responses.retain(|_, r| {
        let RefOr::T(r) = r else { return true };
        let Some(mark) = r.extensions.as_ref().and_then(|e| e.get(LISTED_EXTENSION)) else {
            return true;
        };
        flavor = Some(if mark["v1"] == true {
            Flavor::V1
        } else {
            Flavor::OAuth
        });
        let listed = mark["kinds"].as_array().into_iter().flatten();
        kinds.extend(listed.filter_map(|name| {
            ErrorKind::ALL
                .iter()
                .find(|k| Some(format!("{k:?}").as_str()) == name.as_str())
        }));
        false
    });
    if let Some(flavor) = flavor {
        responses.extend(error_responses(flavor, &kinds));
    }
}

/// The IntoResponses type of what a handler itself can answer besides what its extraction
/// raises (which `declare_routes!` reads off its signature): `error_responses!(pub
/// ListErrors = V1 [InsufficientScope])` answers what every `/v1` operation answers, and 403
/// `insufficient_scope`.
#[macro_export]
macro_rules! error_responses {
    ($(#[$doc:meta])* $vis:vis $name:ident = $flavor:ident [$($kind:ident),* $(,)?]) => {
        $(#[$doc])*
        $vis struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> std::collections::BTreeMap<
                String,
                utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
            > {
                $crate::openapi::listed_error_responses(
                    $crate::error::Flavor::$flavor,
                    &[$($crate::catalogue::ErrorKind::$kind),*],
                )
            }
        }
    };
}

/// The request id of the examples.
const RID: &str = "8e1a3c4f-5b6d-4e7f-8a9b-0c1d2e3f4a5b";

/// `InvalidRequest` for `invalid_request`, `TokenInvalidClient` for `/oauth/token`'s
/// `invalid_client`: shared by every operation answering the same codes with a status.
fn component_name(flavor: Flavor, kinds: &[ErrorKind]) -> String {
    let camel = |code: &str| -> String {
        code.split('_')
            .map(|w| {
                let w = w.to_ascii_lowercase();
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect()
    };
    let prefix = match flavor {
        Flavor::V1 => "",
        Flavor::OAuth => "Token",
    };
    let codes: Vec<String> = kinds.iter().map(|k| camel(k.code())).collect();
    format!("{prefix}{}", codes.join("Or"))
}

fn error_response(flavor: Flavor, kinds: &[ErrorKind]) -> Response {
    let description = kinds
        .iter()
        .map(|k| format!("`{}`: {}", k.code(), k.when()))
        .collect::<Vec<_>>()
        .join("\n\n");
    let samples: Vec<_> = kinds
        .iter()
        .map(|k| response::failure(&k.example(), flavor, RID))
        .collect();
    let example: serde_json::Value = match samples[0].body() {
        lambda_http::Body::Text(t) => serde_json::from_str(t).ok(),
        _ => None,
    }
    .expect("error bodies are JSON text");
    let mut b = ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(error_schema(flavor, kinds)))
            .example(Some(example))
            .build(),
    );
    let mut named: Vec<&str> = Vec::new();
    for sample in &samples {
        for (name, value) in sample.headers() {
            if let Some((shown, h)) = error_header(name, value.to_str().unwrap_or_default())
                && !named.contains(&shown)
            {
                named.push(shown);
                b = b.header(shown, h);
            }
        }
    }
    // The rate-limit headers come once the token was accepted: never on 401 and 405.
    let authenticated = !kinds
        .iter()
        .any(|k| matches!(k, ErrorKind::InvalidToken | ErrorKind::MethodNotAllowed));
    if flavor == Flavor::V1 && authenticated {
        for (name, h) in rate_limit_headers() {
            b = b.header(name, h);
        }
    }
    b.extensions(Some(
        ExtensionsBuilder::new()
            .add(COMPONENT_EXTENSION, component_name(flavor, kinds))
            .build(),
    ))
    .build()
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// `additionalProperties: false`.
fn closed() -> AdditionalProperties<Schema> {
    AdditionalProperties::FreeForm(false)
}

fn schema_ref<T: ToSchema>() -> RefOr<Schema> {
    Ref::from_schema_name(T::name()).into()
}

fn codes(kinds: &[ErrorKind]) -> Vec<&'static str> {
    kinds.iter().map(|k| k.code()).collect()
}

fn error_schema(flavor: Flavor, kinds: &[ErrorKind]) -> Schema {
    if kinds == [ErrorKind::TooManyRequests] {
        too_many_requests_schema()
    } else if flavor == Flavor::V1 {
        v1_error_schema(kinds)
    } else {
        oauth_error_schema(kinds)
    }
}

/// `error.details` of a kind, where it has some.
fn details_schema(kind: ErrorKind) -> Option<RefOr<Schema>> {
    match kind {
        ErrorKind::InvalidRequest => Some(schema_ref::<FieldDetails>()),
        ErrorKind::InvalidItemReference => Some(schema_ref::<ItemReferenceDetails>()),
        ErrorKind::InsufficientScope => Some(schema_ref::<ScopeDetails>()),
        _ => None,
    }
}

/// The `/v1` error envelope whose `error.code` is one of `kinds`'.
fn v1_error_schema(kinds: &[ErrorKind]) -> Schema {
    let mut error = ObjectBuilder::new()
        .property(
            "code",
            string().enum_values(Some(codes(kinds))).description(Some(
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
    let mut details: Vec<RefOr<Schema>> = kinds.iter().filter_map(|k| details_schema(*k)).collect();
    if details.len() > 1 {
        let mut one_of = OneOfBuilder::new();
        for d in details {
            one_of = one_of.item(d);
        }
        error = error.property("details", Schema::OneOf(one_of.build()));
    } else if let Some(d) = details.pop() {
        error = error.property("details", d);
    }
    ObjectBuilder::new()
        .property("error", error)
        .required("error")
        .property("meta", schema_ref::<Meta>())
        .required("meta")
        .additional_properties(Some(closed()))
        .into()
}

fn uuid_string() -> ObjectBuilder {
    string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
}

/// RFC 6749's flat error body of `/oauth/token`.
fn oauth_error_schema(kinds: &[ErrorKind]) -> Schema {
    ObjectBuilder::new()
        .property("error", string().enum_values(Some(codes(kinds))))
        .required("error")
        .property("error_description", string())
        .required("error_description")
        .property("request_id", uuid_string())
        .required("request_id")
        .additional_properties(Some(closed()))
        .into()
}

/// The flat 429 body, the same on every route.
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
