//! Shared by the model tests: the shipped sample joined into a dataset, and a check that a definition
//! evaluates to exactly the members a model reports.

use seglab_core::join::{self, Source};
use seglab_core::segment::{self, SegmentSet};
use seglab_core::{Bitset, Dataset, ingest};

/// `web/sample` (users, events, nps) joined as the app joins it.
#[allow(dead_code)] // Not every test file that shares this module loads the sample.
pub fn sample() -> Dataset {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/sample/");
    let names = ["users.csv", "events.csv", "nps.csv"];
    let tables: Vec<_> = names
        .iter()
        .map(|name| {
            let bytes = std::fs::read(format!("{root}{name}")).expect("the sample data is shipped");
            ingest::read_csv(name, &bytes, &ingest::ReadOptions::default())
                .expect("the sample reads")
                .table
        })
        .collect();
    let sources: Vec<Source<'_>> = names
        .iter()
        .zip(&tables)
        .map(|(name, table)| Source::new(name, table))
        .collect();
    let plan = join::propose(&sources).plan;
    join::build(&sources, &plan)
        .expect("the sample joins")
        .dataset
}

#[allow(dead_code)] // Not every test file that shares this module checks definitions.
/// Parses and evaluates `definition` on `data` and asserts it selects exactly `members`.
pub fn assert_definition(data: &Dataset, definition: &str, members: &Bitset) {
    let expr = segment::parse(definition)
        .unwrap_or_else(|e| panic!("`{definition}` does not parse: {e:?}"));
    assert_eq!(
        expr.to_string(),
        segment::parse(&expr.to_string())
            .expect("canonical text parses")
            .to_string(),
        "canonical text of `{definition}` is stable"
    );
    let got = segment::evaluate(&expr, data, &SegmentSet::new())
        .unwrap_or_else(|e| panic!("`{definition}` does not evaluate: {e:?}"));
    assert_eq!(
        got.count(),
        members.count(),
        "`{definition}` selects {} users, the model says {}",
        got.count(),
        members.count()
    );
    assert!(
        got == *members,
        "`{definition}` selects other users than the model's"
    );
}
