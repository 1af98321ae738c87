//! Timings of retention and a 4-step funnel on 1M users × 10M events (ignored by default; run with
//! `cargo test --release -p seglab-core --test impact_bench -- --ignored --nocapture`).

mod common;

use common::Rng;
use seglab_core::Bitset;
use seglab_core::dataset::{Dataset, EventLog};
use seglab_core::impact::{
    Assignment, CohortBy, Covariate, ExperimentSpec, Exposure, FunnelBaseline, FunnelSpec,
    OutcomeKind, OutcomeSpec, Period, RetentionSpec, Selection, experiment, funnel, retention,
};
use seglab_core::table::{Column, ColumnData, ColumnType, Table};
use std::time::Instant;

const DAY: i64 = 86_400;
const BASE: i64 = 1_688_169_600; // 2023-07-01

fn generate(users: usize, events_per_user: u64) -> Dataset {
    let mut rng = Rng(7);
    let names = [
        "Login",
        "View dashboard",
        "Create report",
        "Export report",
        "Upgrade",
        "Search",
    ];
    let mut log = EventLog {
        offsets: Vec::with_capacity(users + 1),
        times: Vec::with_capacity(users * events_per_user as usize),
        events: Vec::with_capacity(users * events_per_user as usize),
        names: names.iter().map(|&n| n.to_owned()).collect(),
        ..EventLog::default()
    };
    log.offsets.push(0);
    let mut signup = Vec::with_capacity(users);
    for _ in 0..users {
        let start = BASE + rng.below(700) as i64 * DAY;
        signup.push((start / DAY) as i32);
        let n = rng.below(2 * events_per_user - 1) + 1;
        let mut t = start;
        for _ in 0..n {
            t += (rng.uniform().powi(3) * 20.0 * DAY as f64) as i64;
            log.times.push(t);
            log.events.push(rng.below(names.len() as u64) as u32);
        }
        log.offsets.push(log.times.len() as u32);
    }
    let valid = Bitset::full(users);
    let variant = (0..users as i64).map(|u| u % 2).collect();
    let table = Table::new(vec![
        Column::new(
            "signup_date",
            ColumnType::Date,
            ColumnData::Date(signup),
            valid.clone(),
        ),
        Column::new(
            "variant",
            ColumnType::Integer,
            ColumnData::Integer(variant),
            valid,
        ),
    ])
    .expect("two columns");
    let mut data = Dataset::from_table(table);
    data.as_of = log.times.iter().max().copied();
    data.events = Some(log);
    data
}

#[test]
#[ignore = "a benchmark: run with --release -- --ignored --nocapture"]
fn retention_and_funnel_on_a_million_users() {
    let users = 1_000_000;
    let t = Instant::now();
    let data = generate(users, 10);
    let events = data.events.as_ref().map_or(0, EventLog::len);
    eprintln!(
        "generated {users} users, {events} events in {:.2?}",
        t.elapsed()
    );
    let segments = vec![
        Selection::new("odd", Bitset::from_fn(users, |u| u % 2 == 1)),
        Selection::new("tenth", Bitset::from_fn(users, |u| u % 10 == 0)),
    ];

    for (label, by, cohort) in [
        (
            "retention, weekly by signup_date",
            Period::Week,
            CohortBy::Column("signup_date".to_owned()),
        ),
        (
            "retention, monthly by first event",
            Period::Month,
            CohortBy::StartEvent,
        ),
    ] {
        let mut spec = RetentionSpec::new(by, cohort);
        spec.segments = segments.clone();
        let t = Instant::now();
        let r = retention(&data, &spec).expect("retention runs");
        eprintln!(
            "{label} (everyone + 2 segments, {} cohorts × {} periods): {:.2?}",
            r.cohorts.len(),
            r.periods,
            t.elapsed()
        );
    }

    let mut spec = ExperimentSpec::new(
        Assignment::Column("variant".to_owned()),
        vec![OutcomeSpec::Event {
            event: Some("Upgrade".to_owned()),
            days: 14,
            kind: OutcomeKind::Any,
            exposure: Exposure::FirstEvent,
        }],
    );
    spec.segments = segments.clone();
    spec.covariate = Some(Covariate::PrePeriod);
    let t = Instant::now();
    experiment(&data, &spec).expect("experiment runs");
    eprintln!(
        "experiment, any(Upgrade, 14d) after the first event with a CUPED pre-period (everyone + 2 segments): {:.2?}",
        t.elapsed()
    );

    let spec = FunnelSpec {
        steps: ["Login", "View dashboard", "Create report", "Upgrade"]
            .map(str::to_owned)
            .to_vec(),
        within: 14 * DAY,
        segments,
        baseline: FunnelBaseline::Rest,
    };
    let t = Instant::now();
    let r = funnel(&data, &spec).expect("funnel runs");
    eprintln!(
        "4-step funnel within 14 days (everyone + 2 segments): {:.2?}; reached {:?}",
        t.elapsed(),
        r.segments[0]
            .steps
            .iter()
            .map(|s| s.reached)
            .collect::<Vec<_>>()
    );
}
