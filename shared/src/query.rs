//! Query-string parameters: parsed strictly, so a typo is a 400 rather than a silent no-op.

use crate::error::ApiError;

#[derive(Debug, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses the raw query and refuses any parameter not in `allowed`.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        if let Some((k, _)) = pairs.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
            return Err(ApiError::invalid_field(
                k,
                format!(
                    "Unknown query parameter {k:?}; this endpoint accepts: {}",
                    allowed.join(", ")
                ),
            ));
        }
        Ok(Self { pairs })
    }

    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.pairs
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A parameter given at most once.
    pub fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut it = self.all(name);
        let first = it.next();
        if it.next().is_some() {
            return Err(ApiError::invalid_field(
                name,
                format!("Query parameter {name:?} may be given only once"),
            ));
        }
        Ok(first)
    }

    /// `limit` within `1..=max`, `default` when absent; never clamped.
    pub fn limit(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.one("limit")? {
            None => Ok(default),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=max).contains(&n) && !v.starts_with('+') => Ok(n),
                _ => Err(ApiError::invalid_field(
                    "limit",
                    format!("limit must be a whole number from 1 to {max}"),
                )),
            },
        }
    }

    pub fn include(&self) -> Result<Include, ApiError> {
        let mut inc = Include::default();
        for v in self.all("include") {
            for part in v.split(',').map(str::trim) {
                match part {
                    "tags" => inc.tags = true,
                    "project" | "projects" => inc.projects = true,
                    other => {
                        return Err(ApiError::InvalidIncludeParam(format!(
                            "Unknown include value {other:?}; allowed: tags, project"
                        )));
                    }
                }
            }
        }
        Ok(inc)
    }
}

/// What `include=` asked to expand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Include {
    pub tags: bool,
    pub projects: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_never_clamped() {
        let q = |s: &str| Query::parse(Some(s), &["limit"]).unwrap().limit(25, 100);
        assert_eq!(q("").unwrap(), 25);
        assert_eq!(q("limit=1").unwrap(), 1);
        assert_eq!(q("limit=100").unwrap(), 100);
        for bad in [
            "limit=0",
            "limit=101",
            "limit=-1",
            "limit=abc",
            "limit=",
            "limit=1.5",
            "limit=%2B5",
        ] {
            assert_eq!(q(bad).unwrap_err().code(), "invalid_request", "{bad}");
        }
    }

    #[test]
    fn unknown_parameters_and_includes_are_refused() {
        assert!(Query::parse(Some("limt=5"), &["limit"]).is_err());
        let q = Query::parse(Some("include=tags,bogus"), &["include"]).unwrap();
        assert_eq!(q.include().unwrap_err().code(), "invalid_include_param");
        let q = Query::parse(Some("include=tags,project"), &["include"]).unwrap();
        assert_eq!(
            q.include().unwrap(),
            Include {
                tags: true,
                projects: true
            }
        );
    }
}
