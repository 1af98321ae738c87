//! Properties of the join over random small exports and random plan edits: no panics, consistent shapes.

mod model_support;

use model_support::column;
use proptest::prelude::*;
use seglab_core::join::{self, FileKind, JoinLink, JoinPlan, MeasureSpec, Source};
use seglab_core::table::{ColumnType, Table};

const NAMES: [&str; 10] = [
    "user_id",
    "email",
    "event",
    "timestamp",
    "date",
    "score",
    "account_id",
    "id",
    "name",
    "amount",
];
const TEXT: [&str; 10] = [
    "u1",
    " u1",
    "U1",
    "u2",
    "a@x.com",
    "A@X.com ",
    "",
    "x",
    "2025-03-01",
    "Login",
];
const INTEGERS: [&str; 4] = ["1", "2", "", "42"];
const DATES: [&str; 3] = ["2025-01-01", "2025-02-01", ""];
const TIMES: [&str; 3] = ["2025-03-01T00:00:00Z", "2024-12-31T23:59:59Z", ""];
const TYPES: [ColumnType; 6] = [
    ColumnType::Id,
    ColumnType::Category,
    ColumnType::Text,
    ColumnType::Integer,
    ColumnType::Date,
    ColumnType::DateTime,
];

fn cells(ty: ColumnType) -> &'static [&'static str] {
    match ty {
        ColumnType::Integer => &INTEGERS,
        ColumnType::Date => &DATES,
        ColumnType::DateTime => &TIMES,
        _ => &TEXT,
    }
}

/// A table of 1–5 columns with distinct names and 0–12 rows of cells drawn from small pools.
fn table_strategy() -> impl Strategy<Value = Table> {
    (
        proptest::collection::vec((0..NAMES.len(), 0..TYPES.len()), 1..6),
        0usize..13,
        any::<u64>(),
    )
        .prop_map(|(specs, rows, seed)| {
            let mut used = Vec::new();
            let mut columns = Vec::new();
            let mut state = seed | 1;
            for (name, ty) in specs {
                if used.contains(&name) {
                    continue;
                }
                used.push(name);
                let ty = TYPES[ty];
                let pool = cells(ty);
                let values: Vec<&str> = (0..rows)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        pool[(state % pool.len() as u64) as usize]
                    })
                    .collect();
                columns.push(column(NAMES[name], ty, values.into_iter()));
            }
            Table::new(columns).unwrap_or_default()
        })
}

const FILES: [&str; 4] = ["users.csv", "events.csv", "nps.csv", "accounts.csv"];
const KINDS: [FileKind; 3] = [FileKind::Entity, FileKind::Events, FileKind::Linked];

/// A link as indices into `FILES`, `KINDS` and `NAMES` (one past the end: absent): file, kind, key,
/// population key, time, event, ignore case.
type LinkEdit = (
    usize,
    usize,
    usize,
    usize,
    Option<usize>,
    Option<usize>,
    bool,
);

/// Random edits of a plan: other files, columns (existing or not), kinds and as-of texts.
#[derive(Clone, Debug)]
struct Edit {
    population: Option<usize>,
    key: usize,
    links: Vec<LinkEdit>,
    as_of: Option<usize>,
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let link = (
        0..FILES.len() + 1,
        0..KINDS.len(),
        0..NAMES.len() + 1,
        0..NAMES.len() + 1,
        proptest::option::of(0..NAMES.len() + 1),
        proptest::option::of(0..NAMES.len() + 1),
        any::<bool>(),
    );
    (
        proptest::option::of(0..FILES.len() + 1),
        0..NAMES.len() + 1,
        proptest::collection::vec(link, 0..4),
        proptest::option::of(0..3usize),
    )
        .prop_map(|(population, key, links, as_of)| Edit {
            population,
            key,
            links,
            as_of,
        })
}

fn name(i: usize) -> String {
    NAMES
        .get(i)
        .map_or_else(|| "missing column".to_owned(), |n| (*n).to_owned())
}

fn file(i: usize) -> String {
    FILES
        .get(i)
        .map_or_else(|| "absent.csv".to_owned(), |n| (*n).to_owned())
}

fn apply(edit: &Edit) -> JoinPlan {
    JoinPlan {
        population: edit.population.map(file),
        key: Some(name(edit.key)),
        links: edit
            .links
            .iter()
            .map(
                |&(f, kind, key, population_key, time, event, ignore_case)| JoinLink {
                    file: file(f),
                    kind: KINDS[kind],
                    key: name(key),
                    population_key: name(population_key),
                    ignore_case,
                    time: time.map(name),
                    event: event.map(name),
                },
            )
            .collect(),
        as_of: edit
            .as_of
            .map(|i| ["2025-03-01", "2025-03-01T12:00:00Z", "soon"][i].to_owned()),
    }
}

/// Builds `plan`; when it succeeds, checks that the shapes agree and that measures compute. Returns
/// whether it built.
fn check(sources: &[Source<'_>], plan: &JoinPlan) -> Result<bool, TestCaseError> {
    let Ok(joined) = join::build(sources, plan) else {
        return Ok(false);
    };
    let dataset = &joined.dataset;
    let users = dataset.users();
    for coverage in &joined.coverage {
        let accounted = coverage.matched_rows
            + coverage.unmatched_rows
            + coverage.missing_key_rows
            + coverage.dropped_rows
            + coverage.duplicate_rows;
        prop_assert_eq!(accounted, coverage.rows, "{:?}", coverage);
        prop_assert_eq!(
            coverage.population_matched + coverage.population_unmatched,
            users
        );
    }
    if let Some(log) = &dataset.events {
        prop_assert_eq!(log.offsets.len(), users + 1);
        prop_assert_eq!(*log.offsets.last().unwrap_or(&0) as usize, log.len());
        prop_assert_eq!(log.events.len(), log.len());
        for user in 0..users {
            prop_assert!(
                log.times[log.user_range(user)].is_sorted(),
                "events of user {} out of order",
                user
            );
        }
        for property in &log.properties {
            prop_assert_eq!(property.len(), log.len());
        }
    }
    for linked in &dataset.linked {
        prop_assert_eq!(linked.offsets.len(), users + 1);
        if let Some(times) = &linked.times {
            for user in 0..users {
                prop_assert!(times[linked.user_range(user)].is_sorted());
            }
        }
    }
    let spec = MeasureSpec::default_for(dataset);
    let columns = join::measures(dataset, &spec);
    prop_assert_eq!(columns.len(), spec.measures.len());
    for column in &columns {
        prop_assert_eq!(column.len(), users);
    }
    Ok(true)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn proposals_and_edited_plans_never_panic(
        tables in proptest::collection::vec(table_strategy(), 1..5),
        edit in edit_strategy(),
    ) {
        let sources: Vec<Source<'_>> = tables.iter().zip(FILES).map(|(t, name)| Source::new(name, t)).collect();
        let proposal = join::propose(&sources);
        let built = check(&sources, &proposal.plan)?;
        let planned = proposal.plan.population.is_some() || !proposal.plan.links.is_empty();
        prop_assert_eq!(built, planned, "a proposed plan builds: {:?}", join::build(&sources, &proposal.plan).err());
        check(&sources, &apply(&edit))?;
        let mut partly = proposal.plan.clone();
        partly.links.extend(apply(&edit).links);
        check(&sources, &partly)?;
    }
}
