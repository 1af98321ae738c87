//! Invariants of the comparison on generated tables and segments: no panic and no NaN whatever the
//! data, and the overlap counts agree with a row-by-row count.

mod common;

use common::{boolean, category, date, dec, int};
use proptest::prelude::*;
use seglab_core::Bitset;
use seglab_core::compare::{self, CompareOptions, Group};
use seglab_core::table::{ColumnType, Table};

fn sets(rows: usize) -> impl Strategy<Value = Vec<Vec<bool>>> {
    prop::collection::vec(prop::collection::vec(prop::bool::weighted(0.3), rows), 1..5)
}

fn groups(bitsets: &[Bitset]) -> Vec<Group<'_>> {
    bitsets
        .iter()
        .enumerate()
        .map(|(i, b)| Group {
            name: format!("S{i}"),
            color: String::new(),
            members: b,
        })
        .collect()
}

/// A small table whose cells are often missing, often equal, sometimes extreme.
/// One row: a whole number, a decimal, a yes/no and a category code, each possibly missing.
type Row = (Option<i64>, Option<f64>, Option<bool>, Option<u8>);

fn table(cells: &[Row]) -> Table {
    let ints: Vec<Option<i64>> = cells.iter().map(|c| c.0).collect();
    let decs: Vec<Option<f64>> = cells.iter().map(|c| c.1).collect();
    let bools: Vec<Option<bool>> = cells.iter().map(|c| c.2).collect();
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
    let cats: Vec<Option<&str>> = cells
        .iter()
        .map(|c| c.3.map(|v| names[v as usize % names.len()]))
        .collect();
    let dates: Vec<Option<&str>> = cells
        .iter()
        .map(|c| {
            c.3.map(|v| ["2024-01-31", "2024-02-29", "1999-12-31", "2031-07-04"][v as usize % 4])
        })
        .collect();
    Table::new(vec![
        int("i", &ints),
        dec("x", &decs),
        boolean("b", &bools),
        category("c", ColumnType::Category, &cats),
        date("d", &dates),
    ])
    .expect("equal lengths")
}

fn cell() -> impl Strategy<Value = Row> {
    (
        prop::option::weighted(
            0.8,
            prop_oneof![Just(0i64), Just(7), -1_000i64..1_000, Just(i64::MAX / 2)],
        ),
        prop::option::weighted(
            0.8,
            prop_oneof![Just(1.5f64), -1e9f64..1e9, Just(1e300), Just(-0.0)],
        ),
        prop::option::weighted(0.7, any::<bool>()),
        prop::option::weighted(0.8, 0u8..12),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn comparison_never_panics_or_yields_nan(
        cells in prop::collection::vec(cell(), 0..60),
        masks in sets(60),
        rest in any::<bool>(),
        baseline in 0usize..5,
    ) {
        let rows = cells.len();
        let t = table(&cells);
        let bitsets: Vec<Bitset> = masks.iter().map(|m| Bitset::from_fn(rows, |i| m[i])).collect();
        let gs = groups(&bitsets);
        let count = gs.len() + usize::from(rest);
        let options = CompareOptions { baseline: baseline % count, include_rest: rest, max_categories: 3, histogram_bins: 6 };
        let c = compare::compare(&t, &gs, &options).expect("valid request");
        let debug = format!("{c:?}");
        prop_assert!(!debug.contains("NaN") && !debug.contains("inf"), "{}", debug);
        for f in &c.findings {
            prop_assert!(!f.sentence.is_empty());
            prop_assert_eq!(f.p_value.is_some(), f.not_tested.is_none());
        }
    }

    #[test]
    fn overlap_agrees_with_counting_rows(masks in sets(200)) {
        let bitsets: Vec<Bitset> = masks.iter().map(|m| Bitset::from_fn(200, |i| m[i])).collect();
        let o = compare::overlap(&groups(&bitsets)).expect("same lengths");
        let k = masks.len();
        let mut by_pattern = vec![0usize; 1 << k];
        #[allow(clippy::needless_range_loop)] // rows across all masks at once
        for row in 0..200 {
            let pattern = (0..k).filter(|&g| masks[g][row]).fold(0, |p, g| p | 1 << g);
            by_pattern[pattern] += 1;
        }
        prop_assert_eq!(o.in_none, by_pattern[0]);
        for i in &o.intersections {
            prop_assert_eq!(i.count, by_pattern[i.pattern as usize]);
        }
        prop_assert_eq!(o.intersections.len(), by_pattern.iter().skip(1).filter(|&&c| c > 0).count());
        for a in 0..k {
            for b in 0..k {
                let both = (0..200).filter(|&r| masks[a][r] && masks[b][r]).count();
                prop_assert_eq!(o.pairwise[a][b], both);
            }
        }
    }
}
