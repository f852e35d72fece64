//! The two shapes every `/v1` write takes: committing a new version of a resource with its
//! answer (and, under an `Idempotency-Key`, the answer remembered in the same transaction),
//! and updating a resource by reading it, checking `If-Match` and writing it conditionally,
//! again when another writer came first.

use crate::api::V1Call;
use crate::conditional::EntityTag;
use crate::error::ApiError;
use crate::etag::IfMatch;
use crate::idempotency::Draft;
use crate::response::{Reply, envelope};
use crate::store::{IdemRecord, SaveOutcome, StoreResult};
use http::StatusCode;
use serde::Serialize;
use std::time::Duration;

/// How a committed write ended.
pub enum Committed {
    /// The answer: the write's own, or the one remembered for the request's key when
    /// another request with that key committed first.
    Answer(Reply),
    /// The stored version was not the one the write was conditional on.
    Moved,
    /// A limit the write is conditional on is reached; nothing was written.
    Full,
}

/// Commits a write whose answer is `payload`, tagged `tag` (a resource's version, or a
/// digest of what reading it answers), with `status`: the answer is serialised once (the
/// answer sent and the one remembered under the draft's key are the same bytes), `save`
/// commits the write with that record, and the outcome becomes the answer, with the tag as
/// its `ETag`.
pub async fn commit<T: Serialize, Fut>(
    call: &V1Call,
    draft: Option<&Draft>,
    status: StatusCode,
    payload: &T,
    tag: EntityTag,
    save: impl FnOnce(Option<IdemRecord>) -> Fut,
) -> Result<Committed, ApiError>
where
    Fut: Future<Output = StoreResult<SaveOutcome>>,
{
    let body = envelope(payload, &call.request_id)?;
    let remembered = draft.map(|d| d.complete_tagged(status, &body, &tag));
    Ok(match save(remembered).await? {
        SaveOutcome::Saved => Committed::Answer(
            Reply::new(status, body).with_header(crate::headers::ETAG, tag.header_value()),
        ),
        SaveOutcome::IdempotencyTaken(winner) => match draft {
            Some(d) => Committed::Answer(d.replay_winner(&winner)?),
            None => return Err(ApiError::internal("idempotency record taken without a key")),
        },
        SaveOutcome::VersionMismatch => Committed::Moved,
        SaveOutcome::LimitReached => Committed::Full,
    })
}

/// `commit` of a resource that did not exist: its id is fresh, so a moved version is a
/// collision, and it has no limit unless `full` says what reaching it answers.
pub async fn commit_new<T: Serialize, Fut>(
    call: &V1Call,
    draft: Option<&Draft>,
    status: StatusCode,
    payload: &T,
    tag: EntityTag,
    full: impl FnOnce() -> ApiError,
    save: impl FnOnce(Option<IdemRecord>) -> Fut,
) -> Result<Reply, ApiError>
where
    Fut: Future<Output = StoreResult<SaveOutcome>>,
{
    match commit(call, draft, status, payload, tag, save).await? {
        Committed::Answer(reply) => Ok(reply),
        Committed::Moved => Err(ApiError::internal("a fresh id collided")),
        Committed::Full => Err(full()),
    }
}

/// Tries a versioned update makes before giving up on writers that keep coming first.
const ATTEMPTS: u32 = 12;

/// The pause before try `n` (from 1): random, up to 5 ms doubling to 100 ms, so that writers
/// who collided do not read and write again in step; about 0.8 s at most in all, in which
/// one stash takes some fifty writes.
fn pause_before(n: u32) -> Duration {
    let most = (5u64 << n.saturating_sub(1).min(5)).min(100);
    Duration::from_millis(rand::random_range(0..=most))
}

/// A resource stored with a version that every write moves on.
pub trait Versioned {
    fn version(&self) -> u64;
}

impl Versioned for crate::model::StashRecord {
    fn version(&self) -> u64 {
        self.version
    }
}

impl Versioned for pirros_domain::webhooks::EndpointRecord {
    fn version(&self) -> u64 {
        self.version
    }
}

impl Versioned for crate::flags::FlagRecord {
    fn version(&self) -> u64 {
        self.version
    }
}

/// Reads the resource (`read`; `Err` for one that is not there or not the caller's), checks
/// it against `If-Match` (409 `stale_precondition` when it moved on), and writes it
/// (`write`: the answer, or `None` when the stored version moved between the read and the
/// write). With `If-Match` a moved version is 409; without it the last write wins, and a
/// concurrent writer only makes it read again, up to `ATTEMPTS` times, then 503
/// `service_unavailable` with `Retry-After: 1`.
pub async fn versioned_update<R, Read, Write>(
    expected: Option<&IfMatch>,
    busy: &'static str,
    read: impl Fn() -> Read,
    write: impl Fn(R) -> Write,
) -> Result<Reply, ApiError>
where
    R: Versioned,
    Read: Future<Output = Result<R, ApiError>>,
    Write: Future<Output = Result<Option<Reply>, ApiError>>,
{
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(pause_before(attempt)).await;
        }
        let current = read().await?;
        if expected.is_some_and(|m| !m.allows(current.version())) {
            return Err(ApiError::StalePrecondition);
        }
        match write(current).await? {
            Some(reply) => return Ok(reply),
            None if expected.is_some() => return Err(ApiError::StalePrecondition),
            None => continue,
        }
    }
    Err(ApiError::Contended(busy))
}
