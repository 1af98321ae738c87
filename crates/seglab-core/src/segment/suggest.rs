//! "Did you mean …?": the known names nearest to a misspelt one.

/// Up to three of `known` closest to `name` by edit distance (case-insensitive), close enough to be a typo.
pub fn nearest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut scored: Vec<(usize, &str)> = known
        .into_iter()
        .map(|k| {
            let k_lower = k.to_lowercase();
            let distance = if k_lower == lower {
                0
            } else {
                edit_distance(&lower, &k_lower)
            };
            // A prefix or contained name is a good guess even when far by edits ("rev" for "annual revenue").
            let contained =
                !lower.is_empty() && (k_lower.contains(&lower) || lower.contains(&k_lower));
            (if contained { distance.min(1) } else { distance }, k)
        })
        .filter(|&(d, k)| d <= (name.chars().count().max(k.chars().count()) / 3).max(2))
        .collect();
    crate::sorting::sort_by(&mut scored, |a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, k)| k.to_owned())
        .collect()
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}
