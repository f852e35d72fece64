//! Structs read from JSON objects only. serde's derive also reads a struct from a
//! sequence of its fields in order, so `"item_ids": [["d1"], []]` or `"match": []` would
//! pass for objects, the second as a match of nothing that matches everything: a strict
//! body takes `{...}` and nothing else.

/// For a struct deriving `Deserialize` with `#[serde(remote = "Self")]` (which turns the
/// derived code into an inherent `deserialize`): a `Deserialize` that asks for a map, and
/// with `serialize`, a `Serialize` that is the derived one.
#[macro_export]
macro_rules! object_only {
    ($name:ident) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Object;
                impl<'de> ::serde::de::Visitor<'de> for Object {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter) -> ::std::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($name), ")"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        map: A,
                    ) -> Result<$name, A::Error> {
                        $name::deserialize(::serde::de::value::MapAccessDeserializer::new(map))
                    }
                }
                d.deserialize_map(Object)
            }
        }
    };
    ($name:ident, serialize) => {
        $crate::object_only!($name);

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $name::serialize(self, s)
            }
        }
    };
}
