//! The query parameters details and families search share, parsed into `Criteria` terms:
//! each function's query struct names them and documents them.

use super::words;
use crate::ids::ResourceId;
use crate::query;
use crate::timestamp::Timestamp;
use serde::Deserializer;

/// `q` as its folded words: at most 200 characters and 8 words; blank is no filter.
pub fn q<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    query::value(d, |v| {
        if v.chars().count() > 200 {
            return Err("q is longer than 200 characters".into());
        }
        words::parse_query(v)
    })
}

/// Every `tag_id`, sorted, without duplicates.
pub fn tag_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ResourceId>, D::Error> {
    let mut ids = query::values(d, |t| {
        ResourceId::parse(t).ok_or_else(|| format!("tag_id {t:?} is not a valid id"))
    })?;
    ids.sort();
    ids.dedup();
    Ok(ids)
}

pub fn project_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ResourceId>, D::Error> {
    query::value(d, |p| {
        ResourceId::parse(p)
            .map(Some)
            .ok_or_else(|| "project_id is not a valid id".into())
    })
}

/// An RFC 3339 timestamp.
pub fn updated_since<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    query::value(d, |v| {
        Timestamp::parse_at_or_after(v).map(Some).ok_or_else(|| {
            "updated_since must be an RFC 3339 timestamp, like 2026-06-04T12:00:00.000Z".into()
        })
    })
}

/// A family category: 1 to 200 characters.
pub fn category<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    query::value(d, |c| {
        if c.is_empty() || c.chars().count() > 200 {
            return Err("category must be 1 to 200 characters".into());
        }
        Ok(Some(c.to_owned()))
    })
}
