//! `POST /oauth/token`: the OAuth 2.0 client-credentials exchange (RFC 6749 §4.4).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lambda_http::{Body, Request, Response};
use pirros_shared::AppState;
use pirros_shared::api::Done;
use pirros_shared::auth::jwks::Jwks;
use pirros_shared::auth::token;
use pirros_shared::error::{ApiError, Flavor};
use pirros_shared::headers;
use pirros_shared::ratelimit::{
    COUNTER_FAILED_RETRY_AFTER, TokenLimiter, TokenOutcome, TokenVerdict,
};
use pirros_shared::request;
use pirros_shared::response::json_response;
use pirros_shared::routes::FunctionRoute;
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;

/// A successful token response (RFC 6749 §5.1, plus the request id).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(value_type = TokenType)]
    pub token_type: &'static str,
    /// Seconds until the token expires (3600).
    pub expires_in: u64,
    pub request_id: String,
}

/// `token_type`, as documented.
#[derive(utoipa::ToSchema)]
pub enum TokenType {
    Bearer,
}

/// `grant_type`, as documented.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    ClientCredentials,
}

/// The token request, from a JSON or a form body, with the client id and secret. (They may
/// go in HTTP Basic instead, `Authorization: Basic base64(client_id:client_secret)`, and
/// then not here; the schema states the body form, since a body's schema can't depend on a
/// header.) Other parameters are ignored (in JSON they must still be strings).
#[derive(Debug, Default, utoipa::ToSchema)]
pub struct TokenRequest {
    /// Only `client_credentials`.
    #[schema(value_type = GrantType, required)]
    grant_type: Option<String>,
    /// Your client id.
    #[schema(
        value_type = String,
        required,
        min_length = 1,
        example = "pirros-demo-client"
    )]
    client_id: Option<String>,
    /// Your client secret.
    #[schema(
        value_type = String,
        required,
        min_length = 1,
        example = "demo-secret-0123456789abcdef"
    )]
    client_secret: Option<String>,
}

/// A JSON object's members in their order, a repeated name kept twice (a `Value` keeps only
/// the last).
struct Members(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(Visit)
    }
}

fn parse_body(req: &Request) -> Result<TokenRequest, ApiError> {
    let bytes = request::body_bytes(req);
    if bytes.len() > request::MAX_BODY_BYTES {
        return Err(ApiError::OAuthInvalidRequest(format!(
            "Body is larger than {} bytes",
            request::MAX_BODY_BYTES
        )));
    }
    let fields: HashMap<String, String> = match request::content_type(req).as_deref() {
        Some("application/json") => {
            let Members(members) = serde_json::from_slice(bytes).map_err(|e| {
                ApiError::OAuthInvalidRequest(if e.is_data() {
                    "Body must be a JSON object".into()
                } else {
                    format!("Body is not valid JSON: {e}")
                })
            })?;
            let mut out = HashMap::new();
            let mut seen = std::collections::HashSet::new();
            for (k, v) in members {
                // As in a form body (RFC 6749 §3.2), a parameter is given once: a JSON
                // reader would keep only the last of two.
                if !seen.insert(k.clone()) {
                    return Err(ApiError::OAuthInvalidRequest(format!(
                        "Parameter {k:?} is repeated"
                    )));
                }
                match v {
                    serde_json::Value::String(s) => {
                        out.insert(k, s);
                    }
                    serde_json::Value::Null => {}
                    _ => {
                        return Err(ApiError::OAuthInvalidRequest(format!(
                            "Field {k:?} must be a string"
                        )));
                    }
                }
            }
            out
        }
        Some("application/x-www-form-urlencoded") => {
            // Form decoding reads bytes that are not UTF-8 lossily, which would turn a
            // malformed request into a wrong client id (401) instead of a 400.
            if let Some(bad) = pirros_shared::query::not_utf8(bytes) {
                return Err(ApiError::OAuthInvalidRequest(match bad.name {
                    Some(name) => format!("Parameter {name:?} is not valid UTF-8"),
                    None => "A parameter name is not valid UTF-8".into(),
                }));
            }
            let mut out = HashMap::new();
            for (k, v) in url::form_urlencoded::parse(bytes) {
                // RFC 6749 §3.2: parameters must not be repeated.
                if out.insert(k.to_string(), v.into_owned()).is_some() {
                    return Err(ApiError::OAuthInvalidRequest(format!(
                        "Parameter {k:?} is repeated"
                    )));
                }
            }
            out
        }
        _ => {
            return Err(ApiError::OAuthInvalidRequest(
                "Content-Type must be application/json or application/x-www-form-urlencoded".into(),
            ));
        }
    };
    let get = |k: &str| fields.get(k).filter(|v| !v.is_empty()).cloned();
    let mut tr = TokenRequest {
        grant_type: get("grant_type"),
        client_id: get("client_id"),
        client_secret: get("client_secret"),
    };
    if let Some((id, secret)) = basic_auth(req)? {
        if tr.client_id.is_some() || tr.client_secret.is_some() {
            // RFC 6749 §2.3: one authentication method per request.
            return Err(ApiError::OAuthInvalidRequest(
                "Send client credentials in the body or in HTTP Basic, not both".into(),
            ));
        }
        tr.client_id = Some(id);
        tr.client_secret = Some(secret);
    }
    Ok(tr)
}

fn basic_auth(req: &Request) -> Result<Option<(String, String)>, ApiError> {
    let Some(v) = request::header_str(req, headers::AUTHORIZATION) else {
        return Ok(None);
    };
    let Some((scheme, rest)) = v.split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        // Not client authentication (a stale bearer token, say): the body's credentials rule.
        return Ok(None);
    }
    let decoded = STANDARD
        .decode(rest.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| ApiError::OAuthInvalidRequest("Malformed Basic credentials".into()))?;
    let (id, secret) = decoded
        .split_once(':')
        .ok_or_else(|| ApiError::OAuthInvalidRequest("Malformed Basic credentials".into()))?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok(Some((unescape(id), unescape(secret))))
}

async fn exchange(state: &AppState, req: &Request) -> Result<String, ApiError> {
    let tr = parse_body(req)?;
    match tr.grant_type.as_deref() {
        None => {
            return Err(ApiError::OAuthInvalidRequest(
                "grant_type is required".into(),
            ));
        }
        Some("client_credentials") => {}
        Some(_) => return Err(ApiError::UnsupportedGrantType),
    }
    let (Some(client), Some(secret)) = (tr.client_id, tr.client_secret) else {
        return Err(ApiError::OAuthInvalidRequest(
            "client_id and client_secret are required".into(),
        ));
    };
    let ip = request::source_ip(req);
    let cfg = &state.config;
    let signer = state
        .signer
        .as_ref()
        .ok_or_else(|| ApiError::Internal("this function holds no signing key".into()))?;
    let limiter = TokenLimiter {
        store: state.store.as_ref(),
        config: cfg,
    };
    // Unknown client, wrong secret and revoked credential get the same answer.
    let (client_id, secret_version) = match limiter.exchange(&client, &ip, &secret).await? {
        TokenOutcome::Granted {
            client_id,
            secret_version,
        } => (client_id, secret_version),
        TokenOutcome::Invalid => return Err(ApiError::InvalidClient),
        TokenOutcome::Refused(TokenVerdict::Exceeded { retry_after }) => {
            return Err(ApiError::TooManyRequests { retry_after });
        }
        TokenOutcome::Refused(_) => {
            return Err(ApiError::TooManyRequests {
                retry_after: COUNTER_FAILED_RETRY_AFTER,
            });
        }
    };
    token::issue(signer, &client_id, secret_version, cfg.token_ttl_secs)
        .map_err(|e| ApiError::Internal(format!("signing the token failed: {e}")))
}

pirros_shared::declare_routes! {
    OAuthRoute for OAuth {
        Token() => {handle},
        Jwks() => {jwks},
    }
}

/// The token signing keys (JWKS)
///
/// The public keys that verify access tokens (RFC 7517; Ed25519 keys used with EdDSA, RFC
/// 8037): the current key, and the previous one while tokens it signed may still be live. A
/// token's `kid` header names its key. Any standard JWT library can verify a token with this
/// set (algorithm `EdDSA`, issuer `https://auth.pirros.com`, audience
/// `https://external-api.pirros.com`). Cacheable for 5 minutes; fetch it again when a token
/// names a `kid` the cached set lacks.
#[utoipa::path(
    get,
    path = pirros_shared::routes::JWKS_PATH,
    operation_id = "getJwks",
    tag = "oauth",
    security(()),
    responses(
        (status = 200, description = "The public keys.", body = Jwks,
            headers(("Cache-Control" = String, description = "`public, max-age=300`"))),
        JwksErrors,
    )
)]
pub fn jwks(state: &AppState, request_id: &str) -> Result<Response<Body>, ApiError> {
    let signer = state
        .signer
        .as_ref()
        .ok_or_else(|| ApiError::Internal("this function holds no signing key".into()))?;
    let body = serde_json::to_string(&signer.jwks())
        .map_err(|e| ApiError::Internal(format!("JWKS: {e}")))?;
    let mut resp = json_response(http::StatusCode::OK, body, request_id);
    resp.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("public, max-age=300"),
    );
    Ok(resp)
}

pirros_shared::error_responses!(
    /// What the key set answers besides the keys.
    pub JwksErrors = OAuth[]
);

pirros_shared::error_responses!(
    /// What the token endpoint answers besides a token.
    pub TokenErrors = OAuth[OAuthInvalidRequest, InvalidClient, UnsupportedGrantType]
);

/// Get an access token
///
/// The OAuth 2.0 client-credentials exchange (RFC 6749 §4.4): your client id and secret for
/// a JWT that lasts an hour. No refresh tokens: ask again when it expires. At most 5
/// attempts per 15 minutes per client id and source IP, and 25 per client id over all IPs;
/// a success resets both counts. Errors use RFC 6749's flat shape, not the `/v1` envelope.
/// Tokens are EdDSA-signed JWTs; `/.well-known/jwks.json` holds the keys that verify them.
#[utoipa::path(
    post,
    path = pirros_shared::routes::TOKEN_PATH,
    operation_id = "getToken",
    tag = "oauth",
    request_body(
        description = "JSON or form-encoded; the client pair may go in HTTP Basic instead.",
        content(
            (TokenRequest = "application/json"),
            (TokenRequest = "application/x-www-form-urlencoded"),
        )
    ),
    security((), ("clientBasic" = [])),
    responses(
        (status = 200, description = "A token.", body = TokenResponse),
        TokenErrors,
    )
)]
pub async fn handle(state: &AppState, req: Request) -> Response<Body> {
    let started = Instant::now();
    let request_id = request::new_request_id();
    let (route, found) = OAuthRoute::table().route(req.method(), req.uri().path());
    let outcome = match found {
        Ok(OAuthRoute::Token()) => token(state, &req, &request_id).await,
        Ok(OAuthRoute::Jwks()) => jwks(state, &request_id),
        Err(e) => Err(e),
    };
    let done = Done {
        request: &req,
        route,
        request_id: &request_id,
        client: None,
        started,
    };
    done.finish(outcome, Flavor::OAuth)
}

/// A token, in RFC 6749's shape and never cached (§5.1).
async fn token(
    state: &AppState,
    req: &Request,
    request_id: &str,
) -> Result<Response<Body>, ApiError> {
    let body = TokenResponse {
        access_token: exchange(state, req).await?,
        token_type: "Bearer",
        expires_in: state.config.token_ttl_secs,
        request_id: request_id.to_owned(),
    };
    let body = serde_json::to_string(&body).map_err(ApiError::internal)?;
    let mut resp = json_response(http::StatusCode::OK, body, request_id);
    resp.headers_mut()
        .insert(headers::PRAGMA, http::HeaderValue::from_static("no-cache"));
    Ok(resp)
}
