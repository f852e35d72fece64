//! The Revit release year in a `BasicFileInfo` stream's UTF-16LE text.

/// `Format: 2024` (recent releases) wins over `Autodesk Revit 2019` (older ones, where a
/// product word may stand before the year, e.g. `Autodesk Revit Architecture 2013`). The
/// text is preceded by binary fields, so it is decoded at both byte alignments.
pub(crate) fn release_year(stream: &[u8]) -> Option<u16> {
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
