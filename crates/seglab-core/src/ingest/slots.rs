//! An open-addressing table from a value's key (two words: its bytes packed, or a hash of them) to its
//! code: the coded arenas' table while reading, and typing's table of short texts.
//!
//! At most half full, linear probing. Each slot holds its key and code, so that finding a value reads one
//! slot; a `HashMap` reads its control bytes and then the entry, two places in memory that a million
//! distinct keys keep out of the cache. The key is two `u64`s, not an array: an array of two words is
//! compared through memory in WebAssembly, and reading back the key just written to the stack stalls the
//! processor on every cell.

/// Where a key's code is, or the empty slot where it would go.
pub(crate) enum Probe {
    Found(u32),
    Vacant(usize),
}

#[derive(Debug, Default)]
pub(crate) struct Slots {
    table: Vec<Slot>,
    shift: u32,
    len: usize,
}

#[derive(Debug, Default, Clone, Copy)]
struct Slot {
    lo: u64,
    hi: u64,
    /// Code + 1; 0 for an empty slot.
    code: u32,
}

impl Slots {
    /// The code stored under `(lo, hi)` for which `same(code)` holds (for keys that are hashes, whether
    /// the value is the same), or the empty slot where the key would go.
    #[inline]
    pub(crate) fn probe(&mut self, (lo, hi): (u64, u64), same: impl Fn(u32) -> bool) -> Probe {
        if self.table.is_empty() {
            self.grow();
        }
        let mask = self.table.len() - 1;
        let mut i = first_slot(lo, hi, self.shift);
        loop {
            let slot = &self.table[i];
            if slot.code == 0 {
                return Probe::Vacant(i);
            }
            if slot.lo == lo && slot.hi == hi && same(slot.code - 1) {
                return Probe::Found(slot.code - 1);
            }
            i = (i + 1) & mask;
        }
    }

    /// Stores `code` under `(lo, hi)` in the slot a [`Slots::probe`] just found vacant, and doubles the
    /// table once it is more than half full. (Growing only here, not before a probe, keeps a table that
    /// is refused its next key, as a coded column that turns plain is, at the size it had.)
    #[inline]
    pub(crate) fn insert(&mut self, at: usize, (lo, hi): (u64, u64), code: u32) {
        self.table[at] = Slot {
            lo,
            hi,
            code: code + 1,
        };
        self.len += 1;
        if self.len * 2 > self.table.len() {
            self.grow();
        }
    }

    /// The code of a key that is the value itself, or `code()` stored as its code when it is new.
    pub(crate) fn get_or_insert_with(
        &mut self,
        key: (u64, u64),
        code: impl FnOnce() -> u32,
    ) -> u32 {
        match self.probe(key, |_| true) {
            Probe::Found(found) => found,
            Probe::Vacant(at) => {
                let new = code();
                self.insert(at, key, new);
                new
            }
        }
    }

    /// Doubles the table and places every key again.
    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(64);
        self.shift = 64 - size.trailing_zeros();
        let old = std::mem::replace(&mut self.table, vec![Slot::default(); size]);
        let mask = size - 1;
        for filled in old.into_iter().filter(|s| s.code != 0) {
            let mut i = first_slot(filled.lo, filled.hi, self.shift);
            while self.table[i].code != 0 {
                i = (i + 1) & mask;
            }
            self.table[i] = filled;
        }
    }
}

/// The first slot to probe for a key: the top bits of a two-step multiplicative hash, which depend on
/// every bit of both words.
fn first_slot(lo: u64, hi: u64, shift: u32) -> usize {
    let h = (lo.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ hi).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (h >> shift) as usize
}

#[cfg(test)]
mod tests {
    use super::{Probe, Slots};

    #[test]
    fn keys_get_their_codes_back_through_growth_and_collisions() {
        let mut slots = Slots::default();
        // Keys differing only in their top bytes (as packed ids do), and equal keys told apart by `same`.
        let keys: Vec<(u64, u64)> = (0..5000u64).map(|i| (i << 56 | i, i % 7)).collect();
        for (code, &key) in keys.iter().enumerate() {
            assert_eq!(slots.get_or_insert_with(key, || code as u32), code as u32);
        }
        for (code, &key) in keys.iter().enumerate() {
            assert_eq!(slots.get_or_insert_with(key, || u32::MAX), code as u32);
        }
        let Probe::Vacant(at) = slots.probe(keys[3], |c| c == 9999) else {
            panic!("a key whose value differs is not found");
        };
        slots.insert(at, keys[3], 9999);
        assert!(matches!(
            slots.probe(keys[3], |c| c == 9999),
            Probe::Found(9999)
        ));
        assert!(matches!(slots.probe(keys[3], |c| c == 3), Probe::Found(3)));
    }
}
