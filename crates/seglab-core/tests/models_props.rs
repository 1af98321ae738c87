//! Properties of the models: the score's text form reads back what it printed, and every discovered
//! rule's definition selects exactly its members on arbitrary tables with missing values, awkward column
//! names, dates, yes/no and categories.

mod common;
mod models_support;

use common::{boolean, category, date, dec, int};
use models_support::assert_definition;
use proptest::prelude::*;
use seglab_core::Dataset;
use seglab_core::models::{
    self, Bands, Direction, DiscoverOptions, ScoreDefinition, ScoreMeasure, Target,
};
use seglab_core::table::{ColumnType, Table};

fn measure() -> impl Strategy<Value = ScoreMeasure> {
    (
        "[a-z_][a-z0-9_ .(),*]{0,20}",
        any::<bool>(),
        prop_oneof![Just(1.0), Just(2.0), Just(0.5), 0.001f64..1000.0],
    )
        .prop_map(|(name, higher, weight)| ScoreMeasure {
            name,
            direction: if higher {
                Direction::HigherIsBetter
            } else {
                Direction::LowerIsBetter
            },
            weight,
        })
}

proptest! {
    #[test]
    fn score_text_round_trips(
        measures in prop::collection::vec(measure(), 1..7),
        bands in prop_oneof![
            Just(Bands::default()),
            (1.0f64..30.0, 31.0f64..60.0, 61.0f64..99.0).prop_map(|(a, b, c)| Bands {
                at_risk: a, needs_attention: b, healthy: c
            })
        ],
    ) {
        let definition = ScoreDefinition { measures, bands };
        let text = definition.to_string();
        let back: ScoreDefinition = text.parse().expect("printed text parses");
        prop_assert_eq!(back, definition);
    }
}

/// One generated row: seats, revenue, admin, category index, day offset, converted.
type Row = (
    Option<i64>,
    Option<f64>,
    Option<bool>,
    Option<usize>,
    Option<i32>,
    Option<bool>,
);

const WORDS: [&str; 5] = ["SE", "NO", "a \"quoted\" one", "Ünïcode", "in"];

fn table(rows: &[Row]) -> Table {
    let ints: Vec<Option<i64>> = rows.iter().map(|r| r.0).collect();
    let decs: Vec<Option<f64>> = rows.iter().map(|r| r.1).collect();
    let bools: Vec<Option<bool>> = rows.iter().map(|r| r.2).collect();
    let cats: Vec<Option<&str>> = rows.iter().map(|r| r.3.map(|c| WORDS[c])).collect();
    let dates: Vec<Option<String>> = rows
        .iter()
        .map(|r| {
            r.4.map(|d| seglab_core::segment::time::format_date(19_000 + d))
        })
        .collect();
    let dates: Vec<Option<&str>> = dates.iter().map(Option::as_deref).collect();
    let target: Vec<Option<bool>> = rows.iter().map(|r| r.5).collect();
    Table::new(vec![
        int("seats", &ints),
        dec("Annual revenue", &decs),
        boolean("is_admin", &bools),
        category("in", ColumnType::Category, &cats),
        date("signup_date", &dates),
        boolean("converted", &target),
    ])
    .expect("columns of one length")
}

fn row() -> impl Strategy<Value = Row> {
    (
        prop::option::weighted(0.9, -5i64..40),
        prop::option::weighted(0.9, prop_oneof![-1e6f64..1e6, Just(0.1), Just(2.5)]),
        prop::option::weighted(0.9, any::<bool>()),
        prop::option::weighted(0.9, 0usize..5),
        prop::option::weighted(0.9, 0i32..400),
        prop::option::weighted(0.95, any::<bool>()),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn discovered_definitions_select_exactly_the_members(
        rows in prop::collection::vec(row(), 40..160),
        depth in 1usize..4,
        min_leaf in 3usize..15,
    ) {
        let data = Dataset::from_table(table(&rows));
        let target = Target { column: "converted".into(), threshold: None };
        let options = DiscoverOptions { max_depth: depth, min_leaf: Some(min_leaf), bins: 8, ..DiscoverOptions::default() };
        match models::discover(&data, &target, &options, &mut |_| true) {
            Ok(found) => {
                for rule in &found.rules {
                    assert_definition(&data, &rule.definition, &rule.members);
                    prop_assert!(rule.known >= min_leaf);
                }
            }
            Err(models::ModelError::TooFew { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}
