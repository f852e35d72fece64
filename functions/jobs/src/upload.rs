//! `POST /v1/workspaces/{ws}/families/uploads`: checks the metadata and the caller's
//! grants, creates an `awaiting_upload` job, and answers where to PUT the file.

use std::collections::BTreeMap;

use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::{ApiError, ItemReferenceDetails};
use pirros_shared::error_responses;
use pirros_shared::extract::Body;
use pirros_shared::grants::{Action, EntityType};
use pirros_shared::idempotency::{self, Begun, IdempotencyKey, Needs};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::jobs::{Job, JobRecord, JobSpec, JobStatus, UploadSpec, upload_key};
use pirros_shared::model::Family;
use pirros_shared::openapi::WorkspacePath;
use pirros_shared::query::NoQuery;
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::timestamp::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use crate::answer::save_new;
use crate::upload_body::{UploadFamily, ValidUpload};

/// Where and how to send the file.
#[derive(Serialize, ToSchema)]
pub struct UploadTarget {
    /// PUT the file's bytes here, before `expires_at`.
    #[schema(format = "uri")]
    pub url: String,
    /// Always `PUT`.
    #[schema(example = "PUT")]
    pub method: &'static str,
    /// Send exactly these headers with the PUT (they bind the declared size and SHA-256).
    pub headers: BTreeMap<String, String>,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:15:00.000Z")]
    pub expires_at: Timestamp,
}

/// The answer to an upload request: the job, and where to send the file.
#[derive(Serialize, ToSchema)]
pub struct UploadStarted {
    pub job: Job,
    pub upload: UploadTarget,
}

error_responses!(
    /// What an upload request answers besides its job.
    pub UploadErrors = V1[InvalidItemReference]
);

/// Upload a family file
///
/// Starts a family upload: a new family, or (with `family_id`) the next version of one you
/// may read and write. Needs a write grant on families covering the family as it is and as
/// it will be. Answers 202 with a job (`awaiting_upload`) and a URL: PUT the file's bytes
/// to `upload.url` with exactly `upload.headers` before `upload.expires_at` (15 minutes).
/// The file is then checked (size, SHA-256, a Revit family container) and becomes the
/// family's next version; follow the job (`GET .../jobs/{id}`, `wait_for_completion=true`)
/// for `result.version`, or for `error.code` `invalid_rfa`, `checksum_mismatch`,
/// `file_too_large` or `access_revoked` (by the time the file arrived, your credential was
/// revoked or no longer held write on families covering the family; nothing is written).
/// A `family_id` that doesn't exist or that you may not read is 404. `Idempotency-Key`
/// replays the first answer (same job, same URL) while you still hold a write grant on
/// families (else 403).
#[utoipa::path(
    post,
    path = "/v1/workspaces/{ws}/families/uploads",
    operation_id = "uploadFamily",
    tag = "jobs",
    params(WorkspacePath),
    responses(
        (status = 202, description = "The job, and where to PUT the file (or, replayed, \
            the original answer).",
            body = Envelope<UploadStarted>,
            headers(
                ("ETag" = String, description = "The job's tag as `GET .../jobs/{id}` answers it: send it as `If-None-Match` there."),
            )),
        UploadErrors,
    )
)]
pub async fn upload(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    (NoQuery {}, Body(input), key): (NoQuery, Body<UploadFamily>, Option<IdempotencyKey>),
) -> Result<Reply, ApiError> {
    let needs = Needs {
        ws,
        entity: EntityType::Family,
        action: Action::Write,
        entity_id: None,
    };
    let draft = match idempotency::begin(state, call, needs, key).await? {
        Begun::Replay(reply) => return Ok(reply),
        Begun::Fresh(draft) => draft,
    };
    let family_id = match &input.family_id {
        Some(id) => {
            let fetch = state.store.get_family(ws, id);
            let (current, _) = call.readable(state, ws, fetch, |r| &r.family).await?;
            call.require_scope_over(state, ws, Action::Write, &current.family)
                .await?;
            let mut next = current.family.clone();
            apply(&mut next, &input);
            call.require_scope_over(state, ws, Action::Write, &next)
                .await?;
            id.clone()
        }
        None => {
            let draft_family = new_family(ws, ResourceId::new_uuid(), &input);
            call.require_scope_over(state, ws, Action::Write, &draft_family)
                .await?;
            draft_family.id
        }
    };
    check_references(state, call, ws, &input).await?;

    let size_bytes = input.size_bytes;
    let sha256 = input.sha256.clone();
    let spec = UploadSpec {
        new_family: input.family_id.is_none(),
        family_id,
        name: input.name,
        category: input.category,
        description: input.description,
        tag_ids: input.tag_ids,
        project_id: input.project_id,
        file_name: input.file_name,
        size_bytes,
        sha256,
        note: input.note,
        // Set from the URL below.
        upload_expires_at: Timestamp::now(),
    };
    let mut job = JobRecord::new(
        ws,
        call.credential.client_id.clone(),
        JobSpec::Upload(Box::new(spec)),
        JobStatus::AwaitingUpload,
    );
    let target = state
        .objects
        .presign_put(
            &upload_key(ws, &job.id),
            size_bytes,
            &input.sha256,
            state.config.upload_url_ttl_secs,
        )
        .await?;
    if let JobSpec::Upload(spec) = &mut job.spec {
        spec.upload_expires_at = target.expires_at;
    }
    let started = UploadStarted {
        job: job.answer(None, None),
        upload: UploadTarget {
            url: target.url,
            method: "PUT",
            headers: target.headers.into_iter().collect(),
            expires_at: target.expires_at,
        },
    };
    save_new(state, call, draft.as_ref(), &job, &started, None).await
}

/// What the family will look like: `input`'s fields over `family`'s.
fn apply(family: &mut Family, input: &ValidUpload) {
    if let Some(v) = &input.name {
        family.name = v.clone();
    }
    if let Some(v) = &input.category {
        family.category = v.clone();
    }
    if let Some(v) = &input.description {
        family.description = v.clone();
    }
    if let Some(v) = &input.tag_ids {
        family.tag_ids = v.clone();
    }
    if let Some(v) = &input.project_id {
        family.project_id = Some(v.clone());
    }
}

/// The family an upload without `family_id` creates (without its file yet).
fn new_family(ws: WorkspaceId, id: ResourceId, input: &ValidUpload) -> Family {
    let now = Timestamp::now();
    let mut f = Family {
        id,
        workspace_id: ws,
        name: String::new(),
        category: String::new(),
        description: String::new(),
        tag_ids: Vec::new(),
        project_id: None,
        has_rfa: false,
        version: 1,
        group_id: None,
        file: None,
        created_at: now,
        updated_at: now,
    };
    apply(&mut f, input);
    f
}

/// Tags must be the workspace's and readable; the project must be the workspace's.
async fn check_references(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    input: &ValidUpload,
) -> Result<(), ApiError> {
    let tags = input.tag_ids.as_deref().unwrap_or_default();
    let bad_tags: Vec<String> = if tags.is_empty() {
        Vec::new()
    } else {
        let (scope, found) = tokio::try_join!(
            call.scope(state, ws, EntityType::Tag, Action::Read),
            async { Ok(state.store.get_tags(ws, tags).await?) },
        )?;
        tags.iter()
            .filter(|id| !found.iter().any(|t| &t.id == *id && scope.allows(t)))
            .map(|id| id.to_string())
            .collect()
    };
    let bad_project: Vec<String> = match &input.project_id {
        // A project is readable with any read grant in the workspace (as its list is): one
        // the caller could not read is as unknown to it as one that does not exist.
        Some(p) => {
            let (reads, found) = tokio::join!(
                call.require_any_read(state, ws, "project"),
                state.store.get_projects(ws, std::slice::from_ref(p)),
            );
            let readable = match reads {
                Ok(_) => true,
                Err(ApiError::InsufficientScope(_)) => false,
                Err(e) => return Err(e),
            };
            match readable && !found?.is_empty() {
                true => Vec::new(),
                false => vec![p.to_string()],
            }
        }
        None => Vec::new(),
    };
    if bad_tags.is_empty() && bad_project.is_empty() {
        return Ok(());
    }
    Err(ApiError::InvalidItemReference(ItemReferenceDetails {
        tag_ids: bad_tags,
        project_ids: bad_project,
        ..Default::default()
    }))
}
