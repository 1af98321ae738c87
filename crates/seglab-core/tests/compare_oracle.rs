//! Oracle test of the whole comparison: generated tables and segments, every summary figure and every
//! test recomputed from the raw values by scipy and statsmodels (`tests/data/compare_oracle.py`).

mod common;
mod python_oracle;

use common::{Rng, boolean, category, dec, int};
use seglab_core::compare::{self, CompareOptions, Group, TestKind};
use seglab_core::table::{ColumnData, ColumnType, Table};
use seglab_core::{Bitset, Column, Value};
use serde_json::{Value as Json, json};

fn generated(rows: usize, seed: u64) -> Table {
    let mut rng = Rng(seed);
    let mut norm = Vec::with_capacity(rows);
    let mut skew = Vec::with_capacity(rows);
    let mut events = Vec::with_capacity(rows);
    let mut flag = Vec::with_capacity(rows);
    let mut rare = Vec::with_capacity(rows);
    let mut plan = Vec::with_capacity(rows);
    let mut signup = Vec::with_capacity(rows);
    let plans = [
        "free",
        "pro",
        "team",
        "enterprise",
        "legacy",
        "edu",
        "nonprofit",
    ];
    for i in 0..rows {
        let tilt = if i % 7 == 0 { 0.4 } else { 0.0 };
        norm.push((rng.below(20) != 0).then(|| 50.0 + 10.0 * rng.normal() + 10.0 * tilt));
        skew.push(Some((rng.normal() + tilt).exp() * 100.0));
        events.push(Some(((rng.uniform() + tilt).powi(3) * 8.0) as i64));
        flag.push((rng.below(10) != 0).then(|| rng.uniform() < 0.3 + tilt / 2.0));
        rare.push(Some(rng.below(200) == 0));
        let weights = rng.uniform().powi(3);
        signup.push(20_000 + (rng.uniform() * 400.0 - tilt * 100.0) as i32);
        plan.push((rng.below(15) != 0).then(|| plans[(weights * plans.len() as f64) as usize]));
    }
    Table::new(vec![
        dec("norm", &norm),
        dec("skew", &skew),
        int("events", &events),
        boolean("flag", &flag),
        boolean("rare", &rare),
        category("plan", ColumnType::Category, &plan),
        Column::new(
            "signup",
            ColumnType::Date,
            ColumnData::Date(signup),
            Bitset::full(rows),
        ),
    ])
    .expect("columns of equal length")
}

fn column_json(column: &Column) -> Json {
    let values: Vec<Json> = (0..column.len())
        .map(|r| match column.value(r) {
            Value::Null => Json::Null,
            Value::Integer(v) | Value::DateTime(v) => json!(v),
            Value::Decimal(v) => json!(v),
            Value::Boolean(v) => json!(v),
            Value::Date(v) => json!(v),
            Value::Str(s) => json!(s),
        })
        .collect();
    json!({"type": column.ty().name(), "values": values})
}

fn check(table: &Table, sets: &[Bitset], options: &CompareOptions) -> (usize, Vec<TestKind>) {
    let groups: Vec<Group<'_>> = sets
        .iter()
        .enumerate()
        .map(|(i, s)| Group {
            name: format!("G{i}"),
            color: String::new(),
            members: s,
        })
        .collect();
    let comparison = compare::compare(table, &groups, options).expect("valid comparison");
    let data = json!({
        "rows": table.rows(),
        "groups": sets.iter().map(|s| s.iter().collect::<Vec<_>>()).collect::<Vec<_>>(),
        "include_rest": options.include_rest,
        "max_categories": options.max_categories,
        "columns": table.columns().iter().map(|c| (c.name().to_owned(), column_json(c))).collect::<serde_json::Map<_, _>>(),
    });
    let input = json!({"data": data, "comparison": comparison});
    let triples: Vec<(String, Option<f64>, Option<f64>)> =
        python_oracle::run("compare_oracle.py", &input);
    let mut failures = Vec::new();
    for (label, ours, reference) in &triples {
        match (ours, reference) {
            (Some(o), Some(r))
                if (o - r).abs() <= 1e-12 || (o - r).abs() <= 1e-9 * r.abs().max(o.abs()) => {}
            _ => failures.push(format!("{label}: ours {ours:?}, reference {reference:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} figures differ:\n{}",
        failures.len(),
        triples.len(),
        failures.join("\n")
    );
    let tested = comparison
        .findings
        .iter()
        .filter(|f| f.p_value.is_some())
        .count();
    assert!(tested > 0, "no finding was tested");
    let kinds = comparison
        .findings
        .iter()
        .filter(|f| f.p_value.is_some())
        .map(|f| f.test)
        .collect();
    (triples.len(), kinds)
}

#[test]
fn comparison_matches_scipy_and_statsmodels() {
    let table = generated(3000, 5);
    let mut rng = Rng(99);
    let draws: Vec<f64> = (0..table.rows()).map(|_| rng.uniform()).collect();
    let a = Bitset::from_fn(table.rows(), |i| draws[i] < 0.2 || i % 7 == 0);
    let b = Bitset::from_fn(table.rows(), |i| (0.2..0.5).contains(&draws[i]));
    let small = Bitset::from_fn(table.rows(), |i| (0.5..0.51).contains(&draws[i]));
    let options = CompareOptions {
        baseline: 3,
        include_rest: true,
        max_categories: 4,
        histogram_bins: 12,
    };
    let (figures, mut kinds) = check(&table, &[a, b, small], &options);
    let options = CompareOptions {
        baseline: 0,
        include_rest: false,
        max_categories: 10,
        histogram_bins: 7,
    };
    let tiny = Bitset::from_fn(table.rows(), |i| draws[i] < 0.01);
    let other = Bitset::from_fn(table.rows(), |i| draws[i] > 0.97);
    let (figures2, kinds2) = check(&table, &[tiny, other], &options);
    kinds.extend(kinds2);
    for kind in [
        TestKind::TwoProportionZ,
        TestKind::FisherExact,
        TestKind::ChiSquare,
        TestKind::WelchT,
        TestKind::MannWhitneyU,
    ] {
        assert!(
            kinds.contains(&kind),
            "no finding used {kind:?}: the generated data no longer covers every test"
        );
    }
    eprintln!("{figures} + {figures2} figures agree with the reference");
}
