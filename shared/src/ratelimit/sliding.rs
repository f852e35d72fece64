//! The API limit as a sliding window, estimated from two fixed windows (the approach of
//! Cloudflare's and others' limiters): the previous window's hits count in proportion to how
//! much of it the last `len` seconds still cover. A burst at the end of one window therefore
//! still weighs at the start of the next, where plain fixed windows would allow the whole
//! limit again (twice the limit within a few seconds). The current window's counter stays
//! one atomic conditional update, so the limit holds exactly under concurrency.

/// Hits of the previous window that still count at `now` (rounded up: never in the caller's
/// favour). `end` is the end of the current window.
pub fn carried(previous: u64, now: i64, end: i64, len: u64) -> u64 {
    let still = (end - now).clamp(0, len as i64) as u128;
    (previous as u128 * still).div_ceil(len as u128) as u64
}

/// How many hits the current window may hold at `now`.
pub fn allowance(limit: u64, previous: u64, now: i64, end: i64, len: u64) -> u64 {
    limit.saturating_sub(carried(previous, now, end, len))
}

/// Seconds from `now` until one more hit is allowed, if nobody hits meanwhile: the
/// previous window's share has shrunk enough, or (when the current window alone is full)
/// the current window has become the previous one and shrunk enough. At least 1.
pub fn retry_after(limit: u64, previous: u64, current: u64, now: i64, end: i64, len: u64) -> u64 {
    let len_f = len as f64;
    // Room for one more hit needs carried(..) <= limit - current - 1.
    let at = if current < limit {
        let room = (limit - current - 1) as f64;
        if previous == 0 {
            now as f64
        } else {
            // previous * (end - t) / len <= room
            end as f64 - room * len_f / previous as f64
        }
    } else {
        // Next window: current * (end + len - t) / len <= limit - 1
        end as f64 + len_f - (limit - 1) as f64 * len_f / current as f64
    };
    ((at - now as f64).ceil() as i64).max(1) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_previous_window_weighs_in_proportion() {
        // 1000 hits last hour; 15 minutes into this one, 750 of them still count.
        assert_eq!(carried(1000, 900, 3600, 3600), 750);
        assert_eq!(allowance(1000, 1000, 900, 3600, 3600), 250);
        // Just after the boundary nearly all of them do: no fresh allowance.
        assert_eq!(allowance(1000, 1000, 0, 3600, 3600), 0);
        assert_eq!(allowance(1000, 1000, 1, 3600, 3600), 0);
        // Rounded up: 1 hit carried over a tiny share still counts as one.
        assert_eq!(carried(1, 3599, 3600, 3600), 1);
        assert_eq!(carried(0, 0, 3600, 3600), 0);
        assert_eq!(carried(10, 3600, 3600, 3600), 0);
    }

    #[test]
    fn retry_after_is_when_the_next_hit_fits() {
        // A full previous hour: one hit frees up every 3.6 s.
        assert_eq!(retry_after(1000, 1000, 0, 0, 3600, 3600), 4);
        let t = retry_after(1000, 1000, 0, 0, 3600, 3600) as i64;
        assert!(allowance(1000, 1000, t, 3600, 3600) >= 1);
        assert_eq!(allowance(1000, 1000, t - 1, 3600, 3600), 0);
        // A full current window with nothing before: into the next window, until its share
        // has shrunk by one hit.
        let t = retry_after(10, 0, 10, 100, 3600, 3600) as i64;
        assert_eq!(t, 3600 - 100 + 360);
        assert_eq!(allowance(10, 10, 100 + t, 7200, 3600), 1);
        assert_eq!(allowance(10, 10, 100 + t - 1, 7200, 3600), 0);
        // Never less than a second.
        assert_eq!(retry_after(10, 0, 9, 100, 3600, 3600), 1);
    }
}
