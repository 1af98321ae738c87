//! Columns of JSON objects, as product-analytics exports write an event's properties
//! (`{"plan": "pro", "seats": 3}`): each key becomes a column of its own, typed like any other.
//!
//! A column is read this way only when every value present is a JSON object; one value that is not
//! leaves the column as it is. A key's value is its text: a string unquoted and unescaped, a number or
//! a boolean as written, `null` missing, and an object or a list as its JSON. Rows without the key are
//! missing. At most [`MAX_KEYS`] keys become columns, the first seen first.

use super::arena::Arena;
use super::values;
use rustc_hash::FxHashMap;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// The most keys of one column that become columns.
pub(crate) const MAX_KEYS: usize = 64;

/// A JSON object column's keys and their values, one cell per row.
pub(crate) struct Expanded {
    /// Each key with its cells, in order of first appearance.
    pub keys: Vec<(String, Arena)>,
    /// Keys past [`MAX_KEYS`], not read.
    pub skipped: usize,
}

/// Whether the column's first values present are JSON objects: worth trying [`expand`] on.
pub(crate) fn looks_like_objects(arena: &Arena) -> bool {
    // A coded column's distinct values stand for its rows: a column of a few values, or all missing,
    // is told apart without a pass over its rows.
    match arena.coding() {
        Some(coding) => first_objects(coding.values()),
        None => first_objects(arena.cells()),
    }
}

fn first_objects<'a>(cells: impl Iterator<Item = &'a str>) -> bool {
    let mut present = 0;
    for cell in cells {
        let text = cell.trim();
        if values::is_missing(text.as_bytes()) {
            continue;
        }
        if !(text.starts_with('{') && text.ends_with('}')) {
            return false;
        }
        present += 1;
        if present == 100 {
            break;
        }
    }
    present > 0
}

/// The column's keys as columns, or `None` when some value present is not a JSON object, or no
/// object has a key.
pub(crate) fn expand(arena: &Arena, rows: usize) -> Option<Expanded> {
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    // Per key: its cells back to back, where each ends, and how many rows they cover so far.
    let mut keys: Vec<(String, Cells)> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    for (row, cell) in arena.cells().enumerate() {
        let text = cell.trim();
        if values::is_missing(text.as_bytes()) {
            continue;
        }
        let mut add = |key: Cow<'_, str>, raw: &RawValue| -> Option<()> {
            let k = match index.get(key.as_ref()) {
                Some(&k) => k,
                None if keys.len() < MAX_KEYS => {
                    index.insert(key.clone().into_owned(), keys.len());
                    keys.push((key.into_owned(), Cells::default()));
                    keys.len() - 1
                }
                None => {
                    if !skipped.iter().any(|s| s == key.as_ref()) {
                        skipped.push(key.into_owned());
                    }
                    return Some(());
                }
            };
            let cells = &mut keys[k].1;
            if cells.ends.len() > row {
                // The key again in the same object: the first one counts.
                return Some(());
            }
            cells.fill_to(row)?;
            cells.push(&value_text(raw)?)
        };
        let mut de = serde_json::Deserializer::from_str(text);
        de.deserialize_map(Entries(&mut add)).ok()?;
        de.end().ok()?;
    }
    if keys.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(keys.len());
    for (key, mut cells) in keys {
        cells.fill_to(rows)?;
        out.push((key, Arena::from_cells(cells.text, cells.ends)));
    }
    Some(Expanded {
        keys: out,
        skipped: skipped.len(),
    })
}

/// One key's cells so far. Not an [`Arena`] appended to: the parser's loop is the arena's only
/// writer, so that its appends stay inlined there.
#[derive(Default)]
struct Cells {
    text: String,
    ends: Vec<u32>,
}

impl Cells {
    /// Appends a cell; `None` past 4 GiB of text.
    fn push(&mut self, cell: &str) -> Option<()> {
        self.text.push_str(cell);
        self.ends.push(u32::try_from(self.text.len()).ok()?);
        Some(())
    }

    /// Empty cells up to row `rows`, for the rows without the key.
    fn fill_to(&mut self, rows: usize) -> Option<()> {
        let end = u32::try_from(self.text.len()).ok()?;
        self.ends.resize(rows.max(self.ends.len()), end);
        Some(())
    }
}

/// A value's text in its key's column.
fn value_text(raw: &RawValue) -> Option<Cow<'_, str>> {
    let json = raw.get();
    match json.as_bytes().first() {
        Some(b'"') => {
            let text: Text<'_> = serde_json::from_str(json).ok()?;
            Some(text.0)
        }
        _ if json == "null" => Some(Cow::Borrowed("")),
        _ => Some(Cow::Borrowed(json)),
    }
}

/// Reads an object's entries, handing each key and its value, unparsed, to a closure.
struct Entries<'f, F>(&'f mut F);

impl<'de, F> Visitor<'de> for Entries<'_, F>
where
    F: FnMut(Cow<'de, str>, &'de RawValue) -> Option<()>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Text(key)) = map.next_key()? {
            let raw: &'de RawValue = map.next_value()?;
            (self.0)(key, raw)
                .ok_or_else(|| de::Error::custom("the column's text is too large"))?;
        }
        Ok(())
    }
}

/// A JSON string, borrowed from the input unless it had escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(V)
    }
}
