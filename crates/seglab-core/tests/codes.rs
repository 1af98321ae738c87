//! Dictionary codes in the narrowest width, through the public API: files whose text column has 255,
//! 256, 257, 65,535, 65,536 and 65,537 distinct values are read, every cell read back, and segments on
//! the column checked against the reference evaluator and against the rows written; `Codes` built,
//! widened, narrowed and gathered directly.

use seglab_core::ingest::{ReadOptions, read_csv};
use seglab_core::segment::{self, SegmentSet};
use seglab_core::table::Codes;
use seglab_core::{ColumnData, ColumnType, Dataset, Value};
use std::fmt::Write as _;

/// A segment definition and which cells it selects.
type Case<'a> = (String, Box<dyn Fn(Option<&str>) -> bool + 'a>);

/// The value row `row` holds in a column of `distinct` values: `None` for a missing cell.
fn cell(row: usize, distinct: usize) -> Option<String> {
    (row % 11 != 10).then(|| format!("v{}", row % distinct))
}

/// Reads a file whose column `v` has `distinct` values (every 11th row empty; every 7th written with
/// spaces around it, which reading trims, so that the raw cells have more distinct values than the
/// column) and checks the codes' width, every cell, and segments selecting by value.
fn check(distinct: usize, width: usize) {
    let rows = distinct * 11 / 5 + 30;
    let mut text = String::from("id,v\n");
    for row in 0..rows {
        let v = cell(row, distinct).unwrap_or_default();
        if row % 7 == 3 && !v.is_empty() {
            writeln!(text, "{row}, {v} ").unwrap_or_default();
        } else {
            writeln!(text, "{row},{v}").unwrap_or_default();
        }
    }
    let options = ReadOptions {
        type_overrides: vec![("v".to_owned(), ColumnType::Category)],
        ..ReadOptions::default()
    };
    let loaded = read_csv("codes.csv", text.as_bytes(), &options)
        .unwrap_or_else(|e| panic!("{distinct} values: {e}"));
    let column = loaded
        .table
        .column("v")
        .unwrap_or_else(|| panic!("{distinct} values: no column v"));
    let ColumnData::Dictionary(dict) = column.data() else {
        panic!("{distinct} values: not a dictionary: {:?}", column.ty());
    };
    assert_eq!(dict.values.len(), distinct, "{distinct} values: distinct");
    assert_eq!(dict.codes.len(), rows, "{distinct} values: rows");
    assert_eq!(dict.codes.width(), width, "{distinct} values: width");
    assert_eq!(
        dict.codes.heap_bytes(),
        rows * width,
        "{distinct} values: bytes"
    );
    for row in 0..rows {
        let expected = cell(row, distinct);
        let found = match column.value(row) {
            Value::Str(s) => Some(s.to_owned()),
            Value::Null => None,
            other => panic!("{distinct} values: row {row} holds {other:?}"),
        };
        assert_eq!(found, expected, "{distinct} values: row {row}");
    }

    // One value, a few, and their negations, for the first and the last code (the widest).
    let last = format!("v{}", distinct - 1);
    let data = Dataset::from_table(loaded.table.clone());
    let set = SegmentSet::new();
    let cases: [Case<'_>; 4] = [
        (
            format!("v = \"{last}\""),
            Box::new(|v| v == Some(last.as_str())),
        ),
        (
            format!("v != \"{last}\""),
            Box::new(|v| v.is_some_and(|v| v != last)),
        ),
        (
            format!("v in (\"v0\", \"{last}\", \"absent\")"),
            Box::new(|v| v == Some("v0") || v == Some(last.as_str())),
        ),
        (
            format!("v not in (\"v0\", \"{last}\")"),
            Box::new(|v| v.is_some_and(|v| v != "v0" && v != last)),
        ),
    ];
    for (definition, selects) in &cases {
        let expr = segment::parse(definition).unwrap_or_else(|e| panic!("{definition}: {e:?}"));
        let members = segment::evaluate(&expr, &data, &set)
            .unwrap_or_else(|e| panic!("{distinct} values, {definition}: {e:?}"));
        let reference = segment::reference::evaluate(&expr, &data, &set)
            .unwrap_or_else(|e| panic!("{distinct} values, {definition}: {e:?}"));
        assert_eq!(members, reference, "{distinct} values, {definition}");
        let expected: Vec<usize> = (0..rows)
            .filter(|&row| selects(cell(row, distinct).as_deref()))
            .collect();
        let found: Vec<usize> = members.iter().collect();
        assert_eq!(found, expected, "{distinct} values, {definition}");
    }
}

#[test]
fn codes_take_one_byte_up_to_256_values_two_up_to_65536_then_four() {
    for (distinct, width) in [
        (255, 1),
        (256, 1),
        (257, 2),
        (65_535, 2),
        (65_536, 2),
        (65_537, 4),
    ] {
        check(distinct, width);
    }
}

#[test]
fn codes_widen_as_they_grow_and_narrow_when_built_from_u32() {
    // (codes, width): pushed one by one, collected, and converted from a `Vec<u32>`.
    let cases: Vec<(Vec<u32>, usize)> = vec![
        (vec![], 1),
        (vec![0, 1, 255], 1),
        (vec![0, 255, 256, 3], 2),
        (vec![7, 65_535], 2),
        (vec![1, 65_536, 2], 4),
        (vec![u32::MAX, 0], 4),
    ];
    for (codes, width) in cases {
        let mut pushed = Codes::default();
        for &c in &codes {
            pushed.push(c);
        }
        let collected: Codes = codes.iter().copied().collect();
        let converted = Codes::from(codes.clone());
        for built in [&pushed, &collected, &converted] {
            assert_eq!(built.width(), width, "{codes:?}");
            assert_eq!(built.len(), codes.len(), "{codes:?}");
            assert_eq!(built.iter().collect::<Vec<u32>>(), codes, "{codes:?}");
            assert_eq!(built.to_u32(), codes, "{codes:?}");
            for (row, &c) in codes.iter().enumerate() {
                assert_eq!(built.get(row), c, "{codes:?} row {row}");
            }
        }
        // Gathering keeps the width; a row without a source gets code 0.
        let picked = converted.gather(codes.len() + 1, |i| {
            (i < codes.len()).then(|| codes.len() - 1 - i)
        });
        assert_eq!(picked.width(), width, "{codes:?}");
        let mut expected: Vec<u32> = codes.iter().rev().copied().collect();
        expected.push(0);
        assert_eq!(picked.to_u32(), expected, "{codes:?}");
    }
}

#[test]
fn counts_are_the_rows_of_each_code_in_every_width() {
    let mut state = 7u64;
    for (values, rows) in [
        (3, 0),
        (3, 1),
        (5, 7),
        (256, 1001),
        (300, 4099),
        (70_000, 10_003),
    ] {
        let raw: Vec<u32> = (0..rows)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                // Some codes past `values`, which are not counted.
                ((state >> 40) as u32 % (values as u32 + 2)).min(values as u32 + 1)
            })
            .collect();
        let codes = Codes::from_u32(&raw);
        let mut expected = vec![0usize; values];
        for &c in &raw {
            if let Some(n) = expected.get_mut(c as usize) {
                *n += 1;
            }
        }
        assert_eq!(
            codes.counts(values),
            expected,
            "{values} values, {rows} rows"
        );
    }
}
