//! Impact measurements on a small hand-checked dataset (snapshots), and the refusals and "too few to
//! tell" answers on input that cannot support a result.

#![allow(clippy::needless_raw_string_hashes)]

mod common;

use common::{boolean, category, date, dec, members};
use expect_test::{Expect, expect};
use seglab_core::dataset::{Dataset, EventLog};
use seglab_core::impact::{
    Assignment, BeforeAfterSpec, CohortBy, ExperimentSpec, FunnelBaseline, FunnelSpec, ImpactError,
    Interaction, Lift, OutcomeSpec, Period, RetentionSpec, Selection, before_after, experiment,
    funnel, retention,
};
use seglab_core::table::{ColumnType, Table};
use std::fmt::Write as _;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// Six users; Monday 2025-01-06 is day 0.
///
/// | user | signup | events (day + hours) | in `g` |
/// |---|---|---|---|
/// | u0 | 01-06 | Signup 0+10h, View 0+11h, Upgrade 3, Login 8, Login 15 | yes |
/// | u1 | 01-08 | Signup 2, View 2+5min, Login 10 | |
/// | u2 | 01-13 | Signup 7, Login 7+1h, View 30 | yes |
/// | u3 | 01-14 | View 8, Login 9 | |
/// | u4 | — | Signup 1, View 1+1h, Upgrade 1+2h | yes |
/// | u5 | 01-20 | Signup 14, Upgrade 14+1h | |
fn dataset() -> Dataset {
    let base = i64::from(common::days("2025-01-06")) * DAY;
    let names = ["Signup", "View", "Upgrade", "Login"];
    let per_user: [&[(usize, i64)]; 6] = [
        &[
            (0, 10 * HOUR),
            (1, 11 * HOUR),
            (2, 3 * DAY),
            (3, 8 * DAY),
            (3, 15 * DAY),
        ],
        &[(0, 2 * DAY), (1, 2 * DAY + 300), (3, 10 * DAY)],
        &[(0, 7 * DAY), (3, 7 * DAY + HOUR), (1, 30 * DAY)],
        &[(1, 8 * DAY), (3, 9 * DAY)],
        &[(0, DAY), (1, DAY + HOUR), (2, DAY + 2 * HOUR)],
        &[(0, 14 * DAY), (2, 14 * DAY + HOUR)],
    ];
    let mut log = EventLog {
        offsets: vec![0],
        names: names.iter().map(|&n| n.to_owned()).collect(),
        ..EventLog::default()
    };
    for events in per_user {
        for &(code, offset) in events {
            log.events.push(code as u32);
            log.times.push(base + offset);
        }
        log.offsets.push(log.times.len() as u32);
    }
    let population = Table::new(vec![
        date(
            "signup_date",
            &[
                Some("2025-01-06"),
                Some("2025-01-08"),
                Some("2025-01-13"),
                Some("2025-01-14"),
                None,
                Some("2025-01-20"),
            ],
        ),
        category(
            "variant",
            ColumnType::Category,
            &[Some("B"), Some("A"), Some("B"), Some("A"), Some("B"), None],
        ),
        boolean(
            "converted",
            &[
                Some(true),
                Some(false),
                Some(true),
                Some(false),
                Some(false),
                Some(true),
            ],
        ),
        dec(
            "score",
            &[Some(1.0), Some(1.0), Some(2.0), Some(1.0), Some(3.0), None],
        ),
    ])
    .expect("columns of equal length");
    let mut data = Dataset::from_table(population);
    data.events = Some(log);
    data.as_of = Some(i64::from(common::days("2025-02-03")) * DAY);
    data
}

fn g() -> Vec<Selection> {
    vec![Selection::new("g", members("x.x.x."))]
}

fn check_retention(spec: &RetentionSpec, expect: &Expect) {
    let r = retention(&dataset(), spec).expect("retention runs");
    let mut out = format!("periods {}, without start {}\n", r.periods, r.without_start);
    for s in &r.segments {
        let _ = writeln!(out, "{}:", s.segment);
        for (c, label) in r.cohort_labels.iter().enumerate() {
            let _ = write!(out, "  {label} n={}:", s.size[c]);
            for k in 0..r.periods {
                let i = c * r.periods + k;
                let _ = write!(out, " {}/{}", s.retained[i], s.eligible[i]);
            }
            out.push('\n');
        }
        let _ = write!(out, "  curve:");
        for p in &s.curve {
            let _ = write!(out, " {}/{}", p.retained, p.eligible);
        }
        out.push('\n');
    }
    expect.assert_eq(&out);
}

#[test]
fn retention_by_signup_week() {
    let mut spec = RetentionSpec::new(Period::Week, CohortBy::Column("signup_date".to_owned()));
    spec.segments = g();
    check_retention(
        &spec,
        &expect![[r#"
        periods 4, without start 1
        everyone:
          2025-01-06 n=2: 2/2 2/2 1/2 0/1
          2025-01-13 n=2: 2/2 0/2 0/1 0/0
          2025-01-20 n=1: 1/1 0/1 0/0 0/0
          curve: 5/5 2/5 1/3 0/1
        g:
          2025-01-06 n=1: 1/1 1/1 1/1 0/1
          2025-01-13 n=1: 1/1 0/1 0/1 0/0
          2025-01-20 n=0: 0/0 0/0 0/0 0/0
          curve: 2/2 1/2 1/2 0/1
    "#]],
    );
}

#[test]
fn retention_by_first_signup_event_returning_to_login() {
    let mut spec = RetentionSpec::new(Period::Week, CohortBy::StartEvent);
    spec.start_event = Some("Signup".to_owned());
    spec.return_event = Some("Login".to_owned());
    spec.periods = Some(3);
    check_retention(
        &spec,
        &expect![[r#"
        periods 3, without start 1
        everyone:
          2025-01-06 n=3: 0/3 2/3 1/3
          2025-01-13 n=1: 1/1 0/1 0/1
          2025-01-20 n=1: 0/1 0/1 0/0
          curve: 1/5 2/5 1/4
    "#]],
    );
}

#[test]
fn retention_by_month() {
    let spec = RetentionSpec::new(Period::Month, CohortBy::Column("signup_date".to_owned()));
    check_retention(
        &spec,
        &expect![[r#"
        periods 1, without start 1
        everyone:
          2025-01-01 n=5: 0/0
          curve: 0/0
    "#]],
    );
}

fn check_funnel(steps: &[&str], days: i64, expect: &Expect) {
    let spec = FunnelSpec {
        steps: steps.iter().map(|&s| s.to_owned()).collect(),
        within: days * DAY,
        segments: g(),
        baseline: FunnelBaseline::Rest,
    };
    let r = funnel(&dataset(), &spec).expect("funnel runs");
    let mut out = String::new();
    for s in &r.segments {
        let _ = write!(out, "{} ({}):", s.segment, s.users);
        for step in &s.steps {
            let _ = write!(
                out,
                " {}={}{}",
                step.step,
                step.reached,
                step.median_seconds
                    .map_or(String::new(), |m| format!(" ({m}s)"))
            );
        }
        out.push('\n');
    }
    expect.assert_eq(&out);
}

#[test]
fn funnel_signup_view_upgrade() {
    check_funnel(
        &["Signup", "View", "Upgrade"],
        14,
        &expect![[r#"
        everyone (6): Signup=5 View=3 (3600s) Upgrade=2 (111600s)
        g (3): Signup=3 View=2 (3600s) Upgrade=2 (111600s)
    "#]],
    );
}

#[test]
fn funnel_window_cuts_late_steps() {
    check_funnel(
        &["Signup", "View"],
        7,
        &expect![[r#"
        everyone (6): Signup=5 View=3 (3600s)
        g (3): Signup=3 View=2 (3600s)
    "#]],
    );
}

#[test]
fn funnel_repeated_event_must_come_later() {
    check_funnel(
        &["Login", "Login"],
        14,
        &expect![[r#"
        everyone (6): Login=4 Login=1 (604800s)
        g (3): Login=2 Login=1 (604800s)
    "#]],
    );
}

#[test]
fn experiment_on_tiny_arms_says_too_few_to_tell() {
    let mut spec = ExperimentSpec::new(
        Assignment::Column("variant".to_owned()),
        vec![
            OutcomeSpec::Column("converted".to_owned()),
            OutcomeSpec::Column("score".to_owned()),
        ],
    );
    spec.segments = g();
    let r = experiment(&dataset(), &spec).expect("experiment runs");
    let mut out = format!(
        "arms {:?}, control {}, unassigned {}\n",
        r.arms
            .iter()
            .map(|a| (&a.name, a.users))
            .collect::<Vec<_>>(),
        r.control,
        r.unassigned
    );
    for m in &r.metrics {
        for s in &m.segments {
            for a in &s.arms {
                let lift = match &a.lift {
                    Lift::Control => "control".to_owned(),
                    Lift::Measured {
                        absolute, p_value, ..
                    } => format!("{absolute:.4} p={p_value:.4}"),
                    Lift::TooFewToTell { reason } => format!("too few to tell: {reason}"),
                };
                let _ = writeln!(
                    out,
                    "{} / {} / {}: n={} value={:?} {lift}",
                    m.name, s.segment, a.arm, a.n, a.value
                );
            }
        }
    }
    expect![[r#"
        arms [("A", 2), ("B", 3)], control 0, unassigned 1
        converted / everyone / A: n=2 value=Some(0.0) control
        converted / everyone / B: n=3 value=Some(0.6666666666666666) 0.6667 p=0.1360
        converted / g / A: n=0 value=None control
        converted / g / B: n=3 value=Some(0.6666666666666666) too few to tell: too few values: needs at least 2, has 0
        score / everyone / A: n=2 value=Some(1.0) control
        score / everyone / B: n=3 value=Some(2.0) 1.0000 p=0.2254
        score / g / A: n=0 value=None control
        score / g / B: n=3 value=Some(2.0) too few to tell: too few values: needs at least 2, has 0
    "#]].assert_eq(&out);
}

#[test]
fn refusals_name_what_to_fix() {
    let data = dataset();
    let cases: Vec<(Result<(), ImpactError>, Expect)> = vec![
        (
            experiment(
                &data,
                &ExperimentSpec::new(
                    Assignment::Column("varient".to_owned()),
                    vec![OutcomeSpec::Column("converted".to_owned())],
                ),
            )
            .map(drop),
            expect![
                "there is no column `varient`; the columns are `signup_date`, `variant`, `converted`, `score`"
            ],
        ),
        (
            experiment(
                &data,
                &ExperimentSpec::new(
                    Assignment::Column("signup_date".to_owned()),
                    vec![OutcomeSpec::Column("converted".to_owned())],
                ),
            )
            .map(drop),
            expect![
                "column `signup_date` holds date values; the variant column must be a category, boolean or whole-number column"
            ],
        ),
        (
            {
                let mut spec = ExperimentSpec::new(
                    Assignment::Column("variant".to_owned()),
                    vec![OutcomeSpec::Column("converted".to_owned())],
                );
                spec.control = Some("C".to_owned());
                experiment(&data, &spec).map(drop)
            },
            expect!["the control `C` is not one of the arms: A, B"],
        ),
        (
            funnel(
                &data,
                &FunnelSpec {
                    steps: vec!["Sigup".to_owned()],
                    within: DAY,
                    segments: vec![],
                    baseline: FunnelBaseline::Rest,
                },
            )
            .map(drop),
            expect!["no event is named `Sigup`; did you mean `Signup`?"],
        ),
        (
            funnel(
                &data,
                &FunnelSpec {
                    steps: vec![],
                    within: DAY,
                    segments: vec![],
                    baseline: FunnelBaseline::Rest,
                },
            )
            .map(drop),
            expect!["a funnel needs at least one step"],
        ),
        (
            retention(
                &Dataset::from_table(data.population.clone()),
                &RetentionSpec::new(Period::Week, CohortBy::StartEvent),
            )
            .map(drop),
            expect![
                "no event log is loaded; add a file with one row per event (user, event name, time)"
            ],
        ),
        (
            {
                let mut spec = RetentionSpec::new(Period::Week, CohortBy::StartEvent);
                spec.periods = Some(100_000_000);
                retention(&data, &spec).map(drop)
            },
            expect!["100000000 periods: choose between 1 and 520"],
        ),
        (
            {
                let mut spec = RetentionSpec::new(Period::Week, CohortBy::StartEvent);
                spec.segments = vec![Selection::new("short", members("xx"))];
                retention(&data, &spec).map(drop)
            },
            expect!["`short` covers 2 rows, but the data has 6 users"],
        ),
    ];
    for (result, expect) in cases {
        let text = match result {
            Ok(()) => "ok".to_owned(),
            Err(e) => e.to_string(),
        };
        expect.assert_eq(&text);
    }
}

/// Users of `segment` in `arm`, `converted` of them converted.
fn block(
    rows: &mut Vec<(&'static str, &'static str, bool)>,
    segment: &'static str,
    arm: &'static str,
    n: usize,
    converted: usize,
) {
    rows.extend((0..n).map(|i| (segment, arm, i < converted)));
}

#[test]
fn simpsons_paradox_and_sample_ratio_are_flagged() {
    // The treatment wins in both segments but lands mostly in the low-converting one.
    let mut rows = Vec::new();
    block(&mut rows, "high", "control", 400, 320);
    block(&mut rows, "high", "treatment", 100, 85);
    block(&mut rows, "low", "control", 100, 20);
    block(&mut rows, "low", "treatment", 400, 100);
    // A second table with a broken split: 600 against 400.
    let mut skewed = rows.clone();
    block(&mut skewed, "low", "treatment", 200, 50);
    let check = |rows: &[(&str, &str, bool)], expect: Expect| {
        let n = rows.len();
        let arms: Vec<Option<&str>> = rows.iter().map(|r| Some(r.1)).collect();
        let converted: Vec<Option<bool>> = rows.iter().map(|r| Some(r.2)).collect();
        let table = Table::new(vec![
            category("arm", ColumnType::Category, &arms),
            boolean("converted", &converted),
        ])
        .expect("columns of equal length");
        let mut spec = ExperimentSpec::new(
            Assignment::Column("arm".to_owned()),
            vec![OutcomeSpec::Column("converted".to_owned())],
        );
        spec.segments = ["high", "low"]
            .iter()
            .map(|&s| Selection::new(s, seglab_core::Bitset::from_fn(n, |u| rows[u].0 == s)))
            .collect();
        let r = experiment(&Dataset::from_table(table), &spec).expect("experiment runs");
        let mut out = String::new();
        for s in &r.metrics[0].segments {
            if let Lift::Measured { absolute, .. } = s.arms[1].lift {
                let _ = writeln!(out, "{}: {absolute:+.3}", s.segment);
            }
        }
        for i in &r.metrics[0].interactions {
            if let Interaction::DifferenceZ {
                arm,
                difference,
                p_value,
                simpson,
                ..
            } = i
            {
                let _ = writeln!(
                    out,
                    "{arm}: effects differ by {difference:.3}, p = {p_value:.3}, simpson {simpson}"
                );
            }
        }
        for w in &r.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        expect.assert_eq(&out);
    };
    check(
        &rows,
        expect![[r#"
            everyone: -0.310
            high: +0.050
            low: +0.050
            treatment: effects differ by -0.000, p = 1.000, simpson true
            warning: Simpson's paradox in converted, treatment: the effect over everyone points the other way from the effect in every segment; the segments' sizes differ between arms, so trust the per-segment effects
        "#]],
    );
    check(
        &skewed,
        expect![[r#"
            everyone: -0.344
            high: +0.050
            low: +0.050
            treatment: effects differ by -0.000, p = 1.000, simpson true
            warning: sample-ratio mismatch: the arms' sizes (500 / 700) are unlikely under the expected split (chi-square p = 7.76e-9); the assignment may be broken, so treat the lifts with suspicion
            warning: Simpson's paradox in converted, treatment: the effect over everyone points the other way from the effect in every segment; the segments' sizes differ between arms, so trust the per-segment effects
        "#]],
    );
}

/// Results cross the worker boundary as JSON: each must read back as it was written.
#[test]
fn results_round_trip_through_json() {
    fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) {
        let text = serde_json::to_string(value).expect("serialises");
        let back: T = serde_json::from_str(&text).expect("deserialises");
        let again = serde_json::to_value(&back).expect("serialises");
        let first: serde_json::Value = serde_json::from_str(&text).expect("parses");
        // serde_json reads floats to within an ulp, not always exactly.
        assert!(same(&first, &again), "{text}");
    }
    fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        match (a, b) {
            (J::Number(x), J::Number(y)) => match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => (x - y).abs() <= 1e-15 * x.abs().max(y.abs()),
                _ => x == y,
            },
            (J::Array(x), J::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
            }
            (J::Object(x), J::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }
    let data = dataset();
    let mut spec = ExperimentSpec::new(
        Assignment::Column("variant".to_owned()),
        vec![
            OutcomeSpec::Column("converted".to_owned()),
            OutcomeSpec::Column("score".to_owned()),
        ],
    );
    spec.segments = g();
    round_trip(&experiment(&data, &spec).expect("experiment runs"));
    round_trip(&spec);
    let mut spec = RetentionSpec::new(Period::Week, CohortBy::Column("signup_date".to_owned()));
    spec.segments = g();
    round_trip(&retention(&data, &spec).expect("retention runs"));
    let spec = FunnelSpec {
        steps: vec!["Signup".to_owned(), "View".to_owned()],
        within: 14 * DAY,
        segments: g(),
        baseline: FunnelBaseline::Rest,
    };
    round_trip(&funnel(&data, &spec).expect("funnel runs"));
    let spec = BeforeAfterSpec {
        event: None,
        at: i64::from(common::days("2025-01-13")) * DAY,
        days: 7,
        segments: g(),
    };
    round_trip(&before_after(&data, &spec).expect("before/after runs"));
}
