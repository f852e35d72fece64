//! `POST /v1/workspaces/{ws}/stashes/{id}/exports`: a `queued` job the worker turns into
//! one zip of the stash's files.

use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::ahead::reads::{self, StashRead};
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::extract::Body;
use pirros_shared::grants::{Action, EntityType};
use pirros_shared::idempotency::{self, Begun, IdempotencyKey, Needs};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::jobs::{ExportSpec, Job, JobRecord, JobSpec, JobStatus};
use pirros_shared::openapi::ResourcePath;
use pirros_shared::query::NoQuery;
use pirros_shared::response::{Envelope, Reply};
use serde::Serialize;
use utoipa::ToSchema;

pirros_shared::empty_body!(
    /// The body of an export: nothing, or an empty JSON object. Any field is a 400.
    ExportStash
);

/// The answer to an export request: its job.
#[derive(Serialize, ToSchema)]
pub struct ExportStarted {
    pub job: Job,
}
/// Export a stash's files
///
/// Starts a job that zips every file of the stash's items that you may download (details'
/// PDF and RVT, families' RFA) with a `manifest.json`. Needs a read grant on stashes; a
/// stash that doesn't exist or that you may not read is 404. When the job succeeds its
/// `result` holds a signed `download_url` of the zip, the number of `files` and their
/// `bytes`, and the items left out in `skipped` with a `reason` (`not_found`,
/// `not_downloadable`, `downloads_disabled`, `no_file`); `download_url` is signed on each
/// read while you may still download there, else it is `null`. `Idempotency-Key` replays
/// the first answer (the same job) while you still hold a read grant on stashes (else
/// 403). One credential has at most 3 exports queued or running; a 4th is 429
/// `too_many_requests` with `Retry-After`. An export whose files add up to more than the
/// deployment's `MAX_EXPORT_BYTES` (2 GiB unless set) fails with `export_too_large`.
#[utoipa::path(
    post,
    path = "/v1/workspaces/{ws}/stashes/{id}/exports",
    operation_id = "exportStash",
    tag = "jobs",
    params(ResourcePath),
    responses(
        (status = 202, description = "The export's job (or, replayed, the original answer).",
            body = Envelope<ExportStarted>,
            headers(
                ("ETag" = String, description = "The job's tag as `GET .../jobs/{id}` answers it: send it as `If-None-Match` there."),
            )),
    )
)]
pub async fn export(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (NoQuery {}, Body(()), key, ahead): (
        NoQuery,
        Body<ExportStash>,
        Option<IdempotencyKey>,
        Ahead<StashRead>,
    ),
) -> Result<Reply, ApiError> {
    let needs = Needs {
        ws,
        entity: EntityType::Stash,
        action: Action::Read,
        entity_id: Some(id.as_str()),
    };
    let draft = match idempotency::begin(state, call, needs, key).await? {
        Begun::Replay(reply) => return Ok(reply),
        Begun::Fresh(draft) => draft,
    };
    let job = JobRecord::new(
        ws,
        call.credential.client_id.clone(),
        JobSpec::Export(ExportSpec {
            stash_id: id.clone(),
        }),
        JobStatus::Queued,
    );
    let started = ExportStarted {
        job: job.answer(None, None),
    };
    // The stash is read first: a request refused here writes nothing and holds no slot.
    let fetch = ahead.or(reads::stash(state, call.asking(), ws, id));
    call.readable(state, ws, fetch, |r| &r.stash).await?;
    crate::bulk::start(state, call, draft.as_ref(), &job, &started).await
}
