//! What a queue message asks for. Two kinds arrive: the bucket's event for an uploaded file
//! (the S3 event notification, key `uploads/{ws}/{job}`), and the jobs function's own
//! `{"job": {"workspace_id", "id"}}` (an export, or an upload whose event was lost).

use pirros_domain::jobs::{JobRef, parse_upload_key};
use serde::Deserialize;

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("not a message the worker understands: {0}")]
pub struct MessageError(String);

#[derive(Deserialize)]
#[serde(untagged)]
enum Message {
    Job {
        job: JobRef,
    },
    S3 {
        #[serde(rename = "Records")]
        records: Vec<S3Record>,
    },
    /// What S3 sends once when the notification is set up.
    TestEvent {
        #[serde(rename = "Event")]
        event: String,
    },
}

#[derive(Deserialize)]
struct S3Record {
    #[serde(rename = "eventName", default)]
    event_name: String,
    s3: S3Entity,
}

#[derive(Deserialize)]
struct S3Entity {
    object: S3Object,
}

#[derive(Deserialize)]
struct S3Object {
    key: String,
}

/// The jobs a message names; none for a message that needs no work (S3's test event, an
/// object outside `uploads/`). A body that is none of these is an error: retrying cannot
/// help, so it ends in the dead-letter queue for someone to look at.
pub fn jobs_of(body: &str) -> Result<Vec<JobRef>, MessageError> {
    let message: Message =
        serde_json::from_str(body).map_err(|e| MessageError(format!("{e}: {body:.200}")))?;
    Ok(match message {
        Message::Job { job } => vec![job],
        Message::S3 { records } => records
            .into_iter()
            .filter(|r| r.event_name.starts_with("ObjectCreated"))
            .filter_map(|r| parse_upload_key(&decode_key(&r.s3.object.key)))
            .collect(),
        Message::TestEvent { event } if event == "s3:TestEvent" => Vec::new(),
        Message::TestEvent { event } => return Err(MessageError(format!("event {event}"))),
    })
}

/// S3 events carry keys form-encoded (a space is `+`).
fn decode_key(key: &str) -> String {
    url::form_urlencoded::parse(format!("k={key}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WS: &str = "6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11";

    #[test]
    fn s3_events_name_their_upload_jobs() {
        let body = format!(
            r#"{{"Records":[
                {{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put",
                  "s3":{{"bucket":{{"name":"b"}},"object":{{"key":"uploads/{WS}/job-1","size":5}}}}}},
                {{"eventName":"ObjectCreated:CompleteMultipartUpload",
                  "s3":{{"object":{{"key":"uploads/{WS}/job%3A2"}}}}}},
                {{"eventName":"ObjectRemoved:Delete","s3":{{"object":{{"key":"uploads/{WS}/job-3"}}}}}},
                {{"eventName":"ObjectCreated:Put","s3":{{"object":{{"key":"exports/{WS}/x.zip"}}}}}}
            ]}}"#
        );
        let jobs = jobs_of(&body).unwrap();
        let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(ids, ["job-1", "job:2"]);
        assert!(jobs.iter().all(|j| j.workspace_id.to_string() == WS));
    }

    #[test]
    fn our_own_messages_round_trip() {
        let job = JobRef {
            workspace_id: pirros_domain::ids::WorkspaceId::parse(WS).unwrap(),
            id: pirros_domain::ids::ResourceId::parse("j1").unwrap(),
        };
        assert_eq!(jobs_of(&job.message()).unwrap(), [job]);
    }

    #[test]
    fn test_events_need_nothing_and_garbage_is_an_error() {
        let test = r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-01-01T00:00:00.000Z","Bucket":"b"}"#;
        assert_eq!(jobs_of(test).unwrap(), []);
        for bad in [
            "",
            "not json",
            "[]",
            r#"{"job": {"workspace_id": "nope", "id": "j"}}"#,
            r#"{"Event": "s3:Other"}"#,
        ] {
            assert!(jobs_of(bad).is_err(), "{bad}");
        }
    }
}
