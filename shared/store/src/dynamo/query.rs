//! One `Query` of one partition, as every list read makes it: counted, its capacity and the
//! items it read (`ScannedCount`) metered, its error classified. Callers say which sort keys,
//! in which order, how many, and from where; what they make of the items is theirs.

use super::{Attrs, DynamoStore, StoreResult, classify, s};
use crate::capacity;
use crate::keys::{PK, SK};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;

/// Which of the partition's sort keys the query reads.
pub(super) enum SortKeys<'a> {
    All,
    Prefix(&'a str),
    /// Strictly after this one.
    After(&'a str),
    /// From `.0` to `.1`, both included.
    Between(&'a str, &'a str),
}

pub(super) struct PartitionQuery<'a> {
    pk: String,
    sort: SortKeys<'a>,
    max: Option<usize>,
    backwards: bool,
    consistent: bool,
    start: Option<Attrs>,
}

/// What one query answered: its items, and the key to resume after (absent at the end).
pub(super) struct QueryPage {
    pub items: Vec<Attrs>,
    pub last: Option<Attrs>,
}

impl<'a> PartitionQuery<'a> {
    pub fn new(pk: String, sort: SortKeys<'a>) -> Self {
        Self {
            pk,
            sort,
            max: None,
            backwards: false,
            consistent: false,
            start: None,
        }
    }

    /// Reads at most `max` items (1 to 1,000); without it, up to DynamoDB's 1 MB page.
    pub fn max(mut self, max: usize) -> Self {
        self.max = Some(max.clamp(1, 1000));
        self
    }

    /// Highest sort key first.
    pub fn backwards(mut self) -> Self {
        self.backwards = true;
        self
    }

    /// After every write that succeeded before it.
    pub fn consistent(mut self, consistent: bool) -> Self {
        self.consistent = consistent;
        self
    }

    /// Goes on after this key (DynamoDB's `ExclusiveStartKey`).
    pub fn start(mut self, start: Option<Attrs>) -> Self {
        self.start = start;
        self
    }
}

impl DynamoStore {
    pub(super) async fn query_partition(&self, q: PartitionQuery<'_>) -> StoreResult<QueryPage> {
        self.query_partition_with(q, |b| b).await
    }

    /// `query_partition`, with what `extra` adds to the request (a projection, a filter).
    pub(super) async fn query_partition_with(
        &self,
        q: PartitionQuery<'_>,
        extra: impl FnOnce(QueryFluentBuilder) -> QueryFluentBuilder,
    ) -> StoreResult<QueryPage> {
        self.count();
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":pk", s(q.pk));
        // DynamoDB refuses a name or value that no expression uses.
        let query = match q.sort {
            SortKeys::All => query.key_condition_expression("#pk = :pk"),
            SortKeys::Prefix(p) => query
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :from)")
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":from", s(p)),
            SortKeys::After(a) => query
                .key_condition_expression("#pk = :pk AND #sk > :from")
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":from", s(a)),
            SortKeys::Between(lo, hi) => query
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":from", s(lo))
                .expression_attribute_values(":to", s(hi)),
        };
        let out = extra(query)
            .set_limit(q.max.map(|m| m as i32))
            .scan_index_forward(!q.backwards)
            .consistent_read(q.consistent)
            .set_exclusive_start_key(q.start)
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await
            .map_err(classify)?;
        self.capacity.read(out.consumed_capacity());
        self.read(out.scanned_count as usize);
        Ok(QueryPage {
            items: out.items.unwrap_or_default(),
            last: out.last_evaluated_key.filter(|k| !k.is_empty()),
        })
    }
}
