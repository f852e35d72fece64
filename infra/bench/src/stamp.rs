//! The commit a bench part measured, written into its JSON: a figure in docs/performance.md
//! is only worth re-running against the code that produced it.

use anyhow::{Context, Result};
use serde_json::{Map, Value};
use std::path::Path;
use std::process::Command;

#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    pub commit: String,
    pub dirty: bool,
}

impl Stamp {
    /// The working tree's HEAD, or `None` outside a git checkout (a copied binary).
    pub fn of_tree() -> Option<Stamp> {
        let commit = git(&["rev-parse", "--short", "HEAD"])?;
        // The bench's own outputs are left out: otherwise every part after the first of a
        // `bench.sh` run would call the tree dirty because of the JSON the first one wrote.
        let status = git(&[
            "status",
            "--porcelain",
            "--",
            ":(top)",
            ":(top,exclude)docs/bench",
            ":(top,exclude)docs/performance.md",
        ])?;
        Some(Stamp {
            commit,
            dirty: !status.is_empty(),
        })
    }

    pub fn line(&self) -> String {
        if self.dirty {
            format!(
                "measured at commit {} (with uncommitted changes)",
                self.commit
            )
        } else {
            format!("measured at commit {}", self.commit)
        }
    }

    /// `commit` (and `dirty` only when true) become the first keys; a part that writes a
    /// bare array gets it under `rows`, as the object-shaped parts name theirs.
    pub fn apply(&self, json: Value) -> Value {
        let mut out = Map::new();
        out.insert("commit".into(), Value::String(self.commit.clone()));
        if self.dirty {
            out.insert("dirty".into(), Value::Bool(true));
        }
        match json {
            Value::Object(map) => {
                for (k, v) in map {
                    if k != "commit" && k != "dirty" {
                        out.insert(k, v);
                    }
                }
            }
            other => {
                out.insert("rows".into(), other);
            }
        }
        Value::Object(out)
    }

    pub fn apply_to_file(&self, path: &Path) -> Result<()> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading {} to stamp it", path.display()))?;
        let json: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let mut out = serde_json::to_string_pretty(&self.apply(json))?;
        out.push('\n');
        std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
        println!("{}: {}", path.display(), self.line());
        Ok(())
    }
}

/// Stamps `path` with the tree as it is now, for the parts `bench.sh` runs as scripts.
pub fn stamp_file(path: &Path) -> Result<()> {
    match Stamp::of_tree() {
        Some(stamp) => stamp.apply_to_file(path),
        None => {
            eprintln!("{}: not stamped, no git checkout here", path.display());
            Ok(())
        }
    }
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_object_gets_the_commit_first_and_an_old_stamp_is_replaced() {
        let stamp = Stamp {
            commit: "abc1234".into(),
            dirty: false,
        };
        let out = stamp.apply(json!({"samples": 3, "commit": "old", "dirty": true, "rows": []}));
        assert_eq!(out, json!({"commit": "abc1234", "samples": 3, "rows": []}));
        let keys: Vec<_> = out.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["commit", "samples", "rows"]);
    }

    #[test]
    fn an_array_is_kept_under_rows_and_a_dirty_tree_says_so() {
        let stamp = Stamp {
            commit: "abc1234".into(),
            dirty: true,
        };
        let out = stamp.apply(json!([{"files": 20}]));
        assert_eq!(
            out,
            json!({"commit": "abc1234", "dirty": true, "rows": [{"files": 20}]})
        );
        assert_eq!(
            stamp.line(),
            "measured at commit abc1234 (with uncommitted changes)"
        );
    }
}
