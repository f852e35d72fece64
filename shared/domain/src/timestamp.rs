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
        let now = OffsetDateTime::now_utc();
        Self((now.unix_timestamp_nanos() / 1_000_000) as i64)
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
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dt = OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128 * 1_000_000)
            .map_err(|_| fmt::Error)?;
        let (year, month, day) = dt.to_calendar_date();
        let (hour, minute, second, milli) = dt.to_hms_milli();
        let Some(year) = u16::try_from(year).ok().filter(|y| *y <= 9999) else {
            // Before year 0: no store holds such a time, but printing must not fail.
            const FORMAT: &[time::format_description::FormatItem<'static>] = format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
            );
            return f.write_str(&dt.format(FORMAT).map_err(|_| fmt::Error)?);
        };
        // Every answer prints several timestamps: the layout is fixed, so the digits go
        // straight into a buffer (a format description costs ~10 times as much).
        let mut out = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut n: u16| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, u8::from(month).into());
        put(8, 2, day.into());
        put(11, 2, hour.into());
        put(14, 2, minute.into());
        put(17, 2, second.into());
        put(20, 3, milli);
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
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
        }
    }
}
