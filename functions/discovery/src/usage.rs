//! `GET /v1/me/usage`: the calling credential's requests per day and per route, read back
//! from the rate limiter's windows (each hit is tallied under its route in the window's own
//! update: no write of its own per request).

use pirros_shared::AppState;
use pirros_shared::api::V1Call;
use pirros_shared::conditional::EntityTag;
use pirros_shared::error::ApiError;
use pirros_shared::payload::{NoExpansions, Resource};
use pirros_shared::query;
use pirros_shared::ratelimit::usage_windows;
use pirros_shared::response::{Envelope, Reply};
use pirros_shared::timestamp::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// Most days one request reports.
pub const MAX_DAYS: i64 = 30;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// Days to report, today (UTC) included: 1 to 30, default 7. Out of range is 400.
    #[serde(default = "seven", deserialize_with = "days")]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 30, default = 7)]
    pub days: i64,
}

impl pirros_shared::extract::QueryParams for UsageQuery {}

fn seven() -> i64 {
    7
}

fn days<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    query::value(d, |v| match v.parse::<i64>() {
        Ok(n) if (1..=MAX_DAYS).contains(&n) && !v.starts_with('+') => Ok(n),
        _ => Err(format!("days must be a whole number from 1 to {MAX_DAYS}")),
    })
}

/// One UTC day of the credential's requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageDay {
    #[schema(example = "2026-12-04")]
    pub date: String,
    /// Requests the rate limit counted (the refused ones are not).
    pub requests: u64,
    /// Requests per route, as `"<METHOD> <path template>"`.
    #[schema(example = json!({"GET /v1/workspaces/{ws}/details": 12}))]
    pub routes: BTreeMap<String, u64>,
}

/// The credential's usage, newest day first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Usage {
    pub days: Vec<UsageDay>,
}

/// Your usage
///
/// Your credential's requests per UTC day, newest first, today included, and per route
/// (`"GET /v1/workspaces/{ws}/details"`): what the rate limit counted, this request too.
/// Any valid token may ask.
#[utoipa::path(
    get,
    path = "/v1/me/usage",
    operation_id = "getUsage",
    tag = "discovery",
    responses(
        (status = 200, description = "Requests per day and route.",
            body = Envelope<Resource<Usage, NoExpansions>>,
            headers(("ETag" = String, description = "A digest of this answer's `response`."))),
    )
)]
pub async fn usage(state: &AppState, call: &V1Call, q: UsageQuery) -> Result<Reply, ApiError> {
    let now = Timestamp::now().secs();
    let today = now - now.rem_euclid(86_400);
    let first = today - (q.days - 1) * 86_400;
    let windows = usage_windows(
        call.credential.client_id.as_str(),
        first,
        now,
        state.config.api_rate_limit_window_secs,
    );
    let keys: Vec<String> = windows.iter().map(|(k, _)| k.clone()).collect();
    let read = state.store.rate_usage(&keys).await?;
    let mut days: Vec<UsageDay> = (0..q.days)
        .map(|i| UsageDay {
            date: Timestamp::from_millis((today - i * 86_400) * 1000).to_string()[..10].to_owned(),
            requests: 0,
            routes: BTreeMap::new(),
        })
        .collect();
    for window in read {
        let Some((_, start)) = windows.iter().find(|(k, _)| *k == window.key) else {
            continue;
        };
        let start = (*start).max(first);
        let Some(day) =
            days.get_mut(((today - (start - start.rem_euclid(86_400))) / 86_400) as usize)
        else {
            continue;
        };
        day.requests += window.count;
        for (route, n) in window.tallies {
            *day.routes.entry(route).or_default() += n;
        }
    }
    // It counts this request too, so a tag sent back never matches: the answer is always
    // new.
    let payload = Resource {
        item: Usage { days },
        expanded: NoExpansions {},
    };
    call.reply_tagged(&payload, EntityTag::of(&payload)?)
}
