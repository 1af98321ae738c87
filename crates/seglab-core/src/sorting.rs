//! Sorting through one instantiation per element type, whatever the ordering.
//!
//! `slice::sort_by` is generic over its comparison, so each closure passed to it is a sort of its own in
//! the binary (about 5 KB of WebAssembly each). Sorts of row or column indices by a key are everywhere in
//! the engine; going through these functions, they share one sort, the comparison called through a
//! pointer. The order is the standard library's stable sort's, ties keep their order.

use std::cmp::Ordering;

/// `v.sort_by(compare)`, stable, with one sort in the binary per element type.
#[inline]
pub fn sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    sort_dyn(v, &mut compare);
}

/// `v.sort_by_key(key)`, stable, with one sort in the binary per element type.
#[inline]
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_dyn(v, &mut |a, b| key(a).cmp(&key(b)));
}

#[inline(never)]
fn sort_dyn<T>(v: &mut [T], compare: &mut dyn FnMut(&T, &T) -> Ordering) {
    v.sort_by(compare);
}

#[cfg(test)]
mod tests {
    /// Orders as the standard library's stable sort does, ties included.
    #[test]
    fn check() {
        let keys = [3, 1, 3, 0, 2, 1, 3, 0, 0, 2, 1];
        let mut ours: Vec<usize> = (0..keys.len()).collect();
        super::sort_by(&mut ours, |&a, &b| keys[b].cmp(&keys[a]));
        let mut std_order: Vec<usize> = (0..keys.len()).collect();
        std_order.sort_by(|&a, &b| keys[b].cmp(&keys[a]));
        assert_eq!(ours, std_order);
        let mut by_key: Vec<usize> = (0..keys.len()).collect();
        super::sort_by_key(&mut by_key, |&c| keys[c]);
        std_order.sort_by_key(|&c| keys[c]);
        assert_eq!(by_key, std_order);
    }
}
