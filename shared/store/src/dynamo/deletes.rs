//! Operator deletes of details and families (`pirros-admin delete`): what a resource
//! leaves behind goes first (search-list copies, flags, versions, reference entries),
//! its record last, in one transaction with its events. Until the record goes every read
//! still finds the resource whole or not listed, and a delete that stopped is finished by
//! running it again.

use super::batch::delete_request;
use super::import::ListChanges;
use super::jobs::StoredFamily;
use super::{Attrs, DynamoStore, Key, StoreResult, keys, kind};
use crate::keys::{PK, SK};
use aws_sdk_dynamodb::types::AttributeValue;
use pirros_domain::events::EventRecord;
use pirros_domain::ids::{ResourceId, WorkspaceId};
use pirros_domain::model::DetailRecord;
use pirros_domain::references::ReferenceEntry;

pub(super) fn key_of(item: &Attrs) -> Option<Key> {
    match (item.get(PK), item.get(SK)) {
        (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) => {
            Some((pk.clone(), sk.clone()))
        }
        _ => None,
    }
}

impl DynamoStore {
    /// The keys of every item of `pk` whose sort key starts with `prefix`, all pages.
    async fn keys_with_prefix(&self, pk: String, prefix: &str) -> StoreResult<Vec<Key>> {
        let items = self.query_all(pk, prefix, true).await?;
        Ok(items.iter().filter_map(key_of).collect())
    }

    /// Deletes `doomed` and moves the sizes `changes` records, then the record at
    /// `record` with `events`.
    async fn delete_then_record(
        &self,
        mut doomed: Vec<Key>,
        changes: &mut ListChanges,
        record: Key,
        events: &[EventRecord],
    ) -> StoreResult<()> {
        doomed.extend(changes.take_stale());
        // A batch refuses a key twice.
        doomed.sort();
        doomed.dedup();
        let mut requests = doomed
            .into_iter()
            .map(delete_request)
            .collect::<StoreResult<Vec<_>>>()?;
        requests.extend(self.size_requests(changes).await?);
        self.batch_write(requests).await?;
        self.stop.check("unlisted")?;
        self.commit_with_events(vec![self.delete_action(record)?], None, events)
            .await?;
        Ok(())
    }

    pub(super) async fn remove_detail(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        events: &[EventRecord],
    ) -> StoreResult<bool> {
        let key = keys::in_workspace(ws, kind::DETAIL, id);
        let Some(record) = self.get_as::<DetailRecord>(key.clone(), true).await? else {
            return Ok(false);
        };
        let mut changes = ListChanges::default();
        changes.removed(&record.detail);
        let mut doomed = self.keys_with_prefix(keys::flags_pk(ws, id), "").await?;
        doomed.push(keys::open_flags(ws, id));
        doomed.extend(
            ReferenceEntry::of_detail(&record)
                .iter()
                .map(|e| keys::reference(ws, &e.family_id, &e.sort_key())),
        );
        self.delete_then_record(doomed, &mut changes, key, events)
            .await?;
        Ok(true)
    }

    pub(super) async fn remove_family(
        &self,
        ws: WorkspaceId,
        id: &ResourceId,
        events: &[EventRecord],
    ) -> StoreResult<bool> {
        let key = keys::family(ws, id);
        let Some(stored) = self.get_as::<StoredFamily>(key.clone(), true).await? else {
            return Ok(false);
        };
        // A family whose last version's copies were not all written is counted in the
        // lists as it was before that version, and may have copies of both.
        let (counted, also) = match &stored.unlisted {
            Some(u) => (u.old.as_ref(), Some(&stored.record.family)),
            None => (Some(&stored.record.family), None),
        };
        let mut changes = ListChanges::default();
        if let Some(c) = counted {
            changes.removed(c);
        }
        let mut doomed = self
            .keys_with_prefix(keys::family_pk(ws), &keys::family_versions_prefix(id))
            .await?;
        doomed.extend(
            self.keys_with_prefix(keys::references_pk(ws, id), "")
                .await?,
        );
        if let Some(a) = also {
            let mut extra = ListChanges::default();
            extra.removed(a);
            doomed.extend(extra.take_stale());
        }
        self.delete_then_record(doomed, &mut changes, key, events)
            .await?;
        Ok(true)
    }
}
