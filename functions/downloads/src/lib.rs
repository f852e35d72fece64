//! File downloads: JSON with a `download_url`, never a redirect. RVT and RFA are presigned
//! S3 URLs that expire; PDFs are public URLs that don't.

use pirros_shared::AppState;
use pirros_shared::ahead::Ahead;
use pirros_shared::ahead::reads::{self, WithWorkspace};
use pirros_shared::api::V1Call;
use pirros_shared::conditional::EntityTag;
use pirros_shared::error::ApiError;
use pirros_shared::files::public_url;
use pirros_shared::grants::{Action, EntityType};
use pirros_shared::ids::{ResourceId, WorkspaceId};
use pirros_shared::model::{DetailRecord, FamilyRecord};
use pirros_shared::openapi::{DetailPath, ResourcePath};
use pirros_shared::payload::NoExpansions;
use pirros_shared::query::NoQuery;
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::timestamp::Timestamp;
use serde::Serialize;

#[derive(Clone, Copy)]
enum Kind {
    Pdf,
    Rvt,
    Rfa,
}

pirros_shared::declare_routes! {
    v1 DownloadsRoute for Downloads {
        Pdf(ws: WorkspaceId, id: ResourceId) => {download_pdf} ahead(reads::detail_with_workspace),
        Rvt(ws: WorkspaceId, id: ResourceId) => {download_rvt} ahead(reads::detail_with_workspace),
        Rfa(ws: WorkspaceId, id: ResourceId) => {download_rfa} ahead(reads::family_with_workspace),
    }
}

type DetailRead = WithWorkspace<DetailRecord>;
type FamilyRead = WithWorkspace<FamilyRecord>;

/// What a download reads: the detail (of a PDF or RVT) or the family, as read ahead.
enum Source {
    Detail(Ahead<DetailRead>),
    Family(Ahead<FamilyRead>),
}

/// Where to fetch a file. Fetch it yourself; the API never redirects.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Download {
    /// RVT and RFA: a signed URL that stops working at `expires_at`. PDF: a public URL.
    #[schema(format = "uri")]
    pub download_url: String,
    /// When `download_url` stops working (RVT and RFA, ~15 minutes out); `null` for PDFs.
    #[schema(required, value_type = Option<String>, format = DateTime, example = "2026-06-04T12:15:00.000Z")]
    pub expires_at: Option<Timestamp>,
    pub expanded: NoExpansions,
}

pirros_shared::error_responses!(
    /// What a download answers besides where to fetch the file.
    pub DownloadErrors = V1[DownloadDisabled]
);

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
    responses(
        (status = 200, description = "Where to fetch the file.", body = Envelope<Download>,
            headers(("ETag" = String, description = "A digest of this answer's `response`."))),
        DownloadErrors,
    )
)]
pub async fn download_pdf(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (NoQuery {}, ahead): (NoQuery, Ahead<DetailRead>),
) -> Result<Reply, ApiError> {
    download(state, call, ws, id, Kind::Pdf, Source::Detail(ahead), None).await
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
    responses(
        (status = 200, description = "Where to fetch the file.", body = Envelope<Download>,
            headers(("ETag" = String, description = "A digest of this answer's `response`."))),
        DownloadErrors,
    )
)]
pub async fn download_rvt(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (NoQuery {}, ahead): (NoQuery, Ahead<DetailRead>),
) -> Result<Reply, ApiError> {
    download(state, call, ws, id, Kind::Rvt, Source::Detail(ahead), None).await
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
    responses(
        (status = 200, description = "Where to fetch the file.", body = Envelope<Download>,
            headers(("ETag" = String, description = "A digest of this answer's `response`."))),
        DownloadErrors,
    )
)]
pub async fn download_rfa(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    (RfaQuery { version }, ahead): (RfaQuery, Ahead<FamilyRead>),
) -> Result<Reply, ApiError> {
    download(
        state,
        call,
        ws,
        id,
        Kind::Rfa,
        Source::Family(ahead),
        version,
    )
    .await
}

/// The query of the RFA download.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RfaQuery {
    /// Which version of the family (`GET .../families/{id}/versions`); the latest when
    /// left out. A version the family doesn't have is 404.
    #[serde(default, deserialize_with = "version")]
    #[param(value_type = u64, minimum = 1, required = false)]
    pub version: Option<u64>,
}

impl pirros_shared::extract::QueryParams for RfaQuery {}

fn version<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    pirros_shared::query::value(d, |v| match v.parse::<u64>() {
        Ok(n) if n >= 1 && !v.starts_with('+') => Ok(Some(n)),
        _ => Err("version must be a whole number from 1".into()),
    })
}

async fn download(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    id: &ResourceId,
    kind: Kind,
    source: Source,
    version: Option<u64>,
) -> Result<Reply, ApiError> {
    let entity = match source {
        Source::Detail(_) => EntityType::Detail,
        Source::Family(_) => EntityType::Family,
    };
    let scope = call.scope(state, ws, entity, Action::Download);
    // The resource and its workspace in one call, read ahead or beside the scope's reads.
    let (file_key, name, visible, workspace) = match source {
        Source::Detail(ahead) => {
            let (scope, (rec, workspace)) = tokio::try_join!(scope, async {
                Ok(ahead
                    .or(reads::detail_with_workspace(state, call.asking(), ws, id))
                    .await?)
            })?;
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
        Source::Family(ahead) => {
            let (scope, (rec, workspace)) = tokio::try_join!(scope, async {
                Ok(ahead
                    .or(reads::family_with_workspace(state, call.asking(), ws, id))
                    .await?)
            })?;
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
    let Some(workspace) = workspace else {
        return Err(ApiError::NotFound);
    };
    // An earlier version's file, when one is asked for.
    let file_key = match version {
        None => file_key,
        Some(v) => {
            state
                .store
                .get_family_version(ws, id, v)
                .await?
                .ok_or(ApiError::NotFound)?
                .file_key
        }
    };
    let Some(file_key) = file_key else {
        return Err(ApiError::NotFound);
    };
    // Only a caller who could download the file learns that downloads are off.
    if !workspace.downloads_enabled {
        return Err(ApiError::DownloadDisabled);
    }
    let (download_url, expires_at) =
        match kind {
            Kind::Pdf => {
                let base = state.config.pdf_public_base_url.as_deref().ok_or(
                    ApiError::ServiceUnavailable("PDF downloads are not configured"),
                )?;
                (public_url(base, &file_key), None)
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
                (url, Some(expires))
            }
        };
    // A digest of the answer: an RVT's or RFA's link is signed afresh on each request, so
    // only a PDF's answer is ever not modified.
    let payload = Download {
        download_url,
        expires_at,
        expanded: NoExpansions {},
    };
    call.reply_tagged(&payload, EntityTag::of(&payload)?)
}
