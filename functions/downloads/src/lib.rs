//! File downloads: JSON with a `download_url`, never a redirect. RVT and RFA are presigned
//! S3 URLs that expire; PDFs are public URLs that don't.

use lambda_http::{Body, Request, Response};
use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::error::ApiError;
use pirros_shared::files::public_url;
use pirros_shared::grants::{Action, EntityType};
use pirros_shared::ids::{ResourceId, WorkspaceId};
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
        Route::DownloadPdf(ws, id) => download(state, &call, ws, &id, Kind::Pdf).await,
        Route::DownloadRvt(ws, id) => download(state, &call, ws, &id, Kind::Rvt).await,
        Route::DownloadRfa(ws, id) => download(state, &call, ws, &id, Kind::Rfa).await,
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

async fn download(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    kind: Kind,
) -> Result<Reply, ApiError> {
    Query::parse(call.raw_query(), &[])?;
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
