//! How segments overlap: pairwise intersections, Jaccard indices and every exclusive intersection
//! (the bars of an intersection plot).

use super::{CompareError, Group, MAX_GROUPS};
use serde::{Deserialize, Serialize};

/// The overlap of 1–8 segments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overlap {
    pub names: Vec<String>,
    pub sizes: Vec<usize>,
    /// `pairwise[i][j]`: users in both `i` and `j` (the diagonal holds the sizes).
    pub pairwise: Vec<Vec<usize>>,
    /// `|i ∩ j| / |i ∪ j|`; 0 when both are empty.
    pub jaccard: Vec<Vec<f64>>,
    /// Users by the exact set of segments they belong to, largest first; users in none are left out.
    pub intersections: Vec<Intersection>,
    /// Users in none of the segments.
    pub in_none: usize,
}

/// The users in exactly these segments and no other.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intersection {
    /// Bit `i` set for membership in segment `i`.
    pub pattern: u32,
    /// The segment indices of `pattern`.
    pub groups: Vec<usize>,
    pub count: usize,
}

/// Pairwise and exclusive intersections of `groups`.
pub fn overlap(groups: &[Group<'_>]) -> Result<Overlap, CompareError> {
    let Some(first) = groups.first() else {
        return Err(CompareError::NoGroups);
    };
    if groups.len() > MAX_GROUPS {
        return Err(CompareError::TooManyGroups {
            found: groups.len(),
        });
    }
    let rows = first.members.len();
    if let Some(g) = groups.iter().find(|g| g.members.len() != rows) {
        return Err(CompareError::GroupLength {
            name: g.name.clone(),
            expected: rows,
            found: g.members.len(),
        });
    }
    let k = groups.len();
    let sizes: Vec<usize> = groups.iter().map(|g| g.members.count()).collect();
    let mut pairwise = vec![vec![0usize; k]; k];
    let mut jaccard = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in 0..k {
            let both = if i == j {
                sizes[i]
            } else {
                groups[i].members.intersection_count(groups[j].members)
            };
            pairwise[i][j] = both;
            let either = sizes[i] + sizes[j] - both;
            jaccard[i][j] = if either == 0 {
                0.0
            } else {
                both as f64 / either as f64
            };
        }
    }
    let mut by_pattern = vec![0usize; 1 << k];
    let words: Vec<&[u64]> = groups.iter().map(|g| g.members.words()).collect();
    for w in 0..words[0].len() {
        let mut any = 0u64;
        for ws in &words {
            any |= ws[w];
        }
        while any != 0 {
            let bit = any.trailing_zeros();
            let mut pattern = 0usize;
            for (g, ws) in words.iter().enumerate() {
                pattern |= ((ws[w] >> bit & 1) as usize) << g;
            }
            by_pattern[pattern] += 1;
            any &= any - 1;
        }
    }
    let in_some: usize = by_pattern.iter().sum();
    let mut intersections: Vec<Intersection> = by_pattern
        .iter()
        .enumerate()
        .skip(1)
        .filter(|&(_, &count)| count > 0)
        .map(|(pattern, &count)| Intersection {
            pattern: pattern as u32,
            groups: (0..k).filter(|g| pattern >> g & 1 == 1).collect(),
            count,
        })
        .collect();
    crate::sorting::sort_by(&mut intersections, |a, b| {
        b.count.cmp(&a.count).then(a.pattern.cmp(&b.pattern))
    });
    Ok(Overlap {
        names: groups.iter().map(|g| g.name.clone()).collect(),
        sizes,
        pairwise,
        jaccard,
        intersections,
        in_none: rows - in_some,
    })
}
