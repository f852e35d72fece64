//! How alike two families are, 0..=1:
//! 0.5 × Jaccard of their tags + 0.3 × same category + 0.2 × Jaccard of their name words.

use pirros_shared::model::Family;
use std::collections::HashSet;

fn jaccard<T: Eq + std::hash::Hash>(a: &HashSet<T>, b: &HashSet<T>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        0.0
    } else {
        a.intersection(b).count() as f64 / union as f64
    }
}

fn words(name: &str) -> HashSet<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

pub fn score(a: &Family, b: &Family) -> f64 {
    let tags_a: HashSet<_> = a.tag_ids.iter().collect();
    let tags_b: HashSet<_> = b.tag_ids.iter().collect();
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

/// The `limit` most similar of `others`, best first; ties by name, then id.
pub fn rank(target: &Family, others: Vec<Family>, limit: usize) -> Vec<(Family, f64)> {
    let mut scored: Vec<(Family, f64)> = others
        .into_iter()
        .map(|f| {
            let s = score(target, &f);
            (f, s)
        })
        .collect();
    scored.sort_by(|(fa, a), (fb, b)| {
        b.total_cmp(a)
            .then_with(|| fa.name.cmp(&fb.name))
            .then_with(|| fa.id.cmp(&fb.id))
    });
    scored.truncate(limit);
    scored
}
