//! Retention tables, funnels, event outcomes and before/after against `DuckDB`: random event logs are
//! written as CSV to a temporary folder and the same tables are computed in SQL (and the before/after test
//! in scipy) by one `python3` process (`data/impact_duckdb.py`); every cell must agree.

// Generated data keeps short names (g, v, x, n, t) for its columns.
#![allow(clippy::many_single_char_names, clippy::unnecessary_wraps)]

mod common;

use common::{Rng, boolean, category};
use seglab_core::Bitset;
use seglab_core::dataset::{Dataset, EventLog};
use seglab_core::impact::{
    Assignment, BeforeAfterSpec, CohortBy, Covariate, Cuped, ExperimentSpec, Exposure,
    FunnelBaseline, FunnelSpec, OutcomeKind, OutcomeSpec, Period, RetentionSpec, Selection,
    before_after, experiment, funnel, retention,
};
use seglab_core::table::{Column, ColumnData, ColumnType, Table};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

const BASE: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z, a Wednesday
const DAY: i64 = 86_400;
const NAMES: [&str; 5] = ["Login", "Signup", "View", "Upgrade", "Purchase"];

struct Generated {
    dataset: Dataset,
    group: Bitset,
    dir: PathBuf,
    as_of: i64,
}

fn generate(seed: u64, users: usize) -> Generated {
    let mut rng = Rng(seed);
    let as_of = BASE + 200 * DAY + 3_600;
    let dir = std::env::temp_dir().join(format!("seglab-impact-{}-{seed}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let mut users_csv = String::from("uid,signup_date,grp,variant,exposed_at\n");
    let mut events_csv = String::from("uid,event,t\n");
    let (mut signup, mut group, mut variant, mut exposed) = (vec![], vec![], vec![], vec![]);
    let mut offsets = vec![0u32];
    let (mut times, mut codes) = (vec![], vec![]);
    for u in 0..users {
        let start_day = rng.below(200) as i64 - 10;
        let has_signup = rng.below(20) != 0;
        let g = rng.below(3) == 0;
        let v = ["control", "new"][rng.below(2) as usize];
        let x = (rng.below(10) != 0)
            .then(|| BASE + start_day * DAY + rng.below(20 * DAY as u64) as i64);
        let day = common::days("2025-01-01") + start_day as i32;
        signup.push(has_signup.then_some(day));
        group.push(Some(g));
        variant.push(Some(v));
        exposed.push(x);
        let _ = writeln!(
            users_csv,
            "u{u},{},{g},{v},{}",
            if has_signup {
                seglab_core::segment::time::format_date(day)
            } else {
                String::new()
            },
            x.map_or(String::new(), |x| x.to_string())
        );
        // Events: a burst after signup, thinning out; some after as-of, some before signup.
        let n = rng.below(if g { 40 } else { 20 });
        let mut t: Vec<(i64, u32)> = (0..n)
            .map(|_| {
                let offset = (rng.uniform().powi(2) * 120.0 * DAY as f64) as i64 - 2 * DAY;
                // Whole minutes, so that ties in time happen and are handled the same way.
                let time = (BASE + start_day * DAY + offset) / 60 * 60;
                let code = match rng.below(10) {
                    0..=3 => 0,
                    4 => 1,
                    5..=7 => 2,
                    8 => 3,
                    _ => 4,
                };
                (time, code)
            })
            .collect();
        t.sort_unstable();
        for &(time, code) in &t {
            let _ = writeln!(events_csv, "u{u},{},{time}", NAMES[code as usize]);
            times.push(time);
            codes.push(code);
        }
        offsets.push(times.len() as u32);
    }
    std::fs::write(dir.join("users.csv"), users_csv).expect("write users.csv");
    std::fs::write(dir.join("events.csv"), events_csv).expect("write events.csv");
    let date_data: Vec<i32> = signup.iter().map(|d| d.unwrap_or(0)).collect();
    let date_valid = Bitset::from_fn(users, |u| signup[u].is_some());
    let x_data: Vec<i64> = exposed.iter().map(|x| x.unwrap_or(0)).collect();
    let x_valid = Bitset::from_fn(users, |u| exposed[u].is_some());
    let population = Table::new(vec![
        Column::new(
            "signup_date",
            ColumnType::Date,
            ColumnData::Date(date_data),
            date_valid,
        ),
        boolean("grp", &group),
        category("variant", ColumnType::Category, &variant),
        Column::new(
            "exposed_at",
            ColumnType::DateTime,
            ColumnData::DateTime(x_data),
            x_valid,
        ),
    ])
    .expect("columns of equal length");
    let mut dataset = Dataset::from_table(population);
    dataset.events = Some(EventLog {
        offsets,
        times,
        events: codes,
        names: NAMES.iter().map(|&n| n.to_owned()).collect(),
        ..EventLog::default()
    });
    dataset.as_of = Some(as_of);
    let group = Bitset::from_fn(users, |u| group[u] == Some(true));
    Generated {
        dataset,
        group,
        dir,
        as_of,
    }
}

fn f(x: impl Into<f64>) -> Option<f64> {
    Some(x.into())
}

#[test]
fn impact_tables_match_duckdb() {
    let mut requests = Vec::new();
    let mut ours: Vec<Vec<Option<f64>>> = Vec::new();
    let mut dirs = Vec::new();
    for (seed, users) in [(11, 300), (12, 900), (13, 60)] {
        let g = generate(seed, users);
        let segments = vec![
            Selection::new("g", g.group.clone()),
            Selection::new("not g", g.group.not()),
        ];
        let dir = g.dir.display().to_string();
        dirs.push(g.dir.clone());

        // Retention, four ways.
        let retentions = [
            (
                Period::Week,
                CohortBy::Column("signup_date".to_owned()),
                None,
                None,
                Some(12),
            ),
            (
                Period::Month,
                CohortBy::Column("signup_date".to_owned()),
                None,
                Some("View"),
                None,
            ),
            (
                Period::Week,
                CohortBy::StartEvent,
                Some("Signup"),
                Some("Login"),
                Some(8),
            ),
            (Period::Month, CohortBy::StartEvent, None, None, None),
        ];
        for (by, cohort, start, ret, periods) in retentions {
            let mut spec = RetentionSpec::new(by, cohort.clone());
            spec.start_event = start.map(str::to_owned);
            spec.return_event = ret.map(str::to_owned);
            spec.periods = periods;
            spec.segments = segments[..1].to_vec();
            let r = retention(&g.dataset, &spec).expect("retention runs");
            let mut flat = vec![f(r.periods as f64), f(r.without_start as f64)];
            flat.extend(r.cohorts.iter().map(|&c| f(c)));
            for s in &r.segments {
                for c in 0..r.cohorts.len() {
                    flat.push(f(s.size[c] as f64));
                    for k in 0..r.periods {
                        flat.push(f(s.eligible[c * r.periods + k] as f64));
                        flat.push(f(s.retained[c * r.periods + k] as f64));
                    }
                }
            }
            ours.push(flat);
            requests.push(json!({
                "kind": "retention", "dir": dir, "as_of": g.as_of,
                "by": if by == Period::Week { "week" } else { "month" },
                "cohort": if matches!(cohort, CohortBy::Column(_)) { "signup_date" } else { "event" },
                "start": start, "return": ret, "periods": periods,
            }));
        }

        // Funnels: three steps, four steps with a repeated event, vs the rest and vs the first segment.
        let funnels: [(&[&str], i64, FunnelBaseline); 3] = [
            (
                &["Signup", "View", "Upgrade"],
                14 * DAY,
                FunnelBaseline::Rest,
            ),
            (
                &["Login", "View", "Login", "Purchase"],
                30 * DAY,
                FunnelBaseline::FirstSegment,
            ),
            (&["View", "View"], 2 * DAY, FunnelBaseline::Rest),
        ];
        for (steps, within, baseline) in funnels {
            let spec = FunnelSpec {
                steps: steps.iter().map(|&s| s.to_owned()).collect(),
                within,
                segments: segments.clone(),
                baseline,
            };
            let r = funnel(&g.dataset, &spec).expect("funnel runs");
            let mut flat = Vec::new();
            for s in &r.segments {
                flat.push(f(s.users as f64));
                for step in &s.steps {
                    flat.extend([
                        f(step.reached as f64),
                        step.median_seconds,
                        step.p_value,
                        step.adjusted_p,
                    ]);
                }
            }
            ours.push(flat);
            requests.push(json!({
                "kind": "funnel", "dir": dir, "as_of": g.as_of, "steps": steps, "within": within,
                "baseline": if baseline == FunnelBaseline::Rest { "rest" } else { "first" },
            }));
        }

        // Event outcomes of an experiment: n and mean per arm in everyone; CUPED with the pre-period.
        for (kind, exposure, event, pre) in [
            (
                OutcomeKind::Count,
                Exposure::Column("exposed_at".to_owned()),
                "Upgrade",
                false,
            ),
            (OutcomeKind::Any, Exposure::FirstEvent, "Upgrade", false),
            (
                OutcomeKind::Count,
                Exposure::Column("exposed_at".to_owned()),
                "Login",
                true,
            ),
        ] {
            let outcome = OutcomeSpec::Event {
                event: Some(event.to_owned()),
                days: 14,
                kind,
                exposure: exposure.clone(),
            };
            let mut spec =
                ExperimentSpec::new(Assignment::Column("variant".to_owned()), vec![outcome]);
            if pre {
                spec.covariate = Some(Covariate::PrePeriod);
            }
            let r = experiment(&g.dataset, &spec).expect("experiment runs");
            let arms = &r.metrics[0].segments[0].arms;
            let mut flat: Vec<Option<f64>> =
                arms.iter().flat_map(|a| [f(a.n as f64), a.value]).collect();
            if pre {
                match &arms[1].cuped {
                    Some(Cuped::Measured {
                        theta,
                        absolute,
                        absolute_ci,
                        p_value,
                        variance_reduction,
                        ..
                    }) => flat.extend([
                        f(*theta),
                        f(*absolute),
                        f(absolute_ci.low),
                        f(absolute_ci.high),
                        f(*p_value),
                        f(*variance_reduction),
                    ]),
                    _ => flat.extend([None; 6]),
                }
            }
            ours.push(flat);
            requests.push(json!({
                "kind": "outcome", "dir": dir, "as_of": g.as_of, "days": 14, "event": event,
                "any": kind == OutcomeKind::Any, "cuped": pre,
                "exposure": if matches!(exposure, Exposure::FirstEvent) { "first" } else { "exposed_at" },
            }));
        }

        // Before/after around day 60, 21-day windows.
        let at = BASE + 60 * DAY + 12 * 3_600;
        let spec = BeforeAfterSpec {
            event: Some("Login".to_owned()),
            at,
            days: 21,
            segments: segments[..1].to_vec(),
        };
        let r = before_after(&g.dataset, &spec).expect("before/after runs");
        let s = &r.segments[0];
        let mut flat = vec![
            f(s.users as f64),
            f(s.rest as f64),
            f(s.before),
            f(s.after),
            f(s.rest_before),
            f(s.rest_after),
        ];
        match &s.did {
            Ok(w) => flat.extend([
                f(w.difference),
                f(w.statistic),
                f(w.df),
                f(w.p_value),
                f(w.ci.low),
                f(w.ci.high),
            ]),
            Err(_) => flat.extend([None; 6]),
        }
        ours.push(flat);
        requests.push(json!({"kind": "before_after", "dir": dir, "at": at, "days": 21}));
    }

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/impact_duckdb.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(serde_json::to_string(&requests).expect("requests serialise"))
        .output()
        .unwrap_or_else(|e| panic!("cannot start python3 (needed for the DuckDB oracle; install python3 with duckdb, scipy and statsmodels): {e}"));
    for dir in &dirs {
        let _ = std::fs::remove_dir_all(dir);
    }
    assert!(
        output.status.success(),
        "the DuckDB oracle failed (are duckdb, scipy and statsmodels installed?):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let theirs: Vec<Vec<Option<f64>>> =
        serde_json::from_slice(&output.stdout).expect("python3 prints a JSON list");
    assert_eq!(ours.len(), theirs.len());
    let mut compared = 0;
    for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        let request: &Value = &requests[i];
        assert_eq!(
            o.len(),
            t.len(),
            "request {i} {request}: shapes differ:\nours   {o:?}\ntheirs {t:?}"
        );
        for (j, (a, b)) in o.iter().zip(t).enumerate() {
            let same = match (a, b) {
                (Some(a), Some(b)) => {
                    let d = (a - b).abs();
                    d <= 1e-12 || d <= 1e-9 * a.abs().max(b.abs())
                }
                (None, None) => true,
                _ => false,
            };
            assert!(
                same,
                "request {i} {request}, value {j}: ours {a:?}, DuckDB {b:?}"
            );
            compared += 1;
        }
    }
    eprintln!("{compared} cells compared");
    assert!(compared > 1000, "only {compared} cells compared");
}
