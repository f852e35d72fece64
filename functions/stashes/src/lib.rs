//! Stashes: get, create and update, with strict bodies, `Idempotency-Key` and `If-Match`.

pub mod body;

use body::{CreateStash, UpdateStash};
use http::{HeaderValue, header};
use lambda_http::{Body, Request, Response};
use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::grants::{Action, EntityType, Scope};
use pirros_shared::idempotency;
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::{ItemIds, Stash, StashRecord};
use pirros_shared::openapi::*;
use pirros_shared::query::Query;
use pirros_shared::request::{header_str, json_body};
use pirros_shared::response::{Reply, envelope, resource_payload};
use pirros_shared::routes::Route;
use pirros_shared::store::{IdemRecord, SaveOutcome, StashWrite};
use pirros_shared::timestamp::Timestamp;
use serde_json::json;

pub async fn handle(state: &AppState, req: Request) -> Response<Body> {
    let call = match V1Call::begin(state, req).await {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let outcome = match call.route.clone() {
        Route::GetStash(ws, id) => get(state, &call, ws, &id).await,
        Route::CreateStash(ws) => create(state, &call, ws).await,
        Route::UpdateStash(ws, id) => update(state, &call, ws, &id).await,
        _ => Err(ApiError::NotFound),
    };
    call.finish(outcome)
}

fn etag(version: u64) -> String {
    format!("\"v{version}\"")
}

/// A stash's answer: its payload and its version as the ETag.
fn payload_reply(payload: serde_json::Value, version: u64) -> Reply {
    let tag = HeaderValue::from_str(&etag(version)).expect("ASCII");
    Reply::ok(payload).with_header(header::ETAG, tag)
}

fn stash_reply(rec: &StashRecord) -> Reply {
    payload_reply(resource_payload(&rec.stash, json!({})), rec.version)
}

/// `Idempotency-Key`, as documented (`idempotency::key` reads it).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyHeader {
    /// 1 to 255 visible ASCII characters, unique per write (a UUID is fine); remembered for
    /// 24 hours. A retry with the same key and body gets the original answer; the same key
    /// with another body is 409 `IDEMPOTENCY_CONFLICT`.
    #[param(
        rename = "Idempotency-Key",
        required = false,
        pattern = "^[!-~]{1,255}$"
    )]
    pub idempotency_key: String,
}

/// `If-Match`, as documented (`if_match` reads it).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatchHeader {
    /// `*`, or one or more `ETag`s of this stash (`"v3"`, weak or strong, comma-separated):
    /// update only if the stash is still at one of them, else 409 `stale_precondition`.
    #[param(
        rename = "If-Match",
        required = false,
        pattern = r#"^(\*|(W/)?"v[0-9]{1,20}"([ \t]*,[ \t]*(W/)?"v[0-9]{1,20}")*)$"#
    )]
    pub if_match: String,
}

/// The query parameters the stash routes accept: none.
pub const STASH_QUERY: &[&str] = &[];

/// Get a stash
///
/// One stash, with its version in `ETag` (send it back in `If-Match` when updating). A stash
/// that doesn't exist, is in another workspace or firm, or that your grants don't cover is
/// 404 `not_found` alike.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/stashes/{id}",
    operation_id = "getStash",
    tag = "stashes",
    params(ResourcePath),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "The stash.", body = StashEnvelope,
            headers(("ETag" = String, description = "The stash's version, like `\"v3\"`."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 405, response = MethodNotAllowed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn get(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    Query::parse(call.raw_query(), STASH_QUERY)?;
    let (scope, rec) = tokio::try_join!(
        call.scope(state, ws, EntityType::Stash, Action::Read),
        async { Ok(state.store.get_stash(ws, id).await?) },
    )?;
    match rec {
        Some(r) if scope.allows(&r.stash) => Ok(stash_reply(&r)),
        _ => Err(ApiError::NotFound),
    }
}

/// Every referenced detail and family must exist in the workspace and be readable.
async fn check_items(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    items: &ItemIds,
) -> Result<(), ApiError> {
    let (detail_scope, family_scope) = tokio::try_join!(
        async {
            if items.detail_ids.is_empty() {
                Ok(Scope::None)
            } else {
                call.scope(state, ws, EntityType::Detail, Action::Read)
                    .await
            }
        },
        async {
            if items.family_ids.is_empty() {
                Ok(Scope::None)
            } else {
                call.scope(state, ws, EntityType::Family, Action::Read)
                    .await
            }
        },
    )?;
    let (details, families) = tokio::try_join!(
        async { Ok::<_, ApiError>(state.store.get_details(ws, &items.detail_ids).await?) },
        async { Ok::<_, ApiError>(state.store.get_families(ws, &items.family_ids).await?) },
    )?;
    let bad_details: Vec<String> = items
        .detail_ids
        .iter()
        .filter(|id| {
            !details
                .iter()
                .any(|d| &d.id == *id && detail_scope.allows(d))
        })
        .map(|id| id.to_string())
        .collect();
    let bad_families: Vec<String> = items
        .family_ids
        .iter()
        .filter(|id| {
            !families
                .iter()
                .any(|f| &f.id == *id && family_scope.allows(f))
        })
        .map(|id| id.to_string())
        .collect();
    if bad_details.is_empty() && bad_families.is_empty() {
        Ok(())
    } else {
        Err(ApiError::InvalidItemReference {
            detail_ids: bad_details,
            family_ids: bad_families,
        })
    }
}

async fn check_project(
    state: &AppState,
    ws: WorkspaceId,
    project: &ResourceId,
) -> Result<(), ApiError> {
    if state
        .store
        .get_projects(ws, std::slice::from_ref(project))
        .await?
        .is_empty()
    {
        return Err(ApiError::invalid_field(
            "project_id",
            format!(
                "project_id {:?} is not a project in this workspace",
                project.as_str()
            ),
        ));
    }
    Ok(())
}

/// The write scope, which must also cover `stash` as it is and as it will be.
async fn write_scope(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    stash: &Stash,
) -> Result<Scope, ApiError> {
    call.require_scope_over(state, ws, Action::Write, stash)
        .await
}

/// Runs a write under an optional idempotency key: replays a remembered answer, or commits
/// the write together with its record.
async fn idempotent<F, Fut>(state: &AppState, call: &V1Call, write: F) -> Result<Reply, ApiError>
where
    F: FnOnce(Option<IdemRecordDraft>) -> Fut,
    Fut: std::future::Future<Output = Result<Reply, ApiError>>,
{
    let Some(key) = idempotency::key(&call.request, &call.credential.client_id)? else {
        return write(None).await;
    };
    let fp = idempotency::fingerprint(&call.request);
    if let Some(rec) = state.store.get_idempotency(&key).await?
        && rec.is_live(Timestamp::now())
    {
        return idempotency::replay(&rec, &fp);
    }
    write(Some(IdemRecordDraft {
        key,
        fingerprint: fp,
        request_id: call.request_id.clone(),
        ttl_secs: state.config.idempotency_ttl_secs,
    }))
    .await
}

/// What an idempotency record will hold, once the response is known.
pub struct IdemRecordDraft {
    key: pirros_shared::store::IdemKey,
    fingerprint: String,
    request_id: String,
    ttl_secs: u64,
}

impl IdemRecordDraft {
    fn complete(&self, status: u16, payload: &serde_json::Value, version: u64) -> IdemRecord {
        IdemRecord {
            key: self.key.clone(),
            fingerprint: self.fingerprint.clone(),
            status,
            body: envelope(payload, &self.request_id),
            etag: Some(etag(version)),
            expires_at: Timestamp::now().plus_secs(self.ttl_secs),
        }
    }
}

/// Create a stash
///
/// A new stash of details and families in a project of the workspace, created by your
/// client. Needs a write grant on stashes. Send an `Idempotency-Key`: a retry with the same
/// key and body answers the original response (with `Idempotent-Replayed: true`) instead of
/// creating a duplicate.
#[utoipa::path(
    post,
    path = "/v1/workspaces/{ws}/stashes",
    operation_id = "createStash",
    tag = "stashes",
    params(WorkspacePath, IdempotencyHeader),
    request_body(content = CreateStash, content_type = "application/json"),
    security(("oauth2" = [])),
    responses(
        (status = 201, description = "The new stash (or, replayed, the original answer).",
            body = StashEnvelope,
            headers(
                ("ETag" = String, description = "The stash's version, like `\"v1\"`."),
                ("Idempotent-Replayed" = String,
                    description = "`true` when this is the remembered answer to an earlier \
                    request with the same `Idempotency-Key`."),
            )),
        (status = 400, response = BadRequestWrite),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 405, response = MethodNotAllowed),
        (status = 409, response = CreateConflict),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn create(state: &AppState, call: &V1Call, ws: WorkspaceId) -> Result<Reply, ApiError> {
    Query::parse(call.raw_query(), STASH_QUERY)?;
    let body: CreateStash = json_body(&call.request)?;
    let input = body.validate()?;
    idempotent(state, call, |draft| async move {
        let now = Timestamp::now();
        let stash = Stash {
            id: ResourceId::new_uuid(),
            workspace_id: ws,
            name: input.name,
            description: input.description,
            project_id: input.project_id,
            is_permanent: input.is_permanent,
            item_ids: input.item_ids,
            created_by: call.credential.client_id.to_string(),
            created_at: now,
            updated_at: now,
        };
        write_scope(state, call, ws, &stash).await?;
        tokio::try_join!(
            check_project(state, ws, &stash.project_id),
            check_items(state, call, ws, &stash.item_ids),
        )?;
        let payload = resource_payload(&stash, json!({}));
        let write = StashWrite {
            idempotency: draft.as_ref().map(|d| d.complete(201, &payload, 1)),
            record: StashRecord { stash, version: 1 },
            expected_version: None,
        };
        match state.store.save_stash(&write).await? {
            SaveOutcome::Saved => {
                let mut reply = payload_reply(payload, 1);
                reply.status = http::StatusCode::CREATED;
                // The body exactly as remembered, so a replay is byte-identical.
                reply.raw_body = write.idempotency.map(|r| r.body);
                Ok(reply)
            }
            SaveOutcome::IdempotencyTaken(rec) => {
                idempotency::replay(&rec, &draft.expect("taken implies a key").fingerprint)
            }
            SaveOutcome::VersionMismatch => Err(ApiError::internal("fresh stash id collided")),
        }
    })
    .await
}

/// `If-Match`: `*`, or one of our ETags (weak or strong).
fn if_match(call: &V1Call) -> Result<Option<Vec<u64>>, ApiError> {
    let Some(v) = header_str(&call.request, header::IF_MATCH) else {
        return Ok(None);
    };
    if v.trim() == "*" {
        return Ok(None);
    }
    let mut versions = Vec::new();
    for tag in v.split(',') {
        let t = tag.trim();
        // At most one weak marker, and digits only (`u64::from_str` would take a sign).
        let t = t.strip_prefix("W/").unwrap_or(t);
        let n = t
            .strip_prefix("\"v")
            .and_then(|r| r.strip_suffix('"'))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<u64>().ok());
        match n {
            Some(n) => versions.push(n),
            None => {
                return Err(ApiError::invalid_field(
                    "If-Match",
                    "If-Match must be an ETag returned by this API, like \"v3\"",
                ));
            }
        }
    }
    Ok(Some(versions))
}

/// Update a stash
///
/// Changes the fields sent, leaving the others. Needs a write grant on stashes covering the
/// stash before and after the change. With `If-Match` the update applies only if the stash
/// is still at that version (else 409 `stale_precondition`); without it the last write wins.
/// `Idempotency-Key` works as on create.
#[utoipa::path(
    patch,
    path = "/v1/workspaces/{ws}/stashes/{id}",
    operation_id = "updateStash",
    tag = "stashes",
    params(ResourcePath, IdempotencyHeader, IfMatchHeader),
    request_body(content = UpdateStash, content_type = "application/json"),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "The updated stash (or, replayed, the original answer).",
            body = StashEnvelope,
            headers(
                ("ETag" = String, description = "The stash's new version."),
                ("Idempotent-Replayed" = String,
                    description = "`true` when this is the remembered answer to an earlier \
                    request with the same `Idempotency-Key`."),
            )),
        (status = 400, response = BadRequestWrite),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 405, response = MethodNotAllowed),
        (status = 409, response = UpdateConflict),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn update(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    Query::parse(call.raw_query(), STASH_QUERY)?;
    let body: UpdateStash = json_body(&call.request)?;
    let patch = body.validate()?;
    let expected = if_match(call)?;
    idempotent(state, call, |draft| async move {
        call.require_scope(
            state,
            ws,
            EntityType::Stash,
            Action::Write,
            Some(id.as_str()),
        )
        .await?;
        let read_scope = call
            .scope(state, ws, EntityType::Stash, Action::Read)
            .await?;
        if let Some(items) = &patch.item_ids {
            check_items(state, call, ws, items).await?;
        }
        // Without If-Match the last write wins; a concurrent writer only makes us re-read.
        for _ in 0..5 {
            let current = match state.store.get_stash(ws, id).await? {
                Some(r) if read_scope.allows(&r.stash) => r,
                _ => return Err(ApiError::NotFound),
            };
            if let Some(vs) = &expected
                && !vs.contains(&current.version)
            {
                return Err(ApiError::StalePrecondition);
            }
            write_scope(state, call, ws, &current.stash).await?;
            let mut next = current.clone();
            patch.apply(&mut next.stash);
            next.stash.updated_at = Timestamp::now().max(current.stash.updated_at);
            next.version = current.version + 1;
            write_scope(state, call, ws, &next.stash).await?;
            let payload = resource_payload(&next.stash, json!({}));
            let version = next.version;
            let write = StashWrite {
                idempotency: draft.as_ref().map(|d| d.complete(200, &payload, version)),
                record: next,
                expected_version: Some(current.version),
            };
            match state.store.save_stash(&write).await? {
                SaveOutcome::Saved => {
                    let mut reply = payload_reply(payload, version);
                    reply.raw_body = write.idempotency.map(|r| r.body);
                    return Ok(reply);
                }
                SaveOutcome::IdempotencyTaken(rec) => {
                    return idempotency::replay(
                        &rec,
                        &draft.expect("taken implies a key").fingerprint,
                    );
                }
                SaveOutcome::VersionMismatch if expected.is_some() => {
                    return Err(ApiError::StalePrecondition);
                }
                SaveOutcome::VersionMismatch => continue,
            }
        }
        Err(ApiError::ServiceUnavailable(
            "The stash is being updated concurrently; retry",
        ))
    })
    .await
}
