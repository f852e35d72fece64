//! `include=tags,project`: related objects keyed by id under `expanded`, additive, and only
//! those the caller may read.

use crate::AppState;
use crate::api::V1Call;
use crate::conditional::EntityTag;
use crate::error::ApiError;
use crate::grants::{Action, EntityType};
use crate::ids::{ResourceId, WorkspaceId};
use crate::model::{Project, References, Tag};
use crate::payload::Resource;
use crate::query::Include;
use crate::response::Reply;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Related objects asked for with `include`, keyed by id, only those the caller may read.
/// A key is present only when `include` named it.
#[derive(Default, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Expanded {
    /// With `include=tags`: the referenced tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = BTreeMap<String, Tag>, required = false)]
    pub tags: Option<BTreeMap<ResourceId, Tag>>,
    /// With `include=project`: the referenced projects.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = BTreeMap<String, Project>, required = false)]
    pub projects: Option<BTreeMap<ResourceId, Project>>,
}

fn sorted_unique<'a>(ids: impl Iterator<Item = &'a ResourceId>) -> Vec<ResourceId> {
    let mut ids: Vec<ResourceId> = ids.cloned().collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Builds `expanded` for `items`. Tags need the caller's tag read scope; a project is shown
/// to whoever can read a resource that references it (projects have no grants of their own).
pub async fn expanded<T: References>(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    include: Include,
    items: &[T],
) -> Result<Expanded, ApiError> {
    let mut out = Expanded::default();
    if include.tags {
        let ids = sorted_unique(items.iter().flat_map(|i| i.tag_ids()));
        let mut tags = BTreeMap::new();
        if !ids.is_empty() {
            let scope = call.scope(state, ws, EntityType::Tag, Action::Read).await?;
            if !scope.is_none() {
                for t in state.store.get_tags(ws, &ids).await? {
                    if scope.allows(&t) {
                        tags.insert(t.id.clone(), t);
                    }
                }
            }
        }
        out.tags = Some(tags);
    }
    if include.projects {
        let ids = sorted_unique(items.iter().filter_map(|i| i.project_id()));
        let mut projects = BTreeMap::new();
        if !ids.is_empty() {
            for p in state.store.get_projects(ws, &ids).await? {
                projects.insert(p.id.clone(), p);
            }
        }
        out.projects = Some(projects);
    }
    Ok(out)
}

/// One resource with what `include` asked to expand of it, as the answer, with the
/// answer's digest as its `ETag` (304 when `If-None-Match` holds it).
pub async fn reply<T: References + Serialize>(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    include: Include,
    item: &T,
) -> Result<Reply, ApiError> {
    let expanded = expanded(state, call, ws, include, std::slice::from_ref(item)).await?;
    let payload = Resource { item, expanded };
    call.reply_tagged(&payload, EntityTag::of(&payload)?)
}
