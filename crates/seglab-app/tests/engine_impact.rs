//! The Impact view's requests, answered by the engine on the shipped sample, against `DuckDB` SQL (the
//! oracle seglab-core's own tests use) and scipy/statsmodels: retention tables, a funnel, an experiment's
//! event outcome with its sample-ratio and z-tests, and a before/after difference in differences.

use seglab_app::engine::Engine;
use seglab_app::protocol::{ArmsChoice, Request, Response};
use seglab_core::impact::{Correction, Exposure, FunnelBaseline, Lift, OutcomeKind, OutcomeSpec};
use seglab_core::segment::Segment;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The sample loaded, and the compared segment (`plan = "pro"`).
fn engine() -> (Engine, Vec<Segment>) {
    let mut engine = Engine::default();
    for name in ["users.csv", "events.csv", "nps.csv"] {
        let path = root().join("web/sample").join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            matches!(engine.load_bytes(name, &bytes), Response::Loaded { .. }),
            "{name} loads"
        );
    }
    let segments = vec![Segment::new("Pro", "#2a9d8f", r#"plan = "pro""#)];
    (engine, segments)
}

/// One python run over every request: the reference tables, the sample-ratio test and the z-tests.
fn oracle(requests: &[Value]) -> Value {
    let spec = json!({
        "sample": root().join("web/sample"),
        "core_oracle": root().join("crates/seglab-core/tests/data/impact_duckdb.py"),
        "segment": "plan = 'pro'",
        "requests": requests,
    });
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/impact_sample.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(spec.to_string())
        .output()
        .unwrap_or_else(|e| panic!("cannot start python3 (needed for the DuckDB oracle; install python3 with duckdb, scipy and statsmodels): {e}"));
    assert!(
        out.status.success(),
        "the oracle failed (are duckdb, scipy and statsmodels installed?):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the oracle prints JSON")
}

fn numbers(v: &Value) -> Vec<Option<f64>> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(Value::as_f64)
        .collect()
}

/// A count the oracle printed as a number.
fn count(v: Option<f64>) -> u64 {
    v.map_or(u64::MAX, |x| x as u64)
}

#[track_caller]
fn close(what: &str, got: f64, want: f64) {
    let tolerance = 1e-9 * want.abs().max(1.0);
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: engine {got}, oracle {want}"
    );
}

#[test]
fn impact_requests_match_duckdb_on_the_sample() {
    let (mut engine, segments) = engine();
    let retention =
        |engine: &mut Engine, monthly, cohort: Option<&str>, ret: Option<&str>, periods| {
            match engine.handle(Request::Retention {
                segments: segments.clone(),
                selected: vec![0],
                monthly,
                return_event: ret.map(str::to_owned),
                start_event: None,
                cohort_column: cohort.map(str::to_owned),
                periods: Some(periods),
            }) {
                Response::Retention { result: Ok(r) } => r,
                other => panic!("{other:?}"),
            }
        };
    let weekly = retention(&mut engine, false, None, None, 12);
    let monthly = retention(&mut engine, true, Some("signup_date"), Some("Login"), 6);
    let as_of = weekly.as_of;
    let steps = [
        "Create report",
        "Export report",
        "Invite teammate",
        "Upgrade",
    ];
    let Response::Funnel { result: Ok(funnel) } = engine.handle(Request::Funnel {
        segments: segments.clone(),
        selected: vec![0],
        steps: steps.iter().map(|s| (*s).to_owned()).collect(),
        within_days: 14,
        baseline: FunnelBaseline::Rest,
    }) else {
        panic!("the funnel runs")
    };
    let Response::Experiment {
        result: Ok(experiment),
    } = engine.handle(Request::Experiment {
        segments: segments.clone(),
        selected: vec![],
        arms: ArmsChoice::Column {
            column: "plan".into(),
        },
        control: None,
        outcomes: vec![OutcomeSpec::Event {
            event: Some("Upgrade".into()),
            days: 14,
            kind: OutcomeKind::Any,
            exposure: Exposure::FirstEvent,
        }],
        covariate: None,
        correction: Correction::BenjaminiHochberg,
    })
    else {
        panic!("the experiment runs")
    };
    let Response::BeforeAfter {
        result: Ok(before_after),
    } = engine.handle(Request::BeforeAfter {
        segments: segments.clone(),
        selected: vec![0],
        event: Some("Login".into()),
        date: "2025-03-01".into(),
        days: 28,
    })
    else {
        panic!("before/after runs")
    };

    let at = 20_148 * 86_400; // 2025-03-01
    let answer = oracle(&[
        json!({"kind": "retention", "as_of": as_of, "by": "week", "cohort": "first", "start": null, "return": null, "periods": 12}),
        json!({"kind": "retention", "as_of": as_of, "by": "month", "cohort": "signup_date", "start": null, "return": "Login", "periods": 6}),
        json!({"kind": "funnel", "as_of": as_of, "steps": steps, "within": 14 * 86_400, "baseline": "rest"}),
        json!({"kind": "outcome", "as_of": as_of, "days": 14, "event": "Upgrade", "any": true, "exposure": "first", "cuped": false}),
        json!({"kind": "before_after", "at": at, "days": 28}),
    ]);
    let tables = answer["tables"].as_array().expect("tables");

    for (name, r, want) in [
        ("weekly retention", &weekly, &tables[0]),
        ("monthly retention by signup", &monthly, &tables[1]),
    ] {
        let mut got = vec![r.periods as f64, r.without_start as f64];
        got.extend(r.cohorts.iter().map(|&c| f64::from(c)));
        for s in &r.segments {
            for c in 0..r.cohorts.len() {
                got.push(s.size[c] as f64);
                for k in 0..r.periods {
                    got.push(s.eligible[c * r.periods + k] as f64);
                    got.push(s.retained[c * r.periods + k] as f64);
                }
            }
        }
        let want: Vec<f64> = numbers(want)
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect();
        assert_eq!(got, want, "{name}: every cohort cell equals DuckDB's");
    }

    // The oracle lists everyone, the segment and the rest; the engine has everyone and the segment.
    let want = numbers(&tables[2]);
    let per_group = 1 + 4 * steps.len();
    for (g, segment) in funnel.segments.iter().enumerate() {
        let want = &want[g * per_group..(g + 1) * per_group];
        assert_eq!(segment.users, count(want[0]));
        for (k, step) in segment.steps.iter().enumerate() {
            let cell = &want[1 + 4 * k..5 + 4 * k];
            assert_eq!(step.reached, count(cell[0]), "{} step {k}", segment.segment);
            match (step.median_seconds, cell[1]) {
                (Some(got), Some(want)) => close("median time", got, want),
                (got, want) => assert_eq!(got, want, "median time, step {k}"),
            }
            match (step.p_value, cell[2]) {
                (Some(got), Some(want)) => close("funnel p", got, want),
                (got, want) => assert_eq!(got, want, "funnel p, step {k}"),
            }
        }
    }

    let want = numbers(&tables[3]);
    let everyone = &experiment.metrics[0].segments[0];
    for (a, arm) in everyone.arms.iter().enumerate() {
        assert_eq!(arm.n as u64, count(want[2 * a]), "{}", arm.arm);
        close(
            &format!("rate of {}", arm.arm),
            arm.value.unwrap_or(f64::NAN),
            want[2 * a + 1].unwrap_or_default(),
        );
    }
    let srm = experiment
        .sample_ratio
        .as_ref()
        .expect("a sample-ratio test");
    close(
        "SRM chi-square",
        srm.statistic,
        answer["srm"][0].as_f64().unwrap_or_default(),
    );
    close(
        "SRM p",
        srm.p_value,
        answer["srm"][1].as_f64().unwrap_or_default(),
    );
    for pair in answer["z"][0].as_array().expect("z-tests") {
        let name = pair[0].as_str().unwrap_or_default();
        let arm = everyone
            .arms
            .iter()
            .find(|a| a.arm == name)
            .expect("the arm");
        match &arm.lift {
            Lift::Measured { p_value, .. } => {
                close(
                    &format!("z-test p of {name}"),
                    *p_value,
                    pair[1].as_f64().unwrap_or_default(),
                );
            }
            other => panic!("{name}: {other:?}"),
        }
    }

    let want = numbers(&tables[4]);
    let s = &before_after.segments[0];
    let did = s.did.as_ref().expect("a difference in differences");
    let got = [
        s.users as f64,
        s.rest as f64,
        s.before,
        s.after,
        s.rest_before,
        s.rest_after,
        did.difference,
        did.statistic,
        did.df,
        did.p_value,
        did.ci.low,
        did.ci.high,
    ];
    for (i, (got, want)) in got.iter().zip(&want).enumerate() {
        close(
            &format!("before/after value {i}"),
            *got,
            want.unwrap_or_default(),
        );
    }
}

#[test]
fn choices_list_columns_by_use_and_events_by_frequency() {
    let (mut engine, _) = engine();
    let Response::ImpactChoices { choices } = engine.handle(Request::ImpactChoices) else {
        panic!("choices")
    };
    let plan = choices
        .columns
        .iter()
        .find(|c| c.name == "plan")
        .expect("plan is offered as a variant column");
    assert_eq!(plan.values, ["basic", "enterprise", "pro", "trial"]);
    assert!(choices.columns.iter().any(|c| c.name == "signup_date"));
    assert!(
        !choices.columns.iter().any(|c| c.name == "email"),
        "text is no choice"
    );
    assert_eq!(
        choices.events.first().map(String::as_str),
        Some("Login"),
        "Login starts every session"
    );
    assert_eq!(choices.as_of.as_deref(), Some("2025-06-30"));
}

#[test]
fn impact_requests_say_what_to_fix() {
    let (mut engine, segments) = engine();
    let message = |response| match response {
        Response::BeforeAfter { result: Err(m) } | Response::Experiment { result: Err(m) } => m,
        other => panic!("{other:?}"),
    };
    let before_after = |date: &str, selected: Vec<usize>| Request::BeforeAfter {
        segments: segments.clone(),
        selected,
        event: None,
        date: date.into(),
        days: 7,
    };
    assert!(message(engine.handle(before_after("March 1st", vec![0]))).contains("YYYY-MM-DD"));
    assert!(message(engine.handle(before_after("2025-03-01", vec![]))).contains("Compare"));
    let m = message(engine.handle(Request::Experiment {
        segments: segments.clone(),
        selected: vec![],
        arms: ArmsChoice::Segments { arms: vec![0] },
        control: None,
        outcomes: vec![OutcomeSpec::Column("converted".into())],
        covariate: None,
        correction: Correction::Bonferroni,
    }));
    assert!(m.contains("at least two arms"), "{m}");
}
