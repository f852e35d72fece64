//! Query strings, parsed strictly into one struct per operation. The struct's fields are the
//! parameters the operation accepts and what the OpenAPI document lists (it derives both
//! `Deserialize` with `deny_unknown_fields` and `IntoParams`), so a typo is a 400 naming it
//! rather than a silent no-op.

use crate::error::ApiError;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, SeqAccess, Visitor};
use std::fmt;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};

/// What serde_html_form says when a parameter that takes one value is given several.
const REPEATED: &str = "unsupported value";

/// Parses `raw` into `T`. An unknown parameter is named before anything wrong with a known
/// one; a value's own error names its parameter; `include` errors are
/// `invalid_include_param`.
pub fn parse<T: DeserializeOwned + IntoParams>(raw: Option<&str>) -> Result<T, ApiError> {
    let raw = raw.unwrap_or("");
    utf8(raw)?;
    let de = serde_html_form::Deserializer::from_bytes(raw.as_bytes());
    serde_path_to_error::deserialize(de).map_err(|e| refusal::<T>(raw, &e))
}

/// Refuses a parameter whose name or value is not UTF-8 once percent-decoded. Form decoding
/// would read the bytes lossily, and a `q=%FF` would then search for nothing and answer
/// everything.
fn utf8(raw: &str) -> Result<(), ApiError> {
    match not_utf8(raw.as_bytes()) {
        None => Ok(()),
        Some(NotUtf8 { name: None }) => Err(ApiError::invalid(
            "A query parameter's name is not valid UTF-8 once percent-decoded",
        )),
        Some(NotUtf8 { name: Some(name) }) => Err(ApiError::invalid_field(
            &name,
            format!("Query parameter {name:?} is not valid UTF-8 once percent-decoded"),
        )),
    }
}

/// A form-encoded pair (`application/x-www-form-urlencoded`: a query string, a token
/// request's body) that is not UTF-8 once percent-decoded: its name, when that much is.
#[derive(Debug, PartialEq, Eq)]
pub struct NotUtf8 {
    pub name: Option<String>,
}

/// The first pair of `raw` that is not UTF-8 once percent-decoded, if any.
pub fn not_utf8(raw: &[u8]) -> Option<NotUtf8> {
    fn decoded(s: &[u8]) -> Option<String> {
        let bytes: Vec<u8> = percent_encoding::percent_decode(s).collect();
        String::from_utf8(bytes).ok()
    }
    for pair in raw.split(|b| *b == b'&') {
        // Plain ASCII with nothing encoded is UTF-8 as it stands (most queries).
        if pair.is_ascii() && !pair.contains(&b'%') {
            continue;
        }
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        let Some(name) = decoded(name) else {
            return Some(NotUtf8 { name: None });
        };
        if decoded(value).is_none() {
            return Some(NotUtf8 { name: Some(name) });
        }
    }
    None
}

fn refusal<T: IntoParams>(
    raw: &str,
    e: &serde_path_to_error::Error<serde_html_form::de::Error>,
) -> ApiError {
    let accepted: Vec<String> = T::into_params(|| None)
        .into_iter()
        .map(|p| p.name)
        .collect();
    if let Some((k, _)) =
        url::form_urlencoded::parse(raw.as_bytes()).find(|(k, _)| !accepted.iter().any(|a| a == k))
    {
        let takes = match accepted.as_slice() {
            [] => "this endpoint takes no query parameters".to_owned(),
            names => format!("this endpoint accepts: {}", names.join(", ")),
        };
        return ApiError::invalid_field(&k, format!("Unknown query parameter {k:?}; {takes}"));
    }
    let name = e.path().to_string();
    let message = e.inner().to_string();
    if message == REPEATED {
        ApiError::invalid_field(
            &name,
            format!("Query parameter {name:?} may be given only once"),
        )
    } else if name == "include" {
        ApiError::InvalidIncludeParam(message)
    } else {
        ApiError::invalid_field(&name, message)
    }
}

/// One value of a parameter, through `parse`, whose `Err` is the message of the 400.
pub fn value<'de, D, T>(d: D, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct One<F>(F);
    impl<T, F: FnOnce(&str) -> Result<T, String>> Visitor<'_> for One<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a value")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            (self.0)(v).map_err(E::custom)
        }
    }
    d.deserialize_str(One(parse))
}

/// Every value of a parameter that may be repeated, each through `parse`.
pub fn values<'de, D, T>(
    d: D,
    parse: impl FnMut(&str) -> Result<T, String>,
) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
{
    struct Each<F>(F);
    impl<'de, T, F: FnMut(&str) -> Result<T, String>> Visitor<'de> for Each<F> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("values")
        }
        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element::<std::borrow::Cow<'de, str>>()? {
                out.push((self.0)(&v).map_err(de::Error::custom)?);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Each(parse))
}

/// The query of an operation that takes no parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NoQuery {}

/// The query of a single resource: what to expand.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IncludeQuery {
    /// Related objects to return in `response.expanded`: `tags`, `project` (comma-separated).
    #[serde(default)]
    #[param(value_type = Vec<IncludeValue>, style = Form, explode = false, min_items = 1, required = false)]
    pub include: Include,
}

/// The query of a list that takes nothing but its page (projects, a family's references,
/// its versions).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size. Out of range is 400, never clamped.
    #[serde(default)]
    #[param(inline, required = false)]
    pub limit: Limit<25, 100>,
    /// `response.next_cursor` of the previous page, unchanged. A cursor is bound to the list
    /// and the credential it came from: with another it is 400.
    #[param(inline, required = false)]
    pub cursor: Option<Cursor>,
}

/// `limit`: a whole number from 1 to `MAX`, `DEFAULT` when absent; out of range is a 400,
/// never clamped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit<const DEFAULT: usize, const MAX: usize>(usize);

impl<const DEFAULT: usize, const MAX: usize> Limit<DEFAULT, MAX> {
    pub fn get(self) -> usize {
        self.0
    }
}

impl<const DEFAULT: usize, const MAX: usize> Default for Limit<DEFAULT, MAX> {
    fn default() -> Self {
        Self(DEFAULT)
    }
}

impl<'de, const DEFAULT: usize, const MAX: usize> Deserialize<'de> for Limit<DEFAULT, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        value(d, |v| match v.parse::<usize>() {
            // `usize::from_str` takes a leading `+`; the API does not.
            Ok(n) if (1..=MAX).contains(&n) && !v.starts_with('+') => Ok(Self(n)),
            _ => Err(format!("limit must be a whole number from 1 to {MAX}")),
        })
    }
}

impl<const DEFAULT: usize, const MAX: usize> PartialSchema for Limit<DEFAULT, MAX> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .maximum(Some(MAX as f64))
            .default(Some(DEFAULT.into()))
            .into()
    }
}

impl<const DEFAULT: usize, const MAX: usize> ToSchema for Limit<DEFAULT, MAX> {}

/// A page's `cursor` as the caller sent it (`response.next_cursor` of the previous page).
/// Its form is documented once, here; what it is bound to, beside each query.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Cursor(String);

impl std::ops::Deref for Cursor {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialSchema for Cursor {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(2048))
            .pattern(Some(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"))
            .into()
    }
}

impl ToSchema for Cursor {}

/// What `include=` asked to expand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Include {
    pub tags: bool,
    pub projects: bool,
}

impl<'de> Deserialize<'de> for Include {
    /// Comma-separated values, and the parameter may be repeated.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut inc = Include::default();
        values(d, |v| {
            for part in v.split(',').map(str::trim) {
                match part {
                    "tags" => inc.tags = true,
                    "project" => inc.projects = true,
                    other => {
                        return Err(format!(
                            "Unknown include value {other:?}; allowed: tags, project"
                        ));
                    }
                }
            }
            Ok(())
        })?;
        Ok(inc)
    }
}

/// A value of the `include` query parameter.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum IncludeValue {
    /// `response.expanded.tags`: the referenced tags you may read.
    Tags,
    /// `response.expanded.projects`: the referenced projects.
    Project,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    struct Paged {
        #[serde(default)]
        #[param(inline)]
        limit: Limit<25, 100>,
        #[serde(default)]
        #[param(value_type = Vec<IncludeValue>)]
        include: Include,
        cursor: Option<String>,
    }

    fn paged(raw: &str) -> Result<Paged, ApiError> {
        parse(Some(raw))
    }

    fn refusal(raw: &str) -> (String, String, Option<String>) {
        let e = paged(raw).unwrap_err();
        let field = match &e {
            ApiError::InvalidRequest { details, .. } => details.as_ref().map(|d| d.field.clone()),
            _ => None,
        };
        (e.code().to_owned(), e.to_string(), field)
    }

    #[test]
    fn limits_are_never_clamped() {
        assert_eq!(paged("").unwrap().limit.get(), 25);
        assert_eq!(paged("limit=1").unwrap().limit.get(), 1);
        assert_eq!(paged("limit=100").unwrap().limit.get(), 100);
        for bad in [
            "limit=0",
            "limit=101",
            "limit=-1",
            "limit=abc",
            "limit=",
            "limit=1.5",
            "limit=%2B5",
        ] {
            let (code, message, field) = refusal(bad);
            assert_eq!(code, "invalid_request", "{bad}");
            assert_eq!(message, "limit must be a whole number from 1 to 100");
            assert_eq!(field.as_deref(), Some("limit"));
        }
    }

    #[test]
    fn unknown_parameters_are_named_first() {
        let (code, message, field) = refusal("limit=0&limt=5");
        assert_eq!(code, "invalid_request");
        assert_eq!(
            message,
            "Unknown query parameter \"limt\"; this endpoint accepts: limit, include, cursor"
        );
        assert_eq!(field.as_deref(), Some("limt"));
        let e = parse::<NoQuery>(Some("x=1")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Unknown query parameter \"x\"; this endpoint takes no query parameters"
        );
        parse::<NoQuery>(None).unwrap();
        parse::<NoQuery>(Some("")).unwrap();
    }

    #[test]
    fn what_is_not_utf8_once_decoded_is_refused() {
        for (raw, name) in [
            ("cursor=%FF", Some("cursor")),
            ("limit=1&cursor=a%C3%28", Some("cursor")),
            ("%FF=1", None),
        ] {
            let (code, message, field) = refusal(raw);
            assert_eq!(code, "invalid_request", "{raw}");
            assert!(message.contains("not valid UTF-8"), "{raw}: {message}");
            assert_eq!(field.as_deref(), name, "{raw}");
        }
        // Encoded UTF-8, and a `+` for a space, are read as before.
        assert_eq!(
            paged("cursor=%C3%A9+x").unwrap().cursor.as_deref(),
            Some("é x")
        );
    }

    #[test]
    fn single_values_may_not_repeat() {
        for raw in ["cursor=a&cursor=b", "limit=5&limit=5"] {
            let (code, message, field) = refusal(raw);
            assert_eq!(code, "invalid_request");
            let name = field.unwrap();
            assert_eq!(
                message,
                format!("Query parameter {name:?} may be given only once")
            );
        }
    }

    #[test]
    fn includes_are_comma_separated_repeatable_and_checked() {
        let q = paged("include=tags,project").unwrap();
        assert_eq!(
            q.include,
            Include {
                tags: true,
                projects: true
            }
        );
        let q = paged("include=project&include=tags").unwrap();
        assert!(q.include.tags && q.include.projects);
        for bad in [
            "include=tags,bogus",
            "include=",
            "include=tags&include=x",
            "include=projects",
        ] {
            let (code, ..) = refusal(bad);
            assert_eq!(code, "invalid_include_param", "{bad}");
        }
        assert_eq!(paged("cursor=").unwrap().cursor.as_deref(), Some(""));
    }
}
