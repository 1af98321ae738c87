//! Fixed-length bitsets: segment selections and column validity masks.
//!
//! One bit per row, 64 rows per word, so set algebra over a million users touches 16k words.

use serde::{Deserialize, Serialize};

/// A set of row indices in `0..len`, stored as bits.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bitset {
    words: Vec<u64>,
    len: usize,
}

impl std::fmt::Debug for Bitset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bitset({}/{})", self.count(), self.len)
    }
}

impl Bitset {
    /// An empty set over `len` rows.
    pub fn new(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// The set of all `len` rows.
    pub fn full(len: usize) -> Self {
        let mut set = Self {
            words: vec![u64::MAX; len.div_ceil(64)],
            len,
        };
        set.clear_tail();
        set
    }

    /// Builds a set from a predicate over row indices.
    pub fn from_fn(len: usize, mut f: impl FnMut(usize) -> bool) -> Self {
        let mut words = Vec::with_capacity(len.div_ceil(64));
        for base in (0..len).step_by(64) {
            let end = (base + 64).min(len);
            let mut word = 0u64;
            for i in base..end {
                word |= u64::from(f(i)) << (i - base);
            }
            words.push(word);
        }
        Self { words, len }
    }

    /// Number of rows the set ranges over (not the number of members).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of members.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn get(&self, i: usize) -> bool {
        debug_assert!(i < self.len);
        self.words[i / 64] >> (i % 64) & 1 == 1
    }

    pub fn set(&mut self, i: usize, value: bool) {
        let bit = 1u64 << (i % 64);
        if value {
            self.words[i / 64] |= bit;
        } else {
            self.words[i / 64] &= !bit;
        }
    }

    /// Appends one row at the end (used while building validity masks column by column).
    pub fn push(&mut self, value: bool) {
        if self.len.is_multiple_of(64) {
            self.words.push(0);
        }
        self.len += 1;
        self.set(self.len - 1, value);
    }

    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// Mutable access to the words; callers must leave bits past `len` clear.
    pub fn words_mut(&mut self) -> &mut [u64] {
        &mut self.words
    }

    #[must_use]
    pub fn and(&self, other: &Self) -> Self {
        self.zip(other, |a, b| a & b)
    }

    #[must_use]
    pub fn or(&self, other: &Self) -> Self {
        self.zip(other, |a, b| a | b)
    }

    #[must_use]
    pub fn and_not(&self, other: &Self) -> Self {
        self.zip(other, |a, b| a & !b)
    }

    #[must_use]
    pub fn not(&self) -> Self {
        let mut set = Self {
            words: self.words.iter().map(|w| !w).collect(),
            len: self.len,
        };
        set.clear_tail();
        set
    }

    pub fn and_inplace(&mut self, other: &Self) {
        assert_eq!(self.len, other.len, "bitsets over different row counts");
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub fn or_inplace(&mut self, other: &Self) {
        assert_eq!(self.len, other.len, "bitsets over different row counts");
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// Number of members shared with `other`, without materialising the intersection.
    pub fn intersection_count(&self, other: &Self) -> usize {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    /// Member indices in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(wi * 64 + bit)
            })
        })
    }

    fn zip(&self, other: &Self, f: impl Fn(u64, u64) -> u64) -> Self {
        assert_eq!(self.len, other.len, "bitsets over different row counts");
        let words = self
            .words
            .iter()
            .zip(&other.words)
            .map(|(&a, &b)| f(a, b))
            .collect();
        let mut set = Self {
            words,
            len: self.len,
        };
        set.clear_tail();
        set
    }

    fn clear_tail(&mut self) {
        let rem = self.len % 64;
        if rem != 0
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << rem) - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Bitset;

    #[test]
    fn algebra_respects_length() {
        let a = Bitset::from_fn(130, |i| i % 3 == 0);
        let b = Bitset::from_fn(130, |i| i % 2 == 0);
        assert_eq!(a.count(), 44);
        assert_eq!(a.and(&b).count(), 22);
        assert_eq!(a.or(&b).count(), 87);
        assert_eq!(a.not().count(), 86);
        assert_eq!(Bitset::full(130).count(), 130);
        assert_eq!(
            a.and_not(&b).iter().take(3).collect::<Vec<_>>(),
            vec![3, 9, 15]
        );
        let mut pushed = Bitset::new(0);
        for i in 0..130 {
            pushed.push(i % 3 == 0);
        }
        assert_eq!(pushed, a);
    }
}
