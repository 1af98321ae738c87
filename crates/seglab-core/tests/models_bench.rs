//! Timing of discovery and clustering on a million users and 30 columns; run with
//! `cargo test -p seglab-core --release --test models_bench -- --ignored --nocapture`.

use seglab_core::models::{self, ClusterOptions, DiscoverOptions, Target};
use seglab_core::table::{Column, ColumnData, ColumnType, Dictionary, Table};
use seglab_core::{Bitset, Dataset};
use std::time::Instant;

struct Lcg(u64);

impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn synthetic(users: usize) -> Dataset {
    let mut rng = Lcg(1);
    let mut columns = Vec::new();
    let mut signal = vec![0.0; users];
    for c in 0..20 {
        let values: Vec<f64> = (0..users).map(|_| (rng.unit() * 1000.0).floor()).collect();
        if c < 3 {
            for (s, v) in signal.iter_mut().zip(&values) {
                *s += v / 1000.0;
            }
        }
        let valid = Bitset::from_fn(users, |i| i % 50 != c);
        columns.push(Column::new(
            format!("n{c}"),
            ColumnType::Decimal,
            ColumnData::Decimal(values),
            valid,
        ));
    }
    for c in 0..5 {
        let mut dict = Dictionary::default();
        for v in 0..12 {
            dict.values.push(&format!("value {v}"));
        }
        dict.codes = (0..users).map(|_| (rng.unit() * 12.0) as u32).collect();
        columns.push(Column::new(
            format!("c{c}"),
            ColumnType::Category,
            ColumnData::Dictionary(dict),
            Bitset::full(users),
        ));
    }
    for c in 0..5 {
        let data = Bitset::from_fn(users, |_| rng.unit() < 0.3);
        columns.push(Column::new(
            format!("b{c}"),
            ColumnType::Boolean,
            ColumnData::Boolean(data),
            Bitset::full(users),
        ));
    }
    let target = Bitset::from_fn(users, |i| rng.unit() < signal[i] / 3.0);
    columns.push(Column::new(
        "target",
        ColumnType::Boolean,
        ColumnData::Boolean(target),
        Bitset::full(users),
    ));
    Dataset::from_table(Table::new(columns).expect("one length"))
}

#[test]
#[ignore = "a benchmark: prints timings"]
fn discovery_and_clustering_on_a_million_users() {
    let data = synthetic(1_000_000);
    let target = Target {
        column: "target".into(),
        threshold: None,
    };
    let start = Instant::now();
    let found =
        models::discover(&data, &target, &DiscoverOptions::default(), &mut |_| true).expect("runs");
    println!(
        "discover: 1,000,000 users, 30 columns, depth 3: {:.2} s, {} rules, top: {}",
        start.elapsed().as_secs_f64(),
        found.rules.len(),
        found.rules[0].definition
    );
    let start = Instant::now();
    let options = ClusterOptions {
        columns: ["n0", "n1", "n2", "n3", "c0", "b0"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        ..ClusterOptions::default()
    };
    let clusters = models::cluster(&data, &options, &mut |_| true).expect("runs");
    println!(
        "cluster: 1,000,000 users, 6 columns, k 2..=8 on a 5,000 sample: {:.2} s, k = {}",
        start.elapsed().as_secs_f64(),
        clusters.k
    );
}
