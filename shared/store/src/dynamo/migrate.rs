//! Moving items that an earlier release wrote to where this one reads them, for
//! `pirros-admin table migrate`. Two moves today: families and their versions were kept in
//! their workspace's partition (`WS#{ws}`) and now have one of their own (`FAM#{ws}`), so
//! the upload worker's role may write them without writing workspace content; and a
//! detail's open-flag count was kept in the detail's flags partition
//! (`DFLAG#{ws}#{detail}` / `OPEN`) and is now in its workspace's counts (`DFLAG#{ws}` /
//! `OPEN#{detail}`), which a search page reads in one query.
//!
//! An operator's one-off, so a Scan (filtered to the moved kinds) is the right tool: no
//! request waits on it. Each item is copied unless its new key holds one already (written
//! by this release, so newer), then deleted from the old key: a run cut short anywhere is
//! finished by running it again, and nothing is lost or overwritten.

use super::{
    Attrs, DynamoStore, SaveOutcome, StoreResult, built, classify, decode, key_attrs, kind, n, s,
    written,
};
use crate::capacity;
use crate::keys::{self, FAMILY_VERSION, OLD_OPEN_SK, PK, SK};
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem, Update};
use pirros_domain::ids::{ResourceId, WorkspaceId};
use serde::Deserialize;

/// What a migration did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Migrated {
    /// Items copied to their new key and removed from the old one.
    pub moved: u64,
    /// Items whose new key held a newer item already: only removed from the old key.
    pub superseded: u64,
}

impl Migrated {
    fn count(&mut self, moved: bool) {
        if moved {
            self.moved += 1;
        } else {
            self.superseded += 1;
        }
    }
}

const OLD_PREFIX: &str = "WS#";
const NEW_PREFIX: &str = "FAM#";

impl DynamoStore {
    /// Moves every family and family version still under `WS#{ws}` to `FAM#{ws}`.
    pub async fn move_families_to_their_partition(&self) -> StoreResult<Migrated> {
        let filter =
            "begins_with(#pk, :ws) AND (begins_with(#sk, :family) OR begins_with(#sk, :version))";
        let values = [
            (":ws", OLD_PREFIX),
            (":family", kind::FAMILY),
            (":version", FAMILY_VERSION),
        ];
        let mut done = Migrated::default();
        let mut start = None;
        loop {
            let (items, next) = self.scan_page(filter, &values, start).await?;
            for item in items {
                done.count(self.move_one(item).await?);
            }
            match next {
                Some(k) => start = Some(k),
                None => return Ok(done),
            }
        }
    }

    /// Copies `item` to its new partition unless one is there, then deletes the old one;
    /// `false` when the new key held an item already.
    async fn move_one(&self, mut item: Attrs) -> StoreResult<bool> {
        let (Some(pk), Some(sk)) = (
            item.get(PK).and_then(|v| v.as_s().ok()).cloned(),
            item.get(SK).and_then(|v| v.as_s().ok()).cloned(),
        ) else {
            return Ok(false);
        };
        let Some(ws) = pk.strip_prefix(OLD_PREFIX) else {
            return Ok(false);
        };
        item.insert(PK.to_owned(), s(format!("{NEW_PREFIX}{ws}")));
        self.count();
        let copied = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PK)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await;
        let moved = written(copied.map(|out| self.capacity.write(out.consumed_capacity())))?;
        self.delete((pk, sk)).await?;
        Ok(moved)
    }
}

/// An open-flag count as an earlier release kept it.
#[derive(Deserialize)]
struct OldCount {
    pk: String,
    detail_id: ResourceId,
    #[serde(default)]
    open: i64,
}

impl DynamoStore {
    /// Moves every open-flag count still under its detail's flags partition into its
    /// workspace's counts. The old count is added to the new one (which counts only what
    /// this release's flag writes moved since it was deployed) and deleted in one
    /// transaction, conditional on the old count being unchanged: a count changed meanwhile
    /// is left for the next run (`superseded`), never added twice.
    pub async fn move_open_flag_counts(&self) -> StoreResult<Migrated> {
        let filter = "begins_with(#pk, :flags) AND #sk = :open";
        let values = [(":flags", "DFLAG#"), (":open", OLD_OPEN_SK)];
        let mut done = Migrated::default();
        let mut start = None;
        loop {
            let (items, next) = self.scan_page(filter, &values, start).await?;
            for item in items {
                done.count(self.move_count(&decode(item)?).await?);
            }
            match next {
                Some(k) => start = Some(k),
                None => return Ok(done),
            }
        }
    }

    async fn move_count(&self, old: &OldCount) -> StoreResult<bool> {
        // `DFLAG#{ws}#{detail}`: the workspace is a hyphenated UUID.
        let Some(ws) = old
            .pk
            .strip_prefix("DFLAG#")
            .and_then(|rest| rest.get(..36))
            .and_then(WorkspaceId::parse)
        else {
            return Ok(false);
        };
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key_attrs((old.pk.clone(), OLD_OPEN_SK.to_owned()))))
            .condition_expression("#open = :n")
            .expression_attribute_names("#open", "open")
            .expression_attribute_values(":n", n(old.open));
        let add = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key_attrs(keys::open_flags(ws, &old.detail_id))))
            .update_expression("SET #d = :d ADD #open :n")
            .expression_attribute_names("#d", "detail_id")
            .expression_attribute_names("#open", "open")
            .expression_attribute_values(":d", s(old.detail_id.as_str()))
            .expression_attribute_values(":n", n(old.open));
        let items = vec![
            TransactWriteItem::builder()
                .delete(built(delete.build())?)
                .build(),
            TransactWriteItem::builder()
                .update(built(add.build())?)
                .build(),
        ];
        if self.commit(items, None).await? != SaveOutcome::Saved {
            return Ok(false);
        }
        self.drop_zero_count(ws, &old.detail_id).await?;
        Ok(true)
    }

    /// Every workspace record (`WS#{ws}` / `WS`), by a filtered scan: for operators only.
    pub(super) async fn scan_workspaces(
        &self,
    ) -> StoreResult<Vec<pirros_domain::model::Workspace>> {
        self.scan_all(
            "begins_with(#pk, :p) AND #sk = :sk",
            &[(":p", OLD_PREFIX), (":sk", "WS")],
        )
        .await
    }

    pub(super) async fn scan_credentials(
        &self,
    ) -> StoreResult<Vec<pirros_domain::model::Credential>> {
        self.scan_all(
            "begins_with(#pk, :p) AND #sk = :sk",
            &[(":p", "CRED#"), (":sk", "CRED")],
        )
        .await
    }

    /// Every item matching `filter`, decoded.
    async fn scan_all<T: serde::de::DeserializeOwned>(
        &self,
        filter: &str,
        values: &[(&str, &str)],
    ) -> StoreResult<Vec<T>> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let (items, next) = self.scan_page(filter, values, start).await?;
            for item in items {
                out.push(decode(item)?);
            }
            match next {
                Some(k) => start = Some(k),
                None => return Ok(out),
            }
        }
    }

    /// One page of a consistent scan for the items matching `filter` (`#pk` and `#sk` name
    /// the keys; `values` fill its `:` placeholders), and where the next page starts.
    async fn scan_page(
        &self,
        filter: &str,
        values: &[(&str, &str)],
        start: Option<Attrs>,
    ) -> StoreResult<(Vec<Attrs>, Option<Attrs>)> {
        self.count();
        let mut scan = self
            .client
            .scan()
            .table_name(&self.table)
            .filter_expression(filter)
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK);
        for (name, value) in values {
            scan = scan.expression_attribute_values(*name, s(*value));
        }
        let page = scan
            .set_exclusive_start_key(start)
            .consistent_read(true)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await
            .map_err(classify)?;
        self.capacity.read(page.consumed_capacity());
        let next = page.last_evaluated_key.filter(|k| !k.is_empty());
        Ok((page.items.unwrap_or_default(), next))
    }
}
