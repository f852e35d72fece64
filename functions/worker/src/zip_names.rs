//! Names of the entries in an export zip. They come from user-given file names, so each is
//! made safe to extract (no absolute path, no `..`, no control character) and unique in its
//! archive: unzip tools overwrite or stop at a second entry of the same name.

use std::collections::HashSet;

#[derive(Debug, Default)]
pub struct ZipNames {
    taken: HashSet<String>,
}

impl ZipNames {
    /// `reserved` names (e.g. the manifest's) are never handed out.
    pub fn new<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            taken: reserved.into_iter().map(str::to_lowercase).collect(),
        }
    }

    /// A safe form of `wanted`, suffixed ` (2)`, ` (3)`... before its extension when taken.
    /// `/` separates folders; names are compared without case, as Windows and macOS do.
    pub fn unique(&mut self, wanted: &str) -> String {
        let safe = safe_path(wanted);
        let (stem, ext) = split_extension(&safe);
        let mut candidate = safe.clone();
        let mut n = 1;
        while !self.taken.insert(candidate.to_lowercase()) {
            n += 1;
            candidate = format!("{stem} ({n}){ext}");
        }
        candidate
    }
}

fn safe_path(wanted: &str) -> String {
    let segments: Vec<String> = wanted
        .split(['/', '\\'])
        .map(|s| {
            s.chars()
                .map(|c| if c.is_control() { '_' } else { c })
                .collect::<String>()
        })
        .filter(|s| !s.trim().is_empty() && s != "." && s != "..")
        .collect();
    if segments.is_empty() {
        "file".to_owned()
    } else {
        segments.join("/")
    }
}

/// `("dir/name", ".pdf")` for `dir/name.pdf`; a leading dot is part of the name.
fn split_extension(path: &str) -> (&str, &str) {
    let file_start = path.rfind('/').map_or(0, |i| i + 1);
    match path[file_start..].rfind('.') {
        Some(dot) if dot > 0 => path.split_at(file_start + dot),
        _ => (path, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_to_extract() {
        let mut names = ZipNames::default();
        assert_eq!(names.unique("details/Wall.pdf"), "details/Wall.pdf");
        assert_eq!(names.unique("/etc/passwd"), "etc/passwd");
        assert_eq!(names.unique("../../x.rfa"), "x.rfa");
        assert_eq!(names.unique("a\\..\\b.rvt"), "a/b.rvt");
        assert_eq!(names.unique("bad\nname\u{7}.pdf"), "bad_name_.pdf");
        assert_eq!(names.unique("Détail ü.pdf"), "Détail ü.pdf");
        assert_eq!(names.unique(""), "file");
        assert_eq!(names.unique("../.."), "file (2)");
    }

    #[test]
    fn duplicates_get_a_number_before_the_extension() {
        let mut names = ZipNames::new(["manifest.json"]);
        assert_eq!(names.unique("manifest.json"), "manifest (2).json");
        assert_eq!(names.unique("Door.rfa"), "Door.rfa");
        assert_eq!(names.unique("door.RFA"), "door (2).RFA");
        assert_eq!(names.unique("Door.rfa"), "Door (3).rfa");
        assert_eq!(names.unique("Door (2).rfa"), "Door (2) (2).rfa");
        assert_eq!(names.unique("v1.2/README"), "v1.2/README");
        assert_eq!(names.unique("v1.2/README"), "v1.2/README (2)");
        assert_eq!(names.unique(".hidden"), ".hidden");
        assert_eq!(names.unique(".hidden"), ".hidden (2)");
    }
}
