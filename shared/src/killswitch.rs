//! The operator kill switch, read from storage at most once per 8 seconds per container:
//! the promise is 503 within 10 seconds of `pirros-admin killswitch on`, and the 2 left
//! cover the read's own time and the write's.

use crate::store::AccessStore;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const CACHE_FOR: Duration = Duration::from_secs(8);

#[derive(Default)]
pub struct KillSwitch {
    cached: Mutex<Option<(Instant, bool)>>,
}

impl KillSwitch {
    /// Whether `/v1` is switched off. A failed read keeps the last known state: the kill
    /// switch must not turn every storage hiccup into an outage of its own.
    pub async fn is_on(&self, store: &dyn AccessStore) -> bool {
        let cached = *self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, on)) = cached
            && at.elapsed() < CACHE_FOR
        {
            return on;
        }
        let on = match store.kill_switch().await {
            Ok(on) => on,
            Err(e) => {
                tracing::warn!(error = %e, "kill switch read failed; keeping the last state");
                cached.is_some_and(|(_, on)| on)
            }
        };
        *self.cached.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), on));
        on
    }
}
