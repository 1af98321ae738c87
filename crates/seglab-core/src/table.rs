//! The columnar table: typed vectors, dictionary-encoded strings and validity bitmaps.
//!
//! Every file the user drops becomes one `Table`. Columns are stored by type so that segment evaluation
//! and statistics run over plain slices; a missing cell is a cleared bit in `valid`, and the slot in the
//! value vector holds a neutral value (0, 0.0, empty) that is never read as data.

use crate::bitset::Bitset;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};

/// The type Seglab inferred (or the user chose) for a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// Whole numbers.
    Integer,
    /// Numbers with a fractional part, amounts, percentages.
    Decimal,
    /// Yes/no values.
    Boolean,
    /// Calendar dates without a time.
    Date,
    /// Instants, stored as seconds since 1970-01-01 UTC.
    DateTime,
    /// Text with few distinct values (plan, country, industry).
    Category,
    /// Free text (comments, names).
    Text,
    /// Identifiers: kept as text even when they look like numbers (leading zeros, long digit strings).
    Id,
}

impl ColumnType {
    pub const ALL: [ColumnType; 8] = [
        Self::Integer,
        Self::Decimal,
        Self::Boolean,
        Self::Date,
        Self::DateTime,
        Self::Category,
        Self::Text,
        Self::Id,
    ];

    /// The lowercase name used in the UI, the CLI's JSON and URL type overrides.
    pub fn name(self) -> &'static str {
        match self {
            Self::Integer => "integer",
            Self::Decimal => "decimal",
            Self::Boolean => "boolean",
            Self::Date => "date",
            Self::DateTime => "datetime",
            Self::Category => "category",
            Self::Text => "text",
            Self::Id => "id",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(name))
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Self::Integer | Self::Decimal)
    }

    pub fn is_textual(self) -> bool {
        matches!(self, Self::Category | Self::Text | Self::Id)
    }
}

impl std::fmt::Display for ColumnType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Strings stored back to back: one allocation for the whole column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StringColumn {
    offsets: Vec<u32>,
    bytes: String,
}

impl StringColumn {
    pub fn with_capacity(rows: usize, bytes: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        Self {
            offsets,
            bytes: String::with_capacity(bytes),
        }
    }

    /// Strings from their text back to back and `len + 1` offsets into it (the first 0, the last the
    /// text's length, never decreasing, each on a character boundary); the parts back when they do not
    /// fit that.
    pub fn from_parts(offsets: Vec<u32>, bytes: String) -> Result<Self, (Vec<u32>, String)> {
        let fits = offsets.first() == Some(&0)
            && offsets.last().map(|&end| end as usize) == Some(bytes.len())
            && offsets.windows(2).all(|w| w[0] <= w[1])
            && offsets.iter().all(|&o| bytes.is_char_boundary(o as usize));
        if fits {
            Ok(Self { offsets, bytes })
        } else {
            Err((offsets, bytes))
        }
    }

    pub fn push(&mut self, s: &str) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.bytes.push_str(s);
        self.offsets.push(self.bytes.len() as u32);
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> &str {
        &self.bytes[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    pub fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4 + self.bytes.capacity()
    }
}

/// A width a dictionary code is stored in: `u8`, `u16` or `u32`.
///
/// Hot loops over codes are written once, generic over `T: Code`, and called from a match on
/// [`Codes`] (see [`with_codes!`](crate::with_codes)), so that each width gets its own loop.
pub trait Code:
    Copy + Eq + Ord + Default + Into<u32> + std::fmt::Debug + Send + Sync + 'static
{
    /// The code as an index into the dictionary's values.
    fn index(self) -> usize;

    /// The code as a `u32`.
    fn to_u32(self) -> u32;

    /// `code` in this width; `None` when it does not fit.
    fn narrow(code: u32) -> Option<Self>;

    /// Codes of this width as [`Codes`].
    fn wrap(codes: Vec<Self>) -> Codes;
}

/// `Code` for the widths narrower than `u32`, whose conversions may fail.
macro_rules! narrow_code {
    ($($width:ty => $variant:ident),*) => {$(
        impl Code for $width {
            #[inline]
            fn to_u32(self) -> u32 {
                u32::from(self)
            }
            #[inline]
            fn index(self) -> usize {
                usize::from(self)
            }
            #[inline]
            fn narrow(code: u32) -> Option<Self> {
                <$width>::try_from(code).ok()
            }
            fn wrap(codes: Vec<Self>) -> Codes {
                Codes::$variant(codes)
            }
        }
    )*};
}

narrow_code!(u8 => U8, u16 => U16);

impl Code for u32 {
    #[inline]
    fn to_u32(self) -> u32 {
        self
    }
    #[inline]
    fn index(self) -> usize {
        self as usize
    }
    #[inline]
    fn narrow(code: u32) -> Option<Self> {
        Some(code)
    }
    fn wrap(codes: Vec<Self>) -> Codes {
        Codes::U32(codes)
    }
}

/// Applies `$body` to the codes of a [`Codes`] as a slice (or vector, for `&mut`) of whichever width
/// they have: the body is compiled once per width, so a loop in it runs without a per-row match.
#[macro_export]
macro_rules! with_codes {
    ($codes:expr, |$v:ident| $body:expr) => {
        match $codes {
            $crate::table::Codes::U8($v) => $body,
            $crate::table::Codes::U16($v) => $body,
            $crate::table::Codes::U32($v) => $body,
        }
    };
}

/// How many of `codes` there are of each code below `values`. Four tallies, one for every fourth row,
/// added up at the end: a column of few values repeats its code from row to row, and one tally would
/// wait at every row for the previous row's increment of the same counter to be stored.
fn count_codes<T: Code>(codes: &[T], values: usize) -> Vec<usize> {
    let mut tallies = vec![[0u32; 4]; values];
    let mut quads = codes.chunks_exact(4);
    for quad in quads.by_ref() {
        for (lane, &code) in quad.iter().enumerate() {
            if let Some(tally) = tallies.get_mut(code.index()) {
                tally[lane] += 1;
            }
        }
    }
    for &code in quads.remainder() {
        if let Some(tally) = tallies.get_mut(code.index()) {
            tally[0] += 1;
        }
    }
    tallies
        .iter()
        .map(|t| t.iter().map(|&n| n as usize).sum())
        .collect()
}

/// One dictionary code per row, each in the narrowest width the codes need: one byte for up to 256
/// distinct values, two for up to 65,536, four past that.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Codes {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl Default for Codes {
    fn default() -> Self {
        Self::U8(Vec::new())
    }
}

impl Codes {
    /// No codes yet, with room for `rows` codes in the width `values` distinct values need.
    pub fn with_capacity(values: usize, rows: usize) -> Self {
        if values <= 1 << 8 {
            Self::U8(Vec::with_capacity(rows))
        } else if values <= 1 << 16 {
            Self::U16(Vec::with_capacity(rows))
        } else {
            Self::U32(Vec::with_capacity(rows))
        }
    }

    /// Codes from `u32`s, each stored in the narrowest width that holds the largest.
    pub fn from_u32(codes: &[u32]) -> Self {
        let max = codes.iter().copied().max().unwrap_or(0);
        if u8::narrow(max).is_some() {
            Self::U8(codes.iter().map(|&c| c as u8).collect())
        } else if u16::narrow(max).is_some() {
            Self::U16(codes.iter().map(|&c| c as u16).collect())
        } else {
            Self::U32(codes.to_vec())
        }
    }

    /// How many rows have each code, for codes below `values` (larger ones are not counted).
    pub fn counts(&self, values: usize) -> Vec<usize> {
        with_codes!(self, |v| count_codes(v, values))
    }

    /// Bytes per code: 1, 2 or 4.
    pub fn width(&self) -> usize {
        match self {
            Self::U8(_) => 1,
            Self::U16(_) => 2,
            Self::U32(_) => 4,
        }
    }

    pub fn len(&self) -> usize {
        with_codes!(self, |v| v.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The code of `row`.
    #[inline]
    pub fn get(&self, row: usize) -> u32 {
        with_codes!(self, |v| v[row].to_u32())
    }

    /// Appends a code, widening every code stored so far when it does not fit their width.
    #[inline]
    pub fn push(&mut self, code: u32) {
        match self {
            Self::U8(v) => match u8::narrow(code) {
                Some(c) => v.push(c),
                None => self.widen_and_push(code),
            },
            Self::U16(v) => match u16::narrow(code) {
                Some(c) => v.push(c),
                None => self.widen_and_push(code),
            },
            Self::U32(v) => v.push(code),
        }
    }

    #[cold]
    fn widen_and_push(&mut self, code: u32) {
        let rows = self.len();
        let room = with_codes!(&*self, |v| v.capacity()).max(rows + 1);
        let mut wide = if u16::narrow(code).is_some() {
            Self::U16(Vec::with_capacity(room))
        } else {
            Self::U32(Vec::with_capacity(room))
        };
        match (&mut wide, &*self) {
            (Self::U16(w), Self::U8(v)) => w.extend(v.iter().map(|&c| u16::from(c))),
            (Self::U32(w), Self::U8(v)) => w.extend(v.iter().map(|&c| u32::from(c))),
            (Self::U32(w), Self::U16(v)) => w.extend(v.iter().map(|&c| u32::from(c))),
            _ => {}
        }
        *self = wide;
        self.push(code);
    }

    /// Every code in row order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = u32> + '_ {
        (0..self.len()).map(move |row| self.get(row))
    }

    /// The codes as `u32`s.
    pub fn to_u32(&self) -> Vec<u32> {
        with_codes!(self, |v| v.iter().map(|&c| c.to_u32()).collect())
    }

    /// The codes of the rows `pick` yields (`None`: code 0, for a row to be marked missing), in the same
    /// width.
    #[must_use]
    pub fn gather(&self, rows: usize, mut pick: impl FnMut(usize) -> Option<usize>) -> Self {
        with_codes!(self, |v| Code::wrap(
            (0..rows)
                .map(|i| pick(i).map_or(Default::default(), |r| v[r]))
                .collect()
        ))
    }

    /// Gives back room reserved beyond the codes held.
    pub fn shrink_to_fit(&mut self) {
        with_codes!(self, |v| v.shrink_to_fit());
    }

    pub fn heap_bytes(&self) -> usize {
        with_codes!(self, |v| v.capacity()) * self.width()
    }
}

impl From<Vec<u8>> for Codes {
    fn from(codes: Vec<u8>) -> Self {
        Self::U8(codes)
    }
}

impl From<Vec<u16>> for Codes {
    fn from(codes: Vec<u16>) -> Self {
        Self::U16(codes)
    }
}

/// Codes in the narrowest width that holds the largest (widened as larger ones come).
impl FromIterator<u32> for Codes {
    fn from_iter<I: IntoIterator<Item = u32>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut codes = Self::U8(Vec::with_capacity(iter.size_hint().0));
        for code in iter {
            codes.push(code);
        }
        codes
    }
}

/// Narrows the codes to the width their largest needs.
impl From<Vec<u32>> for Codes {
    fn from(codes: Vec<u32>) -> Self {
        if codes.iter().any(|&c| u16::narrow(c).is_none()) {
            Self::U32(codes)
        } else {
            Self::from_u32(&codes)
        }
    }
}

/// Dictionary-encoded strings: each row holds a code into `values`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dictionary {
    /// Distinct values, in order of first appearance.
    pub values: StringColumn,
    /// One code per row; the code of a missing row is 0 and must not be read.
    pub codes: Codes,
}

impl Dictionary {
    /// A dictionary of `values` and a code per row (narrowed to the width the codes need).
    pub fn new(values: StringColumn, codes: impl Into<Codes>) -> Self {
        Self {
            values,
            codes: codes.into(),
        }
    }

    pub fn get(&self, row: usize) -> &str {
        self.values.get(self.codes.get(row) as usize)
    }

    /// The code of `value`, if it occurs in the column.
    pub fn code_of(&self, value: &str) -> Option<u32> {
        self.values
            .iter()
            .position(|v| v == value)
            .map(|p| p as u32)
    }
}

/// The storage of one column. Dates are days since 1970-01-01; date-times are seconds since the epoch, UTC.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnData {
    Integer(Vec<i64>),
    Decimal(Vec<f64>),
    Boolean(Bitset),
    Date(Vec<i32>),
    DateTime(Vec<i64>),
    /// Category and Id columns with repeated values.
    Dictionary(Dictionary),
    /// Text and Id columns whose values are mostly distinct.
    Strings(StringColumn),
}

/// One cell, borrowed from its column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Integer(i64),
    Decimal(f64),
    Boolean(bool),
    Date(i32),
    DateTime(i64),
    Str(&'a str),
}

impl Value<'_> {
    /// The value as a number, for numeric comparisons across Integer and Decimal columns.
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Value::Integer(v) => Some(v as f64),
            Value::Decimal(v) => Some(v),
            _ => None,
        }
    }
}

/// A named, typed column.
///
/// The values are shared between clones: the joined dataset holds the population file's columns without
/// copying them, so a loaded file costs its memory once.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    name: String,
    ty: ColumnType,
    data: Arc<ColumnData>,
    valid: Bitset,
    keys: Arc<KeyFacts>,
}

/// What the join learns about a column as a key, kept with the column (which never changes once built)
/// and shared by its clones: proposing a join and building it then hash and sort a million keys once,
/// not once each.
#[derive(Debug, Default)]
pub(crate) struct KeyFacts {
    /// Per case sensitivity (exact, case-folded): `Some(rows without a key)` when every key is distinct.
    pub(crate) distinct: [OnceLock<Option<usize>>; 2],
}

impl PartialEq for KeyFacts {
    /// Facts are derived from the column's values: two columns are equal whatever either has learnt.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Column {
    /// Builds a column; the type must fit the storage (e.g. `Category` over `Dictionary`).
    pub fn new(name: impl Into<String>, ty: ColumnType, data: ColumnData, valid: Bitset) -> Self {
        let column = Self {
            name: name.into(),
            ty,
            data: Arc::new(data),
            valid,
            keys: Arc::default(),
        };
        debug_assert_eq!(
            column.data_len(),
            column.valid.len(),
            "column {} length mismatch",
            column.name
        );
        debug_assert!(
            column.type_fits_storage(),
            "column {}: {ty} over the wrong storage",
            column.name
        );
        column
    }

    /// A whole-number column from optional values (`None` is missing).
    pub fn integers(name: impl Into<String>, values: &[Option<i64>]) -> Self {
        let data = values.iter().map(|v| v.unwrap_or(0)).collect();
        Self::new(
            name,
            ColumnType::Integer,
            ColumnData::Integer(data),
            validity(values),
        )
    }

    /// A decimal column from optional values.
    pub fn decimals(name: impl Into<String>, values: &[Option<f64>]) -> Self {
        let data = values.iter().map(|v| v.unwrap_or(0.0)).collect();
        Self::new(
            name,
            ColumnType::Decimal,
            ColumnData::Decimal(data),
            validity(values),
        )
    }

    /// A yes/no column from optional values.
    pub fn booleans(name: impl Into<String>, values: &[Option<bool>]) -> Self {
        let bits = Bitset::from_fn(values.len(), |i| values[i] == Some(true));
        Self::new(
            name,
            ColumnType::Boolean,
            ColumnData::Boolean(bits),
            validity(values),
        )
    }

    /// A dictionary-encoded text column of type `ty` (Category, Text or Id), codes in order of first
    /// appearance.
    pub fn dictionary(name: impl Into<String>, ty: ColumnType, values: &[Option<&str>]) -> Self {
        let mut dict = Dictionary::default();
        let mut codes: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
        for v in values {
            let code = match v {
                None => 0,
                Some(s) => *codes.entry(s).or_insert_with(|| {
                    dict.values.push(s);
                    (dict.values.len() - 1) as u32
                }),
            };
            dict.codes.push(code);
        }
        Self::new(name, ty, ColumnData::Dictionary(dict), validity(values))
    }

    /// A text column of type `ty` stored as plain strings.
    pub fn strings(name: impl Into<String>, ty: ColumnType, values: &[Option<&str>]) -> Self {
        let mut strings = StringColumn::with_capacity(values.len(), 0);
        for v in values {
            strings.push(v.unwrap_or(""));
        }
        Self::new(name, ty, ColumnData::Strings(strings), validity(values))
    }

    fn type_fits_storage(&self) -> bool {
        matches!(
            (self.ty, self.data()),
            (ColumnType::Integer, ColumnData::Integer(_))
                | (ColumnType::Decimal, ColumnData::Decimal(_))
                | (ColumnType::Boolean, ColumnData::Boolean(_))
                | (ColumnType::Date, ColumnData::Date(_))
                | (ColumnType::DateTime, ColumnData::DateTime(_))
                | (
                    ColumnType::Category | ColumnType::Text | ColumnType::Id,
                    ColumnData::Dictionary(_) | ColumnData::Strings(_)
                )
        )
    }

    fn data_len(&self) -> usize {
        match self.data() {
            ColumnData::Integer(v) | ColumnData::DateTime(v) => v.len(),
            ColumnData::Decimal(v) => v.len(),
            ColumnData::Boolean(v) => v.len(),
            ColumnData::Date(v) => v.len(),
            ColumnData::Dictionary(d) => d.codes.len(),
            ColumnData::Strings(s) => s.len(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn ty(&self) -> ColumnType {
        self.ty
    }

    pub fn data(&self) -> &ColumnData {
        &self.data
    }

    /// What the join has learnt about this column as a key.
    pub(crate) fn key_facts(&self) -> &KeyFacts {
        &self.keys
    }

    /// Rows holding a value (not missing).
    pub fn valid(&self) -> &Bitset {
        &self.valid
    }

    pub fn len(&self) -> usize {
        self.valid.len()
    }

    pub fn is_empty(&self) -> bool {
        self.valid.is_empty()
    }

    pub fn missing(&self) -> usize {
        self.len() - self.valid.count()
    }

    /// The cell at `row`; `Value::Null` when missing.
    pub fn value(&self, row: usize) -> Value<'_> {
        if !self.valid.get(row) {
            return Value::Null;
        }
        match self.data() {
            ColumnData::Integer(v) => Value::Integer(v[row]),
            ColumnData::Decimal(v) => Value::Decimal(v[row]),
            ColumnData::Boolean(v) => Value::Boolean(v.get(row)),
            ColumnData::Date(v) => Value::Date(v[row]),
            ColumnData::DateTime(v) => Value::DateTime(v[row]),
            ColumnData::Dictionary(d) => Value::Str(d.get(row)),
            ColumnData::Strings(s) => Value::Str(s.get(row)),
        }
    }

    /// Bytes held on the heap, for the memory budget.
    pub fn heap_bytes(&self) -> usize {
        let data = match self.data() {
            ColumnData::Integer(v) | ColumnData::DateTime(v) => v.capacity() * 8,
            ColumnData::Decimal(v) => v.capacity() * 8,
            ColumnData::Boolean(v) => v.words().len() * 8,
            ColumnData::Date(v) => v.capacity() * 4,
            ColumnData::Dictionary(d) => d.codes.heap_bytes() + d.values.heap_bytes(),
            ColumnData::Strings(s) => s.heap_bytes(),
        };
        data + self.valid.words().len() * 8 + self.name.capacity()
    }
}

fn validity<T>(values: &[Option<T>]) -> Bitset {
    Bitset::from_fn(values.len(), |i| values[i].is_some())
}

/// A table: equally long columns with unique names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    rows: usize,
    columns: Vec<Column>,
}

/// Why a table could not be assembled from columns.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TableError {
    #[error("column `{name}` has {found} rows, but the table has {expected}")]
    Length {
        name: String,
        expected: usize,
        found: usize,
    },
    #[error("two columns are named `{0}`")]
    DuplicateName(String),
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Result<Self, TableError> {
        let rows = columns.first().map_or(0, Column::len);
        for (i, column) in columns.iter().enumerate() {
            if column.len() != rows {
                return Err(TableError::Length {
                    name: column.name.clone(),
                    expected: rows,
                    found: column.len(),
                });
            }
            if columns[..i].iter().any(|c| c.name == column.name) {
                return Err(TableError::DuplicateName(column.name.clone()));
            }
        }
        Ok(Self { rows, columns })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column with exactly this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column with this name, ignoring ASCII case when no exact match exists.
    pub fn column_loose(&self, name: &str) -> Option<&Column> {
        self.column(name).or_else(|| {
            self.columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(name))
        })
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Replaces a column (same name, same length), e.g. after a type override.
    pub fn replace_column(&mut self, index: usize, column: Column) -> Result<(), TableError> {
        if column.len() != self.rows {
            return Err(TableError::Length {
                found: column.len(),
                name: column.name,
                expected: self.rows,
            });
        }
        self.columns[index] = column;
        Ok(())
    }

    /// Adds a column (e.g. a per-user measure derived from events).
    pub fn push_column(&mut self, column: Column) -> Result<(), TableError> {
        if self.columns.is_empty() && self.rows == 0 {
            self.rows = column.len();
        }
        if column.len() != self.rows {
            return Err(TableError::Length {
                found: column.len(),
                name: column.name,
                expected: self.rows,
            });
        }
        if self.column(&column.name).is_some() {
            return Err(TableError::DuplicateName(column.name));
        }
        self.columns.push(column);
        Ok(())
    }

    /// Removes and returns the column with exactly this name (e.g. a model output whose model was
    /// cleared); the row count stays.
    pub fn remove_column(&mut self, name: &str) -> Option<Column> {
        let index = self.column_index(name)?;
        Some(self.columns.remove(index))
    }

    pub fn heap_bytes(&self) -> usize {
        self.columns.iter().map(Column::heap_bytes).sum()
    }
}
