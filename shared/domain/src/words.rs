//! Words of search: how names, descriptions and `q` are cut into words, how a word is
//! folded, and which prefix entries of the word index a word gets.

use std::collections::BTreeSet;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The lengths of the prefixes that have an entry of their own: a word of 9 letters has
/// entries for its first 2, 4 and 8. Each length is at most twice the one before, so a
/// query word walks the entry of the longest of them that is not longer than itself, which
/// keeps at least half of its letters (up to 8), and the rest of the word is checked on
/// what the walk reads. Three entries a word at most, where every length from 2 to 8
/// took seven: the entries are a copy each, and most of what a long description costs to
/// write.
///
/// Not 1: one-letter prefixes would be 36 lists that each hold most of a workspace, no
/// narrower than the list of everything, so a one-letter query word is checked on what the
/// walk reads instead. Not past 8: words that share 8 letters nearly always share a root
/// (waterproof/waterproofing), so longer entries would narrow nothing.
pub const PREFIX_LENGTHS: [usize; 3] = [2, 4, 8];

/// The shortest prefix with an entry of its own.
pub const MIN_PREFIX: usize = PREFIX_LENGTHS[0];

/// The longest prefix with an entry of its own.
pub const MAX_PREFIX: usize = PREFIX_LENGTHS[PREFIX_LENGTHS.len() - 1];

/// At most this many words in one `q` (contract).
pub const MAX_QUERY_WORDS: usize = 8;

/// Longest name word and category kept in a key; longer ones share the entry of their
/// first characters (a superset, checked on read), and keys stay far below DynamoDB's
/// 2,048 bytes.
pub const MAX_KEY_CHARS: usize = 64;

/// `text` case- and accent-folded: compatibility decomposition (so `ﬁ` is `fi` and `É` is
/// `E` + a combining accent), lower case, combining marks dropped, the two letters whose
/// case folding is not their lower case (`ß` and `ẞ` fold to `ss`, a final `ς` to `σ`), and
/// the Latin letters whose mark no decomposition takes off (`ł`, `ø`, `đ`, `ð`, `ħ`, `ŧ`,
/// dotless `ı`; `æ`, `œ`, `þ` as two letters). `FAÇADE` → `facade`, `STRASSE` and
/// `Straße` → `strasse`, `Łódź` → `lodz`, `Ørsted` → `orsted`.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text
        .nfkd()
        .flat_map(char::to_lowercase)
        .filter(|c| !is_combining_mark(*c))
    {
        match c {
            'ß' => out.push_str("ss"),
            'ς' => out.push('σ'),
            'ł' => out.push('l'),
            'ø' => out.push('o'),
            'đ' | 'ð' => out.push('d'),
            'ħ' => out.push('h'),
            'ŧ' => out.push('t'),
            'ı' => out.push('i'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'þ' => out.push_str("th"),
            c => out.push(c),
        }
    }
    out
}

/// The folded words of `text`: runs of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The first `n` characters of `w`.
fn head(w: &str, n: usize) -> &str {
    match w.char_indices().nth(n) {
        Some((i, _)) => &w[..i],
        None => w,
    }
}

/// The word-index entries of `texts`: the prefix of each of `PREFIX_LENGTHS` characters
/// of each of their words (as long as the word has them), once.
pub fn prefix_entries(texts: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for text in texts {
        for w in words(text) {
            let len = w.chars().count();
            for n in PREFIX_LENGTHS.into_iter().filter(|n| *n <= len) {
                out.insert(head(&w, n).to_owned());
            }
        }
    }
    out
}

/// The entry that holds every resource matching query word `w`, if it has one: its
/// prefix of the longest of `PREFIX_LENGTHS` it has (every word it starts has that
/// prefix too, and so that entry); `None` below `MIN_PREFIX` characters.
pub fn entry_of(w: &str) -> Option<String> {
    let len = w.chars().count();
    PREFIX_LENGTHS
        .into_iter()
        .rev()
        .find(|n| *n <= len)
        .map(|n| head(w, n).to_owned())
}

/// True when every query word is a prefix of some word of `texts`.
pub fn all_match(query: &[String], texts: &[&str]) -> bool {
    if query.is_empty() {
        return true;
    }
    let have: Vec<String> = texts.iter().flat_map(|t| words(t)).collect();
    query
        .iter()
        .all(|q| have.iter().any(|w| w.starts_with(q.as_str())))
}

/// A `q` as its query words: folded, each once, in order. `Err` names what is wrong.
pub fn parse_query(q: &str) -> Result<Vec<String>, String> {
    let all = words(q);
    if all.len() > MAX_QUERY_WORDS {
        return Err(format!(
            "q holds {} words; at most {MAX_QUERY_WORDS} are allowed",
            all.len()
        ));
    }
    let mut seen = BTreeSet::new();
    Ok(all.into_iter().filter(|w| seen.insert(w.clone())).collect())
}

/// The words of a family name as `similar` counts them: lower-cased runs of letters and
/// digits (no accent folding: the score is defined on these).
pub fn name_words(name: &str) -> BTreeSet<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The key of a name word's list: its first `MAX_KEY_CHARS` characters.
pub fn name_word_key(w: &str) -> String {
    head(w, MAX_KEY_CHARS).to_owned()
}

/// The key of a category's list: ASCII lower case (as `similar` compares categories), its
/// first `MAX_KEY_CHARS` characters.
pub fn category_key(category: &str) -> String {
    head(&category.to_ascii_lowercase(), MAX_KEY_CHARS).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_accents_and_compatibility_forms() {
        assert_eq!(words("FAÇADE"), ["facade"]);
        assert_eq!(words("Façade"), words("facade"));
        assert_eq!(
            words("Parapet FLASHING detail"),
            ["parapet", "flashing", "detail"]
        );
        assert_eq!(
            words("ﬁre-rated  Ölwanne_2"),
            ["fire", "rated", "olwanne", "2"]
        );
        assert_eq!(words("İstanbul"), ["istanbul"]);
        assert_eq!(words("Straße"), words("STRASSE"));
        assert_eq!(words("GROẞE"), ["grosse"]);
        assert_eq!(words("Łódź Ørsted KAPı"), ["lodz", "orsted", "kapi"]);
        assert_eq!(
            words("Æbeltoft Œuvre Þing Đakovo"),
            ["aebeltoft", "oeuvre", "thing", "dakovo"]
        );
        assert_eq!(words("ΟΔΟΣ"), words("οδος"));
        assert_eq!(words(" -- "), Vec::<String>::new());
    }

    #[test]
    fn prefix_entries_are_of_two_four_and_eight_letters() {
        let e = prefix_entries(&["Waterproofing", "a W1 ÉTAN"]);
        let want: BTreeSet<String> = ["wa", "wate", "waterpro", "w1", "et", "etan"]
            .map(String::from)
            .into();
        assert_eq!(e, want);
        assert_eq!(entry_of("waterproofing").as_deref(), Some("waterpro"));
        assert_eq!(entry_of("waterpr").as_deref(), Some("wate"));
        assert_eq!(entry_of("wat").as_deref(), Some("wa"));
        assert_eq!(entry_of("wa").as_deref(), Some("wa"));
        assert_eq!(entry_of("w"), None);
        assert_eq!(
            entry_of("façade").as_deref(),
            Some("faça"),
            "characters, not bytes"
        );
    }

    /// What makes a walk complete: whatever word a resource has, every query word of 2
    /// characters or more that starts it has its entry among the word's entries.
    #[test]
    fn every_query_word_has_its_entry_among_the_entries_of_the_words_it_starts() {
        let text = "a ab abc abcd abcde abcdef abcdefg abcdefgh abcdefghi abcdefghijklmnopq ÉTANCHÉITÉ 2024";
        for w in words(text) {
            let entries = prefix_entries(&[&w]);
            let chars: Vec<char> = w.chars().collect();
            for n in 1..=chars.len() {
                let q: String = chars[..n].iter().collect();
                match entry_of(&q) {
                    Some(e) => {
                        assert!(entries.contains(&e), "{q:?} of {w:?}: {e:?}");
                        assert!(q.starts_with(&e));
                        assert!(e.chars().count() * 2 >= n.min(MAX_PREFIX * 2 - 1));
                    }
                    None => assert_eq!(n, 1),
                }
            }
            assert!(entries.len() <= PREFIX_LENGTHS.len());
        }
    }

    #[test]
    fn queries_match_word_prefixes_only() {
        let q = parse_query("flash").unwrap();
        assert!(all_match(&q, &["Parapet FLASHING detail", ""]));
        assert!(!all_match(&q, &["Reflashed", ""]));
        let q = parse_query("wall  FOOTING").unwrap();
        assert!(all_match(&q, &["Wall footing at slab edge", ""]));
        assert!(!all_match(&q, &["Wall", "slab"]));
        assert!(
            all_match(&q, &["Wall", "footing"]),
            "name and description both count"
        );
        assert!(all_match(
            &parse_query("façade").unwrap(),
            &["FACADE panel", ""]
        ));
    }

    #[test]
    fn at_most_eight_query_words() {
        assert_eq!(parse_query("a b c d e f g h").unwrap().len(), 8);
        assert!(
            parse_query("a b c d e f g h i")
                .unwrap_err()
                .contains("at most 8")
        );
        assert_eq!(parse_query("wall Wall WALL").unwrap(), ["wall"]);
        assert!(parse_query("  ").unwrap().is_empty());
    }

    #[test]
    fn keys_are_bounded() {
        let long = "x".repeat(300);
        assert_eq!(name_word_key(&long).len(), MAX_KEY_CHARS);
        assert_eq!(category_key("Doors"), "doors");
        assert_eq!(
            name_words("Door Single-Flush door"),
            ["door", "flush", "single"].map(String::from).into()
        );
    }
}
