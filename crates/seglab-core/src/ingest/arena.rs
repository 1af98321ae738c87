//! One column's raw cells, as the parser appends them, before the column is typed.
//!
//! Most columns of an export repeat a few values (dates, countries, plans, yes/no, small counts). While a
//! column has few distinct values it keeps each value once, with a one-byte code per row (two bytes past
//! 256 values), so that its raw form costs a byte or two per row instead of the text and a 4-byte end,
//! and typing reads each distinct value once. A column whose values turn out mostly distinct (ids,
//! emails, names) switches to its cells' bytes back to back, with the end of each cell.

use super::slots::{Probe, Slots};
use crate::bitset::Bitset;
use crate::table::{Code, Codes, StringColumn};
use crate::with_codes;
use std::ops::Range;

/// The most distinct values a coded column holds: its codes are two bytes.
const MAX_CODED: usize = 1 << 16;
/// Past this many distinct values, a column where more than every second row brings a new value stops
/// coding its cells: codes would cost more than they save.
const FEW: usize = 4096;
/// The second word of the key of a value longer than 15 bytes (a packed key holds the length, at most 15,
/// in its top byte).
const LONG: u64 = 0xFF << 56;

#[derive(Debug)]
pub(crate) struct Arena {
    repr: Repr,
    /// The rows and bytes per row expected (when the file's size is known): what a switch to plain cells
    /// reserves.
    plan: Option<(usize, f64)>,
}

impl Default for Arena {
    fn default() -> Self {
        Self {
            repr: Repr::Coded(Coded::default()),
            plan: None,
        }
    }
}

#[derive(Debug)]
enum Repr {
    Coded(Coded),
    Plain(Plain),
}

/// Cells back to back: `bytes` while appending, `text` once sealed.
#[derive(Debug, Default)]
struct Plain {
    text: String,
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

impl Plain {
    /// Appends the field `src[start..end]`. When `src` goes on for at least the rest of the field's last
    /// 8-byte word, the field is copied word by word and the bytes copied past its end are cut off: in
    /// WebAssembly, a copy of a length only known at run time is a call into the engine, and costs more
    /// than a typical field's few words.
    fn push(&mut self, src: &[u8], start: usize, end: usize) -> bool {
        let len = end - start;
        let before = self.bytes.len();
        match src.get(start..start + len.next_multiple_of(8)) {
            Some(words) if len <= 64 => {
                for word in words.chunks_exact(8) {
                    let mut bytes = [0u8; 8];
                    bytes.copy_from_slice(word);
                    self.bytes.extend_from_slice(&bytes);
                }
                self.bytes.truncate(before + len);
            }
            _ => self.bytes.extend_from_slice(&src[start..end]),
        }
        self.end_cell()
    }

    fn push_bytes(&mut self, field: &[u8]) -> bool {
        self.bytes.extend_from_slice(field);
        self.end_cell()
    }

    fn end_cell(&mut self) -> bool {
        let Ok(end) = u32::try_from(self.bytes.len()) else {
            return false;
        };
        self.ends.push(end);
        true
    }

    fn start(&self, i: usize) -> usize {
        if i == 0 { 0 } else { self.ends[i - 1] as usize }
    }

    /// A cell while appending.
    fn raw(&self, i: usize) -> &[u8] {
        &self.bytes[self.start(i)..self.ends[i] as usize]
    }

    /// A cell once sealed.
    fn cell(&self, i: usize) -> &str {
        self.text
            .get(self.start(i)..self.ends[i] as usize)
            .unwrap_or("")
    }

    fn seal(&mut self) {
        let bytes = std::mem::take(&mut self.bytes);
        // Fields are cut at ASCII bytes of valid UTF-8, so this never fails; stay safe if it does.
        self.text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        self.ends.shrink_to_fit();
    }
}

/// Distinct values and a code per row, with a table from the values' keys (see [`key`]) to their codes.
#[derive(Debug, Default)]
struct Coded {
    codes: Codes,
    values: Plain,
    slots: Slots,
}

/// A value of up to 15 bytes as two words that differ for any two different values: the bytes, and the
/// length in the top byte. Longer values get a hash and [`LONG`], and are compared byte by byte.
fn key(src: &[u8], start: usize, end: usize) -> (u64, u64) {
    let len = end - start;
    if len <= 15 {
        // Two whole words when the input goes on far enough, as is usual mid-chunk.
        let (lo, hi) = if let Some(words) = src.get(start..start + 16) {
            (word(&words[..8]), word(&words[8..]))
        } else {
            let mut buf = [0u8; 16];
            buf[..len].copy_from_slice(&src[start..end]);
            (word(&buf[..8]), word(&buf[8..]))
        };
        // Masks for the bytes of the value, without a branch on its length (which varies from row to
        // row in a column of names, and would be mispredicted).
        let bits = 8 * len as u32;
        let lo_mask = u64::MAX
            .checked_shr(64u32.saturating_sub(bits))
            .unwrap_or(0);
        let hi_mask = u64::MAX
            .checked_shr(128u32.saturating_sub(bits).min(64))
            .unwrap_or(0);
        (lo & lo_mask, (hi & hi_mask) | (len as u64) << 56)
    } else {
        let mix =
            |h: u64, word: u64| (h.rotate_left(23) ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut h = len as u64;
        // Whole words, the last one masked, when the input goes on far enough: in WebAssembly a copy
        // of a length only known at run time (the last, partial word) is a call into the engine.
        match src.get(start..start + len.next_multiple_of(8)) {
            Some(words) => {
                let mut rest = len;
                for chunk in words.chunks_exact(8) {
                    let mut w = word(chunk);
                    if rest < 8 {
                        w &= (1u64 << (8 * rest)) - 1;
                    }
                    rest = rest.saturating_sub(8);
                    h = mix(h, w);
                }
            }
            None => {
                for chunk in src[start..end].chunks(8) {
                    let word = chunk
                        .iter()
                        .enumerate()
                        .fold(0u64, |w, (i, &b)| w | u64::from(b) << (8 * i));
                    h = mix(h, word);
                }
            }
        }
        (h ^ (h >> 29), LONG)
    }
}

/// Eight bytes as a little-endian word.
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(bytes);
    u64::from_le_bytes(w)
}

impl Coded {
    /// Appends a field; `false` (and nothing appended) when the field would be a distinct value too many.
    fn push(&mut self, src: &[u8], start: usize, end: usize) -> bool {
        let key = key(src, start, end);
        // Keys of values longer than 15 bytes are hashes: the value itself tells them apart.
        let values = &self.values;
        let probe = self.slots.probe(key, |code| {
            key.1 != LONG || values.raw(code as usize) == &src[start..end]
        });
        let code = match probe {
            Probe::Found(code) => code as usize,
            Probe::Vacant(at) => {
                let distinct = self.values.ends.len() + 1;
                let rows = self.codes.len() + 1;
                if distinct > MAX_CODED
                    || (distinct > FEW && distinct * 2 > rows)
                    || !self.values.push(src, start, end)
                {
                    return false;
                }
                self.slots.insert(at, key, distinct as u32 - 1);
                distinct - 1
            }
        };
        // One byte per row up to 256 values, two past that (widened once, keeping the room reserved);
        // never more than two, as a coded column holds at most 65,536 values.
        match (&mut self.codes, u8::try_from(code)) {
            (Codes::U8(codes), Ok(c)) => codes.push(c),
            (Codes::U16(codes), _) => codes.push(code as u16),
            (codes, _) => codes.push(code as u32),
        }
        true
    }

    /// The same cells as plain cells, with room for the rest of the file when its size is known; `None`
    /// when they do not fit (more than 4 GiB).
    fn expand(&self, plan: Option<(usize, f64)>) -> Option<Plain> {
        let rows = self.codes.len();
        let lengths: Vec<usize> = (0..self.values.ends.len())
            .map(|c| self.values.raw(c).len())
            .collect();
        let coding = Coding {
            values: &self.values,
            codes: &self.codes,
        };
        let so_far: usize = coding
            .counts()
            .iter()
            .zip(&lengths)
            .map(|(n, len)| n * len)
            .sum();
        let (expected, width) = plan.unwrap_or((0, 0.0));
        let rest = expected.saturating_sub(rows);
        let mut plain = Plain::default();
        plain
            .bytes
            .reserve_exact(so_far + (rest as f64 * width) as usize + 64);
        plain.ends.reserve_exact(rows.max(expected));
        for row in 0..rows {
            if !plain.push_bytes(self.values.raw(coding.code(row))) {
                return None;
            }
        }
        Some(plain)
    }
}

impl Arena {
    /// Reserves room for `rows` rows of `width` bytes each, so that the arena does not grow by copying.
    pub(crate) fn reserve(&mut self, rows: usize, width: f64) {
        self.plan = Some((rows, width));
        match &mut self.repr {
            Repr::Coded(coded) => with_codes!(&mut coded.codes, |codes| codes.reserve_exact(rows)),
            Repr::Plain(plain) => {
                plain
                    .bytes
                    .reserve_exact((rows as f64 * width) as usize + 64);
                plain.ends.reserve_exact(rows);
            }
        }
    }

    /// Appends the field `src[start..end]`; `src` may go on past the field. `false` when the column's
    /// text no longer fits (more than 4 GiB).
    ///
    /// The parser's loop over fields is its only caller, so that it and the pushes it makes stay
    /// inlined there: with a second caller (once, the keys of a JSON column), reading users.csv in
    /// WebAssembly took 13% longer.
    pub(crate) fn push(&mut self, src: &[u8], start: usize, end: usize) -> bool {
        if let Repr::Coded(coded) = &mut self.repr {
            if coded.push(src, start, end) {
                return true;
            }
            let Some(plain) = coded.expand(self.plan) else {
                return false;
            };
            self.repr = Repr::Plain(plain);
        }
        match &mut self.repr {
            Repr::Plain(plain) => plain.push(src, start, end),
            Repr::Coded(_) => false,
        }
    }

    /// An arena of cells already back to back in `text`, cell `i` ending at `ends[i]`: ready to read,
    /// never appended to.
    pub(crate) fn from_cells(text: String, ends: Vec<u32>) -> Self {
        Self {
            repr: Repr::Plain(Plain {
                text,
                bytes: Vec::new(),
                ends,
            }),
            plan: None,
        }
    }

    /// Ends the appending: the cells can be read from now on.
    pub(crate) fn seal(&mut self) {
        match &mut self.repr {
            Repr::Plain(plain) => plain.seal(),
            Repr::Coded(coded) => {
                coded.values.seal();
                coded.slots = Slots::default();
            }
        }
    }

    /// The cell as written (untrimmed).
    pub(crate) fn cell(&self, row: usize) -> &str {
        match &self.repr {
            Repr::Plain(plain) => plain.cell(row),
            Repr::Coded(coded) => coded.values.cell(code_at(&coded.codes, row)),
        }
    }

    /// Every cell in row order.
    pub(crate) fn cells(&self) -> Cells<'_> {
        Cells {
            arena: self,
            row: 0,
            start: 0,
        }
    }

    /// The distinct values and codes, when the column kept them.
    pub(crate) fn coding(&self) -> Option<Coding<'_>> {
        match &self.repr {
            Repr::Coded(coded) => Some(Coding {
                values: &coded.values,
                codes: &coded.codes,
            }),
            Repr::Plain(_) => None,
        }
    }

    /// Plain cells as a string column, leaving the arena empty; `None` (and the arena as it was) when
    /// the cells are coded or do not fit one (never expected: they are cut at ASCII delimiters of valid
    /// UTF-8).
    pub(crate) fn take_strings(&mut self) -> Option<StringColumn> {
        let Repr::Plain(plain) = &mut self.repr else {
            return None;
        };
        let mut offsets = Vec::with_capacity(plain.ends.len() + 1);
        offsets.push(0);
        offsets.extend_from_slice(&plain.ends);
        let mut text = std::mem::take(&mut plain.text);
        // The arena was reserved from an estimate of the file's size; give back what it did not use.
        text.shrink_to_fit();
        match StringColumn::from_parts(offsets, text) {
            Ok(strings) => {
                plain.ends = Vec::new();
                Some(strings)
            }
            Err((_, text)) => {
                plain.text = text;
                None
            }
        }
    }
}

fn code_at(codes: &Codes, row: usize) -> usize {
    codes.get(row) as usize
}

/// The cells of an arena in row order.
pub(crate) struct Cells<'a> {
    arena: &'a Arena,
    row: usize,
    start: usize,
}

impl<'a> Iterator for Cells<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let row = self.row;
        let cell = match &self.arena.repr {
            Repr::Plain(plain) => {
                let end = *plain.ends.get(row)? as usize;
                let cell = plain.text.get(self.start..end).unwrap_or("");
                self.start = end;
                cell
            }
            Repr::Coded(coded) => {
                if row >= coded.codes.len() {
                    return None;
                }
                coded.values.cell(code_at(&coded.codes, row))
            }
        };
        self.row += 1;
        Some(cell)
    }
}

/// A coded column: its distinct values in order of first appearance, and a code per row.
#[derive(Clone, Copy)]
pub(crate) struct Coding<'a> {
    values: &'a Plain,
    codes: &'a Codes,
}

impl<'a> Coding<'a> {
    /// How many distinct values (as written, untrimmed) the column has.
    pub(crate) fn len(&self) -> usize {
        self.values.ends.len()
    }

    pub(crate) fn rows(&self) -> usize {
        self.codes.len()
    }

    /// The distinct values as written, in order of first appearance: value `i` has code `i`.
    pub(crate) fn values(&self) -> impl Iterator<Item = &'a str> + 'a {
        let values = self.values;
        (0..values.ends.len()).map(move |i| values.cell(i))
    }

    pub(crate) fn code(&self, row: usize) -> usize {
        code_at(self.codes, row)
    }

    /// How many rows have each code.
    pub(crate) fn counts(&self) -> Vec<usize> {
        self.codes.counts(self.len())
    }

    /// `table[code]` for every row.
    pub(crate) fn map<T: Copy>(&self, table: &[T]) -> Vec<T> {
        with_codes!(self.codes, |v| v
            .iter()
            .map(|&c| table[c.index()])
            .collect())
    }

    /// `table[code]` for every row, as dictionary codes in the width `values` distinct values need
    /// (every entry of `table` is below `values`).
    pub(crate) fn recode(&self, table: &[u32], values: usize) -> Codes {
        fn narrowed<S: Code, T: Code>(codes: &[S], table: &[u32]) -> Vec<T> {
            let table: Vec<T> = table
                .iter()
                .map(|&c| T::narrow(c).unwrap_or_default())
                .collect();
            codes.iter().map(|&c| table[c.index()]).collect()
        }
        let mut out = Codes::with_capacity(values, 0);
        with_codes!(&mut out, |o| {
            *o = with_codes!(self.codes, |v| narrowed(v, table));
        });
        out
    }

    /// Appends `table[code]` for the rows in `rows`.
    pub(crate) fn map_into<T: Copy>(&self, table: &[T], rows: Range<usize>, out: &mut Vec<T>) {
        with_codes!(self.codes, |v| out
            .extend(v[rows].iter().map(|&c| table[c.index()])));
    }

    /// The rows whose code is flagged.
    pub(crate) fn mask(&self, flags: &[bool]) -> Bitset {
        let rows = self.rows();
        // Every code appears in some row: all flagged is all rows (a column without missing values).
        if flags.iter().all(|&f| f) {
            return Bitset::full(rows);
        }
        if !flags.iter().any(|&f| f) {
            return Bitset::new(rows);
        }
        let mut set = Bitset::new(rows);
        with_codes!(self.codes, |v| {
            for (word, chunk) in set.words_mut().iter_mut().zip(v.chunks(64)) {
                let mut bits = 0u64;
                for (j, &c) in chunk.iter().enumerate() {
                    bits |= u64::from(flags[c.index()]) << j;
                }
                *word = bits;
            }
        });
        set
    }

    /// The rows whose code is flagged, in order, with their codes.
    pub(crate) fn rows_with(&self, flags: &'a [bool]) -> impl Iterator<Item = (usize, usize)> + 'a {
        let codes = self.codes;
        (0..codes.len())
            .map(move |row| (row, code_at(codes, row)))
            .filter(move |&(_, c)| flags[c])
    }
}

#[cfg(test)]
impl Arena {
    /// An arena of `cells`, coded as the parser codes them (`coded`), or plain from the start.
    pub(crate) fn of(cells: &[&str], coded: bool) -> Self {
        let mut arena = Self::default();
        if !coded {
            arena.repr = Repr::Plain(Plain::default());
        }
        for cell in cells {
            assert!(arena.push(cell.as_bytes(), 0, cell.len()));
        }
        arena.seal();
        arena
    }

    pub(crate) fn is_coded(&self) -> bool {
        matches!(self.repr, Repr::Coded(_))
    }
}

#[cfg(test)]
mod tests {
    use super::{Arena, key};

    /// Appends every value as its own field of one buffer (so that the word-wise reads past a field's
    /// end are exercised) and seals.
    fn arena_of(values: &[String]) -> Arena {
        let mut src = Vec::new();
        let mut bounds = Vec::new();
        for v in values {
            let start = src.len();
            src.extend_from_slice(v.as_bytes());
            bounds.push((start, src.len()));
            src.push(b',');
        }
        let mut arena = Arena::default();
        for &(start, end) in &bounds {
            assert!(arena.push(&src, start, end));
        }
        arena.seal();
        arena
    }

    #[test]
    fn cells_read_back_as_written_whether_coded_or_not() {
        let mut state = 42u64;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        // Few values (coded), 300 values (wide codes), values that become mostly distinct after a
        // while (the switch to plain cells), long values and empty ones.
        let cases: Vec<(Vec<String>, bool)> = vec![
            ((0..5000).map(|i| format!("v{}", i % 7)).collect(), true),
            ((0..5000).map(|_| format!("{}", next(300))).collect(), true),
            (
                (0..20_000)
                    .map(|i| {
                        if i < 6000 {
                            format!("{}", i % 3)
                        } else {
                            format!("id-{i}-{}", "x".repeat(next(30) as usize))
                        }
                    })
                    .collect(),
                false,
            ),
            (
                (0..3000)
                    .map(|i| match next(4) {
                        0 => String::new(),
                        1 => format!("a rather long value of more than fifteen bytes {}", i % 5),
                        2 => "é".repeat(next(9) as usize),
                        _ => format!("{}", next(20)),
                    })
                    .collect(),
                true,
            ),
        ];
        for (values, coded) in cases {
            let arena = arena_of(&values);
            assert_eq!(arena.coding().is_some(), coded);
            let cells: Vec<&str> = arena.cells().collect();
            assert_eq!(cells, values);
            for (row, v) in values.iter().enumerate() {
                assert_eq!(arena.cell(row), v);
            }
            if let Some(coding) = arena.coding() {
                let distinct: Vec<&str> = coding.values().collect();
                let mut first_seen: Vec<&str> = Vec::new();
                for v in &values {
                    if !first_seen.contains(&v.as_str()) {
                        first_seen.push(v);
                    }
                }
                assert_eq!(distinct, first_seen);
                let counts = coding.counts();
                assert_eq!(counts.iter().sum::<usize>(), values.len());
            }
        }
    }

    #[test]
    fn keys_are_equal_exactly_when_the_values_are() {
        let texts = crate::ingest::tests::random_texts(40);
        for a in &texts {
            // Read from the end of a buffer and from the middle of a longer one.
            let mut padded = a.clone();
            padded.extend_from_slice(&[0xAA; 20]);
            let ka = key(a, 0, a.len());
            assert_eq!(ka, key(&padded, 0, a.len()), "{a:?}");
            for b in &texts {
                let kb = key(b, 0, b.len());
                if a.len() <= 15 && b.len() <= 15 {
                    assert_eq!(ka == kb, a == b, "{a:?} {b:?}");
                } else if a == b {
                    assert_eq!(ka, kb);
                }
            }
        }
    }
}
