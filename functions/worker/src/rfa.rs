//! What the worker learns from an uploaded family file: it must be an OLE compound file
//! (the container every `.rfa` is), and its `BasicFileInfo` stream may name the Revit
//! release that saved it.

use std::io::{Read, Seek};

use crate::upload_error::UploadError;

/// `BasicFileInfo` is a few kilobytes in real files; the cap keeps a crafted stream from
/// costing memory.
const MAX_INFO_BYTES: u64 = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RfaInfo {
    /// The Revit release year the file names, e.g. 2024; `None` when it names none.
    pub revit_version: Option<u16>,
}

/// The file is not a readable OLE compound file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RfaError(String);

impl RfaError {
    pub fn code(&self) -> &'static str {
        "invalid_rfa"
    }
}

impl From<RfaError> for UploadError {
    fn from(e: RfaError) -> Self {
        UploadError::InvalidRfa(e.0)
    }
}

/// Opens the compound file and reads its release year. Any input gives an answer, never a
/// panic: a file whose container or `BasicFileInfo` stream cannot be read is `RfaError`.
pub fn inspect<R: Read + Seek>(reader: R) -> Result<RfaInfo, RfaError> {
    // Lenient parsing: many files in the wild break a detail of the format that readers,
    // Revit included, tolerate.
    let mut file = cfb::CompoundFile::open(reader).map_err(|e| RfaError(e.to_string()))?;
    if !file.is_stream("/BasicFileInfo") {
        return Ok(RfaInfo {
            revit_version: None,
        });
    }
    let mut info = Vec::new();
    file.open_stream("/BasicFileInfo")
        .and_then(|s| s.take(MAX_INFO_BYTES).read_to_end(&mut info))
        .map_err(|e| RfaError(format!("BasicFileInfo cannot be read: {e}")))?;
    Ok(RfaInfo {
        revit_version: release_year(&info),
    })
}

/// The year from `BasicFileInfo`'s UTF-16LE text: `Format: 2024` (recent releases) wins
/// over `Autodesk Revit 2019` (older ones, where a product word may stand before the year,
/// e.g. `Autodesk Revit Architecture 2013`). The text is preceded by binary fields, so it is
/// decoded at both byte alignments.
fn release_year(stream: &[u8]) -> Option<u16> {
    let texts: Vec<String> = (0..2.min(stream.len()))
        .map(|offset| {
            let units = stream[offset..]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        })
        .collect();
    let find = |marker: &str, words_allowed: bool| {
        texts.iter().find_map(|text| {
            text.match_indices(marker)
                .find_map(|(at, _)| year_at(&text[at + marker.len()..], words_allowed))
        })
    };
    find("Format:", false).or_else(|| find("Autodesk Revit", true))
}

/// Four digits after spaces (and, when `words_allowed`, a few letters such as a product
/// name), not followed by a fifth digit: a build number such as `20190110` is no year.
fn year_at(rest: &str, words_allowed: bool) -> Option<u16> {
    let skipped = rest
        .char_indices()
        .take(32)
        .find(|&(_, c)| !(c == ' ' || (words_allowed && c.is_ascii_alphabetic())))
        .map(|(i, _)| i)?;
    let rest = &rest[skipped..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 4 {
        return None;
    }
    rest[..4].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use std::io::{Cursor, Write};

    fn utf16(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    /// A real compound file with the given streams, in the version (512-byte sectors)
    /// Revit writes.
    fn compound(streams: &[(&str, &[u8])]) -> Vec<u8> {
        let mut file =
            cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
                .unwrap();
        file.create_storage("/Global").unwrap();
        for (path, data) in streams {
            file.create_stream(path).unwrap().write_all(data).unwrap();
        }
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    /// The shape of a real `BasicFileInfo`: binary fields, then length-prefixed UTF-16 text.
    fn basic_file_info(text: &str, odd: bool) -> Vec<u8> {
        let mut data = vec![0x0d, 0, 0, 0, 1, 0, 0, 0, 0x2a];
        if odd {
            data.push(0x07);
        }
        data.extend_from_slice(&(text.encode_utf16().count() as u32).to_le_bytes());
        data.extend(utf16(text));
        data
    }

    fn year_of(bytes: Vec<u8>) -> Result<Option<u16>, RfaError> {
        inspect(Cursor::new(bytes)).map(|i| i.revit_version)
    }

    #[test]
    fn recent_files_name_the_format() {
        let text = "Worksharing: Not enabled\r\nUsername: \r\nCentral Model Path: \r\nFormat: 2024\r\nBuild: 20230308_1635(x64)\r\n";
        for odd in [false, true] {
            let file = compound(&[("/BasicFileInfo", &basic_file_info(text, odd))]);
            assert_eq!(year_of(file), Ok(Some(2024)), "odd alignment: {odd}");
        }
    }

    #[test]
    fn older_files_name_the_product() {
        for (text, year) in [
            ("Autodesk Revit 2019 (Build: 20180328_1600(x64))", 2019),
            ("Autodesk Revit Architecture 2013", 2013),
        ] {
            for odd in [false, true] {
                let file = compound(&[("/BasicFileInfo", &basic_file_info(text, odd))]);
                assert_eq!(year_of(file), Ok(Some(year)), "{text} odd {odd}");
            }
        }
    }

    #[test]
    fn the_format_line_wins_over_the_product_line() {
        let text = "Autodesk Revit 2023\r\nFormat: 2024\r\n";
        let file = compound(&[("/BasicFileInfo", &basic_file_info(text, false))]);
        assert_eq!(year_of(file), Ok(Some(2024)));
    }

    #[test]
    fn no_year_when_the_stream_names_none() {
        for text in [
            "",
            "Worksharing: Not enabled\r\nBuild: 20230308_1635(x64)",
            "Format: 20241",
            "Format: 24",
            "Autodesk Revit Build 20190110",
        ] {
            let file = compound(&[("/BasicFileInfo", &basic_file_info(text, false))]);
            assert_eq!(year_of(file), Ok(None), "{text:?}");
        }
        // ASCII is not the stream's encoding.
        let file = compound(&[("/BasicFileInfo", b"Format: 2024")]);
        assert_eq!(year_of(file), Ok(None));
        let empty = compound(&[("/BasicFileInfo", b"")]);
        assert_eq!(year_of(empty), Ok(None));
    }

    #[test]
    fn a_compound_file_without_basic_file_info_is_valid_without_a_year() {
        assert_eq!(year_of(compound(&[])), Ok(None));
        let other = compound(&[("/Global/ElemTable", &[1, 2, 3])]);
        assert_eq!(year_of(other), Ok(None));
    }

    #[test]
    fn other_files_are_invalid_rfa() {
        let zeros = vec![0u8; 4096];
        let pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".repeat(40);
        for bytes in [Vec::new(), b"x".to_vec(), zeros, pdf] {
            let err = year_of(bytes).unwrap_err();
            assert_eq!(err.code(), "invalid_rfa");
            assert_eq!(UploadError::from(err).code(), "invalid_rfa");
        }
    }

    #[test]
    fn truncated_files_are_invalid_rfa() {
        let info = basic_file_info("Format: 2024", false);
        // Large enough that the stream lives in regular sectors after the directory.
        let big = vec![7u8; 20_000];
        let file = compound(&[("/BasicFileInfo", &info), ("/Global/Big", &big)]);
        assert_eq!(year_of(file.clone()), Ok(Some(2024)));
        // Every cut that removes a whole sector or more; the parser tolerates a short last
        // sector, as files in the wild have them.
        for len in (0..file.len() - 512).step_by(37) {
            assert!(
                year_of(file[..len].to_vec()).is_err(),
                "{len} of {} bytes",
                file.len()
            );
        }
    }

    /// Random bytes, and real files with random damage: always an answer, never a panic.
    #[test]
    fn never_panics_on_any_input() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(16);
        let info = basic_file_info("Format: 2024", true);
        let valid = compound(&[("/BasicFileInfo", &info), ("/Global/A", &[9u8; 5000])]);
        let (mut named, mut refused) = (0, 0);
        for round in 0..3000 {
            let bytes = match round % 3 {
                0 => {
                    let len = rng.random_range(0..4096);
                    (0..len).map(|_| rng.random()).collect()
                }
                1 => {
                    let mut damaged = valid.clone();
                    for _ in 0..rng.random_range(1..16) {
                        let at = rng.random_range(0..damaged.len());
                        damaged[at] = rng.random();
                    }
                    damaged
                }
                _ => {
                    // A valid header over random sectors reaches deeper into the parser.
                    let mut mixed = valid[..512].to_vec();
                    let len = rng.random_range(0..8192);
                    mixed.extend((0..len).map(|_| rng.random::<u8>()));
                    mixed
                }
            };
            match inspect(Cursor::new(bytes)) {
                Ok(RfaInfo {
                    revit_version: Some(_),
                }) => named += 1,
                Ok(_) => {}
                Err(_) => refused += 1,
            }
        }
        // The damage reached both outcomes, so the parser's paths past the header ran.
        assert!(
            named > 100 && refused > 1000,
            "{named} named, {refused} refused"
        );
    }
}
