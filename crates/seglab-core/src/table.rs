//! The columnar table: typed vectors, dictionary-encoded strings and validity bitmaps.
//!
//! Every file the user drops becomes one `Table`. Columns are stored by type so that segment evaluation
//! and statistics run over plain slices; a missing cell is a cleared bit in `valid`, and the slot in the
//! value vector holds a neutral value (0, 0.0, empty) that is never read as data.

use crate::bitset::Bitset;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

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

/// Dictionary-encoded strings: each row holds a code into `values`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dictionary {
    /// Distinct values, in order of first appearance.
    pub values: StringColumn,
    /// One code per row; the code of a missing row is 0 and must not be read.
    pub codes: Vec<u32>,
}

impl Dictionary {
    pub fn get(&self, row: usize) -> &str {
        self.values.get(self.codes[row] as usize)
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
}

impl Column {
    /// Builds a column; the type must fit the storage (e.g. `Category` over `Dictionary`).
    pub fn new(name: impl Into<String>, ty: ColumnType, data: ColumnData, valid: Bitset) -> Self {
        let column = Self {
            name: name.into(),
            ty,
            data: Arc::new(data),
            valid,
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
            ColumnData::Dictionary(d) => d.codes.capacity() * 4 + d.values.heap_bytes(),
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
