//! The search lists (`search::lists`): a partition per list holding a full copy of each
//! member under its position, and the list's size under `LIST_SIZE_SK`.

use super::batch::MAX_BATCH_GET;
use super::query::{PartitionQuery, SortKeys};
use super::{Attrs, DynamoStore, Key, StoreError, StoreResult, WorkspaceId, decode, keys, n, s};
use crate::Slice;
use crate::keys::{LIST_SIZE_SK, PK, SK};
use aws_sdk_dynamodb::types::AttributeValue;
use pirros_domain::lists::{Indexed, Listed, SearchList, memberships};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// The keys of `item`'s copies, each with the partition of its list.
pub(super) fn copy_keys<T: Indexed>(item: &T) -> Vec<Key> {
    memberships(item)
        .into_iter()
        .map(|(list, pos)| (keys::search_list(T::LISTED, item.workspace(), &list), pos))
        .collect()
}

/// The item holding the size of the list in partition `pk`.
pub(super) fn size_item(pk: &str, size: u64) -> Attrs {
    HashMap::from([
        (PK.to_owned(), s(pk)),
        (SK.to_owned(), s(LIST_SIZE_SK)),
        ("n".to_owned(), n(size)),
    ])
}

/// Batch reads in flight at once while an import reads list sizes.
const READS_IN_FLIGHT: usize = 8;

#[derive(Deserialize)]
struct SizeItem {
    pk: String,
    n: u64,
}

fn sort_key(item: &mut Attrs) -> Option<String> {
    match item.remove(SK) {
        Some(AttributeValue::S(sk)) => Some(sk),
        _ => None,
    }
}

impl DynamoStore {
    /// One `Query` of one ordered list (search, projects, stashes, references): up to `max` members
    /// after position `after`.
    pub(super) async fn query_list<T: DeserializeOwned>(
        &self,
        pk: String,
        after: Option<&str>,
        max: usize,
    ) -> StoreResult<Slice<T>> {
        // Positions start with a digit; the size item's key sorts before them all.
        let after = after.filter(|a| *a > LIST_SIZE_SK).unwrap_or(LIST_SIZE_SK);
        let q = PartitionQuery::new(pk, SortKeys::After(after)).max(max);
        let mut out = self.query_partition(q).await?;
        let mut slice = Slice::default();
        for mut item in out.items {
            let sk = sort_key(&mut item)
                .ok_or_else(|| StoreError::Internal("list copy without sort key".into()))?;
            slice.items.push((sk, decode(item)?));
        }
        slice.last_key = out.last.as_mut().and_then(sort_key);
        Ok(slice)
    }

    /// The stored sizes of the lists in partitions `pks` (absent: 0), by partition.
    pub(super) async fn sizes_by_pk(&self, pks: Vec<String>) -> StoreResult<HashMap<String, u64>> {
        let keys = pks
            .into_iter()
            .map(|pk| (pk, LIST_SIZE_SK.to_owned()))
            .collect();
        let found: Vec<SizeItem> = self.batch_get(keys).await?;
        Ok(found.into_iter().map(|i| (i.pk, i.n)).collect())
    }

    /// `sizes_by_pk` of many lists (an import's), several batch reads at once.
    pub(super) async fn sizes_in_parallel(
        &self,
        pks: Vec<String>,
    ) -> StoreResult<HashMap<String, u64>> {
        use futures::{StreamExt, TryStreamExt};
        let chunks: Vec<Vec<String>> = pks.chunks(MAX_BATCH_GET).map(<[_]>::to_vec).collect();
        futures::stream::iter(chunks)
            .map(|c| self.sizes_by_pk(c))
            .buffer_unordered(READS_IN_FLIGHT)
            .try_fold(HashMap::new(), |mut all, part| async move {
                all.extend(part);
                Ok(all)
            })
            .await
    }

    pub(super) async fn list_sizes_of(
        &self,
        ws: WorkspaceId,
        listed: Listed,
        lists: &[SearchList],
    ) -> StoreResult<Vec<u64>> {
        let pks: Vec<String> = lists
            .iter()
            .map(|l| keys::search_list(listed, ws, l))
            .collect();
        let sizes = self.sizes_by_pk(pks.clone()).await?;
        Ok(pks
            .iter()
            .map(|pk| sizes.get(pk).copied().unwrap_or(0))
            .collect())
    }
}
