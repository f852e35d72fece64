//! Passes over the finished document that make it say exactly what the API takes, in the
//! shape generators handle best, where the annotations can't: an optional body is absent,
//! never `null`; rules that tie one field to another; and a payload type or an error body
//! is named once in `components.schemas` and referred to everywhere else, instead of
//! copied inline into each envelope or response that carries it.

use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Every pass, in order.
pub fn refine(doc: &mut Value) {
    optional_bodies(doc);
    conditional_rules(doc);
    refer_to_components(doc);
    name_error_bodies(doc);
}

/// The shared error responses' bodies as named schemas (`InvalidRequestError` for the
/// `InvalidRequest` response), so a generated client has one type per error answer, not
/// one per operation that can answer it.
fn name_error_bodies(doc: &mut Value) {
    let Some(responses) = doc
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut named = Vec::new();
    for (name, response) in responses.iter_mut() {
        let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
            continue;
        };
        for media in content.values_mut() {
            if let Some(schema) = media.get_mut("schema")
                && schema.get("$ref").is_none()
            {
                let schema_name = format!("{name}Error");
                let body = std::mem::replace(schema, reference(&schema_name));
                named.push((schema_name, body));
            }
        }
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, body) in named {
            let clash = schemas.insert(name.clone(), body);
            assert!(clash.is_none(), "{name} names two schemas");
        }
    }
}

/// A character that is not blank as `str::trim` sees it (ECMAScript's `\s` misses only
/// U+0085): what "not blank" means in the schemas.
const NOT_BLANK: &str = "[^\\s\\u0085]";

/// The rules of a body that tie one field to another, which the derive can't state; each
/// is the rule its validation enforces (named beside it).
fn rules() -> [(&'static str, Value); 4] {
    [
        // functions/details/src/flag_body.rs: `note` is required, not blank, with `other`.
        (
            "CreateFlag",
            json!({
                "if": {"properties": {"reason": {"const": "other"}}, "required": ["reason"]},
                "then": {
                    "required": ["note"],
                    "properties": {"note": {"type": "string", "pattern": NOT_BLANK}},
                },
            }),
        ),
        // functions/jobs/src/upload_body.rs: a new family (no `family_id`) needs its name
        // and category.
        (
            "UploadFamily",
            json!({
                "if": {"properties": {"family_id": {"type": "null"}}},
                "then": {
                    "required": ["name", "category"],
                    "properties": {"name": {"type": "string"}, "category": {"type": "string"}},
                },
            }),
        ),
        // functions/oauth/src/lib.rs: other parameters are ignored, but in JSON they must
        // still be strings (as a form's are), or null.
        (
            "TokenRequest",
            json!({"additionalProperties": {"type": ["string", "null"]}}),
        ),
        // functions/webhooks/src/valid.rs: exactly one of `after` and `event_ids` (a
        // `null` one counts as absent).
        (
            "Replay",
            json!({"oneOf": [
                {"required": ["after"], "properties": {"after": {"type": "string"}}},
                {"required": ["event_ids"], "properties": {"event_ids": {"type": "array", "items": {"type": "string"}}}},
            ]}),
        ),
    ]
}

fn conditional_rules(doc: &mut Value) {
    for (name, rule) in rules() {
        let Some(schema) = doc
            .pointer_mut(&format!("/components/schemas/{name}"))
            .and_then(Value::as_object_mut)
        else {
            // A test fails if a rule's component is missing (`every_rule_lands`).
            continue;
        };
        if let Value::Object(rule) = rule {
            schema.extend(rule);
        }
    }
}

/// utoipa writes an `Option<T>` body as `oneOf: [null, T]`, but an optional body is one
/// that may be left out: a JSON `null` is not a body the API takes (400
/// `invalid_request`), so the schema is `T` and `required` stays false.
fn optional_bodies(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for op in paths.values_mut().filter_map(Value::as_object_mut) {
        for body in op.values_mut().filter_map(|o| o.get_mut("requestBody")) {
            let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else {
                continue;
            };
            for media in content.values_mut() {
                let Some(schema) = media.get_mut("schema") else {
                    continue;
                };
                if let Some(inner) = not_null(schema) {
                    *schema = inner;
                }
            }
        }
    }
}

/// `T` of `oneOf: [{type: null}, T]`.
fn not_null(schema: &Value) -> Option<Value> {
    let [a, b] = schema.get("oneOf")?.as_array()?.as_slice() else {
        return None;
    };
    let null = serde_json::json!({"type": "null"});
    match (a == &null, b == &null) {
        (true, false) => Some(b.clone()),
        (false, true) => Some(a.clone()),
        _ => None,
    }
}

/// Replaces each inline copy of a component schema (utoipa inlines a generic type's
/// parameter) with a `$ref` to it, so that `Stash` is one named type for a generated
/// client rather than an anonymous one per envelope.
fn refer_to_components(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    // Keyed by the schema's JSON text (object keys sorted, so equal schemas are equal text).
    // Trivial schemas (`{type: string}`) are left alone: they name nothing.
    let mut named: HashMap<String, String> = HashMap::new();
    for (name, schema) in schemas {
        if schema.get("properties").is_some() || schema.get("allOf").is_some() {
            named
                .entry(schema.to_string())
                .or_insert_with(|| name.clone());
        }
    }
    if let Some(paths) = doc.get_mut("paths") {
        replace_copies(paths, &named, None);
    }
    if let Some(hooks) = doc.get_mut("webhooks") {
        replace_copies(hooks, &named, None);
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            // A component's own body is not a copy of itself; its parts may be copies.
            replace_children(schema, &named, Some(name));
        }
    }
    if let Some(responses) = doc
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        for response in responses.values_mut() {
            replace_copies(response, &named, None);
        }
    }
}

fn replace_copies(v: &mut Value, named: &HashMap<String, String>, this: Option<&str>) {
    if v.is_object()
        && let Some(name) = named.get(&v.to_string())
        && Some(name.as_str()) != this
    {
        *v = reference(name);
        return;
    }
    replace_children(v, named, this);
}

fn replace_children(v: &mut Value, named: &HashMap<String, String>, this: Option<&str>) {
    match v {
        Value::Object(map) => map
            .values_mut()
            .for_each(|c| replace_copies(c, named, this)),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|c| replace_copies(c, named, this)),
        _ => {}
    }
}

fn reference(name: &str) -> Value {
    let mut map = Map::new();
    map.insert(
        "$ref".to_owned(),
        Value::String(format!("#/components/schemas/{name}")),
    );
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_optional_body_is_its_type_not_null() {
        let mut doc = json!({"paths": {"/a": {"post": {"requestBody": {"content": {
            "application/json": {"schema": {"oneOf": [{"type": "null"}, {"$ref": "#/x"}]}}
        }}}}}});
        refine(&mut doc);
        assert_eq!(
            doc.pointer("/paths/~1a/post/requestBody/content/application~1json/schema"),
            Some(&json!({"$ref": "#/x"}))
        );
    }

    #[test]
    fn every_rule_lands() {
        let doc = crate::openapi::document();
        for (name, rule) in rules() {
            let schema = &doc["components"]["schemas"][name];
            for (key, value) in rule.as_object().expect("an object") {
                assert_eq!(&schema[key], value, "{name}.{key}");
            }
        }
    }

    #[test]
    fn inline_copies_of_components_become_references() {
        let stash = json!({"type": "object", "properties": {"id": {"type": "string"}}});
        let mut doc = json!({
            "paths": {"/s": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "object", "properties": {"response": stash.clone()}}
            }}}}}}},
            "components": {"schemas": {
                "Stash": stash.clone(),
                "Page": {"type": "object", "properties": {"data": {"type": "array", "items": stash.clone()}}},
            }},
        });
        refine(&mut doc);
        let r = json!({"$ref": "#/components/schemas/Stash"});
        assert_eq!(
            doc.pointer(
                "/paths/~1s/get/responses/200/content/application~1json/schema/properties/response"
            ),
            Some(&r)
        );
        assert_eq!(
            doc.pointer("/components/schemas/Page/properties/data/items"),
            Some(&r)
        );
        // The component itself keeps its body.
        assert_eq!(doc.pointer("/components/schemas/Stash"), Some(&stash));
    }
}
