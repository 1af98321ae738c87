//! A 64-bit hash of bytes that is the same on every platform, for telling values apart by their hashes.
//!
//! `rustc-hash`'s `FxHasher` keeps a `usize` of state, which is 32 bits on wasm32: a million keys would
//! share hashes there (the birthday bound of 32 bits is about 77 000 values), and the browser would
//! take the slow path the native build never takes.

const MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;

/// Hashes `bytes` eight at a time, then mixes the result (splitmix64's finaliser).
pub(crate) fn hash64(bytes: &[u8]) -> u64 {
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in words.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(MULTIPLIER);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        h = (h.rotate_left(5) ^ le_word(tail)).wrapping_mul(MULTIPLIER);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^ (h >> 31)
}

/// Up to 8 bytes as a little-endian word, zero-padded. Read as two overlapping loads of fixed size
/// (whose common bytes are equal, so or-ing them is exact): in WebAssembly, copying a length known only
/// at run time into a word is a call into the engine, and reading that word back stalls.
pub(crate) fn le_word(tail: &[u8]) -> u64 {
    let n = tail.len();
    let four = |at: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&tail[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    let two = |at: usize| u64::from(u16::from_le_bytes([tail[at], tail[at + 1]]));
    match n {
        4.. => four(0) | four(n - 4) << (8 * (n - 4)),
        2.. => two(0) | two(n - 2) << (8 * (n - 2)),
        1 => u64::from(tail[0]),
        0 => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::{hash64, le_word};

    #[test]
    fn words_are_the_bytes_zero_padded() {
        let bytes: Vec<u8> = (1..=8u8).map(|b| b.wrapping_mul(37) | 0x80).collect();
        for n in 0..=8 {
            let mut w = [0u8; 8];
            w[..n].copy_from_slice(&bytes[..n]);
            assert_eq!(le_word(&bytes[..n]), u64::from_le_bytes(w), "{n} bytes");
        }
    }

    #[test]
    fn a_million_short_keys_get_distinct_hashes() {
        let mut hashes: Vec<u64> = (0..1_000_000)
            .map(|i| hash64(format!("U{i:07}").as_bytes()))
            .collect();
        hashes.extend((0..1000).map(|i| hash64(&vec![0u8; i])));
        hashes.sort_unstable();
        assert!(hashes.windows(2).all(|w| w[0] != w[1]));
    }
}
