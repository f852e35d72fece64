//! How alike two families are, 0..=1:
//! 0.5 × Jaccard of their tags + 0.3 × same category + 0.2 × Jaccard of their name words.

use pirros_shared::model::Family;
use pirros_shared::search::words::name_words;
use std::collections::BTreeSet;

fn jaccard<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        0.0
    } else {
        a.intersection(b).count() as f64 / union as f64
    }
}

/// The same words the name-word lists hold (`similar` reads its candidates from them).
fn words(name: &str) -> BTreeSet<String> {
    name_words(name)
}

pub fn score(a: &Family, b: &Family) -> f64 {
    let tags_a: BTreeSet<_> = a.tag_ids.iter().collect();
    let tags_b: BTreeSet<_> = b.tag_ids.iter().collect();
    let category = if a.category.eq_ignore_ascii_case(&b.category) {
        1.0
    } else {
        0.0
    };
    let s = 0.5 * jaccard(&tags_a, &tags_b)
        + 0.3 * category
        + 0.2 * jaccard(&words(&a.name), &words(&b.name));
    // Four decimals: stable JSON, and ties compare equal.
    (s * 10_000.0).round() / 10_000.0
}

/// The `limit` most similar of `others` with a score above 0, best first; ties by name,
/// then id.
pub fn rank(target: &Family, others: Vec<Family>, limit: usize) -> Vec<(Family, f64)> {
    let mut scored: Vec<(Family, f64)> = others
        .into_iter()
        .filter(|f| f.id != target.id)
        .map(|f| {
            let s = score(target, &f);
            (f, s)
        })
        .filter(|(_, s)| *s > 0.0)
        .collect();
    scored.sort_by(|(fa, a), (fb, b)| {
        b.total_cmp(a)
            .then_with(|| fa.name.cmp(&fb.name))
            .then_with(|| fa.id.cmp(&fb.id))
    });
    scored.truncate(limit);
    scored
}
