//! Real compound files (written by the `cfb` crate, as Revit's container is) and crafted
//! ones (laid out by hand in `craft`, each breaking one rule).

use super::*;
use crate::craft::{Dir, END_OF_CHAIN, Layout, long_directory};
use rand::{Rng, SeedableRng};
use std::io::{Cursor, Write};

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// A real compound file with the given streams, in the version (512-byte sectors) Revit
/// writes.
fn compound(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut file =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
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

/// The refusal's message, for a file that must be refused.
fn refusal(bytes: Vec<u8>) -> String {
    let err = year_of(bytes).expect_err("refused");
    assert_eq!(err.code(), "invalid_rfa");
    err.message().to_owned()
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
    // Only a stream directly under the root counts.
    let nested = compound(&[(
        "/Global/BasicFileInfo",
        &basic_file_info("Format: 2024", false),
    )]);
    assert_eq!(year_of(nested), Ok(None));
}

#[test]
fn the_stream_is_found_among_many_and_whatever_its_case() {
    let info = basic_file_info("Format: 2022", false);
    let mut streams: Vec<(String, Vec<u8>)> = (0..40)
        .map(|i| (format!("/Stream{i:02}"), vec![i as u8; 100 + i * 150]))
        .collect();
    streams.push(("/BASICFILEINFO".into(), info));
    let refs: Vec<(&str, &[u8])> = streams
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    assert_eq!(year_of(compound(&refs)), Ok(Some(2022)));
}

#[test]
fn a_large_basic_file_info_is_read_from_regular_sectors_up_to_the_cap() {
    // Over the mini stream cutoff, so the stream lives in 512-byte sectors.
    let mut info = basic_file_info("Format: 2021", false);
    info.resize(20_000, 0);
    assert_eq!(
        year_of(compound(&[("/BasicFileInfo", &info)])),
        Ok(Some(2021))
    );
    // By hand too: one root, one regular stream.
    let mut hand = basic_file_info("Format: 2020", true);
    hand.resize(5000, b' ');
    let layout = Layout::new(
        vec![Dir::root(), Dir::new("BasicFileInfo", 2)],
        vec![(1, hand)],
    );
    assert_eq!(year_of(layout.bytes()), Ok(Some(2020)));
    // Past the cap only the first MAX_INFO_BYTES are read: a year beyond it is not seen.
    let mut late = vec![0u8; MAX_INFO_BYTES as usize + 1024];
    late.extend(utf16("Format: 2019"));
    assert_eq!(year_of(compound(&[("/BasicFileInfo", &late)])), Ok(None));
}

#[test]
fn other_files_are_invalid_rfa() {
    let zeros = vec![0u8; 4096];
    let pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".repeat(40);
    for bytes in [Vec::new(), b"x".to_vec(), zeros, pdf] {
        let err = year_of(bytes).unwrap_err();
        assert_eq!(err.code(), "invalid_rfa");
    }
}

#[test]
fn truncated_files_are_invalid_rfa() {
    let info = basic_file_info("Format: 2024", false);
    // Large enough that the stream lives in regular sectors after the directory.
    let big = vec![7u8; 20_000];
    let file = compound(&[("/BasicFileInfo", &info), ("/Global/Big", &big)]);
    assert_eq!(year_of(file.clone()), Ok(Some(2024)));
    // Every cut that removes a whole sector or more; a short last sector is tolerated, as
    // files in the wild have them.
    for len in (0..file.len() - 512).step_by(37) {
        assert!(
            year_of(file[..len].to_vec()).is_err(),
            "{len} of {} bytes",
            file.len()
        );
    }
}

#[test]
fn the_hand_layout_is_a_valid_file() {
    // The crafted files below differ from this one by exactly what each test breaks.
    let layout = sound_layout();
    assert_eq!(year_of(layout.bytes()), Ok(None));
    let read = cfb::CompoundFile::open(Cursor::new(layout.bytes())).expect("cfb reads it");
    assert_eq!(read.walk().count(), 4);
}

/// A root and three streams: two regular, one empty.
fn sound_layout() -> Layout {
    Layout::new(
        vec![
            Dir::root(),
            Dir::new("A", 2),
            Dir::new("B", 2),
            Dir::new("Empty", 2),
        ],
        vec![(1, vec![1u8; 8192]), (2, vec![2u8; 4608])],
    )
}

#[test]
fn a_directory_of_more_than_4096_entries_is_refused_and_4096_are_read() {
    // 4,096 entries fill exactly 1,024 sectors.
    assert_eq!(
        year_of(long_directory(MAX_DIRECTORY_ENTRIES).bytes()),
        Ok(None)
    );
    let message = refusal(long_directory(MAX_DIRECTORY_ENTRIES + 1).bytes());
    assert!(message.contains("more than 4096 entries"), "{message}");
    // The attack's shape: a large file with one long chain of CJK-named entries; refused
    // from the directory's first 1,025 sectors, whatever follows.
    let message = refusal(long_directory(200_000).bytes());
    assert!(message.contains("more than 4096 entries"), "{message}");
}

#[test]
fn a_looping_chain_is_refused() {
    let mut layout = sound_layout();
    let (_, ids, _) = layout.streams[0].clone();
    layout.fat[*ids.last().unwrap() as usize] = ids[3];
    let message = refusal(layout.bytes());
    assert!(message.contains("\"A\" loops back to sector"), "{message}");

    // A stream whose chain points at itself.
    let mut layout = sound_layout();
    let (_, ids, _) = layout.streams[1].clone();
    layout.fat[ids[0] as usize] = ids[0];
    assert!(refusal(layout.bytes()).contains("\"B\" loops"));

    // The directory's own chain.
    let mut layout = long_directory(12);
    let dir = layout.directory_start as usize;
    layout.fat[dir + 2] = dir as u32;
    let message = refusal(layout.bytes());
    assert!(message.contains("the directory loops"), "{message}");
}

#[test]
fn a_chain_past_the_end_of_the_file_is_refused() {
    let mut layout = sound_layout();
    let (_, ids, _) = layout.streams[0].clone();
    layout.fat[ids[5] as usize] = 1_000_000;
    let message = refusal(layout.bytes());
    assert!(
        message.contains("runs past the end of the file"),
        "{message}"
    );

    let mut layout = sound_layout();
    layout.dirs[2].start = 4_000_000;
    assert!(refusal(layout.bytes()).contains("\"B\" runs past the end"));

    // A chain that reaches a free sector's marker instead of its end.
    let mut layout = sound_layout();
    let (_, ids, _) = layout.streams[1].clone();
    layout.fat[ids[0] as usize] = crate::craft::FREE;
    assert!(refusal(layout.bytes()).contains("free or reserved sector marker"));
}

#[test]
fn a_stream_larger_than_the_file_is_refused() {
    let mut layout = sound_layout();
    layout.dirs[1].size = 190 * 1024 * 1024;
    let message = refusal(layout.bytes());
    assert!(
        message.contains("\"A\" (199229440 bytes) is larger than the file"),
        "{message}"
    );
    // Within the file's size but longer than its chain.
    let mut layout = sound_layout();
    layout.dirs[2].size = 9000;
    assert!(refusal(layout.bytes()).contains("\"B\" ends before its 9000 bytes"));
}

#[test]
fn chains_that_share_sectors_are_refused() {
    let mut layout = sound_layout();
    layout.dirs[2].start = layout.dirs[1].start;
    let message = refusal(layout.bytes());
    assert!(message.contains("shares sector"), "{message}");
    // A stream running into the directory.
    let mut layout = sound_layout();
    layout.dirs[1].start = layout.directory_start;
    assert!(refusal(layout.bytes()).contains("shares sector"));
}

#[test]
fn a_header_claiming_more_fat_than_the_file_is_refused() {
    let mut bytes = sound_layout().bytes();
    bytes[0x2C..0x30].copy_from_slice(&1_000_000u32.to_le_bytes());
    let message = refusal(bytes);
    assert!(message.contains("1000000 FAT sectors"), "{message}");
}

#[test]
fn a_looping_directory_tree_is_refused() {
    let mut layout = sound_layout();
    layout.dirs[3].right = 1;
    let message = refusal(layout.bytes());
    assert!(message.contains("directory tree loops"), "{message}");
    let mut layout = sound_layout();
    layout.dirs[2].right = 77;
    assert!(refusal(layout.bytes()).contains("names entry 77"));
}

#[test]
fn a_large_file_with_a_difat_is_read() {
    // Over 109 FAT sectors (about 7 MB), so the FAT is listed through DIFAT sectors.
    let mut info = basic_file_info("Format: 2025", false);
    info.resize(4096, 0);
    let layout = Layout::new(
        vec![
            Dir::root(),
            Dir::new("Big", 2),
            Dir::new("BasicFileInfo", 2),
        ],
        vec![(1, vec![3u8; 8 * 1024 * 1024]), (2, info)],
    );
    assert!(!layout.difat_sectors.is_empty());
    assert_eq!(year_of(layout.bytes()), Ok(Some(2025)));

    let mut broken = layout.clone();
    let last_difat = *broken.difat_sectors.last().unwrap() as usize;
    let mut bytes = broken.bytes();
    // Point the DIFAT's last sector back at the first.
    let at = (last_difat + 1) * 512 + 508;
    bytes[at..at + 4].copy_from_slice(&broken.difat_sectors[0].to_le_bytes());
    // With more FAT sectors claimed than listed, the walk must come back to it.
    let claimed = broken.fat_sectors.len() as u32 + 200;
    bytes[0x2C..0x30].copy_from_slice(&claimed.to_le_bytes());
    let message = refusal(bytes);
    assert!(
        message.contains("DIFAT loops") || message.contains("FAT sector"),
        "{message}"
    );
    broken.dirs[1].start = END_OF_CHAIN;
    assert!(refusal(broken.bytes()).contains("\"Big\" ends before"));
}

/// Random bytes, real files with random damage, and crafted layouts with random pointers:
/// always an answer, never a panic. Seeded, so a failure reproduces; bounded in count.
#[test]
fn never_panics_on_any_input() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(16);
    let info = basic_file_info("Format: 2024", true);
    let valid = compound(&[("/BasicFileInfo", &info), ("/Global/A", &[9u8; 5000])]);
    let (mut named, mut refused) = (0, 0);
    for round in 0..4000 {
        let bytes = match round % 4 {
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
            2 => {
                // A valid header over random sectors reaches deeper into the parser.
                let mut mixed = valid[..512].to_vec();
                let len = rng.random_range(0..8192);
                mixed.extend((0..len).map(|_| rng.random::<u8>()));
                mixed
            }
            _ => {
                // Pointers and sizes drawn near the interesting values.
                let mut layout = sound_layout();
                let pick = |rng: &mut rand::rngs::StdRng| match rng.random_range(0..4) {
                    0 => rng.random_range(0..40),
                    1 => END_OF_CHAIN,
                    2 => 0xFFFF_FFFF - rng.random_range(0..6),
                    _ => rng.random(),
                };
                for _ in 0..rng.random_range(1..4) {
                    match rng.random_range(0..5) {
                        0 => {
                            let at = rng.random_range(0..layout.fat.len());
                            layout.fat[at] = pick(&mut rng);
                        }
                        1 => layout.dirs[rng.random_range(0..4)].start = pick(&mut rng),
                        2 => {
                            layout.dirs[rng.random_range(0..4)].size =
                                u64::from(pick(&mut rng)) % 20_000
                        }
                        3 => layout.dirs[rng.random_range(0..4)].right = pick(&mut rng),
                        _ => layout.dirs[rng.random_range(0..4)].kind = rng.random_range(0..7),
                    }
                }
                layout.bytes()
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
