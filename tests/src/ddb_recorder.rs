//! An AWS SDK interceptor that records what a DynamoDB client touches, read from each
//! request as it goes on the wire: the IAM action and the partition key of every item (a
//! transaction's items each as the put, update, delete or condition check IAM sees), and
//! the full key of every item written.

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// (IAM action without `dynamodb:`, partition key) of every item touched.
pub type Access = (String, String);

/// (IAM action without `dynamodb:`, partition key, sort key) of an item written.
pub type Written = (String, String, String);

#[derive(Clone, Debug, Default)]
pub struct Recorder(Arc<Mutex<(BTreeSet<Access>, BTreeSet<Written>)>>);

impl Recorder {
    pub fn seen(&self) -> BTreeSet<Access> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).0.clone()
    }

    /// Every item written (put, updated or deleted, alone, in a batch or a transaction).
    pub fn written(&self) -> BTreeSet<Written> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).1.clone()
    }
}

fn key_of(item_or_key: &Value) -> Option<(String, String)> {
    let pk = item_or_key.pointer("/pk/S").and_then(Value::as_str)?;
    let sk = item_or_key.pointer("/sk/S").and_then(Value::as_str)?;
    Some((pk.to_owned(), sk.to_owned()))
}

/// The items one request body writes.
pub fn writes(operation: &str, body: &Value) -> Vec<Written> {
    let mut out = Vec::new();
    let mut add = |op: &str, v: &Value| {
        if let Some((pk, sk)) = key_of(v) {
            out.push((op.to_owned(), pk, sk));
        }
    };
    match operation {
        "PutItem" => add(operation, &body["Item"]),
        "UpdateItem" | "DeleteItem" => add(operation, &body["Key"]),
        "BatchWriteItem" => {
            for (_, requests) in body["RequestItems"].as_object().into_iter().flatten() {
                for w in requests.as_array().into_iter().flatten() {
                    if let Some(p) = w.get("PutRequest") {
                        add(operation, &p["Item"]);
                    } else if let Some(d) = w.get("DeleteRequest") {
                        add(operation, &d["Key"]);
                    }
                }
            }
        }
        "TransactWriteItems" => {
            for t in body["TransactItems"].as_array().into_iter().flatten() {
                if let Some(p) = t.get("Put") {
                    add("PutItem", &p["Item"]);
                } else if let Some(u) = t.get("Update") {
                    add("UpdateItem", &u["Key"]);
                } else if let Some(d) = t.get("Delete") {
                    add("DeleteItem", &d["Key"]);
                }
            }
        }
        _ => {}
    }
    out
}

fn pk_of(item_or_key: &Value) -> Result<String, String> {
    item_or_key
        .pointer("/pk/S")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("no pk in {item_or_key}"))
}

/// The partition a `Query` reads: the value its key condition compares `pk` with.
fn query_pk(body: &Value) -> Result<String, String> {
    let cond = body["KeyConditionExpression"]
        .as_str()
        .ok_or("a query without a key condition")?;
    for clause in cond.split(" AND ") {
        let Some((left, right)) = clause.split_once('=') else {
            continue;
        };
        let (left, right) = (left.trim(), right.trim());
        let name = body["ExpressionAttributeNames"][left]
            .as_str()
            .unwrap_or(left);
        if name == "pk" {
            return body["ExpressionAttributeValues"][right]["S"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("no value for {right} in {body}"));
        }
    }
    Err(format!("cannot tell the partition of the query {cond:?}"))
}

/// What one request body touches.
pub fn accesses(operation: &str, body: &Value) -> Result<Vec<Access>, String> {
    let one = |op: &str, v: &Value| pk_of(v).map(|pk| (op.to_owned(), pk));
    let tables = |v: &Value| -> Vec<Value> {
        v.as_object()
            .map(|o| o.values().cloned().collect())
            .unwrap_or_default()
    };
    match operation {
        "GetItem" | "UpdateItem" | "DeleteItem" => Ok(vec![one(operation, &body["Key"])?]),
        "PutItem" => Ok(vec![one(operation, &body["Item"])?]),
        "Query" => Ok(vec![(operation.to_owned(), query_pk(body)?)]),
        "BatchGetItem" => tables(&body["RequestItems"])
            .iter()
            .flat_map(|t| t["Keys"].as_array().cloned().unwrap_or_default())
            .map(|k| one(operation, &k))
            .collect(),
        "BatchWriteItem" => tables(&body["RequestItems"])
            .iter()
            .flat_map(|t| t.as_array().cloned().unwrap_or_default())
            .map(|w| match (w.get("PutRequest"), w.get("DeleteRequest")) {
                (Some(p), _) => one(operation, &p["Item"]),
                (_, Some(d)) => one(operation, &d["Key"]),
                _ => Err(format!("unknown write {w}")),
            })
            .collect(),
        "TransactWriteItems" => body["TransactItems"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|t| {
                for (kind, op, field) in [
                    ("Put", "PutItem", "Item"),
                    ("Update", "UpdateItem", "Key"),
                    ("Delete", "DeleteItem", "Key"),
                    ("ConditionCheck", "ConditionCheckItem", "Key"),
                ] {
                    if let Some(x) = t.get(kind) {
                        return one(op, &x[field]);
                    }
                }
                Err(format!("unknown transaction item {t}"))
            })
            .collect(),
        "TransactGetItems" => body["TransactItems"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|t| one("GetItem", &t["Get"]["Key"]))
            .collect(),
        // Anything else (a Scan, table management) touches no one partition: recorded as
        // such, so a check against IAM partitions fails on it.
        other => Ok(vec![(other.to_owned(), "*".to_owned())]),
    }
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "DynamoDbAccessRecorder"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = context.request();
        let operation = req
            .headers()
            .get("x-amz-target")
            .and_then(|t| t.rsplit('.').next())
            .unwrap_or("unknown")
            .to_owned();
        let body: Value = serde_json::from_slice(req.body().bytes().unwrap_or_default())?;
        let found = accesses(&operation, &body)?;
        let written = writes(&operation, &body);
        let mut sets = self.0.lock().unwrap_or_else(|p| p.into_inner());
        sets.0.extend(found);
        sets.1.extend(written);
        Ok(())
    }
}

/// A DynamoDB client for the emulator of `infra/scripts/test.sh` that records into
/// `recorder`.
pub async fn recorded_client(recorder: &Recorder) -> aws_sdk_dynamodb::Client {
    let sdk = pirros_shared::config::aws::sdk_config().await;
    let conf = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .interceptor(recorder.clone())
        .build();
    aws_sdk_dynamodb::Client::from_conf(conf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_partitions_of_each_kind_of_call() {
        let q = json!({
            "KeyConditionExpression": "#pk = :pk AND begins_with(#sk, :prefix)",
            "ExpressionAttributeNames": {"#pk": "pk", "#sk": "sk"},
            "ExpressionAttributeValues": {":pk": {"S": "WS#1"}, ":prefix": {"S": "TAG#"}}
        });
        assert_eq!(
            accesses("Query", &q).unwrap(),
            [("Query".to_owned(), "WS#1".to_owned())]
        );
        let tx = json!({"TransactItems": [
            {"Put": {"Item": {"pk": {"S": "STASH#1"}}}},
            {"ConditionCheck": {"Key": {"pk": {"S": "IDEM#c#k"}}}}
        ]});
        assert_eq!(
            accesses("TransactWriteItems", &tx).unwrap(),
            [
                ("PutItem".to_owned(), "STASH#1".to_owned()),
                ("ConditionCheckItem".to_owned(), "IDEM#c#k".to_owned())
            ]
        );
        let tx = json!({"TransactItems": [
            {"Put": {"Item": {"pk": {"S": "FAM#1"}, "sk": {"S": "FAMILY#f"}, "n": {"N": "1"}}}},
            {"ConditionCheck": {"Key": {"pk": {"S": "IDEM#c#k"}, "sk": {"S": "IDEM"}}}},
            {"Delete": {"Key": {"pk": {"S": "FLIST#1"}, "sk": {"S": "0#f"}}}}
        ]});
        let w = |op: &str, pk: &str, sk: &str| (op.to_owned(), pk.to_owned(), sk.to_owned());
        assert_eq!(
            writes("TransactWriteItems", &tx),
            [
                w("PutItem", "FAM#1", "FAMILY#f"),
                w("DeleteItem", "FLIST#1", "0#f")
            ]
        );
        let bw = json!({"RequestItems": {"t": [
            {"PutRequest": {"Item": {"pk": {"S": "A"}, "sk": {"S": "1"}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "B"}, "sk": {"S": "2"}}}}
        ]}});
        assert_eq!(
            writes("BatchWriteItem", &bw),
            [w("BatchWriteItem", "A", "1"), w("BatchWriteItem", "B", "2")]
        );
        assert!(writes("Query", &q).is_empty());
        let bg = json!({"RequestItems": {"t": {"Keys": [{"pk": {"S": "A"}}, {"pk": {"S": "B"}}]}}});
        assert_eq!(accesses("BatchGetItem", &bg).unwrap().len(), 2);
        assert_eq!(accesses("Scan", &json!({})).unwrap()[0].1, "*");
        assert!(accesses("GetItem", &json!({"Key": {}})).is_err());
    }
}
