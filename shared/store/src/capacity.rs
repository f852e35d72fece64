//! The capacity DynamoDB reports consumed when asked (`ReturnConsumedCapacity::Total`):
//! kept per store for benchmarks and added to the current request's metrics. Reads and
//! writes are told apart by the operation, since `Total` reports one figure per table.

use aws_sdk_dynamodb::types::ConsumedCapacity;
use std::sync::atomic::{AtomicU64, Ordering};

pub use aws_sdk_dynamodb::types::ReturnConsumedCapacity::Total as TOTAL;

/// Capacity units reported by one response (one entry per table; we have one table).
pub fn units<'a>(reported: impl IntoIterator<Item = &'a ConsumedCapacity>) -> f64 {
    reported.into_iter().filter_map(|c| c.capacity_units).sum()
}

/// Running totals in thousandths of a unit (DynamoDB reports halves and wholes).
#[derive(Debug, Default)]
pub struct Meter {
    read_milli: AtomicU64,
    write_milli: AtomicU64,
}

fn milli(units: f64) -> u64 {
    (units * 1000.0).round().max(0.0) as u64
}

impl Meter {
    pub fn read<'a>(&self, reported: impl IntoIterator<Item = &'a ConsumedCapacity>) {
        let u = units(reported);
        self.read_milli.fetch_add(milli(u), Ordering::Relaxed);
        crate::usage::add(|m| m.read_units += u);
    }

    pub fn write<'a>(&self, reported: impl IntoIterator<Item = &'a ConsumedCapacity>) {
        let u = units(reported);
        self.write_milli.fetch_add(milli(u), Ordering::Relaxed);
        crate::usage::add(|m| m.write_units += u);
    }

    /// (read units, write units) so far.
    pub fn totals(&self) -> (f64, f64) {
        let f = |a: &AtomicU64| a.load(Ordering::Relaxed) as f64 / 1000.0;
        (f(&self.read_milli), f(&self.write_milli))
    }
}
