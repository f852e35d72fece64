//! A snapshot: everything the job's creator may read in the workspace (tags, projects,
//! details, families, stashes), one gzip-compressed JSON line per resource, each object as
//! its GET answers it, and the events sequence it is consistent with. The sequence is read
//! first: whatever changes while the lists are read is in the events after it, which the
//! copy applies (an upsert of what it holds already changes nothing).
//!
//! Pages of at most `PAGE` resources are read and written out one at a time, through a
//! gzip stream into a scratch file, so memory stays flat whatever the workspace's size.

use std::io::{BufWriter, Write};

use flate2::Compression;
use flate2::write::GzEncoder;
use pirros_domain::grants::{self, Action, EntityType, Scope};
use pirros_domain::jobs::{
    JobRecord, JobStatus, SnapshotCounts, SnapshotOutcome, StoredResult, snapshot_key,
};
use pirros_domain::lists::{ListKey, SearchList};
use pirros_domain::model::{Credential, Project};
use pirros_store::StashIndex;
use serde::Serialize;
use serde_json::json;

use crate::worker::{WorkError, Worker};

/// Resources read per storage call.
const PAGE: usize = 500;

/// The lines written so far, and how many of each type.
struct Lines {
    out: GzEncoder<BufWriter<std::fs::File>>,
    counts: SnapshotCounts,
}

impl Lines {
    fn write<T: Serialize>(&mut self, kind: &str, object: &T) -> Result<(), WorkError> {
        let line = json!({"type": kind, "object": object});
        serde_json::to_writer(&mut self.out, &line).map_err(std::io::Error::other)?;
        self.out.write_all(b"\n")?;
        let n = match kind {
            "tag" => &mut self.counts.tags,
            "project" => &mut self.counts.projects,
            "detail" => &mut self.counts.details,
            "family" => &mut self.counts.families,
            _ => &mut self.counts.stashes,
        };
        *n += 1;
        Ok(())
    }
}

pub(crate) async fn process(w: &Worker, job: JobRecord) -> Result<(), WorkError> {
    let Some(job) = w.take(job).await? else {
        return Ok(());
    };
    let ws = job.workspace_id;
    let Some(credential) = w
        .store
        .get_credential(&job.client_id)
        .await?
        .filter(Credential::is_active)
    else {
        return w
            .fail(
                job,
                "access_revoked",
                "The credential that asked for the snapshot was revoked",
            )
            .await;
    };
    let sequence = w.store.last_event_sequence(ws).await?;
    let filters = w
        .store
        .get_filters(ws, &grants::custom_filter_ids(&credential, ws))
        .await?;
    let scope = |entity| Scope::resolve(&credential, ws, entity, Action::Read, &filters);
    let (tags, details, families, stashes) = (
        scope(EntityType::Tag),
        scope(EntityType::Detail),
        scope(EntityType::Family),
        scope(EntityType::Stash),
    );
    let scratch = tempfile::NamedTempFile::new_in(&w.scratch_dir)?;
    let mut lines = Lines {
        out: GzEncoder::new(BufWriter::new(scratch.reopen()?), Compression::default()),
        counts: SnapshotCounts::default(),
    };
    for t in w.store.list_tags(ws).await? {
        if tags.allows(&t) {
            lines.write("tag", &t)?;
        }
    }
    // Projects are shown to any read grant in the workspace.
    let any_read = [&tags, &details, &families, &stashes]
        .iter()
        .any(|s| !s.is_none());
    let mut after: Option<String> = None;
    if any_read {
        loop {
            let page = w.store.query_projects(ws, after.as_deref(), PAGE).await?;
            for (_, p) in &page.items {
                lines.write::<Project>("project", p)?;
            }
            match page.last_key {
                Some(k) => after = Some(k),
                None => break,
            }
        }
    }
    let all = SearchList::newest(ListKey::All);
    let mut after: Option<String> = None;
    if !details.is_none() {
        loop {
            let page = w
                .store
                .query_details(ws, &all, after.as_deref(), PAGE)
                .await?;
            let shown: Vec<_> = page
                .items
                .iter()
                .map(|(_, d)| d)
                .filter(|d| details.allows(*d))
                .collect();
            let ids: Vec<_> = shown.iter().map(|d| d.id.clone()).collect();
            // A detail's answer carries its open flags, counted beside its flags.
            let open = w.store.open_flag_counts(ws, &ids).await?;
            for d in shown {
                let mut d = d.clone();
                d.open_flags = open.get(&d.id).copied().unwrap_or(0);
                lines.write("detail", &d)?;
            }
            match page.last_key {
                Some(k) => after = Some(k),
                None => break,
            }
        }
    }
    let mut after: Option<String> = None;
    if !families.is_none() {
        loop {
            let page = w
                .store
                .query_families(ws, &all, after.as_deref(), PAGE)
                .await?;
            for (_, f) in page.items.iter().filter(|(_, f)| families.allows(f)) {
                lines.write("family", f)?;
            }
            match page.last_key {
                Some(k) => after = Some(k),
                None => break,
            }
        }
    }
    let mut after: Option<String> = None;
    if !stashes.is_none() {
        loop {
            let page = w
                .store
                .query_stashes(ws, &StashIndex::All, after.as_deref(), PAGE)
                .await?;
            for (_, s) in page.items.iter().filter(|(_, s)| stashes.allows(s)) {
                lines.write("stash", s)?;
            }
            match page.last_key {
                Some(k) => after = Some(k),
                None => break,
            }
        }
    }
    let Lines { out, counts } = lines;
    out.finish()?.flush()?;
    let key = snapshot_key(ws, &job.id);
    let file = tokio::fs::File::open(scratch.path()).await?;
    let bytes = w
        .objects
        .put_stream(&key, "application/gzip", Box::new(file))
        .await?;
    let outcome = SnapshotOutcome {
        key,
        sequence,
        counts,
        bytes,
    };
    w.finish(job, |j| {
        let mut done = j.advanced(JobStatus::Succeeded);
        done.result = Some(StoredResult::Snapshot(outcome.clone()));
        done
    })
    .await
}
