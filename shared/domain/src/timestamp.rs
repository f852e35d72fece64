//! Timestamps are kept as UTC milliseconds and always printed as `2026-06-04T12:00:00.000Z`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::{OffsetDateTime, format_description::well_known::Rfc3339, macros::format_description};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub fn now() -> Self {
        // Straight from the system clock: `OffsetDateTime`'s nanoseconds are an i128 to
        // divide, on every request (twice).
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Self(i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn secs(self) -> i64 {
        self.0.div_euclid(1000)
    }

    pub fn plus_secs(self, secs: u64) -> Self {
        Self(self.0 + secs as i64 * 1000)
    }

    pub fn parse(s: &str) -> Option<Self> {
        let dt = OffsetDateTime::parse(s, &Rfc3339).ok()?;
        Some(Self((dt.unix_timestamp_nanos() / 1_000_000) as i64))
    }

    /// The first millisecond at or after `s`: a bound "at or after" a time finer than the
    /// stored milliseconds (`…00.0001Z`) must not take the millisecond before it.
    pub fn parse_at_or_after(s: &str) -> Option<Self> {
        let nanos = OffsetDateTime::parse(s, &Rfc3339)
            .ok()?
            .unix_timestamp_nanos();
        let millis = nanos.div_euclid(1_000_000) + i128::from(nanos.rem_euclid(1_000_000) != 0);
        Some(Self(millis as i64))
    }

    /// The printed form, for years 0 to 9999 (every time a store holds). Every answer
    /// prints several timestamps and the layout is fixed, so the digits go straight into
    /// a buffer (a format description costs ~10 times as much).
    fn layout(self) -> Option<[u8; 24]> {
        let (year, month, day) = civil_date(self.0.div_euclid(MS_PER_DAY));
        let year = u16::try_from(year).ok().filter(|y| *y <= 9999)?;
        let in_day = self.0.rem_euclid(MS_PER_DAY);
        let (hour, minute, second, milli) = (
            (in_day / 3_600_000) as u16,
            (in_day / 60_000 % 60) as u16,
            (in_day / 1000 % 60) as u16,
            (in_day % 1000) as u16,
        );
        let mut out = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut n: u16| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, month);
        put(8, 2, day);
        put(11, 2, hour);
        put(14, 2, minute);
        put(17, 2, second);
        put(20, 3, milli);
        Some(out)
    }
}

const MS_PER_DAY: i64 = 86_400_000;

/// The proleptic Gregorian (year, month, day) of a day counted from 1970-01-01: the
/// well-known era arithmetic (400-year cycles of 146,097 days, years starting in March).
/// `time` gives the same answer (a test compares them over ten millennia) at about ten
/// times the instructions, and an answer prints a timestamp per resource.
fn civil_date(days: i64) -> (i64, u16, u16) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u16;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u16;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(text) = self.layout() {
            return f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?);
        }
        // Out of the layout's years: no store holds such a time, but printing must not fail.
        let dt = OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128 * 1_000_000)
            .map_err(|_| fmt::Error)?;
        const FORMAT: &[time::format_description::FormatItem<'static>] = format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        );
        f.write_str(&dt.format(FORMAT).map_err(|_| fmt::Error)?)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // As a string of its own, not through `Display` (`collect_str`): the formatting
        // machinery cost more than the digits themselves in an answer's serialisation.
        match self.layout() {
            Some(text) => s.serialize_str(
                std::str::from_utf8(&text).map_err(|_| serde::ser::Error::custom("timestamp"))?,
            ),
            None => s.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s)
            .ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 timestamp"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_milliseconds_and_z() {
        let t = Timestamp::parse("2026-06-04T12:00:00Z").unwrap();
        assert_eq!(t.to_string(), "2026-06-04T12:00:00.000Z");
        let t = Timestamp::parse("2026-06-04T14:00:00.123+02:00").unwrap();
        assert_eq!(t.to_string(), "2026-06-04T12:00:00.123Z");
    }

    #[test]
    fn now_is_the_clock_in_milliseconds() {
        let before = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        let now = i128::from(Timestamp::now().millis());
        let after = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        assert!(
            before <= now && now <= after,
            "{before} <= {now} <= {after}"
        );
    }

    #[test]
    fn the_printed_date_is_times_over_ten_millennia() {
        // Five days and a bit more each step, from year 0 to 9999, the time of day moving.
        let mut ms = -62_167_219_200_000_i64;
        while ms <= 253_402_300_799_999 {
            let t = Timestamp::from_millis(ms);
            let dt = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap();
            let (hour, minute, second, milli) = dt.to_hms_milli();
            let want = format!(
                "{:04}-{:02}-{:02}T{hour:02}:{minute:02}:{second:02}.{milli:03}Z",
                dt.year(),
                u8::from(dt.month()),
                dt.day()
            );
            assert_eq!(t.to_string(), want, "{ms}");
            ms += 5 * 86_400_000 + 3_723_457;
        }
    }

    #[test]
    fn prints_every_field_padded_at_the_edges() {
        for (ms, text) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (951_782_400_007, "2000-02-29T00:00:00.007Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
            (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
        ] {
            assert_eq!(Timestamp::from_millis(ms).to_string(), text);
            assert_eq!(Timestamp::parse(text), Some(Timestamp::from_millis(ms)));
            assert_eq!(
                serde_json::to_string(&Timestamp::from_millis(ms)).unwrap(),
                format!("\"{text}\""),
                "serialised as printed"
            );
        }
        // Before year 0, outside the fixed layout: printed and serialised alike.
        let early = Timestamp::from_millis(-62_167_219_200_001);
        assert_eq!(early.to_string(), "-0001-12-31T23:59:59.999Z");
        assert_eq!(
            serde_json::to_string(&early).unwrap(),
            format!("\"{early}\"")
        );
    }
}
