//! Join keys compared as text: trimmed, optionally case-folded, looked up in one hash map built once.

use crate::table::{Code as _, Column, ColumnData, StringColumn};
use crate::with_codes;
use rustc_hash::{FxHashMap, FxHashSet};
use std::fmt::Write as _;

/// A row (or unit) whose key cell is empty.
pub(crate) const MISSING: u32 = u32::MAX;
/// A row whose key matched nothing on the other side.
pub(crate) const UNMATCHED: u32 = u32::MAX - 1;

/// Whether a column can serve as a join key (text or whole numbers).
pub(crate) fn is_key_storage(column: &Column) -> bool {
    matches!(
        column.data(),
        ColumnData::Integer(_) | ColumnData::Dictionary(_) | ColumnData::Strings(_)
    )
}

/// A whole number written with a zero fraction (`123.0`, as a spreadsheet or pandas writes an id column
/// with gaps) as the number (`123`), so that it matches the same id written plainly; anything else as it
/// is.
pub(crate) fn without_zero_fraction(key: &str) -> &str {
    // Most keys end otherwise: one byte tells, before any search for the mark.
    if key.as_bytes().last() != Some(&b'0') {
        return key;
    }
    let Some((whole, fraction)) = key.split_once('.') else {
        return key;
    };
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b == b'0')
    {
        whole
    } else {
        key
    }
}

/// Writes the normalised key of `raw` into `buf` and returns it, or `None` when it is empty.
pub(crate) fn normalize_str<'s>(
    raw: &'s str,
    ignore_case: bool,
    buf: &'s mut String,
) -> Option<&'s str> {
    let trimmed = without_zero_fraction(raw.trim());
    if trimmed.is_empty() {
        return None;
    }
    if !ignore_case {
        return Some(trimmed);
    }
    // Most keys are ASCII: fold them byte by byte, without decoding characters.
    if trimmed.is_ascii() {
        if !trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
            return Some(trimmed);
        }
        buf.clear();
        buf.push_str(trimmed);
        buf.make_ascii_lowercase();
        return Some(buf.as_str());
    }
    if trimmed.chars().any(char::is_uppercase) {
        buf.clear();
        buf.extend(trimmed.chars().flat_map(char::to_lowercase));
        return Some(buf.as_str());
    }
    Some(trimmed)
}

/// The hash of a normalised key's text.
pub(crate) fn text_hash(key: &str) -> u64 {
    crate::hash::hash64(key.as_bytes())
}

/// The rows with a key and whether every key among them is distinct, decided from 64-bit hashes of
/// the normalised keys: `Some(missing rows)` when no two hashes are equal (so no two keys are), `None`
/// when some are (a repeat, or very rarely a collision), which the caller settles with the exact index.
/// Sorting a million hashes costs a fraction of a map from every key to its row. The answer is kept
/// with the column: proposing a join and building it both ask.
pub(crate) fn all_distinct(column: &Column, ignore_case: bool) -> Option<usize> {
    *column.key_facts().distinct[usize::from(ignore_case)]
        .get_or_init(|| hashes_distinct(column, ignore_case))
}

fn hashes_distinct(column: &Column, ignore_case: bool) -> Option<usize> {
    let valid = column.valid();
    let mut buf = String::new();
    let mut missing = 0;
    let mut hashes: Vec<u64> = Vec::with_capacity(valid.count());
    match column.data() {
        ColumnData::Dictionary(dict) => {
            let per_value: Vec<Option<u64>> = dict
                .values
                .iter()
                .map(|v| normalize_str(v, ignore_case, &mut buf).map(text_hash))
                .collect();
            with_codes!(&dict.codes, |codes| {
                for (row, &code) in codes.iter().enumerate() {
                    match per_value.get(code.index()).copied().flatten() {
                        Some(hash) if valid.get(row) => hashes.push(hash),
                        _ => missing += 1,
                    }
                    // More rows than values: some value repeats.
                    if hashes.len() > per_value.len() {
                        return None;
                    }
                }
            });
        }
        ColumnData::Strings(strings) => {
            for (row, value) in strings.iter().enumerate() {
                let key = if valid.get(row) {
                    normalize_str(value, ignore_case, &mut buf)
                } else {
                    None
                };
                match key {
                    Some(key) => hashes.push(text_hash(key)),
                    None => missing += 1,
                }
            }
        }
        ColumnData::Integer(values) => {
            for (row, &value) in values.iter().enumerate() {
                if valid.get(row) {
                    hashes.push(value as u64);
                } else {
                    missing += 1;
                }
            }
        }
        _ => return Some(column.len()),
    }
    hashes.sort_unstable();
    hashes.windows(2).all(|w| w[0] != w[1]).then_some(missing)
}

/// Which of the hashes `among` (sampled keys of other files) are hashes of this column's normalised
/// keys (case-folded); integers hash their decimal text, as they compare. The set stays as small as
/// the sample, however long the column: a million lookups in a set that fits the cache cost a fraction
/// of a million inserts into one that does not.
pub(crate) fn key_hash_set(column: &Column, among: &FxHashSet<u64>) -> FxHashSet<u64> {
    let valid = column.valid();
    let mut buf = String::new();
    let mut found = FxHashSet::default();
    let mut set = Found {
        among,
        found: &mut found,
    };
    match column.data() {
        ColumnData::Dictionary(dict) => {
            let mut used = vec![false; dict.values.len()];
            with_codes!(&dict.codes, |codes| {
                for (row, &code) in codes.iter().enumerate() {
                    if valid.get(row)
                        && let Some(slot) = used.get_mut(code.index())
                    {
                        *slot = true;
                    }
                }
            });
            for (value, used) in dict.values.iter().zip(used) {
                if used && let Some(key) = normalize_str(value, true, &mut buf) {
                    set.insert(text_hash(key));
                }
            }
        }
        ColumnData::Strings(strings) => {
            for (row, value) in strings.iter().enumerate() {
                if valid.get(row)
                    && let Some(key) = normalize_str(value, true, &mut buf)
                {
                    set.insert(text_hash(key));
                }
            }
        }
        ColumnData::Integer(values) => {
            for (row, value) in values.iter().enumerate() {
                if valid.get(row) {
                    buf.clear();
                    let _ = write!(buf, "{value}");
                    set.insert(text_hash(&buf));
                }
            }
        }
        _ => {}
    }
    found
}

/// The hashes found so far among the ones looked for.
struct Found<'a> {
    among: &'a FxHashSet<u64>,
    found: &'a mut FxHashSet<u64>,
}

impl Found<'_> {
    fn insert(&mut self, hash: u64) {
        if self.among.contains(&hash) {
            self.found.insert(hash);
        }
    }
}

/// The key columns' values, normalised once into one string buffer.
///
/// Dictionary columns are normalised per distinct value ("unit") and rows point at their unit, so a
/// ten-million-row event column with a million distinct users costs a million normalisations.
pub(crate) struct Normalized<'a> {
    pub units: StringColumn,
    /// Units whose normalised text is empty.
    pub unit_missing: Vec<bool>,
    column: &'a Column,
}

impl<'a> Normalized<'a> {
    pub fn new(column: &'a Column, ignore_case: bool) -> Self {
        let mut buf = String::new();
        let mut num = String::new();
        let (mut units, mut unit_missing);
        match column.data() {
            ColumnData::Dictionary(dict) => {
                units = StringColumn::with_capacity(dict.values.len(), 0);
                unit_missing = Vec::with_capacity(dict.values.len());
                for value in dict.values.iter() {
                    let key = normalize_str(value, ignore_case, &mut buf);
                    unit_missing.push(key.is_none());
                    units.push(key.unwrap_or(""));
                }
            }
            ColumnData::Strings(strings) => {
                units = StringColumn::with_capacity(strings.len(), 0);
                unit_missing = Vec::with_capacity(strings.len());
                for (row, value) in strings.iter().enumerate() {
                    let key = if column.valid().get(row) {
                        normalize_str(value, ignore_case, &mut buf)
                    } else {
                        None
                    };
                    unit_missing.push(key.is_none());
                    units.push(key.unwrap_or(""));
                }
            }
            ColumnData::Integer(values) => {
                units = StringColumn::with_capacity(values.len(), values.len() * 8);
                unit_missing = Vec::with_capacity(values.len());
                for (row, value) in values.iter().enumerate() {
                    let present = column.valid().get(row);
                    num.clear();
                    if present {
                        let _ = write!(num, "{value}");
                    }
                    unit_missing.push(!present);
                    units.push(&num);
                }
            }
            _ => {
                units = StringColumn::default();
                unit_missing = vec![true; column.len()];
                for _ in 0..column.len() {
                    units.push("");
                }
            }
        }
        Self {
            units,
            unit_missing,
            column,
        }
    }

    /// The unit of `row`, or `None` when its key is missing.
    pub fn unit_of(&self, row: usize) -> Option<u32> {
        if !self.column.valid().get(row) {
            return None;
        }
        let unit = match self.column.data() {
            ColumnData::Dictionary(dict) => dict.codes.get(row),
            _ => row as u32,
        };
        (!self.unit_missing[unit as usize]).then_some(unit)
    }

    pub fn rows(&self) -> usize {
        self.column.len()
    }

    /// Maps each distinct normalised key to its first row; later rows with the same key are duplicates.
    pub fn index(&self) -> KeyIndex<'_> {
        let mut map =
            FxHashMap::with_capacity_and_hasher(self.units.len(), rustc_hash::FxBuildHasher);
        let mut duplicated: FxHashSet<&str> = FxHashSet::default();
        let mut examples = Vec::new();
        let mut duplicate_rows = 0;
        let mut missing = 0;
        for row in 0..self.rows() {
            let Some(unit) = self.unit_of(row) else {
                missing += 1;
                continue;
            };
            let key = self.units.get(unit as usize);
            match map.entry(key) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(row as u32);
                }
                std::collections::hash_map::Entry::Occupied(_) => {
                    duplicate_rows += 1;
                    if duplicated.insert(key) && examples.len() < EXAMPLES {
                        examples.push(key.to_owned());
                    }
                }
            }
        }
        KeyIndex {
            map,
            duplicate_keys: duplicated.len(),
            duplicate_rows,
            duplicate_examples: examples,
            missing,
        }
    }
}

/// How many example keys a report lists.
pub(crate) const EXAMPLES: usize = 5;

/// Normalised key → first row holding it.
pub(crate) struct KeyIndex<'k> {
    pub map: FxHashMap<&'k str, u32>,
    /// Distinct keys that occur on more than one row.
    pub duplicate_keys: usize,
    /// Rows beyond the first of a duplicated key.
    pub duplicate_rows: usize,
    pub duplicate_examples: Vec<String>,
    /// Rows with an empty key.
    pub missing: usize,
}

impl KeyIndex<'_> {
    pub fn get(&self, key: &str) -> Option<u32> {
        self.map.get(key).copied()
    }
}

/// The index row each row of `column` matches: `MISSING` for an empty key, `UNMATCHED` for a key not in
/// `index`. Dictionary columns are looked up once per distinct value.
pub(crate) fn resolve(column: &Column, ignore_case: bool, index: &KeyIndex<'_>) -> Vec<u32> {
    let mut buf = String::new();
    let lookup = |raw: &str, buf: &mut String| match normalize_str(raw, ignore_case, buf) {
        None => MISSING,
        Some(key) => index.get(key).unwrap_or(UNMATCHED),
    };
    let valid = column.valid();
    match column.data() {
        ColumnData::Dictionary(dict) => {
            let per_value: Vec<u32> = dict.values.iter().map(|v| lookup(v, &mut buf)).collect();
            with_codes!(&dict.codes, |codes| codes
                .iter()
                .enumerate()
                .map(|(row, &code)| {
                    if valid.get(row) {
                        per_value[code.index()]
                    } else {
                        MISSING
                    }
                })
                .collect())
        }
        ColumnData::Strings(strings) => strings
            .iter()
            .enumerate()
            .map(|(row, v)| {
                if valid.get(row) {
                    lookup(v, &mut buf)
                } else {
                    MISSING
                }
            })
            .collect(),
        ColumnData::Integer(values) => {
            let mut num = String::new();
            values
                .iter()
                .enumerate()
                .map(|(row, v)| {
                    if !valid.get(row) {
                        return MISSING;
                    }
                    num.clear();
                    let _ = write!(num, "{v}");
                    index.get(&num).unwrap_or(UNMATCHED)
                })
                .collect()
        }
        _ => vec![MISSING; column.len()],
    }
}

/// Up to `limit` rows spread evenly over `0..rows`, for value-overlap sampling.
pub(crate) fn sample_rows(rows: usize, limit: usize) -> impl Iterator<Item = usize> {
    let step = rows.div_ceil(limit.max(1)).max(1);
    (0..rows).step_by(step)
}

/// The trimmed display text of a key cell, for examples and the derived population.
pub(crate) fn key_text<'c>(column: &'c Column, row: usize, buf: &'c mut String) -> Option<&'c str> {
    if !column.valid().get(row) {
        return None;
    }
    match column.data() {
        ColumnData::Dictionary(d) => Some(d.get(row).trim()),
        ColumnData::Strings(s) => Some(s.get(row).trim()),
        ColumnData::Integer(v) => {
            buf.clear();
            let _ = write!(buf, "{}", v[row]);
            Some(buf.as_str())
        }
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::without_zero_fraction;

    #[test]
    fn only_whole_numbers_with_a_zero_fraction_lose_it() {
        for (key, plain) in [
            ("123.0", "123"),
            ("123.000", "123"),
            ("-7.0", "-7"),
            ("0.0", "0"),
            ("123", "123"),
            ("123.5", "123.5"),
            ("123.", "123."),
            (".0", ".0"),
            ("v1.0", "v1.0"),
            ("1.0.0", "1.0.0"),
            ("U-1.0", "U-1.0"),
        ] {
            assert_eq!(without_zero_fraction(key), plain, "{key}");
        }
    }
}
