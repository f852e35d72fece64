//! A stash export: every file of the stash's items that the job's creator may download
//! (a detail's PDF and RVT, a family's RFA), zipped with a `manifest.json`, and the items
//! left out listed with why. Grants are read when the job runs, so a grant withdrawn since
//! the request already counts.

use futures::{StreamExt, TryStreamExt};
use pirros_domain::grants::{self, Action, EntityType, Scope};
use pirros_domain::ids::ResourceId;
use pirros_domain::jobs::{
    ExportOutcome, ItemType, JobRecord, JobSpec, JobStatus, SkipReason, Skipped, StoredResult,
    export_key,
};
use pirros_domain::model::{Credential, DetailRecord, FamilyRecord, Stash};
use pirros_domain::timestamp::Timestamp;
use serde_json::json;

use crate::export::{ExportFile, MANIFEST_NAME, export_zip};
use crate::worker::{WorkError, Worker};
use crate::zip_names::ZipNames;

/// Item reads in flight at once.
const READS_IN_FLIGHT: usize = 16;

/// What the creator may do in the stash's workspace.
struct Scopes {
    detail_read: Scope,
    detail_download: Scope,
    family_read: Scope,
    family_download: Scope,
    downloads_enabled: bool,
}

/// One file to zip: where it is, and what the manifest says of it.
struct Planned {
    file: ExportFile,
    kind: ItemType,
    id: ResourceId,
    format: &'static str,
}

pub(crate) async fn process(w: &Worker, job: JobRecord) -> Result<(), WorkError> {
    let JobSpec::Export(spec) = job.spec.clone() else {
        unreachable!("dispatched on the spec");
    };
    let Some(job) = w.take(job).await? else {
        return Ok(());
    };
    let ws = job.workspace_id;
    let credential = w
        .store
        .get_credential(&job.client_id)
        .await?
        .filter(Credential::is_active);
    let stash = w.store.get_stash(ws, &spec.stash_id).await?;
    let (Some(credential), Some(stash)) = (credential, stash) else {
        return gone(w, job).await;
    };
    let filters = w
        .store
        .get_filters(ws, &grants::custom_filter_ids(&credential, ws))
        .await?;
    let scope = |entity, action| Scope::resolve(&credential, ws, entity, action, &filters);
    if !scope(EntityType::Stash, Action::Read).allows(&stash.stash) {
        return gone(w, job).await;
    }
    let scopes = Scopes {
        detail_read: scope(EntityType::Detail, Action::Read),
        detail_download: scope(EntityType::Detail, Action::Download),
        family_read: scope(EntityType::Family, Action::Read),
        family_download: scope(EntityType::Family, Action::Download),
        downloads_enabled: w
            .store
            .get_workspace(ws)
            .await?
            .is_some_and(|x| x.downloads_enabled),
    };
    let (planned, mut skipped) = plan(w, &stash.stash, &scopes).await?;
    // A file the records name but storage lacks is left out, not a failed export; an item
    // none of whose files are there is listed as having none.
    let mut files = Vec::with_capacity(planned.len());
    let mut missing = Vec::new();
    let mut total: u64 = 0;
    for p in planned {
        match w.objects.head(&p.file.key).await? {
            Some(info) => {
                total = total.saturating_add(info.size);
                files.push(p);
            }
            None => missing.push((p.kind, p.id)),
        }
    }
    if total > w.max_export_bytes {
        let message = format!(
            "The stash's files add up to {total} bytes, more than an export may hold ({} \
             bytes); export fewer items at a time",
            w.max_export_bytes
        );
        return w.fail(job, "export_too_large", &message).await;
    }
    for (kind, id) in missing {
        let listed = |k: ItemType, i: &ResourceId| k == kind && *i == id;
        if !files.iter().any(|p| listed(p.kind, &p.id))
            && !skipped.iter().any(|s| listed(s.kind, &s.id))
        {
            skipped.push(Skipped {
                kind,
                id,
                reason: SkipReason::NoFile,
            });
        }
    }
    let manifest = json!({
        "stash": {
            "id": stash.stash.id,
            "name": stash.stash.name,
            "workspace_id": ws,
        },
        "exported_at": Timestamp::now(),
        "files": files.iter().map(|p| json!({
            "path": p.file.name,
            "type": p.kind,
            "id": p.id,
            "format": p.format,
        })).collect::<Vec<_>>(),
        "skipped": skipped,
    });
    let key = export_key(ws, &job.id);
    // What a download grant must still cover for the zip's URL to be signed on a read.
    let mut item_types: Vec<ItemType> = Vec::with_capacity(2);
    for p in &files {
        if !item_types.contains(&p.kind) {
            item_types.push(p.kind);
        }
    }
    let zipped: Vec<ExportFile> = files.into_iter().map(|p| p.file).collect();
    let summary = export_zip(w.objects.as_ref(), &zipped, &manifest, &key).await?;
    let outcome = ExportOutcome {
        key,
        files: summary.files as u64,
        bytes: summary.bytes,
        skipped,
        item_types: Some(item_types),
    };
    w.finish(job, |j| {
        let mut done = j.advanced(JobStatus::Succeeded);
        done.result = Some(StoredResult::Export(outcome.clone()));
        done
    })
    .await
}

/// The stash (or its creator's access to it) is gone.
async fn gone(w: &Worker, job: JobRecord) -> Result<(), WorkError> {
    w.fail(
        job,
        "stash_not_found",
        "The stash no longer exists or you may no longer read it",
    )
    .await
}

/// The files to zip, with unique names, and the items left out.
async fn plan(
    w: &Worker,
    stash: &Stash,
    s: &Scopes,
) -> Result<(Vec<Planned>, Vec<Skipped>), WorkError> {
    let ws = stash.workspace_id;
    // Owned ids: a closure over borrowed ones makes the future not provably `Send`.
    let details: Vec<Option<DetailRecord>> =
        futures::stream::iter(stash.item_ids.detail_ids.clone())
            .map(|id| async move { w.store.get_detail(ws, &id).await })
            .buffered(READS_IN_FLIGHT)
            .try_collect()
            .await?;
    let families: Vec<Option<FamilyRecord>> =
        futures::stream::iter(stash.item_ids.family_ids.clone())
            .map(|id| async move { w.store.get_family(ws, &id).await })
            .buffered(READS_IN_FLIGHT)
            .try_collect()
            .await?;
    let mut names = ZipNames::new([MANIFEST_NAME]);
    let mut planned = Vec::new();
    let mut skipped = Vec::new();
    let mut skip = |kind, id: &ResourceId, reason| {
        skipped.push(Skipped {
            kind,
            id: id.clone(),
            reason,
        })
    };
    for (id, rec) in stash.item_ids.detail_ids.iter().zip(details) {
        let kind = ItemType::Detail;
        let Some(rec) = rec.filter(|r| s.detail_read.allows(&r.detail)) else {
            skip(kind, id, SkipReason::NotFound);
            continue;
        };
        if !s.detail_download.allows(&rec.detail) {
            skip(kind, id, SkipReason::NotDownloadable);
            continue;
        }
        let slots = [("pdf", &rec.files.pdf), ("rvt", &rec.files.rvt)];
        if slots.iter().all(|(_, k)| k.is_none()) {
            skip(kind, id, SkipReason::NoFile);
            continue;
        }
        if !s.downloads_enabled {
            skip(kind, id, SkipReason::DownloadsDisabled);
            continue;
        }
        for (format, key) in slots {
            if let Some(key) = key {
                planned.push(Planned {
                    file: ExportFile {
                        key: key.clone(),
                        name: names.unique(&format!("details/{}.{format}", leaf(&rec.detail.name))),
                    },
                    kind,
                    id: id.clone(),
                    format,
                });
            }
        }
    }
    for (id, rec) in stash.item_ids.family_ids.iter().zip(families) {
        let kind = ItemType::Family;
        let Some(rec) = rec.filter(|r| s.family_read.allows(&r.family)) else {
            skip(kind, id, SkipReason::NotFound);
            continue;
        };
        if !s.family_download.allows(&rec.family) {
            skip(kind, id, SkipReason::NotDownloadable);
            continue;
        }
        let Some(key) = &rec.files.rfa else {
            skip(kind, id, SkipReason::NoFile);
            continue;
        };
        if !s.downloads_enabled {
            skip(kind, id, SkipReason::DownloadsDisabled);
            continue;
        }
        planned.push(Planned {
            file: ExportFile {
                key: key.clone(),
                name: names.unique(&format!("families/{}.rfa", leaf(&rec.family.name))),
            },
            kind,
            id: id.clone(),
            format: "rfa",
        });
    }
    Ok((planned, skipped))
}

/// A resource's name as one path segment: its slashes would make folders.
fn leaf(name: &str) -> String {
    name.replace(['/', '\\'], "_")
}
