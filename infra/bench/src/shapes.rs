//! What each DynamoDB request the server sends costs on DynamoDB Local beside its bare
//! form, the one a route's floor sends: the same item, with or without what the server
//! adds (consumed capacity asked, the limiter's condition and tally, a batch read of a
//! detail beside its open-flag count, decoding). A route's p50 above its floor is the sum
//! of these along its steps plus the HTTP hop; this part says which is which.

use crate::emulator_cpu::{EmulatorCpu, Tally};
use crate::routes::{CLIENT, WS, counter_update, credential_read, key, percentile};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnConsumedCapacity};
use pirros_shared::AppState;
use pirros_shared::ids::{ClientId, ResourceId, WorkspaceId};
use pirros_shared::store::keys::{self, kind};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Instant;

/// One request shape: what the server sends, or the bare form a floor sends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    CredentialFloor,
    CredentialStore,
    CounterFloor,
    CounterWithCapacity,
    Limiter,
    DetailFloor,
    DetailWithCapacity,
    DetailBatch,
    DetailStore,
}

impl Shape {
    /// In the table's order: each bare form before what is compared with it.
    const ALL: [Shape; 9] = [
        Shape::CredentialFloor,
        Shape::CredentialStore,
        Shape::CounterFloor,
        Shape::CounterWithCapacity,
        Shape::Limiter,
        Shape::DetailFloor,
        Shape::DetailWithCapacity,
        Shape::DetailBatch,
        Shape::DetailStore,
    ];

    fn name(self) -> &'static str {
        match self {
            Shape::CredentialFloor => "GetItem, consistent: the credential (floor)",
            Shape::CredentialStore => "the store's credential read",
            Shape::CounterFloor => "UpdateItem `ADD`: a counter (floor)",
            Shape::CounterWithCapacity => "UpdateItem `ADD`, consumed capacity asked",
            Shape::Limiter => "the API limiter's update (condition, route tally, TTL, capacity)",
            Shape::DetailFloor => "GetItem: a detail (floor)",
            Shape::DetailWithCapacity => "GetItem: a detail, consumed capacity asked",
            Shape::DetailBatch => "BatchGetItem: a detail and its open-flag count",
            Shape::DetailStore => "the store's detail read (the batch, capacity, decoding)",
        }
    }

    /// The floor's form this shape is compared with; `None` for a floor's own.
    fn bare(self) -> Option<Shape> {
        match self {
            Shape::CredentialFloor | Shape::CounterFloor | Shape::DetailFloor => None,
            Shape::CredentialStore => Some(Shape::CredentialFloor),
            Shape::CounterWithCapacity | Shape::Limiter => Some(Shape::CounterFloor),
            Shape::DetailWithCapacity | Shape::DetailBatch | Shape::DetailStore => {
                Some(Shape::DetailFloor)
            }
        }
    }
}

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

    /// One request of `shape`.
    async fn send(&self, shape: Shape) -> anyhow::Result<()> {
        let (c, table, state) = (self.c, self.table, self.state);
        // The route whose tally the limiter's update adds to (one attribute per route).
        let route = "GET /v1/workspaces/{ws}/details/{id}";
        match shape {
            Shape::CredentialFloor => {
                credential_read(c, table).send().await?;
            }
            Shape::CredentialStore => {
                state.store.get_credential(&self.client).await?;
            }
            Shape::CounterFloor => {
                counter_update(c, table).send().await?;
            }
            Shape::CounterWithCapacity => {
                counter_update(c, table)
                    .return_consumed_capacity(ReturnConsumedCapacity::Total)
                    .send()
                    .await?;
            }
            Shape::Limiter => {
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
            Shape::DetailFloor | Shape::DetailWithCapacity => {
                let get = c
                    .get_item()
                    .table_name(table)
                    .set_key(Some(self.detail_key()));
                match shape {
                    Shape::DetailWithCapacity => {
                        get.return_consumed_capacity(ReturnConsumedCapacity::Total)
                    }
                    _ => get,
                }
                .send()
                .await?;
            }
            Shape::DetailBatch => {
                let keys = KeysAndAttributes::builder()
                    .keys(self.detail_key())
                    .keys(key(keys::open_flags(self.ws, &self.detail)))
                    .build()?;
                c.batch_get_item().request_items(table, keys).send().await?;
            }
            Shape::DetailStore => {
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
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(samples); Shape::ALL.len()];
    // DynamoDB Local's CPU over each measured block of a shape (read between blocks, out of
    // the timed requests).
    let emulator = EmulatorCpu::dynamodb_local();
    let mut cpu: Vec<Tally> = Shape::ALL.iter().map(|_| Tally::default()).collect();
    for from in (0..2 * samples).step_by(BLOCK) {
        let warm = from < samples;
        for ((shape, t), cpu) in Shape::ALL.into_iter().zip(times.iter_mut()).zip(&mut cpu) {
            let mark = EmulatorCpu::mark(emulator.as_ref());
            for _ in 0..BLOCK {
                let t0 = Instant::now();
                at.send(shape).await?;
                if !warm {
                    t.push(t0.elapsed().as_secs_f64() * 1000.0);
                }
            }
            if !warm {
                cpu.add(mark, BLOCK);
            }
        }
    }
    let p50s: Vec<f64> = times.iter_mut().map(|t| percentile(t, 0.5)).collect();
    // `ALL` lists the shapes in their declaration order (tested below): a shape's number is
    // its place in it.
    let p50_of = |shape: Shape| p50s[shape as usize];
    let mut rows = Vec::new();
    for ((shape, mut t), cpu) in Shape::ALL.into_iter().zip(times).zip(cpu) {
        let (p50, p90) = (p50_of(shape), percentile(&mut t, 0.9));
        let over = shape.bare().map(|b| format!("{:+.3}", p50 - p50_of(b)));
        let cpu = cpu.per_sample_ms();
        println!(
            "{:<66} {p50:>8.3} {p90:>8.3} {:>8} {:>8.3}",
            shape.name(),
            over.unwrap_or_default(),
            cpu.unwrap_or(f64::NAN)
        );
        rows.push(json!({
            "shape": shape.name(),
            "bare": shape.bare().map(Shape::name),
            "p50_ms": p50,
            "p90_ms": p90,
            "dynamodb_cpu_ms": cpu,
        }));
    }
    Ok(Value::Array(rows))
}

#[cfg(test)]
mod tests {
    use super::Shape;

    #[test]
    fn all_lists_every_shape_at_its_own_number_and_each_after_its_bare_form() {
        for (i, shape) in Shape::ALL.into_iter().enumerate() {
            assert_eq!(shape as usize, i, "{shape:?}");
            if let Some(bare) = shape.bare() {
                assert!(
                    (bare as usize) < i,
                    "{shape:?} before its bare form {bare:?}"
                );
                assert_eq!(
                    bare.bare(),
                    None,
                    "{bare:?} is itself compared with another"
                );
            }
        }
    }
}
