//! JSON Schemas of the types whose serde form is hand-written (ids, timestamps, filter
//! ids), for the fixture file's published schema. Only `pirros-fixture` turns this on, so
//! the Lambda functions never build it.

use crate::grants::{EntityType, FilterId};
use crate::ids::{ClientId, ResourceId, WorkspaceId};
use crate::timestamp::Timestamp;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;

/// What `ids::is_plain_id` accepts.
const PLAIN_ID: &str = "^([A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}|\\.[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,126}|\\.\\.[A-Za-z0-9._:-]{1,126})$";

impl JsonSchema for WorkspaceId {
    fn schema_name() -> Cow<'static, str> {
        "WorkspaceId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A workspace's UUID, hyphenated.",
            "type": "string",
            "format": "uuid",
            "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        })
    }
}

/// A string `ids::is_plain_id` accepts.
fn plain_id(description: &str) -> Schema {
    json_schema!({ "description": description, "type": "string", "pattern": PLAIN_ID })
}

impl JsonSchema for ResourceId {
    fn schema_name() -> Cow<'static, str> {
        "ResourceId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        plain_id(
            "Id of a firm, project, tag, detail, family, stash or filter: 1 to 128 characters from A-Z a-z 0-9 . _ : -, not . or ..",
        )
    }
}

impl JsonSchema for ClientId {
    fn schema_name() -> Cow<'static, str> {
        "ClientId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        plain_id(
            "A credential's client id: 1 to 128 characters from A-Z a-z 0-9 . _ : -, not . or ..",
        )
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An RFC 3339 timestamp, e.g. 2026-06-04T12:00:00.000Z",
            "type": "string",
            "format": "date-time",
        })
    }
}

impl JsonSchema for FilterId {
    fn schema_name() -> Cow<'static, str> {
        "FilterId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let system: Vec<String> = EntityType::ALL
            .into_iter()
            .map(|e| FilterId::System(e).to_string())
            .collect();
        json_schema!({
            "description": "A system filter (matches every resource of its type) or the id of a custom filter of the workspace.",
            "type": "string",
            "anyOf": [
                { "enum": system },
                { "pattern": PLAIN_ID, "not": { "pattern": "^default:" } },
            ],
        })
    }
}
