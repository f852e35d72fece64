//! What each DynamoDB request the server sends costs on DynamoDB Local beside its bare
//! form, the one a route's floor sends: the same item, with or without what the server
//! adds (consumed capacity asked, the limiter's condition and tally, a batch read of a
//! detail beside its open-flag count, decoding). A route's p50 above its floor is the sum
//! of these along its steps plus the HTTP hop; this part says which is which.

use crate::routes::{CLIENT, WS, counter_update, credential_read, key, percentile};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnConsumedCapacity};
use pirros_shared::AppState;
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::store::keys::{self, kind};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Instant;

/// One request shape: its name in the table, and the bare shape it is compared with.
struct Shape {
    name: &'static str,
    bare: Option<&'static str>,
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "GetItem, consistent: the credential (floor)",
        bare: None,
    },
    Shape {
        name: "the store's credential read",
        bare: Some("GetItem, consistent: the credential (floor)"),
    },
    Shape {
        name: "UpdateItem `ADD`: a counter (floor)",
        bare: None,
    },
    Shape {
        name: "UpdateItem `ADD`, consumed capacity asked",
        bare: Some("UpdateItem `ADD`: a counter (floor)"),
    },
    Shape {
        name: "the API limiter's update (condition, route tally, TTL, capacity)",
        bare: Some("UpdateItem `ADD`: a counter (floor)"),
    },
    Shape {
        name: "GetItem: a detail (floor)",
        bare: None,
    },
    Shape {
        name: "GetItem: a detail, consumed capacity asked",
        bare: Some("GetItem: a detail (floor)"),
    },
    Shape {
        name: "BatchGetItem: a detail and its open-flag count",
        bare: Some("GetItem: a detail (floor)"),
    },
    Shape {
        name: "the store's detail read (the batch, capacity, decoding)",
        bare: Some("GetItem: a detail (floor)"),
    },
];

/// Where the requests go: the bench's table, the demo credential and one of its details.
struct At<'a> {
    c: &'a Client,
    table: &'a str,
    state: &'a AppState,
    client: ClientId,
    ws: WorkspaceId,
    detail: ResourceId,
}

impl At<'_> {
    fn detail_key(&self) -> HashMap<String, AttributeValue> {
        key(keys::in_workspace(self.ws, kind::DETAIL, &self.detail))
    }

    /// One request of shape `i` of `SHAPES`.
    async fn send(&self, i: usize) -> anyhow::Result<()> {
        let (c, table, state) = (self.c, self.table, self.state);
        // The route whose tally the limiter's update adds to (one attribute per route).
        let route = "GET /v1/workspaces/{ws}/details/{id}";
        match i {
            0 => {
                credential_read(c, table).send().await?;
            }
            1 => {
                state.store.get_credential(&self.client).await?;
            }
            2 => {
                counter_update(c, table).send().await?;
            }
            3 => {
                counter_update(c, table)
                    .return_consumed_capacity(ReturnConsumedCapacity::Total)
                    .send()
                    .await?;
            }
            4 => {
                state
                    .api_limiter
                    .hit(
                        state.store.as_ref(),
                        self.client.as_str(),
                        route,
                        state.config.api_rate_limit_per_hour,
                        state.config.api_rate_limit_window_secs,
                    )
                    .await
                    .map_err(|(e, _)| anyhow::anyhow!("the limiter refused: {e:?}"))?;
            }
            5 | 6 => {
                let get = c
                    .get_item()
                    .table_name(table)
                    .set_key(Some(self.detail_key()));
                match i {
                    6 => get.return_consumed_capacity(ReturnConsumedCapacity::Total),
                    _ => get,
                }
                .send()
                .await?;
            }
            7 => {
                let keys = KeysAndAttributes::builder()
                    .keys(self.detail_key())
                    .keys(key(keys::open_flags(self.ws, &self.detail)))
                    .build()?;
                c.batch_get_item().request_items(table, keys).send().await?;
            }
            _ => {
                state
                    .store
                    .get_detail_counted(self.ws, &self.detail)
                    .await?;
            }
        }
        Ok(())
    }
}

/// Requests of each shape per block; the shapes take turns, a block each, so that all
/// meet the same load.
const BLOCK: usize = 10;

/// `samples` of each shape, after as many of each to warm DynamoDB Local's JIT.
pub async fn measure(
    c: &Client,
    table: &str,
    state: &AppState,
    samples: usize,
) -> anyhow::Result<Value> {
    let at = At {
        c,
        table,
        state,
        client: ClientId::parse(CLIENT).expect("the demo client id"),
        ws: WorkspaceId::parse(WS).expect("the demo workspace id"),
        detail: ResourceId::parse("det-slab-edge").expect("a demo detail id"),
    };
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(samples); SHAPES.len()];
    for from in (0..2 * samples).step_by(BLOCK) {
        let warm = from < samples;
        for (i, t) in times.iter_mut().enumerate() {
            for _ in 0..BLOCK {
                let t0 = Instant::now();
                at.send(i).await?;
                if !warm {
                    t.push(t0.elapsed().as_secs_f64() * 1000.0);
                }
            }
        }
    }
    let mut rows = Vec::new();
    for (shape, mut t) in SHAPES.iter().zip(times) {
        rows.push(json!({
            "shape": shape.name,
            "bare": shape.bare,
            "p50_ms": percentile(&mut t, 0.5),
            "p90_ms": percentile(&mut t, 0.9),
        }));
    }
    for r in &rows {
        let over = match r["bare"].as_str() {
            Some(b) => {
                let base = rows
                    .iter()
                    .find(|o| o["shape"] == b)
                    .expect("a listed shape");
                format!(
                    "{:+.3}",
                    r["p50_ms"].as_f64().unwrap_or(0.0) - base["p50_ms"].as_f64().unwrap_or(0.0)
                )
            }
            None => "".into(),
        };
        println!(
            "{:<66} {:>8.3} {:>8.3} {over:>8}",
            r["shape"].as_str().unwrap_or_default(),
            r["p50_ms"].as_f64().unwrap_or(0.0),
            r["p90_ms"].as_f64().unwrap_or(0.0),
        );
    }
    Ok(Value::Array(rows))
}
