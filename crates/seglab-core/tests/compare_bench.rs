//! Timing of the comparison over a million users (ignored by default; run it in release):
//! `cargo test --release -p seglab-core --test compare_bench -- --ignored --nocapture`.
//! It prints the figures and asserts nothing about speed.

mod common;

use common::Rng;
use seglab_core::Bitset;
use seglab_core::compare::{self, CompareOptions, Group};
use seglab_core::table::{Column, ColumnData, ColumnType, Dictionary, Table};
use std::time::{Duration, Instant};

const ROWS: usize = 1_000_000;

fn table() -> Table {
    let mut rng = Rng(42);
    let amount: Vec<f64> = (0..ROWS).map(|_| 100.0 + 15.0 * rng.normal()).collect();
    let skewed: Vec<f64> = (0..ROWS)
        .map(|_| (rng.normal() * 1.2).exp() * 50.0)
        .collect();
    let mut dict = Dictionary::default();
    for v in 0..1000 {
        dict.values.push(&format!("value-{v:04}"));
    }
    dict.codes = (0..ROWS)
        .map(|_| (rng.uniform().powi(2) * 1000.0) as u32)
        .collect();
    let all = Bitset::full(ROWS);
    Table::new(vec![
        Column::new(
            "amount",
            ColumnType::Decimal,
            ColumnData::Decimal(amount),
            all.clone(),
        ),
        Column::new(
            "category",
            ColumnType::Category,
            ColumnData::Dictionary(dict),
            all.clone(),
        ),
        Column::new(
            "skewed",
            ColumnType::Decimal,
            ColumnData::Decimal(skewed),
            all,
        ),
    ])
    .expect("equal lengths")
}

/// The best of a few runs, to keep scheduling noise out of the figure.
fn best(mut f: impl FnMut()) -> Duration {
    (0..40)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

#[test]
#[ignore = "timing; run in release with --ignored --nocapture"]
fn two_segments_over_a_million_users() {
    let full = table();
    let mut rng = Rng(7);
    let draws: Vec<f64> = (0..ROWS).map(|_| rng.uniform()).collect();
    let a = Bitset::from_fn(ROWS, |i| draws[i] < 0.3);
    let b = Bitset::from_fn(ROWS, |i| draws[i] >= 0.5);
    let groups = [
        Group {
            name: "A".into(),
            color: String::new(),
            members: &a,
        },
        Group {
            name: "B".into(),
            color: String::new(),
            members: &b,
        },
    ];
    let options = CompareOptions {
        baseline: 1,
        include_rest: false,
        max_categories: 10,
        histogram_bins: 20,
    };
    let only = |names: &[&str]| {
        Table::new(
            names
                .iter()
                .filter_map(|n| full.column(n).cloned())
                .collect(),
        )
        .expect("subset of columns")
    };
    let numeric = only(&["amount"]);
    let categorical = only(&["category"]);
    let skewed = only(&["skewed"]);
    let t_numeric = best(|| {
        compare::compare(&numeric, &groups, &options).expect("valid");
    });
    let t_breakdown = best(|| {
        compare::breakdown(&full, &groups, "category").expect("valid");
    });
    let t_categorical = best(|| {
        compare::compare(&categorical, &groups, &options).expect("valid");
    });
    let t_skewed = best(|| {
        compare::compare(&skewed, &groups, &options).expect("valid");
    });
    let t_all = best(|| {
        compare::compare(&full, &groups, &options).expect("valid");
    });
    eprintln!("1M users, segments of 300k and 500k:");
    eprintln!("  numeric column (n, mean + CI, sd, quantiles, histogram, Welch): {t_numeric:?}");
    eprintln!(
        "  breakdown by a 1,000-value column (counts, Wilson CIs):           {t_breakdown:?}"
    );
    eprintln!(
        "  = required figures together:                                    {:?}",
        t_numeric + t_breakdown
    );
    eprintln!(
        "  categorical column compared (top 10 + other, chi-square, tests):  {t_categorical:?}"
    );
    eprintln!("  skewed numeric column (Mann-Whitney, sorts both groups):          {t_skewed:?}");
    eprintln!("  whole comparison of all three columns:                            {t_all:?}");
}
