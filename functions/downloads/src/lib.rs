//! File downloads: JSON with a `download_url`, never a redirect. RVT and RFA are presigned
//! S3 URLs that expire; PDFs are public URLs that don't.

use lambda_http::{Body, Request, Response};
use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::files::public_url;
use pirros_shared::grants::{Action, EntityType};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::openapi::*;
use pirros_shared::query::Query;
use pirros_shared::response::Reply;
use pirros_shared::routes::Route;
use serde_json::json;

#[derive(Clone, Copy)]
enum Kind {
    Pdf,
    Rvt,
    Rfa,
}

pub async fn handle(state: &AppState, req: Request) -> Response<Body> {
    let call = match V1Call::begin(state, req).await {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let outcome = match call.route.clone() {
        Route::DownloadPdf(ws, id) => download_pdf(state, &call, ws, &id).await,
        Route::DownloadRvt(ws, id) => download_rvt(state, &call, ws, &id).await,
        Route::DownloadRfa(ws, id) => download_rfa(state, &call, ws, &id).await,
        _ => Err(ApiError::NotFound),
    };
    call.finish(outcome)
}

/// Keeps a name usable as a file name.
fn file_name(name: &str, ext: &str) -> String {
    let base: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\".contains(c) {
                '_'
            } else {
                c
            }
        })
        .take(150)
        .collect();
    format!("{}.{ext}", base.trim())
}

/// The query parameters the downloads accept: none.
pub const DOWNLOAD_QUERY: &[&str] = &[];

/// Download a detail's PDF
///
/// A public URL of the detail's PDF, with a download disposition. It does not expire:
/// `expires_at` is `null`. Needs a download grant on details; a detail you may not
/// download, or without a PDF, is 404.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/downloads/pdf/{detailId}",
    operation_id = "downloadDetailPdf",
    tag = "downloads",
    params(DetailPath),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "Where to fetch the file.", body = DownloadEnvelope),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = DownloadDisabled),
        (status = 404, response = NotFound),
        (status = 405, response = MethodNotAllowed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn download_pdf(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    download(state, call, ws, id, Kind::Pdf).await
}

/// Download a detail's RVT
///
/// A signed URL of the detail's Revit source that expires at `expires_at` (about 15 minutes
/// out): fetch it promptly. Needs a download grant on details; a detail you may not
/// download, or without an RVT, is 404.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/downloads/rvt/{detailId}",
    operation_id = "downloadDetailRvt",
    tag = "downloads",
    params(DetailPath),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "Where to fetch the file.", body = DownloadEnvelope),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = DownloadDisabled),
        (status = 404, response = NotFound),
        (status = 405, response = MethodNotAllowed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn download_rvt(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    download(state, call, ws, id, Kind::Rvt).await
}

/// Download a family's RFA
///
/// A signed URL of the family's RFA file that expires at `expires_at` (about 15 minutes
/// out): fetch it promptly. Needs a download grant on families; a family you may not
/// download, or without an RFA, is 404.
#[utoipa::path(
    get,
    path = "/v1/workspaces/{ws}/families/{id}/rfa",
    operation_id = "downloadFamilyRfa",
    tag = "downloads",
    params(ResourcePath),
    security(("oauth2" = [])),
    responses(
        (status = 200, description = "Where to fetch the file.", body = DownloadEnvelope),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = DownloadDisabled),
        (status = 404, response = NotFound),
        (status = 405, response = MethodNotAllowed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
pub async fn download_rfa(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
) -> Result<Reply, ApiError> {
    download(state, call, ws, id, Kind::Rfa).await
}

async fn download(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    kind: Kind,
) -> Result<Reply, ApiError> {
    Query::parse(call.raw_query(), DOWNLOAD_QUERY)?;
    let entity = match kind {
        Kind::Pdf | Kind::Rvt => EntityType::Detail,
        Kind::Rfa => EntityType::Family,
    };
    let scope = call.scope(state, ws, entity, Action::Download);
    let workspace = async { Ok(state.store.get_workspace(ws).await?) };
    // The resource read runs beside the scope and workspace reads: one round trip.
    let (file_key, name, visible, workspace) = match kind {
        Kind::Pdf | Kind::Rvt => {
            let (scope, rec, workspace) = tokio::try_join!(
                scope,
                async { Ok(state.store.get_detail(ws, id).await?) },
                workspace
            )?;
            let Some(rec) = rec else {
                return Err(ApiError::NotFound);
            };
            let key = match kind {
                Kind::Pdf => rec.files.pdf.clone(),
                _ => rec.files.rvt.clone(),
            };
            (
                key,
                rec.detail.name.clone(),
                scope.allows(&rec.detail),
                workspace,
            )
        }
        Kind::Rfa => {
            let (scope, rec, workspace) = tokio::try_join!(
                scope,
                async { Ok(state.store.get_family(ws, id).await?) },
                workspace
            )?;
            let Some(rec) = rec else {
                return Err(ApiError::NotFound);
            };
            (
                rec.files.rfa.clone(),
                rec.family.name.clone(),
                scope.allows(&rec.family),
                workspace,
            )
        }
    };
    if !visible {
        return Err(ApiError::NotFound);
    }
    // Only a caller who may download the resource learns that downloads are off.
    let Some(workspace) = workspace else {
        return Err(ApiError::NotFound);
    };
    if !workspace.downloads_enabled {
        return Err(ApiError::DownloadDisabled);
    }
    let Some(file_key) = file_key else {
        return Err(ApiError::NotFound);
    };
    let payload =
        match kind {
            Kind::Pdf => {
                let base = state.config.pdf_public_base_url.as_deref().ok_or(
                    ApiError::ServiceUnavailable("PDF downloads are not configured"),
                )?;
                json!({
                    "download_url": public_url(base, &file_key),
                    "expires_at": null,
                    "expanded": {},
                })
            }
            Kind::Rvt | Kind::Rfa => {
                let ext = if matches!(kind, Kind::Rvt) {
                    "rvt"
                } else {
                    "rfa"
                };
                let (url, expires) = state
                    .files
                    .presign(
                        &file_key,
                        &file_name(&name, ext),
                        state.config.download_url_ttl_secs,
                    )
                    .await?;
                json!({
                    "download_url": url,
                    "expires_at": expires,
                    "expanded": {},
                })
            }
        };
    Ok(Reply::ok(payload))
}
