//! Reads started beside authentication. A read route whose storage key comes from its path
//! alone (`GET .../details/{id}`) reads the same item whoever asks; the pipeline starts that
//! read once the bearer token's signature has been checked, in the same round trip as the
//! credential read and the rate-limit update, instead of one round trip after them. What
//! it read reaches the handler only once the call is authenticated and within its limit;
//! the handler still checks the caller's grants against it, as it would a read of its own.
//!
//! A route declares its read with `ahead(read_fn)` in `declare_routes!`, and its handler
//! takes `Ahead<T>` (the read's output) and calls `Ahead::or` with the same read: when the
//! pipeline did not read ahead (a container that last refused this client with 429 does
//! not, so a client over its limit costs no reads), the handler reads as before. A list
//! reads its first page ahead from the query and cursor as `api::Asking` gives them (a
//! cursor is bound to the token's client, known before the credential read), and its
//! handler uses that page only if it is the one it would read.
//!
//! A refused request (a revoked credential, a kill switch, a limit this container had not
//! seen reached) has paid one read it never used: that is the price of the round trip.

pub mod known;
pub mod reads;

use crate::AppState;
use crate::api::{Asking, V1Call};
use crate::error::ApiError;
use crate::extract::Extract;
use crate::idempotency::IdempotencyKey;
use crate::store::{IdemKey, IdemRecord, StoreResult};
use std::any::Any;
use std::pin::Pin;
use std::sync::Mutex;

/// A read ahead on its way, its output boxed: each route's read has a type of its own.
pub type Started<'a> = Pin<Box<dyn Future<Output = Box<dyn Any + Send>> + Send + 'a>>;

/// Starts `read` as a read ahead (the route table's `ahead(...)` clause calls this).
pub fn start<'a, T: Send + 'static>(read: impl Future<Output = T> + Send + 'a) -> Started<'a> {
    Box::pin(async move { Box::new(read.await) as Box<dyn Any + Send> })
}

/// What a call's read ahead brought, until its handler takes it.
#[derive(Default)]
pub struct Slot(Mutex<Option<Box<dyn Any + Send>>>);

impl Slot {
    pub fn new(read: Option<Box<dyn Any + Send>>) -> Self {
        Self(Mutex::new(read))
    }

    fn take<T: 'static>(&self) -> Option<T> {
        let taken = self.0.lock().unwrap_or_else(|p| p.into_inner()).take()?;
        taken.downcast::<T>().ok().map(|b| *b)
    }
}

/// What a key's record read gives: the record, if one is stored.
pub type KeyRead = StoreResult<Option<IdemRecord>>;

/// The record of the request's `Idempotency-Key`, read ahead (a key is the token's
/// client's, known before the credential read), until `idempotency::lookup` takes it.
#[derive(Default)]
pub struct KeyRecord(Mutex<Option<(IdemKey, KeyRead)>>);

impl KeyRecord {
    pub fn new(read: Option<(IdemKey, KeyRead)>) -> Self {
        Self(Mutex::new(read))
    }

    /// The read of `key`'s record, once, if it was read ahead.
    pub fn take(&self, key: &IdemKey) -> Option<KeyRead> {
        let (read_key, read) = self.0.lock().unwrap_or_else(|p| p.into_inner()).take()?;
        (read_key == *key).then_some(read)
    }
}

/// The key whose record a request's read ahead reads: that of a `POST` (every `/v1` POST
/// takes a key) that carries a well-formed `Idempotency-Key`. A malformed one reads
/// nothing; the handler answers why.
pub fn key_to_read(asking: Asking<'_>) -> Option<IdemKey> {
    if asking.request.method() != http::Method::POST {
        return None;
    }
    IdempotencyKey::from_request(asking.request)
        .ok()
        .flatten()
        .map(|k| k.of(asking.client))
}

/// The output of the route's read ahead, when the pipeline made it.
pub struct Ahead<T>(Option<T>);

impl<T> Ahead<T> {
    /// What was read ahead, if anything.
    pub fn into_read(self) -> Option<T> {
        self.0
    }

    /// What was read ahead, or else `read` (the same read, made now).
    pub async fn or(self, read: impl Future<Output = T>) -> T {
        match self.0 {
            Some(done) => done,
            None => read.await,
        }
    }
}

impl<T: 'static> Extract for Ahead<T> {
    fn extract(_: &AppState, call: &V1Call) -> Result<Self, ApiError> {
        Ok(Self(call.read_ahead().take::<T>()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slot_gives_its_read_once_and_only_as_its_own_type() {
        let slot = Slot::new(Some(start(async { 7_u32 }).await));
        assert_eq!(slot.take::<u64>(), None, "another type is not this read");
        let slot = Slot::new(Some(start(async { 7_u32 }).await));
        assert_eq!(slot.take::<u32>(), Some(7));
        assert_eq!(slot.take::<u32>(), None, "taken once");
        assert_eq!(Slot::default().take::<u32>(), None);
    }

    #[test]
    fn a_keys_record_is_taken_once_and_only_for_its_key() {
        let client = crate::ids::ClientId::parse("client-a").unwrap();
        let key = |k: &str| IdemKey {
            client_id: client.clone(),
            key: k.into(),
        };
        let record = KeyRecord::new(Some((key("one"), Ok(None))));
        assert!(record.take(&key("two")).is_none(), "another key's");
        let record = KeyRecord::new(Some((key("one"), Ok(None))));
        assert!(matches!(record.take(&key("one")), Some(Ok(None))));
        assert!(record.take(&key("one")).is_none(), "taken once");
    }

    #[tokio::test]
    async fn without_a_read_ahead_the_handler_reads() {
        assert_eq!(Ahead(Some(1)).or(async { 2 }).await, 1);
        assert_eq!(Ahead(None).or(async { 2 }).await, 2);
    }
}
