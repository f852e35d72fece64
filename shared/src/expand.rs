//! `include=tags,project`: related objects keyed by id under `expanded`, additive, and only
//! those the caller may read.

use crate::AppState;
use crate::api::V1Call;
use crate::error::ApiError;
use crate::grants::{Action, EntityType};
use crate::ids::{ResourceId, WorkspaceId};
use crate::query::Include;
use serde_json::{Map, Value, json};

/// Builds `expanded` for resources referencing `tag_ids` and `project_ids`.
/// Tags need the caller's tag read scope; a project is shown to whoever can read a
/// resource that references it (projects have no grants of their own).
pub async fn expanded(
    state: &AppState,
    call: &V1Call,
    ws: WorkspaceId,
    include: Include,
    tag_ids: impl IntoIterator<Item = ResourceId>,
    project_ids: impl IntoIterator<Item = ResourceId>,
) -> Result<Value, ApiError> {
    let mut out = Map::new();
    if include.tags {
        let mut ids: Vec<ResourceId> = tag_ids.into_iter().collect();
        ids.sort();
        ids.dedup();
        let mut tags = Map::new();
        if !ids.is_empty() {
            let scope = call.scope(state, ws, EntityType::Tag, Action::Read).await?;
            if !scope.is_none() {
                for t in state.store.get_tags(ws, &ids).await? {
                    if scope.allows(&t) {
                        tags.insert(t.id.to_string(), json!(t));
                    }
                }
            }
        }
        out.insert("tags".into(), Value::Object(tags));
    }
    if include.projects {
        let mut ids: Vec<ResourceId> = project_ids.into_iter().collect();
        ids.sort();
        ids.dedup();
        let mut projects = Map::new();
        if !ids.is_empty() {
            for p in state.store.get_projects(ws, &ids).await? {
                projects.insert(p.id.to_string(), json!(p));
            }
        }
        out.insert("projects".into(), Value::Object(projects));
    }
    Ok(Value::Object(out))
}
