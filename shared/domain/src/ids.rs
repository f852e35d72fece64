//! Identifier types. Parsing happens once at the edge; everything inside takes these types.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use uuid::Uuid;

/// A workspace is addressed by UUID; anything else in the path is a malformed request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkspaceId(Uuid);

impl WorkspaceId {
    pub fn parse(s: &str) -> Option<Self> {
        // Only the hyphenated form: the id is also a storage key, so one spelling per workspace.
        if s.len() != 36 {
            return None;
        }
        Uuid::parse_str(s).ok().map(Self)
    }
}

impl fmt::Display for WorkspaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl Serialize for WorkspaceId {
    /// Through a stack buffer rather than `Display`: every resource carries its workspace id,
    /// so this runs for each item of every list.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.hyphenated().encode_lower(&mut Uuid::encode_buffer()))
    }
}

impl<'de> Deserialize<'de> for WorkspaceId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        WorkspaceId::parse(&s).ok_or_else(|| serde::de::Error::custom("expected a hyphenated UUID"))
    }
}

/// True for identifiers safe to use as a key component: 1..=128 characters of
/// `[A-Za-z0-9._:-]`, other than `.` and `..`. Keeps `#` (our key separator) and control
/// bytes out of storage keys, and every id addressable in a URL path (where `.` and `..`
/// are resolved away, `%2E` too).
pub fn is_plain_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Option<Self> {
                is_plain_id(s).then(|| Self(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| {
                    serde::de::Error::custom(concat!(
                        "expected an id of 1 to 128 characters from [A-Za-z0-9._:-] (not . or ..) for ",
                        stringify!($name)
                    ))
                })
            }
        }
    };
}

string_id!(
    /// Id of a tag, detail, family, stash, project, firm or filter.
    ResourceId
);
string_id!(
    /// The public half of an API credential.
    ClientId
);

impl ResourceId {
    pub fn new_uuid() -> Self {
        Self(Uuid::new_v4().to_string())
    }

    /// An id whose text order is its creation order (to the millisecond).
    pub fn new_uuid_v7() -> Self {
        Self(Uuid::now_v7().to_string())
    }

    /// The ids of a request's list, each once, in their first order; `Err` with the
    /// malformed ones (an id that can't exist is reported as an invalid reference).
    pub fn parse_unique(raw: &[String]) -> Result<Vec<ResourceId>, Vec<String>> {
        let mut ids: Vec<ResourceId> = Vec::with_capacity(raw.len());
        let mut bad = Vec::new();
        for s in raw {
            match ResourceId::parse(s) {
                Some(id) if !ids.contains(&id) => ids.push(id),
                Some(_) => {}
                None => bad.push(s.clone()),
            }
        }
        if bad.is_empty() { Ok(ids) } else { Err(bad) }
    }
}

impl ClientId {
    pub fn generate() -> Self {
        Self(Uuid::new_v4().simple().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_unique_keeps_first_order_or_names_the_malformed() {
        let raw = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ids = ResourceId::parse_unique(&raw(&["b", "a", "b"])).unwrap();
        assert_eq!(
            ids,
            [
                ResourceId::parse("b").unwrap(),
                ResourceId::parse("a").unwrap()
            ]
        );
        assert_eq!(
            ResourceId::parse_unique(&raw(&["a", "x#y", "", "a"])),
            Err(raw(&["x#y", ""]))
        );
    }

    #[test]
    fn workspace_ids_are_hyphenated_uuids_only() {
        assert!(WorkspaceId::parse("6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11").is_some());
        assert!(WorkspaceId::parse("6a1f4c4e0b0e4f6c9a433f1c2b1d0e11").is_none());
        assert!(WorkspaceId::parse("not-a-uuid").is_none());
    }

    #[test]
    fn workspace_ids_serialise_as_they_display() {
        let ws = WorkspaceId::parse("6A1F4C4E-0B0E-4F6C-9A43-3F1C2B1D0E11").unwrap();
        assert_eq!(serde_json::to_string(&ws).unwrap(), format!("\"{ws}\""));
        assert_eq!(ws.to_string(), "6a1f4c4e-0b0e-4f6c-9a43-3f1c2b1d0e11");
    }

    #[test]
    fn plain_ids_refuse_key_separators() {
        assert!(ResourceId::parse("d-1").is_some());
        assert!(ResourceId::parse("a#b").is_none());
        assert!(ResourceId::parse("").is_none());
        assert!(ResourceId::parse(&"x".repeat(129)).is_none());
    }
}
