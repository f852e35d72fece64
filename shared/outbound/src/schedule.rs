//! When a failed delivery is tried again, and when it is given up.

use std::time::Duration;

pub const SCHEDULE_VAR: &str = "WEBHOOK_RETRY_SCHEDULE";

/// Seconds after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. About 28 hours
/// in all, so a receiver down for a day still gets everything.
const DEFAULT_SECONDS: [u64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScheduleError {
    #[error("{SCHEDULE_VAR} must be a comma-separated list of whole seconds, not {0:?}")]
    Malformed(String),
    #[error("{SCHEDULE_VAR} must be valid UTF-8")]
    NotUnicode,
}

/// The delays between attempts; never empty, so every delivery gets at least one retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(Vec<Duration>);

impl Default for RetrySchedule {
    fn default() -> Self {
        Self(DEFAULT_SECONDS.map(Duration::from_secs).to_vec())
    }
}

impl RetrySchedule {
    pub fn from_env_value(value: &str) -> Result<Self, ScheduleError> {
        let malformed = || ScheduleError::Malformed(value.to_owned());
        let delays = value
            .split(',')
            .map(|part| part.trim().parse::<u64>().map(Duration::from_secs))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| malformed())?;
        if delays.is_empty() {
            return Err(malformed());
        }
        Ok(Self(delays))
    }

    /// The default unless `WEBHOOK_RETRY_SCHEDULE` is set. Set but empty counts as unset:
    /// deployment templates render an unset parameter as an empty variable.
    pub fn from_env() -> Result<Self, ScheduleError> {
        match std::env::var(SCHEDULE_VAR) {
            Ok(value) => Self::from_optional_value(Some(&value)),
            Err(std::env::VarError::NotPresent) => Self::from_optional_value(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(ScheduleError::NotUnicode),
        }
    }

    fn from_optional_value(value: Option<&str>) -> Result<Self, ScheduleError> {
        match value.map(str::trim) {
            None | Some("") => Ok(Self::default()),
            Some(value) => Self::from_env_value(value),
        }
    }

    /// How long to wait before the next attempt, given how many attempts were made (all failed);
    /// `None` once the schedule is spent: the delivery has failed. Before any attempt, no wait.
    pub fn delay_after(&self, attempts_made: u32) -> Option<Duration> {
        match attempts_made {
            0 => Some(Duration::ZERO),
            n => self.0.get(usize::try_from(n - 1).ok()?).copied(),
        }
    }

    /// The first attempt plus one per delay.
    pub fn max_attempts(&self) -> u32 {
        u32::try_from(self.0.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Option<Duration> {
        Some(Duration::from_secs(s))
    }

    #[test]
    fn default_follows_the_contract() {
        let schedule = RetrySchedule::default();
        assert_eq!(schedule.max_attempts(), 8);
        assert_eq!(schedule.delay_after(0), Some(Duration::ZERO));
        assert_eq!(schedule.delay_after(1), secs(5));
        assert_eq!(schedule.delay_after(2), secs(5 * 60));
        assert_eq!(schedule.delay_after(3), secs(30 * 60));
        assert_eq!(schedule.delay_after(4), secs(2 * 3600));
        assert_eq!(schedule.delay_after(5), secs(5 * 3600));
        assert_eq!(schedule.delay_after(6), secs(10 * 3600));
        assert_eq!(schedule.delay_after(7), secs(10 * 3600));
        assert_eq!(schedule.delay_after(8), None);
        assert_eq!(schedule.delay_after(u32::MAX), None);
    }

    #[test]
    fn env_value_replaces_the_schedule() {
        let schedule = RetrySchedule::from_env_value("1,1,2").expect("valid");
        assert_eq!(schedule.max_attempts(), 4);
        assert_eq!(schedule.delay_after(1), secs(1));
        assert_eq!(schedule.delay_after(2), secs(1));
        assert_eq!(schedule.delay_after(3), secs(2));
        assert_eq!(schedule.delay_after(4), None);
        assert_eq!(
            RetrySchedule::from_env_value(" 0 , 3 ").map(|s| s.0),
            Ok(vec![Duration::ZERO, Duration::from_secs(3)])
        );
    }

    #[test]
    fn malformed_values_name_the_variable() {
        for bad in ["", "1,,2", "1,x", "-1", "1.5", "1;2", "1,"] {
            let err = RetrySchedule::from_env_value(bad).expect_err(bad);
            assert_eq!(err, ScheduleError::Malformed(bad.to_owned()));
            assert!(err.to_string().contains("WEBHOOK_RETRY_SCHEDULE"), "{err}");
        }
    }

    #[test]
    fn absent_or_empty_env_is_the_default() {
        assert_eq!(
            RetrySchedule::from_optional_value(None),
            Ok(RetrySchedule::default())
        );
        assert_eq!(
            RetrySchedule::from_optional_value(Some(" ")),
            Ok(RetrySchedule::default())
        );
        assert_eq!(
            RetrySchedule::from_optional_value(Some("7")).map(|s| s.max_attempts()),
            Ok(2)
        );
        assert!(RetrySchedule::from_optional_value(Some("soon")).is_err());
    }
}
