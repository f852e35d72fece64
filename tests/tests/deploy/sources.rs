//! Each route's path is written once in the code that serves it: in its handler's OpenAPI
//! attribute (or a constant of `shared/src/routes.rs`), from which the routing table, each
//! function's dispatch, `pirros-local` and the document are derived. A second literal copy
//! elsewhere would be free to drift from the route it names.

use pirros_tests::routes::ROUTES;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The folders holding the code that serves or mounts the routes. The bench, like the
/// tests, is a client: it writes the URLs it requests.
const SOURCE_ROOTS: [&str; 5] = [
    "shared",
    "functions",
    "infra/local",
    "infra/admin",
    "infra/runtime-api",
];

/// Every `.rs` file under `dir`, folders named `tests` (integration tests) left out.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if entry.file_name() != "tests" {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") && entry.file_name() != "tests.rs" {
            out.push(path);
        }
    }
}

/// The non-test part of a source file: a file's unit tests sit in a `#[cfg(test)]` module
/// at its end.
fn non_test_part(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |at| &text[..at])
}

/// Whether `text` holds `path` as a whole string literal naming a route. A literal joined to
/// a folder by `concat!` (`env!("OUT_DIR"), "/openapi.json"`) names a file, not a route.
fn names_route(text: &str, path: &str) -> bool {
    let quoted = format!("\"{path}\"");
    text.match_indices(&quoted)
        .any(|(at, _)| !text[..at].trim_end().ends_with("),"))
}

/// Which of `files` (name, text) write each of `paths` as a literal.
fn writers<'a>(
    paths: impl Iterator<Item = &'a str>,
    files: &[(String, String)],
) -> BTreeMap<&'a str, BTreeSet<String>> {
    let mut found: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for path in paths {
        for (name, text) in files {
            if names_route(non_test_part(text), path) {
                found.entry(path).or_default().insert(name.clone());
            }
        }
    }
    found
}

#[test]
fn no_route_path_is_written_in_two_source_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut names = Vec::new();
    for dir in SOURCE_ROOTS {
        rust_files(&root.join(dir), &mut names);
    }
    assert!(names.len() > 50, "the sources were found: {}", names.len());
    let files: Vec<(String, String)> = names
        .iter()
        .map(|p| {
            let name = p.strip_prefix(&root).unwrap_or(p).display().to_string();
            (name, std::fs::read_to_string(p).expect("a source file"))
        })
        .collect();
    let paths: BTreeSet<&str> = ROUTES.iter().map(|r| r.path).collect();
    let found = writers(paths.iter().copied(), &files);
    let twice: Vec<_> = found.iter().filter(|(_, at)| at.len() > 1).collect();
    assert!(
        twice.is_empty(),
        "route paths written in more than one source file (use the route's declaration or a \
         constant of shared/src/routes.rs): {twice:#?}"
    );
    // The check sees the literals it looks for: most routes' paths are written once, in
    // their handler's attribute.
    assert!(
        found.len() * 2 > paths.len(),
        "only {} of {} route paths were found written at all",
        found.len(),
        paths.len()
    );
}

#[test]
fn the_check_finds_a_second_copy_and_passes_over_files_and_tests() {
    let files = vec![
        (
            "a.rs".to_owned(),
            "#[utoipa::path(get, path = \"/v1/x\")]".to_owned(),
        ),
        (
            "b.rs".to_owned(),
            "if path == \"/v1/x\" { return; }".to_owned(),
        ),
        (
            "c.rs".to_owned(),
            "include_str!(concat!(env!(\"OUT_DIR\"), \"/v1/x\"));\n#[cfg(test)]\nmod tests { const P: &str = \"/v1/x\"; }"
                .to_owned(),
        ),
    ];
    let found = writers(["/v1/x", "/v1/y"].into_iter(), &files);
    assert_eq!(
        found["/v1/x"],
        BTreeSet::from(["a.rs".to_owned(), "b.rs".to_owned()])
    );
    assert!(!found.contains_key("/v1/y"));
}
