//! The fixture file that `pirros-admin import` and `pirros-local --fixture` read
//! (CONTRACT.md). It is validated whole, and refused whole, before anything is written.

use crate::auth::secret::SecretHash;
use crate::grants::{EntityType, Filter, FilterId, FilterMatch};
use crate::ids::{ClientId, ResourceId, WorkspaceId};
use crate::model::*;
use crate::store::{Item, Store};
use crate::timestamp::Timestamp;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TagIn {
    id: ResourceId,
    name: String,
    workspace_id: WorkspaceId,
    created_at: Option<Timestamp>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FilesIn {
    pdf: Option<String>,
    rvt: Option<String>,
    rfa: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DetailIn {
    id: ResourceId,
    workspace_id: WorkspaceId,
    name: String,
    #[serde(default)]
    description: String,
    library: Library,
    #[serde(default)]
    tag_ids: Vec<ResourceId>,
    project_id: Option<ResourceId>,
    #[serde(default)]
    files: FilesIn,
    // Derived from `files`; accepted so exported resources can be imported back.
    #[allow(dead_code)]
    has_pdf: Option<bool>,
    #[allow(dead_code)]
    has_rvt: Option<bool>,
    created_at: Option<Timestamp>,
    updated_at: Option<Timestamp>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FamilyIn {
    id: ResourceId,
    workspace_id: WorkspaceId,
    name: String,
    category: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    tag_ids: Vec<ResourceId>,
    project_id: Option<ResourceId>,
    #[serde(default)]
    files: FilesIn,
    #[allow(dead_code)]
    has_rfa: Option<bool>,
    created_at: Option<Timestamp>,
    updated_at: Option<Timestamp>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StashIn {
    id: ResourceId,
    workspace_id: WorkspaceId,
    name: String,
    description: Option<String>,
    project_id: ResourceId,
    #[serde(default)]
    is_permanent: bool,
    #[serde(default)]
    item_ids: ItemIds,
    created_by: String,
    created_at: Option<Timestamp>,
    updated_at: Option<Timestamp>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    key: String,
    content_type: String,
    path: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterIn {
    id: ResourceId,
    workspace_id: WorkspaceId,
    name: String,
    entity_type: EntityType,
    #[serde(rename = "match", default)]
    rule: FilterMatch,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantIn {
    workspace_id: WorkspaceId,
    filter_id: FilterId,
    action: crate::grants::Action,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialIn {
    client_id: ClientId,
    client_secret: String,
    name: String,
    firm_id: ResourceId,
    #[serde(default = "active")]
    status: CredentialStatus,
    #[serde(default)]
    grants: Vec<GrantIn>,
}

fn active() -> CredentialStatus {
    CredentialStatus::Active
}

/// A file the fixture ships: where it is on disk and where it goes in the bucket.
#[derive(Clone, Debug)]
pub struct FileEntry {
    pub key: String,
    pub content_type: String,
    pub path: PathBuf,
}

/// A fixture that passed validation: ready to write.
#[derive(Debug, Default)]
pub struct Fixture {
    pub items: Vec<Item>,
    pub files: Vec<FileEntry>,
}

const ARRAYS: &[&str] = &[
    "firms",
    "workspaces",
    "projects",
    "tags",
    "details",
    "families",
    "stashes",
    "files",
    "filters",
    "credentials",
];

/// Collects every problem, each naming its entry and field.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, at: impl std::fmt::Display, msg: impl std::fmt::Display) {
        self.0.push(format!("{at}: {msg}"));
    }
}

fn entries<T: DeserializeOwned>(
    doc: &serde_json::Map<String, Value>,
    name: &str,
    p: &mut Problems,
) -> Vec<(String, T)> {
    let Some(v) = doc.get(name) else {
        return Vec::new();
    };
    let Some(arr) = v.as_array() else {
        p.add(name, "must be an array");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, e) in arr.iter().enumerate() {
        let at = format!("{name}[{i}]");
        match T::deserialize(e) {
            Ok(t) => out.push((at, t)),
            Err(err) => p.add(at, err),
        }
    }
    out
}

fn non_empty(p: &mut Problems, at: &str, field: &str, v: &str, max: usize) {
    if v.trim().is_empty() {
        p.add(format!("{at}.{field}"), "must not be empty");
    } else if v.chars().count() > max {
        p.add(
            format!("{at}.{field}"),
            format!("is longer than {max} characters"),
        );
    }
}

/// What already exists in the store, for references a fixture doesn't carry itself.
struct Known<'a> {
    store: &'a dyn Store,
    workspaces: HashMap<WorkspaceId, Option<Workspace>>,
    firms: HashMap<ResourceId, bool>,
}

impl Known<'_> {
    async fn workspace(&mut self, ws: WorkspaceId) -> Result<Option<Workspace>, String> {
        if let Some(w) = self.workspaces.get(&ws) {
            return Ok(w.clone());
        }
        let w = self
            .store
            .get_workspace(ws)
            .await
            .map_err(|e| e.to_string())?;
        self.workspaces.insert(ws, w.clone());
        Ok(w)
    }

    async fn firm(&mut self, id: &ResourceId) -> Result<bool, String> {
        if let Some(f) = self.firms.get(id) {
            return Ok(*f);
        }
        let f = self
            .store
            .get_firm(id)
            .await
            .map_err(|e| e.to_string())?
            .is_some();
        self.firms.insert(id.clone(), f);
        Ok(f)
    }
}

/// Parses and validates `text`; file paths resolve against `base_dir`.
/// References may point into the fixture itself or at what the store already holds.
pub async fn load(text: &str, base_dir: &Path, store: &dyn Store) -> Result<Fixture, Vec<String>> {
    let mut p = Problems::default();
    let doc: serde_json::Map<String, Value> = match serde_json::from_str(text) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err(vec!["fixture: must be a JSON object".into()]),
        Err(e) => return Err(vec![format!("fixture: not valid JSON: {e}")]),
    };
    for k in doc.keys() {
        if !ARRAYS.contains(&k.as_str()) {
            p.add(
                k,
                format!("unknown key; expected one of {}", ARRAYS.join(", ")),
            );
        }
    }
    let now = Timestamp::now();
    let firms: Vec<(String, Firm)> = entries(&doc, "firms", &mut p);
    let workspaces: Vec<(String, Workspace)> = entries(&doc, "workspaces", &mut p);
    let projects: Vec<(String, Project)> = entries(&doc, "projects", &mut p);
    let tags: Vec<(String, TagIn)> = entries(&doc, "tags", &mut p);
    let details: Vec<(String, DetailIn)> = entries(&doc, "details", &mut p);
    let families: Vec<(String, FamilyIn)> = entries(&doc, "families", &mut p);
    let stashes: Vec<(String, StashIn)> = entries(&doc, "stashes", &mut p);
    let files: Vec<(String, FileIn)> = entries(&doc, "files", &mut p);
    let filters: Vec<(String, FilterIn)> = entries(&doc, "filters", &mut p);
    let credentials: Vec<(String, CredentialIn)> = entries(&doc, "credentials", &mut p);

    let mut known = Known {
        store,
        workspaces: HashMap::new(),
        firms: HashMap::new(),
    };
    let mut items = Vec::new();

    let mut firm_ids = HashSet::new();
    for (at, f) in &firms {
        non_empty(&mut p, at, "name", &f.name, 200);
        if !firm_ids.insert(f.id.clone()) {
            p.add(
                format!("{at}.id"),
                format!("duplicate firm id {:?}", f.id.as_str()),
            );
        }
        items.push(Item::Firm(f.clone()));
    }
    macro_rules! firm_exists {
        ($id:expr) => {
            firm_ids.contains($id) || known.firm($id).await.unwrap_or(false)
        };
    }
    let mut ws_firm: HashMap<WorkspaceId, ResourceId> = HashMap::new();
    for (at, w) in &workspaces {
        non_empty(&mut p, at, "name", &w.name, 200);
        if !firm_exists!(&w.firm_id) {
            p.add(
                format!("{at}.firm_id"),
                format!("firm {:?} does not exist", w.firm_id.as_str()),
            );
        }
        if ws_firm.insert(w.id, w.firm_id.clone()).is_some() {
            p.add(
                format!("{at}.id"),
                format!("duplicate workspace id {}", w.id),
            );
        }
        items.push(Item::Workspace(w.clone()));
    }
    // The firm of a workspace named anywhere in the fixture, from the fixture or the store.
    let mut ws_of = HashMap::new();
    let mut all_ws: Vec<WorkspaceId> = projects
        .iter()
        .map(|(_, x)| x.workspace_id)
        .chain(tags.iter().map(|(_, x)| x.workspace_id))
        .chain(details.iter().map(|(_, x)| x.workspace_id))
        .chain(families.iter().map(|(_, x)| x.workspace_id))
        .chain(stashes.iter().map(|(_, x)| x.workspace_id))
        .chain(filters.iter().map(|(_, x)| x.workspace_id))
        .chain(
            credentials
                .iter()
                .flat_map(|(_, c)| c.grants.iter().map(|g| g.workspace_id)),
        )
        .collect();
    all_ws.sort();
    all_ws.dedup();
    for ws in all_ws {
        let firm = match ws_firm.get(&ws) {
            Some(f) => Some(f.clone()),
            None => match known.workspace(ws).await {
                Ok(w) => w.map(|w| w.firm_id),
                Err(e) => return Err(vec![format!("store: {e}")]),
            },
        };
        if let Some(f) = firm {
            ws_of.insert(ws, f);
        }
    }
    let ws_ok = |p: &mut Problems, at: &str, ws: WorkspaceId| {
        if !ws_of.contains_key(&ws) {
            p.add(
                format!("{at}.workspace_id"),
                format!("workspace {ws} does not exist"),
            );
        }
    };

    let mut project_ids = HashSet::new();
    for (at, pr) in &projects {
        ws_ok(&mut p, at, pr.workspace_id);
        non_empty(&mut p, at, "name", &pr.name, 200);
        if !project_ids.insert((pr.workspace_id, pr.id.clone())) {
            p.add(
                format!("{at}.id"),
                format!("duplicate project id {:?}", pr.id.as_str()),
            );
        }
        items.push(Item::Project(pr.clone()));
    }
    let mut tag_ids = HashSet::new();
    for (at, t) in &tags {
        ws_ok(&mut p, at, t.workspace_id);
        non_empty(&mut p, at, "name", &t.name, 200);
        if !tag_ids.insert((t.workspace_id, t.id.clone())) {
            p.add(
                format!("{at}.id"),
                format!("duplicate tag id {:?}", t.id.as_str()),
            );
        }
        items.push(Item::Tag(Tag {
            id: t.id.clone(),
            name: t.name.clone(),
            workspace_id: t.workspace_id,
            created_at: t.created_at.unwrap_or(now),
        }));
    }

    // References to tags and projects: the fixture's own, else the store's.
    let mut ext_tags: HashSet<(WorkspaceId, ResourceId)> = HashSet::new();
    let mut ext_projects: HashSet<(WorkspaceId, ResourceId)> = HashSet::new();
    {
        let mut want_tags: HashMap<WorkspaceId, Vec<ResourceId>> = HashMap::new();
        let mut want_projects: HashMap<WorkspaceId, Vec<ResourceId>> = HashMap::new();
        for (_, d) in &details {
            for t in &d.tag_ids {
                if !tag_ids.contains(&(d.workspace_id, t.clone())) {
                    want_tags.entry(d.workspace_id).or_default().push(t.clone());
                }
            }
            if let Some(pr) = &d.project_id {
                want_projects
                    .entry(d.workspace_id)
                    .or_default()
                    .push(pr.clone());
            }
        }
        for (_, f) in &families {
            for t in &f.tag_ids {
                if !tag_ids.contains(&(f.workspace_id, t.clone())) {
                    want_tags.entry(f.workspace_id).or_default().push(t.clone());
                }
            }
            if let Some(pr) = &f.project_id {
                want_projects
                    .entry(f.workspace_id)
                    .or_default()
                    .push(pr.clone());
            }
        }
        for (_, s) in &stashes {
            want_projects
                .entry(s.workspace_id)
                .or_default()
                .push(s.project_id.clone());
        }
        for (ws, ids) in want_tags {
            if ws_firm.contains_key(&ws) || !ws_of.contains_key(&ws) {
                continue;
            }
            match store.get_tags(ws, &ids).await {
                Ok(found) => ext_tags.extend(found.into_iter().map(|t| (ws, t.id))),
                Err(e) => return Err(vec![format!("store: {e}")]),
            }
        }
        for (ws, mut ids) in want_projects {
            ids.retain(|i| !project_ids.contains(&(ws, i.clone())));
            if ids.is_empty() || ws_firm.contains_key(&ws) || !ws_of.contains_key(&ws) {
                continue;
            }
            match store.get_projects(ws, &ids).await {
                Ok(found) => ext_projects.extend(found.into_iter().map(|x| (ws, x.id))),
                Err(e) => return Err(vec![format!("store: {e}")]),
            }
        }
    }
    let has_tag = |ws: WorkspaceId, t: &ResourceId| {
        tag_ids.contains(&(ws, t.clone())) || ext_tags.contains(&(ws, t.clone()))
    };
    let has_project = |ws: WorkspaceId, x: &ResourceId| {
        project_ids.contains(&(ws, x.clone())) || ext_projects.contains(&(ws, x.clone()))
    };

    // Tags and project a detail or family references must live in its workspace.
    let refs_ok = |p: &mut Problems,
                   at: &str,
                   ws: WorkspaceId,
                   tags: &[ResourceId],
                   project: Option<&ResourceId>| {
        for (i, t) in tags.iter().enumerate() {
            if !has_tag(ws, t) {
                p.add(
                    format!("{at}.tag_ids[{i}]"),
                    format!("tag {:?} does not exist in workspace {ws}", t.as_str()),
                );
            }
        }
        if let Some(pr) = project
            && !has_project(ws, pr)
        {
            p.add(
                format!("{at}.project_id"),
                format!("project {:?} does not exist in workspace {ws}", pr.as_str()),
            );
        }
    };

    let mut file_keys: HashMap<String, String> = HashMap::new();
    let mut file_entries = Vec::new();
    for (at, f) in &files {
        if f.key.is_empty() || f.key.len() > 1024 || f.key.starts_with('/') {
            p.add(
                format!("{at}.key"),
                "must be 1 to 1024 characters and not start with /",
            );
        }
        if f.content_type.parse::<http::HeaderValue>().is_err() || f.content_type.is_empty() {
            p.add(format!("{at}.content_type"), "must be a media type");
        }
        let path = base_dir.join(&f.path);
        if !path.is_file() {
            p.add(
                format!("{at}.path"),
                format!("no file at {}", path.display()),
            );
        }
        if file_keys
            .insert(f.key.clone(), f.content_type.clone())
            .is_some()
        {
            p.add(
                format!("{at}.key"),
                format!("duplicate file key {:?}", f.key),
            );
        }
        file_entries.push(FileEntry {
            key: f.key.clone(),
            content_type: f.content_type.clone(),
            path,
        });
    }
    let file_ok = |p: &mut Problems, at: &str, field: &str, key: &Option<String>| {
        if let Some(k) = key
            && !file_keys.contains_key(k)
        {
            p.add(
                format!("{at}.files.{field}"),
                format!("file {k:?} is not in files"),
            );
        }
    };

    let mut detail_ids = HashSet::new();
    for (at, d) in &details {
        ws_ok(&mut p, at, d.workspace_id);
        non_empty(&mut p, at, "name", &d.name, 500);
        refs_ok(
            &mut p,
            at,
            d.workspace_id,
            &d.tag_ids,
            d.project_id.as_ref(),
        );
        if d.files.rfa.is_some() {
            p.add(
                format!("{at}.files.rfa"),
                "details carry pdf and rvt files only",
            );
        }
        file_ok(&mut p, at, "pdf", &d.files.pdf);
        file_ok(&mut p, at, "rvt", &d.files.rvt);
        if !detail_ids.insert((d.workspace_id, d.id.clone())) {
            p.add(
                format!("{at}.id"),
                format!("duplicate detail id {:?}", d.id.as_str()),
            );
        }
        let created = d.created_at.unwrap_or(now);
        items.push(Item::Detail(DetailRecord {
            detail: Detail {
                id: d.id.clone(),
                workspace_id: d.workspace_id,
                name: d.name.clone(),
                description: d.description.clone(),
                library: d.library,
                tag_ids: d.tag_ids.clone(),
                project_id: d.project_id.clone(),
                has_pdf: d.files.pdf.is_some(),
                has_rvt: d.files.rvt.is_some(),
                created_at: created,
                updated_at: d.updated_at.unwrap_or(created),
            },
            files: FileKeys {
                pdf: d.files.pdf.clone(),
                rvt: d.files.rvt.clone(),
                rfa: None,
            },
        }));
    }
    let mut family_ids = HashSet::new();
    for (at, f) in &families {
        ws_ok(&mut p, at, f.workspace_id);
        non_empty(&mut p, at, "name", &f.name, 500);
        non_empty(&mut p, at, "category", &f.category, 200);
        refs_ok(
            &mut p,
            at,
            f.workspace_id,
            &f.tag_ids,
            f.project_id.as_ref(),
        );
        if f.files.pdf.is_some() || f.files.rvt.is_some() {
            p.add(format!("{at}.files"), "families carry an rfa file only");
        }
        file_ok(&mut p, at, "rfa", &f.files.rfa);
        if !family_ids.insert((f.workspace_id, f.id.clone())) {
            p.add(
                format!("{at}.id"),
                format!("duplicate family id {:?}", f.id.as_str()),
            );
        }
        let created = f.created_at.unwrap_or(now);
        items.push(Item::Family(FamilyRecord {
            family: Family {
                id: f.id.clone(),
                workspace_id: f.workspace_id,
                name: f.name.clone(),
                category: f.category.clone(),
                description: f.description.clone(),
                tag_ids: f.tag_ids.clone(),
                project_id: f.project_id.clone(),
                has_rfa: f.files.rfa.is_some(),
                created_at: created,
                updated_at: f.updated_at.unwrap_or(created),
            },
            files: FileKeys {
                rfa: f.files.rfa.clone(),
                ..Default::default()
            },
        }));
    }
    let mut stash_ids = HashSet::new();
    for (at, s) in &stashes {
        ws_ok(&mut p, at, s.workspace_id);
        non_empty(&mut p, at, "name", &s.name, 200);
        if !has_project(s.workspace_id, &s.project_id) {
            p.add(
                format!("{at}.project_id"),
                format!(
                    "project {:?} does not exist in workspace {}",
                    s.project_id.as_str(),
                    s.workspace_id
                ),
            );
        }
        for (i, d) in s.item_ids.detail_ids.iter().enumerate() {
            if !detail_ids.contains(&(s.workspace_id, d.clone())) {
                p.add(
                    format!("{at}.item_ids.detail_ids[{i}]"),
                    format!("detail {:?} is not in this fixture's workspace", d.as_str()),
                );
            }
        }
        for (i, f) in s.item_ids.family_ids.iter().enumerate() {
            if !family_ids.contains(&(s.workspace_id, f.clone())) {
                p.add(
                    format!("{at}.item_ids.family_ids[{i}]"),
                    format!("family {:?} is not in this fixture's workspace", f.as_str()),
                );
            }
        }
        if !stash_ids.insert((s.workspace_id, s.id.clone())) {
            p.add(
                format!("{at}.id"),
                format!("duplicate stash id {:?}", s.id.as_str()),
            );
        }
        let created = s.created_at.unwrap_or(now);
        items.push(Item::Stash(StashRecord {
            stash: Stash {
                id: s.id.clone(),
                workspace_id: s.workspace_id,
                name: s.name.clone(),
                description: s.description.clone(),
                project_id: s.project_id.clone(),
                is_permanent: s.is_permanent,
                item_ids: s.item_ids.clone(),
                created_by: s.created_by.clone(),
                created_at: created,
                updated_at: s.updated_at.unwrap_or(created),
            },
            version: 1,
        }));
    }
    let mut fixture_filters: HashMap<(WorkspaceId, ResourceId), EntityType> = HashMap::new();
    for (at, f) in &filters {
        ws_ok(&mut p, at, f.workspace_id);
        non_empty(&mut p, at, "name", &f.name, 200);
        for k in f.rule.foreign_keys(f.entity_type) {
            p.add(
                format!("{at}.match.{k}"),
                format!("does not apply to entity_type {}", f.entity_type.as_str()),
            );
        }
        if fixture_filters
            .insert((f.workspace_id, f.id.clone()), f.entity_type)
            .is_some()
        {
            p.add(
                format!("{at}.id"),
                format!("duplicate filter id {:?}", f.id.as_str()),
            );
        }
        items.push(Item::Filter(Filter {
            id: f.id.clone(),
            workspace_id: f.workspace_id,
            name: f.name.clone(),
            entity_type: f.entity_type,
            rule: f.rule.clone(),
        }));
    }
    let mut client_ids = HashSet::new();
    for (at, c) in &credentials {
        non_empty(&mut p, at, "name", &c.name, 200);
        if c.client_secret.len() < 16 || c.client_secret.len() > 256 {
            p.add(
                format!("{at}.client_secret"),
                "must be 16 to 256 characters",
            );
        }
        if !firm_exists!(&c.firm_id) {
            p.add(
                format!("{at}.firm_id"),
                format!("firm {:?} does not exist", c.firm_id.as_str()),
            );
        }
        if !client_ids.insert(c.client_id.clone()) {
            p.add(
                format!("{at}.client_id"),
                format!("duplicate client id {:?}", c.client_id.as_str()),
            );
        }
        let mut grants = Vec::new();
        for (i, g) in c.grants.iter().enumerate() {
            let gat = format!("{at}.grants[{i}]");
            match ws_of.get(&g.workspace_id) {
                None => p.add(
                    format!("{gat}.workspace_id"),
                    format!("workspace {} does not exist", g.workspace_id),
                ),
                Some(f) if *f != c.firm_id => p.add(
                    format!("{gat}.workspace_id"),
                    format!("workspace {} belongs to another firm", g.workspace_id),
                ),
                Some(_) => {}
            }
            if let FilterId::Custom(fid) = &g.filter_id
                && !fixture_filters.contains_key(&(g.workspace_id, fid.clone()))
            {
                match store
                    .get_filters(g.workspace_id, std::slice::from_ref(fid))
                    .await
                {
                    Ok(found) if !found.is_empty() => {}
                    Ok(_) => p.add(
                        format!("{gat}.filter_id"),
                        format!(
                            "filter {:?} does not exist in workspace {}",
                            fid.as_str(),
                            g.workspace_id
                        ),
                    ),
                    Err(e) => return Err(vec![format!("store: {e}")]),
                }
            }
            grants.push(Grant {
                workspace_id: g.workspace_id,
                filter_id: g.filter_id.clone(),
                action: g.action,
            });
        }
        items.push(Item::Credential(Credential {
            client_id: c.client_id.clone(),
            name: c.name.clone(),
            firm_id: c.firm_id.clone(),
            status: c.status,
            secret: SecretHash::of(&c.client_secret),
            secret_version: 1,
            grants,
            created_at: now,
        }));
    }
    if p.0.is_empty() {
        Ok(Fixture {
            items,
            files: file_entries,
        })
    } else {
        Err(p.0)
    }
}

/// Writes a validated fixture: files to the bucket first (so no resource ever points at a
/// missing file), then the items.
pub async fn write(
    fixture: &Fixture,
    store: &dyn Store,
    bucket: Option<(&aws_sdk_s3::Client, &str)>,
) -> Result<(), String> {
    if let Some((s3, bucket)) = bucket {
        for f in &fixture.files {
            let body = aws_sdk_s3::primitives::ByteStream::from_path(&f.path)
                .await
                .map_err(|e| format!("files: reading {}: {e}", f.path.display()))?;
            s3.put_object()
                .bucket(bucket)
                .key(&f.key)
                .content_type(&f.content_type)
                .content_disposition(crate::files::content_disposition(
                    f.key.rsplit('/').next().unwrap_or(&f.key),
                ))
                .body(body)
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "files: uploading {}: {}",
                        f.key,
                        aws_sdk_s3::error::DisplayErrorContext(e)
                    )
                })?;
        }
    }
    store
        .put_items(&fixture.items)
        .await
        .map_err(|e| e.to_string())
}
