//! Detail flags: what an integrator reports about a detail (outdated, incorrect, ...), and
//! the per-detail count of open flags that every detail answer carries.

use crate::ids::ResourceId;
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why a detail was flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagReason {
    Outdated,
    Incorrect,
    Duplicate,
    NeedsReview,
    /// Needs a `note` saying what is wrong.
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FlagStatus {
    Open,
    Resolved,
}

impl FlagStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "resolved" => Some(Self::Resolved),
            _ => None,
        }
    }
}

/// A flag on a detail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Flag {
    /// Time-ordered (a UUIDv7): a later flag of the same detail has a greater id.
    #[schema(value_type = String)]
    pub id: ResourceId,
    #[schema(value_type = String)]
    pub detail_id: ResourceId,
    pub reason: FlagReason,
    /// What the flagger wrote; required with reason `other`.
    #[schema(required)]
    pub note: Option<String>,
    pub status: FlagStatus,
    /// What the resolver wrote, if anything.
    #[schema(required)]
    pub resolution_note: Option<String>,
    /// The client id that flagged the detail.
    pub created_by: String,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub created_at: Timestamp,
    /// `null` while the flag is open.
    #[schema(required, value_type = Option<String>, format = DateTime)]
    pub resolved_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime, example = "2026-06-04T12:00:00.000Z")]
    pub updated_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlagRecord {
    #[serde(flatten)]
    pub flag: Flag,
    /// Optimistic-concurrency version, exposed as the ETag.
    pub version: u64,
}

/// A new flag's id: a UUIDv7, whose leading bits are its creation time (the `created_at`
/// that goes with it), so the ids of a detail's flags sort oldest first and a page of
/// them newest first is one descending query.
pub fn new_flag_id() -> (ResourceId, Timestamp) {
    let id = uuid::Uuid::now_v7();
    let (secs, nanos) = id
        .get_timestamp()
        .expect("a v7 UUID carries its time")
        .to_unix();
    let at = Timestamp::from_millis(secs as i64 * 1000 + i64::from(nanos / 1_000_000));
    let id = ResourceId::parse(&id.to_string()).expect("a UUID is a plain id");
    (id, at)
}

/// Most open flags one detail holds: flagging it once more is 409 `limit_exceeded` until one
/// is resolved. The count beside the detail is what every flag write changes, so the limit
/// is a condition of that same write.
pub const MAX_OPEN_FLAGS: u64 = 100;

/// How a flag write moves its detail's count of open flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenFlagsChange {
    /// A new open flag: one more.
    Opened,
    /// An open flag resolved: one fewer.
    Closed,
    /// A resolved flag's note edited: no change.
    Unchanged,
}

impl OpenFlagsChange {
    pub fn delta(self) -> i64 {
        match self {
            Self::Opened => 1,
            Self::Closed => -1,
            Self::Unchanged => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_ids_sort_by_creation_and_carry_it() {
        let (a, at_a) = new_flag_id();
        let (b, at_b) = new_flag_id();
        assert!(a < b, "{a} {b}");
        assert!(at_a <= at_b);
        let now = Timestamp::now().millis();
        assert!((now - at_b.millis()).abs() < 5_000);
    }
}
