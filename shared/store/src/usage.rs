//! What one request cost in storage, counted by the DynamoDB store while the request runs.
//! Task-local rather than process-wide, so concurrent requests in one process
//! (`pirros-local`) never mix their counts; `tokio::join!` keeps its futures in the task.

use std::cell::Cell;
use std::future::Future;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StorageUse {
    pub calls: u64,
    pub items_read: u64,
    pub read_units: f64,
    pub write_units: f64,
}

tokio::task_local! {
    static CURRENT: Cell<StorageUse>;
}

/// Runs one request with its own counters.
pub async fn scoped<F: Future>(request: F) -> F::Output {
    CURRENT
        .scope(Cell::new(StorageUse::default()), request)
        .await
}

/// Adds to the current request's counters; outside a request it does nothing.
pub fn add(f: impl FnOnce(&mut StorageUse)) {
    let _ = CURRENT.try_with(|c| {
        let mut u = c.get();
        f(&mut u);
        c.set(u);
    });
}

/// The current request's counters, reset.
pub fn take() -> StorageUse {
    CURRENT.try_with(Cell::take).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_stay_inside_their_request() {
        let a = scoped(async {
            add(|u| u.calls += 1);
            tokio::join!(async { add(|u| u.read_units += 0.5) }, async {
                add(|u| u.items_read += 3)
            });
            take()
        });
        let b = scoped(async {
            add(|u| u.write_units += 1.0);
            take()
        });
        let (a, b) = tokio::join!(a, b);
        assert_eq!(
            a,
            StorageUse {
                calls: 1,
                items_read: 3,
                read_units: 0.5,
                write_units: 0.0
            }
        );
        assert_eq!(b.write_units, 1.0);
        assert_eq!(b.calls, 0);
        add(|u| u.calls += 1);
        assert_eq!(take(), StorageUse::default(), "no request, nothing counted");
    }
}
