//! Fuzzes the segment parser: no input panics or hangs; whatever parses prints to canonical text that
//! parses back to the same definition; binding and both evaluators agree on a small dataset.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seglab_core::segment::{self, SegmentSet};
use seglab_core::{Bitset, Column, ColumnData, ColumnType, Dataset, Dictionary, EventLog, Table};
use std::sync::OnceLock;

fn dataset() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| {
        let n = 6;
        let mut plan = Dictionary::default();
        for v in ["trial", "pro", "Trial"] {
            plan.values.push(v);
        }
        plan.codes = vec![0, 1, 2, 0, 1, 0];
        let columns = vec![
            Column::new(
                "seats",
                ColumnType::Integer,
                ColumnData::Integer(vec![1, 5, 10, 0, 3, 7]),
                Bitset::from_fn(n, |i| i != 3),
            ),
            Column::new(
                "plan",
                ColumnType::Category,
                ColumnData::Dictionary(plan),
                Bitset::from_fn(n, |i| i != 4),
            ),
            Column::new(
                "converted",
                ColumnType::Boolean,
                ColumnData::Boolean(Bitset::from_fn(n, |i| i % 2 == 0)),
                Bitset::full(n),
            ),
            Column::new(
                "signup_date",
                ColumnType::Date,
                ColumnData::Date(vec![20_000, 20_100, 20_200, 20_260, 20_269, 0]),
                Bitset::from_fn(n, |i| i != 5),
            ),
        ];
        let events = EventLog {
            offsets: vec![0, 2, 3, 3, 5, 5, 6],
            times: vec![
                1_750_000_000,
                1_750_100_000,
                1_751_000_000,
                1_740_000_000,
                1_740_000_100,
                1_751_200_000,
            ],
            events: vec![0, 1, 0, 1, 0, 1],
            names: vec!["Login".to_owned(), "Export".to_owned()],
            properties: vec![Column::new(
                "amount",
                ColumnType::Integer,
                ColumnData::Integer(vec![1, 2, 3, 4, 5, 6]),
                Bitset::full(6),
            )],
            unmatched: 0,
        };
        Dataset {
            population: Table::new(columns).expect("columns of equal length"),
            key: None,
            events: Some(events),
            linked: Vec::new(),
            as_of: Some(1_751_241_600),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(expr) = segment::parse(text) else {
        return;
    };
    let printed = expr.to_string();
    let reparsed = segment::parse(&printed).expect("canonical text parses");
    assert_eq!(
        reparsed, expr,
        "canonical text {printed:?} means something else"
    );
    assert_eq!(reparsed.to_string(), printed, "printing is not canonical");
    let mut segments = SegmentSet::new();
    segments.insert("S", "seats > 2");
    let fast = segment::evaluate(&expr, dataset(), &segments);
    let naive = segment::reference::evaluate(&expr, dataset(), &segments);
    assert_eq!(fast, naive, "evaluators disagree on {printed:?}");
});
