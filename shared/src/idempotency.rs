//! `Idempotency-Key` on writes: the key, the request fingerprint and replays.

use crate::error::ApiError;
use crate::grants::{Action, EntityType};
use crate::headers::{self, shown};
use crate::ids::{ClientId, WorkspaceId};
use crate::openapi::{HeaderSyntax, header_parameter};
use crate::request;
use crate::response::Reply;
use crate::store::{IdemKey, IdemRecord};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderValue, StatusCode};
use lambda_http::Request;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterIn};

/// What a key may be: 1 to 255 visible ASCII characters.
const SYNTAX: HeaderSyntax = HeaderSyntax {
    pattern: "^[!-~]{1,255}$",
    format: None,
    example: "3f6c1e0a-9b8d-4c2e-a7f5-1d2b3c4e5f60",
};

/// The caller's `Idempotency-Key`, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The key the request carries, if any: 1..=255 visible ASCII characters, sent once.
    pub fn from_request(req: &Request) -> Result<Option<Self>, ApiError> {
        let mut values = req.headers().get_all(headers::IDEMPOTENCY_KEY).iter();
        let Some(v) = values.next() else {
            return Ok(None);
        };
        let bytes = v.as_bytes();
        if values.next().is_some()
            || bytes.is_empty()
            || bytes.len() > 255
            || !bytes.iter().all(|b| (0x21..=0x7e).contains(b))
        {
            return Err(ApiError::invalid_field(
                shown::IDEMPOTENCY_KEY,
                "Idempotency-Key must be 1 to 255 visible ASCII characters, sent once",
            ));
        }
        Ok(Some(Self(String::from_utf8_lossy(bytes).into_owned())))
    }

    /// Keys are per credential.
    pub fn of(self, client: &ClientId) -> IdemKey {
        IdemKey {
            client_id: client.clone(),
            key: self.0,
        }
    }
}

impl IntoParams for IdempotencyKey {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![header_parameter(
            shown::IDEMPOTENCY_KEY,
            "1 to 255 visible ASCII characters, unique per write (a UUID is fine); \
             remembered for 24 hours. A retry with the same key and body gets the \
             original answer, while you still hold the grant the request needs (else \
             403 `insufficient_scope`); the same key with another body is 409 \
             `IDEMPOTENCY_CONFLICT`.",
            SYNTAX,
        )]
    }
}

/// What makes two requests "the same": method, path and the exact body bytes, where no
/// body is `{}` (what an operation whose body is optional reads it as).
pub fn fingerprint(req: &Request) -> String {
    let mut h = Sha256::new();
    h.update(req.method().as_str().as_bytes());
    h.update(b"\n");
    h.update(req.uri().path().as_bytes());
    h.update(b"\n");
    let body = request::body_bytes(req);
    h.update(if body.is_empty() { b"{}" } else { body });
    URL_SAFE_NO_PAD.encode(h.finalize())
}

/// The stored answer to send again, or 409 when the key was used for another request.
pub fn replay(record: &IdemRecord, fingerprint: &str) -> Result<Reply, ApiError> {
    if record.fingerprint != fingerprint {
        return Err(ApiError::IdempotencyConflict);
    }
    let status = StatusCode::from_u16(record.status).map_err(ApiError::internal)?;
    let mut reply = Reply::new(status, record.body.clone()).with_header(
        headers::IDEMPOTENT_REPLAYED,
        HeaderValue::from_static("true"),
    );
    if let Some(etag) = record
        .etag
        .as_deref()
        .and_then(|e| HeaderValue::from_str(e).ok())
    {
        reply = reply.with_header(headers::ETAG, etag);
    }
    Ok(reply)
}

/// How a write under an optional `Idempotency-Key` begins.
pub enum Begun {
    /// The key was used before: this is the remembered answer (or a 409).
    Replay(Reply),
    /// Go ahead; with a key, `Draft` becomes the record committed with the write.
    Fresh(Option<Draft>),
}

/// The grant a write needs in the first place (its workspace, entity type and action; the
/// resource it names, for the 403's details). It is checked before a remembered answer is
/// replayed: an answer is the caller's only while the caller may still make the request,
/// so a withdrawn grant is 403 `insufficient_scope`, never the stored answer.
#[derive(Clone, Copy, Debug)]
pub struct Needs<'a> {
    pub ws: WorkspaceId,
    pub entity: EntityType,
    pub action: Action,
    pub entity_id: Option<&'a str>,
}

/// Checks the caller's grant (`needs`, 403 without it), then looks the request's key (its
/// `Idempotency-Key`, extracted with the handler's other inputs) up: a live record is
/// replayed, else the write goes ahead.
pub async fn begin(
    state: &crate::AppState,
    call: &crate::api::V1Call,
    needs: Needs<'_>,
    key: Option<IdempotencyKey>,
) -> Result<Begun, ApiError> {
    call.require_scope(state, needs.ws, needs.entity, needs.action, needs.entity_id)
        .await?;
    lookup(state, call, key).await
}

/// `begin` for a write to one resource that exists (an update, a flag on a detail): a
/// replay is answered only while the caller's grant for `needs.action` still covers the
/// resource as `current` reads it now, as a fresh write would need (a grant narrowed away
/// from it since is 403); one since deleted leaves the remembered answer the answer.
pub async fn begin_over<T, Fut>(
    state: &crate::AppState,
    call: &crate::api::V1Call,
    needs: Needs<'_>,
    key: Option<IdempotencyKey>,
    current: impl FnOnce() -> Fut,
) -> Result<Begun, ApiError>
where
    T: crate::grants::Filterable + crate::grants::HasId,
    Fut: Future<Output = crate::store::StoreResult<Option<T>>>,
{
    let begun = begin(state, call, needs, key).await?;
    if let Begun::Replay(_) = &begun
        && let Some(now) = current().await?
    {
        call.require_scope_over(state, needs.ws, needs.action, &now)
            .await?;
    }
    Ok(begun)
}

/// `begin` for a write whose grant the caller checked itself (a snapshot needs some read
/// grant, of any type): a live record of the key is replayed, else the write goes ahead.
pub async fn lookup(
    state: &crate::AppState,
    call: &crate::api::V1Call,
    key: Option<IdempotencyKey>,
) -> Result<Begun, ApiError> {
    let Some(key) = key else {
        return Ok(Begun::Fresh(None));
    };
    let key = key.of(&call.credential.client_id);
    let fp = fingerprint(&call.request);
    let stored = match call.key_read_ahead(&key) {
        Some(read) => read?,
        None => state.store.get_idempotency(&key).await?,
    };
    if let Some(rec) = stored
        && rec.is_live(crate::timestamp::Timestamp::now())
    {
        return replay(&rec, &fp).map(Begun::Replay);
    }
    Ok(Begun::Fresh(Some(Draft {
        key,
        fingerprint: fp,
        ttl_secs: state.config.idempotency_ttl_secs,
    })))
}

/// What an idempotency record will hold, once the response is known.
pub struct Draft {
    key: IdemKey,
    fingerprint: String,
    ttl_secs: u64,
}

impl Draft {
    /// The record of an answer whose resource is at `version` (its `ETag`).
    pub fn complete(&self, status: StatusCode, body: &str, version: u64) -> IdemRecord {
        self.complete_tagged(
            status,
            body,
            &crate::conditional::EntityTag::version(version),
        )
    }

    /// The record of an answer sent with `tag` as its `ETag`.
    pub fn complete_tagged(
        &self,
        status: StatusCode,
        body: &str,
        tag: &crate::conditional::EntityTag,
    ) -> IdemRecord {
        self.record(status, body, Some(tag.as_str().to_owned()))
    }

    /// The record of an answer that carries no resource, so no `ETag`.
    pub fn complete_untagged(&self, status: StatusCode, body: &str) -> IdemRecord {
        self.record(status, body, None)
    }

    fn record(&self, status: StatusCode, body: &str, etag: Option<String>) -> IdemRecord {
        IdemRecord {
            key: self.key.clone(),
            fingerprint: self.fingerprint.clone(),
            status: status.as_u16(),
            body: body.to_owned(),
            etag,
            expires_at: crate::timestamp::Timestamp::now().plus_secs(self.ttl_secs),
        }
    }

    /// The answer when another request with the same key committed first.
    pub fn replay_winner(&self, winner: &IdemRecord) -> Result<Reply, ApiError> {
        replay(winner, &self.fingerprint)
    }
}

/// `begin` for a write that must read before it writes (the references it has to verify):
/// `check` is made side by side with the key's lookup instead of after it, one round trip
/// fewer for every fresh write. On a replay what `check` found is dropped, and its errors
/// too, but for a 403: `check` checks the caller's grant over what the request names (a
/// stash's project and creator), and a replay is the caller's only while it may still make
/// that write; anything else it found (an item since deleted) leaves the remembered answer
/// the answer.
pub async fn run_checked<C, Check, F, Fut>(
    state: &crate::AppState,
    call: &crate::api::V1Call,
    needs: Needs<'_>,
    key: Option<IdempotencyKey>,
    check: Check,
    write: F,
) -> Result<Reply, ApiError>
where
    Check: Future<Output = Result<C, ApiError>>,
    F: FnOnce(Option<Draft>, C) -> Fut,
    Fut: Future<Output = Result<Reply, ApiError>>,
{
    call.require_scope(state, needs.ws, needs.entity, needs.action, needs.entity_id)
        .await?;
    let (begun, checked) = tokio::join!(lookup(state, call, key), check);
    match (begun?, checked) {
        (Begun::Replay(_), Err(e @ ApiError::InsufficientScope(_))) => Err(e),
        (Begun::Replay(reply), _) => Ok(reply),
        (Begun::Fresh(draft), checked) => write(draft, checked?).await,
    }
}
