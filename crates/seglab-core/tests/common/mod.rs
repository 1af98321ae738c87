//! Builders for small tables in the comparison tests.
#![allow(dead_code)]

use seglab_core::Bitset;
use seglab_core::table::{Column, ColumnData, ColumnType};

fn valid<T>(values: &[Option<T>]) -> Bitset {
    Bitset::from_fn(values.len(), |i| values[i].is_some())
}

pub fn int(name: &str, values: &[Option<i64>]) -> Column {
    Column::integers(name, values)
}

pub fn dec(name: &str, values: &[Option<f64>]) -> Column {
    Column::decimals(name, values)
}

pub fn boolean(name: &str, values: &[Option<bool>]) -> Column {
    Column::booleans(name, values)
}

pub fn category(name: &str, ty: ColumnType, values: &[Option<&str>]) -> Column {
    Column::dictionary(name, ty, values)
}

pub fn text(name: &str, values: &[Option<&str>]) -> Column {
    Column::strings(name, ColumnType::Text, values)
}

/// Days since 1970-01-01 of `YYYY-MM-DD`.
pub fn days(date: &str) -> i32 {
    let parts: Vec<i64> = date
        .split('-')
        .map(|p| p.parse().expect("test dates are YYYY-MM-DD"))
        .collect();
    let (y, m, d) = (parts[0], parts[1], parts[2]);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) as i32
}

pub fn date(name: &str, values: &[Option<&str>]) -> Column {
    let data = values.iter().map(|v| v.map_or(0, days)).collect();
    Column::new(
        name,
        ColumnType::Date,
        ColumnData::Date(data),
        valid(values),
    )
}

/// A set from a pattern of `x` (member) and `.` (not).
pub fn members(pattern: &str) -> Bitset {
    let bytes: Vec<u8> = pattern
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    Bitset::from_fn(bytes.len(), |i| bytes[i] == b'x')
}

/// splitmix64, for generated tables.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}
