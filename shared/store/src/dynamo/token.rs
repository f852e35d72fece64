//! A token attempt: the credential read beside one conditional update of the client's
//! attempt item (`RATE#TOKENA#{client}`), which holds the window's attempts (`n`, and per
//! address in the map `ips`) and the tags of the secrets that got tokens (`tags`). The
//! update counts the attempt only when its tag is none of `tags`, within both limits; a
//! remembered tag fails the condition, so a right secret writes nothing, and the item as it
//! was comes back with the failure. No transaction: one item, one atomic update.

use super::{
    AttemptOutcome, DynamoStore, StoreResult, TokenAttempt, classify, decode, key_attrs, keys, n, s,
};
use crate::capacity;
use crate::keys::TTL;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use pirros_domain::model::Credential;
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};

/// How long a remembered tag outlives the success that taught it, unless a wrong attempt
/// brings the item's expiry back to its window's end first (it is learnt again then).
const REMEMBER_SECS: i64 = 30 * 24 * 3600;

/// Updates of one attempt at most: the item's window decides which of the two updates
/// applies, and each failure says which.
const TRIES: usize = 4;

/// The attempt item as stored.
#[derive(Deserialize, Default)]
struct Attempts {
    #[serde(default)]
    tags: BTreeSet<String>,
    /// The window `n` and `ips` count.
    #[serde(default)]
    w: Option<i64>,
    #[serde(default)]
    n: u64,
    #[serde(default)]
    ips: HashMap<String, u64>,
}

/// The two updates that count an attempt: the first of a window starts it over, a later
/// one adds to it.
#[derive(Clone, Copy)]
enum Count {
    NewWindow,
    SameWindow,
}

/// What one counting update did.
enum Counted {
    Yes,
    /// The condition failed: the item as it was (none when there is no item).
    No(Attempts),
}

impl DynamoStore {
    pub(super) async fn attempt_token(
        &self,
        attempt: &TokenAttempt<'_>,
    ) -> StoreResult<AttemptOutcome> {
        if attempt.per_ip == 0 || attempt.per_client == 0 {
            return Ok(AttemptOutcome::Exceeded);
        }
        let read = async {
            match attempt.client_id {
                Some(id) => self.get_as::<Credential>(keys::credential(id), true).await,
                None => Ok(None),
            }
        };
        let (credential, counted) =
            tokio::join!(read, self.count_attempt(attempt, Some(attempt.tag)));
        let credential = credential?.map(Box::new);
        Ok(match counted {
            Err(e) => {
                tracing::warn!(error = %e, "token attempt counter failed");
                AttemptOutcome::CounterFailed
            }
            Ok(None) => AttemptOutcome::Counted { credential },
            Ok(Some(Refusal::Limit)) => AttemptOutcome::Exceeded,
            Ok(Some(Refusal::Remembered { earlier })) => AttemptOutcome::Remembered {
                credential,
                earlier,
            },
        })
    }

    pub(super) async fn count_attempt_regardless(
        &self,
        attempt: &TokenAttempt<'_>,
    ) -> StoreResult<bool> {
        if attempt.per_ip == 0 || attempt.per_client == 0 {
            return Ok(false);
        }
        Ok(self.count_attempt(attempt, None).await?.is_none())
    }

    pub(super) async fn remember_token_success(
        &self,
        attempt: &TokenAttempt<'_>,
    ) -> StoreResult<()> {
        self.count();
        let now = pirros_domain::timestamp::Timestamp::now().secs();
        // The window's attempts start over (this address's, and the client's over all
        // addresses), as a success promises; another window's are left to expire.
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(keys::rate(attempt.key))))
            .update_expression("SET #n = :zero, #ttl = :ttl REMOVE #ips.#ip ADD #tags :tags")
            .condition_expression("#w = :w")
            .expression_attribute_names("#n", "n")
            .expression_attribute_names("#w", "w")
            .expression_attribute_names("#ips", "ips")
            .expression_attribute_names("#ip", attempt.ip)
            .expression_attribute_names("#tags", "tags")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":w", n(attempt.window))
            .expression_attribute_values(":ttl", n(now + REMEMBER_SECS))
            .expression_attribute_values(":tags", AttributeValue::Ss(vec![attempt.tag.into()]))
            .return_consumed_capacity(capacity::TOTAL)
            .send()
            .await;
        match res {
            Ok(out) => {
                self.capacity.write(out.consumed_capacity());
                Ok(())
            }
            // No attempt of this window to forget: only the tag to remember.
            Err(SdkError::ServiceError(se)) if se.err().is_conditional_check_failed_exception() => {
                self.count();
                self.client
                    .update_item()
                    .table_name(&self.table)
                    .set_key(Some(key_attrs(keys::rate(attempt.key))))
                    .update_expression("SET #ttl = :ttl ADD #tags :tags")
                    .expression_attribute_names("#tags", "tags")
                    .expression_attribute_names("#ttl", TTL)
                    .expression_attribute_values(":ttl", n(now + REMEMBER_SECS))
                    .expression_attribute_values(
                        ":tags",
                        AttributeValue::Ss(vec![attempt.tag.into()]),
                    )
                    .return_consumed_capacity(capacity::TOTAL)
                    .send()
                    .await
                    .map(|out| self.capacity.write(out.consumed_capacity()))
                    .map_err(classify)
            }
            Err(e) => Err(classify(e)),
        }
    }

    /// Counts the attempt (unless `tag` is remembered): `None` when counted, else why not.
    async fn count_attempt(
        &self,
        attempt: &TokenAttempt<'_>,
        tag: Option<&str>,
    ) -> StoreResult<Option<Refusal>> {
        // The first attempt of a window is the common one (most clients ask for a token
        // once an hour): try that update first.
        let mut count = Count::NewWindow;
        for _ in 0..TRIES {
            let was = match self.count_once(attempt, tag, count).await? {
                Counted::Yes => return Ok(None),
                Counted::No(was) => was,
            };
            let current = was.w == Some(attempt.window);
            let (all, here) = match current {
                true => (was.n, was.ips.get(attempt.ip).copied().unwrap_or(0)),
                false => (0, 0),
            };
            if all >= attempt.per_client || here >= attempt.per_ip {
                return Ok(Some(Refusal::Limit));
            }
            if tag.is_some_and(|t| was.tags.contains(t)) {
                return Ok(Some(Refusal::Remembered {
                    earlier: all > 0 || here > 0,
                }));
            }
            // The other update fits the item as it is now.
            count = match current {
                true => Count::SameWindow,
                false => Count::NewWindow,
            };
        }
        Err(super::StoreError::Unavailable(
            "the token attempt's window kept moving".into(),
        ))
    }

    async fn count_once(
        &self,
        attempt: &TokenAttempt<'_>,
        tag: Option<&str>,
        count: Count,
    ) -> StoreResult<Counted> {
        self.count();
        let unremembered = match tag {
            Some(_) => "(attribute_not_exists(#tags) OR NOT contains(#tags, :tag)) AND ",
            None => "",
        };
        let req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(keys::rate(attempt.key))))
            .expression_attribute_names("#n", "n")
            .expression_attribute_names("#w", "w")
            .expression_attribute_names("#ips", "ips")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":w", n(attempt.window))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":end", n(attempt.window_end.secs()))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .return_consumed_capacity(capacity::TOTAL);
        let req = match tag {
            Some(t) => req
                .expression_attribute_names("#tags", "tags")
                .expression_attribute_values(":tag", s(t)),
            None => req,
        };
        let req = match count {
            Count::NewWindow => req
                .update_expression("SET #w = :w, #n = :one, #ips = :ips, #ttl = :end")
                .condition_expression(format!(
                    "{unremembered}(attribute_not_exists(#w) OR #w <> :w)"
                ))
                .expression_attribute_values(
                    ":ips",
                    AttributeValue::M(HashMap::from([(attempt.ip.to_owned(), n(1))])),
                ),
            Count::SameWindow => req
                .update_expression(
                    "SET #ips.#ip = if_not_exists(#ips.#ip, :zero) + :one, #ttl = :end ADD #n :one",
                )
                .condition_expression(format!(
                    "{unremembered}#w = :w AND #n < :all \
                     AND (attribute_not_exists(#ips.#ip) OR #ips.#ip < :here)"
                ))
                .expression_attribute_names("#ip", attempt.ip)
                .expression_attribute_values(":zero", n(0))
                .expression_attribute_values(":all", n(attempt.per_client))
                .expression_attribute_values(":here", n(attempt.per_ip)),
        };
        match req.send().await {
            Ok(out) => {
                self.capacity.write(out.consumed_capacity());
                Ok(Counted::Yes)
            }
            Err(SdkError::ServiceError(se)) if se.err().is_conditional_check_failed_exception() => {
                let item = match se.into_err() {
                    UpdateItemError::ConditionalCheckFailedException(c) => c.item,
                    _ => None,
                };
                let was = item
                    .map(decode::<Attempts>)
                    .transpose()?
                    .unwrap_or_default();
                Ok(Counted::No(was))
            }
            Err(e) => Err(classify(e)),
        }
    }
}

/// Why an attempt was not counted.
enum Refusal {
    Limit,
    Remembered { earlier: bool },
}
