//! The discovery reads: what a credential's grants reach (one batch read of keys of
//! several kinds), and the ordered lists of projects (`PLIST#`) and stashes (`SLIST#`),
//! whose copies the importer and stash writes keep in step with the records.

use super::{
    Attrs, DynamoStore, Filter, Firm, Item, Key, Project, Reach, ResourceId, Slice, Stash,
    StashIndex, StashRecord, StoreError, StoreResult, Workspace, WorkspaceId, decode, keys,
};
use crate::keys::{PK, SK, kind};
use crate::{project_sort_key, stash_sort_key};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::{HashMap, HashSet};

fn stash_list_pk(ws: WorkspaceId, index: &StashIndex) -> String {
    match index {
        StashIndex::All => keys::stash_list_all(ws),
        StashIndex::Project(p) => keys::stash_list_project(ws, p),
        StashIndex::Creator(c) => keys::stash_list_creator(ws, c),
    }
}

/// Keys of the listing copies of `s`: the workspace's list, its project's and its
/// creator's.
pub(super) fn stash_list_keys(s: &Stash) -> Vec<Key> {
    let sk = stash_sort_key(s);
    [
        StashIndex::All,
        StashIndex::Project(s.project_id.clone()),
        StashIndex::Creator(s.created_by.clone()),
    ]
    .iter()
    .map(|index| (stash_list_pk(s.workspace_id, index), sk.clone()))
    .collect()
}

/// Key of the listing copy of `p`.
pub(super) fn project_list_key(p: &Project) -> Key {
    (keys::project_list(p.workspace_id), project_sort_key(p))
}

fn string_attr(item: &Attrs, name: &str) -> Option<String> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v.clone()),
        _ => None,
    }
}

impl DynamoStore {
    pub(super) async fn query_project_list(
        &self,
        ws: WorkspaceId,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Project>> {
        self.query_list(keys::project_list(ws), after, max).await
    }

    pub(super) async fn query_stash_list(
        &self,
        ws: WorkspaceId,
        index: &StashIndex,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<Stash>> {
        let page: Slice<StashRecord> = self
            .query_list(stash_list_pk(ws, index), after, max)
            .await?;
        Ok(Slice {
            items: page.items.into_iter().map(|(k, r)| (k, r.stash)).collect(),
            last_key: page.last_key,
        })
    }

    /// The firm, the workspaces and the filters in one `BatchGetItem` (more than 100 keys
    /// take more calls): each item is told apart by its key.
    pub(super) async fn read_reach(
        &self,
        firm: &ResourceId,
        workspaces: &[WorkspaceId],
        filters: &[(WorkspaceId, ResourceId)],
    ) -> StoreResult<Reach> {
        let firm_key = keys::firm(firm);
        let mut wanted = vec![firm_key.clone()];
        wanted.extend(workspaces.iter().map(|w| keys::workspace(*w)));
        wanted.extend(
            filters
                .iter()
                .map(|(w, id)| keys::in_workspace(*w, kind::FILTER, id)),
        );
        let mut reach = Reach::default();
        for item in self.batch_get_items(wanted, false).await? {
            let (Some(pk), Some(sk)) = (string_attr(&item, PK), string_attr(&item, SK)) else {
                return Err(StoreError::Internal("item without its key".into()));
            };
            if (pk.as_str(), sk.as_str()) == (firm_key.0.as_str(), firm_key.1.as_str()) {
                reach.firm = Some(decode::<Firm>(item)?);
            } else if sk.starts_with(kind::FILTER) {
                reach.filters.push(decode::<Filter>(item)?);
            } else {
                reach.workspaces.push(decode::<Workspace>(item)?);
            }
        }
        Ok(reach)
    }

    /// Listing copies that the projects and stashes among `items` leave behind: written
    /// again with another name (a project), or another project, creator or creation time
    /// (a stash), a record no longer belongs where its stored version put it. Like the
    /// details' search copies, they are deleted in the same batches as the new copies.
    pub(super) async fn stale_discovery_copies(&self, items: &[Item]) -> StoreResult<Vec<Key>> {
        let mut new_copies: HashMap<Key, Vec<Key>> = HashMap::new();
        for item in items {
            match item {
                Item::Project(p) => {
                    new_copies.insert(
                        keys::in_workspace(p.workspace_id, kind::PROJECT, &p.id),
                        vec![project_list_key(p)],
                    );
                }
                Item::Stash(r) => {
                    let st = &r.stash;
                    new_copies.insert(keys::stash(st.workspace_id, &st.id), stash_list_keys(st));
                }
                _ => {}
            }
        }
        if new_copies.is_empty() {
            return Ok(Vec::new());
        }
        let stored = self
            .batch_get_items(new_copies.keys().cloned().collect(), false)
            .await?;
        let mut stale = HashSet::new();
        for item in stored {
            let (Some(pk), Some(sk)) = (string_attr(&item, PK), string_attr(&item, SK)) else {
                continue;
            };
            let old_copies = if sk.starts_with(kind::PROJECT) {
                vec![project_list_key(&decode::<Project>(item)?)]
            } else {
                stash_list_keys(&decode::<StashRecord>(item)?.stash)
            };
            let keep = &new_copies[&(pk, sk)];
            stale.extend(old_copies.into_iter().filter(|k| !keep.contains(k)));
        }
        Ok(stale.into_iter().collect())
    }
}
