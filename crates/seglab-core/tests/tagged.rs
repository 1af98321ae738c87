//! Internally tagged enums (`{"kind": "mix", ...}`) are read back from a flat struct of all their variants'
//! fields (`src/tagged.rs`), not by serde's derive: every variant must read back as it was written, and
//! what is written keeps its shape (the CLI's `--json` and the page's messages).

use seglab_core::compare::{
    CategoricalSummary, DateSummary, Effect, Estimate, NumericSummary, RateSummary, Share, Summary,
};
use seglab_core::impact::{Cuped, Interaction, Lift};
use seglab_core::join::Measure;
use seglab_core::stats::{Interval, NotEnough};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

/// `value` written as JSON is `expected`, and reads back as `value`.
fn check<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: &T,
    expected: &serde_json::Value,
) {
    let written = serde_json::to_value(value).expect("serialises");
    assert_eq!(&written, expected);
    let back: T = serde_json::from_value(written).expect("deserialises");
    assert_eq!(&back, value);
}

/// `json` does not read as a `T`, with an error mentioning `needle`.
fn check_error<T: DeserializeOwned + std::fmt::Debug>(json: serde_json::Value, needle: &str) {
    let error = serde_json::from_value::<T>(json).expect_err("must not deserialise");
    assert!(error.to_string().contains(needle), "{error}");
}

const CI: Interval = Interval {
    low: -0.5,
    high: 1.5,
};
const ESTIMATE: Estimate = Estimate {
    estimate: 0.25,
    low: 0.125,
    high: 0.375,
};

#[test]
fn not_enough() {
    check(&NotEnough::Empty, &json!({"reason": "empty"}));
    check(
        &NotEnough::TooFew {
            needed: 2,
            found: 1,
        },
        &json!({"reason": "too_few", "needed": 2, "found": 1}),
    );
    for (value, tag) in [
        (NotEnough::NoVariance, "no_variance"),
        (NotEnough::ZeroBaseline, "zero_baseline"),
        (NotEnough::EmptyMargin, "empty_margin"),
        (NotEnough::Shape, "shape"),
        (NotEnough::NotFinite, "not_finite"),
        (NotEnough::Overflow, "overflow"),
    ] {
        check(&value, &json!({ "reason": tag }));
    }
    check(
        &NotEnough::SmallExpected {
            smallest: "1.5".into(),
        },
        &json!({"reason": "small_expected", "smallest": "1.5"}),
    );
    check_error::<NotEnough>(json!({"reason": "too_few", "needed": 2}), "`found`");
    check_error::<NotEnough>(json!({"reason": "nonsense"}), "unknown variant `nonsense`");
    check_error::<NotEnough>(json!({"needed": 2}), "reason");
}

#[test]
fn lift_and_cuped() {
    check(&Lift::Control, &json!({"status": "control"}));
    check(
        &Lift::Measured {
            absolute: 0.5,
            absolute_ci: CI,
            relative: Some(0.25),
            relative_ci: None,
            se: 0.125,
            p_value: 0.01,
            adjusted_p: 0.03,
        },
        &json!({"status": "measured", "absolute": 0.5, "absolute_ci": {"low": -0.5, "high": 1.5},
            "relative": 0.25, "relative_ci": null, "se": 0.125, "p_value": 0.01, "adjusted_p": 0.03}),
    );
    check(
        &Lift::TooFewToTell {
            reason: NotEnough::Empty,
        },
        &json!({"status": "too_few_to_tell", "reason": {"reason": "empty"}}),
    );
    check(
        &Cuped::Measured {
            theta: 0.5,
            n: 10,
            absolute: 1.0,
            absolute_ci: CI,
            p_value: 0.5,
            variance_reduction: 0.25,
        },
        &json!({"status": "measured", "theta": 0.5, "n": 10, "absolute": 1.0,
            "absolute_ci": {"low": -0.5, "high": 1.5}, "p_value": 0.5, "variance_reduction": 0.25}),
    );
    check(
        &Cuped::TooFewToTell {
            reason: NotEnough::NoVariance,
        },
        &json!({"status": "too_few_to_tell", "reason": {"reason": "no_variance"}}),
    );
    check_error::<Lift>(
        json!({"status": "measured", "absolute": 0.5}),
        "`absolute_ci`",
    );
    check_error::<Cuped>(json!({"status": "control"}), "unknown variant `control`");
}

#[test]
fn interaction() {
    check(
        &Interaction::DifferenceZ {
            arm: "B".into(),
            difference: 0.5,
            statistic: 2.0,
            p_value: 0.05,
            simpson: true,
        },
        &json!({"status": "difference_z", "arm": "B", "difference": 0.5, "statistic": 2.0,
            "p_value": 0.05, "simpson": true}),
    );
    check(
        &Interaction::CochranQ {
            arm: "B".into(),
            statistic: 3.0,
            df: 2,
            p_value: 0.25,
            simpson: false,
        },
        &json!({"status": "cochran_q", "arm": "B", "statistic": 3.0, "df": 2, "p_value": 0.25,
            "simpson": false}),
    );
    check(
        &Interaction::TooFewToTell {
            arm: "B".into(),
            reason: NotEnough::TooFew {
                needed: 2,
                found: 0,
            },
        },
        &json!({"status": "too_few_to_tell", "arm": "B",
            "reason": {"reason": "too_few", "needed": 2, "found": 0}}),
    );
    check_error::<Interaction>(json!({"status": "cochran_q", "arm": "B"}), "`statistic`");
}

#[test]
fn effect() {
    check(
        &Effect::Proportions {
            value: Some("FR".into()),
            count: 3,
            n: 10,
            baseline_count: 5,
            baseline_n: 40,
            difference: Some(ESTIMATE),
            ratio: None,
            cohens_h: 0.5,
        },
        &json!({"kind": "proportions", "value": "FR", "count": 3, "n": 10, "baseline_count": 5,
            "baseline_n": 40, "difference": {"estimate": 0.25, "low": 0.125, "high": 0.375},
            "ratio": null, "cohens_h": 0.5}),
    );
    check(
        &Effect::Means {
            mean: 2.0,
            baseline_mean: 1.0,
            difference: ESTIMATE,
            cohens_d: None,
            dates: true,
        },
        &json!({"kind": "means", "mean": 2.0, "baseline_mean": 1.0,
            "difference": {"estimate": 0.25, "low": 0.125, "high": 0.375}, "cohens_d": null,
            "dates": true}),
    );
    check(
        &Effect::Distributions {
            median: 3.0,
            baseline_median: 2.0,
            probability_greater: 0.75,
            dates: false,
        },
        &json!({"kind": "distributions", "median": 3.0, "baseline_median": 2.0,
            "probability_greater": 0.75, "dates": false}),
    );
    check(
        &Effect::Mix {
            cramers_v: 0.125,
            df: 3,
        },
        &json!({"kind": "mix", "cramers_v": 0.125, "df": 3}),
    );
    check_error::<Effect>(
        json!({"kind": "means", "mean": 2.0, "baseline_mean": 1.0}),
        "`difference`",
    );
}

#[test]
fn measure() {
    check(
        &Measure::Count {
            event: None,
            days: None,
        },
        &json!({"measure": "count"}),
    );
    check(
        &Measure::Count {
            event: Some("Login".into()),
            days: Some(30),
        },
        &json!({"measure": "count", "event": "Login", "days": 30}),
    );
    for (value, tag) in [
        (Measure::FirstSeen, "first_seen"),
        (Measure::LastSeen, "last_seen"),
        (Measure::DaysSinceLastSeen, "days_since_last_seen"),
        (Measure::ActiveDays, "active_days"),
    ] {
        check(&value, &json!({ "measure": tag }));
    }
    check(
        &Measure::Sum {
            property: "amount".into(),
            event: None,
        },
        &json!({"measure": "sum", "property": "amount"}),
    );
    check(
        &Measure::Avg {
            property: "amount".into(),
            event: Some("Purchase".into()),
        },
        &json!({"measure": "avg", "property": "amount", "event": "Purchase"}),
    );
    check(
        &Measure::Latest {
            file: "nps".into(),
            column: "score".into(),
        },
        &json!({"measure": "latest", "file": "nps", "column": "score"}),
    );
    check(
        &Measure::LinkedAvg {
            file: "nps".into(),
            column: "score".into(),
        },
        &json!({"measure": "linked_avg", "file": "nps", "column": "score"}),
    );
    check_error::<Measure>(json!({"measure": "latest", "file": "nps"}), "`column`");
}

#[test]
fn summary() {
    let numeric = NumericSummary {
        n: 4,
        missing: 1,
        mean: Some(2.5),
        mean_ci: Some(CI),
        sd: Some(1.25),
        min: Some(1.0),
        p10: Some(1.25),
        p25: None,
        median: Some(2.5),
        p75: Some(3.0),
        p90: Some(3.5),
        max: Some(4.0),
        histogram: vec![1, 2, 1],
    };
    check(
        &Summary::Numeric {
            groups: vec![numeric.clone()],
            edges: vec![0.0, 1.5, 3.0, 4.5],
        },
        &json!({"kind": "numeric", "groups": [{"n": 4, "missing": 1, "mean": 2.5,
            "mean_ci": {"low": -0.5, "high": 1.5}, "sd": 1.25, "min": 1.0, "p10": 1.25, "p25": null,
            "median": 2.5, "p75": 3.0, "p90": 3.5, "max": 4.0, "histogram": [1, 2, 1]}],
            "edges": [0.0, 1.5, 3.0, 4.5]}),
    );
    let share = Share { share: 0.5, ci: CI };
    check(
        &Summary::Categorical {
            values: vec!["FR".into(), "other".into()],
            other: true,
            groups: vec![CategoricalSummary {
                n: 2,
                missing: 0,
                counts: vec![1, 1],
                shares: vec![Some(share), None],
            }],
        },
        &json!({"kind": "categorical", "values": ["FR", "other"], "other": true,
            "groups": [{"n": 2, "missing": 0, "counts": [1, 1],
                "shares": [{"share": 0.5, "ci": {"low": -0.5, "high": 1.5}}, null]}]}),
    );
    check(
        &Summary::Boolean {
            groups: vec![
                RateSummary {
                    n: 2,
                    missing: 1,
                    count: 1,
                    rate: Some(share),
                },
                RateSummary {
                    n: 0,
                    missing: 3,
                    count: 0,
                    rate: None,
                },
            ],
        },
        &json!({"kind": "boolean", "groups": [
            {"n": 2, "missing": 1, "count": 1, "rate": {"share": 0.5, "ci": {"low": -0.5, "high": 1.5}}},
            {"n": 0, "missing": 3, "count": 0, "rate": null}]}),
    );
    check(
        &Summary::Date {
            groups: vec![DateSummary {
                n: 3,
                missing: 0,
                min: Some("2025-01-02".into()),
                median: None,
                max: Some("2025-03-04".into()),
                histogram: vec![2, 1],
            }],
            months: vec!["2025-01".into(), "2025-03".into()],
        },
        &json!({"kind": "date", "groups": [{"n": 3, "missing": 0, "min": "2025-01-02", "median": null,
            "max": "2025-03-04", "histogram": [2, 1]}], "months": ["2025-01", "2025-03"]}),
    );
    check(
        &Summary::Skipped {
            reason: "free text".into(),
        },
        &json!({"kind": "skipped", "reason": "free text"}),
    );
    // A numeric group's bounds are numbers and a date group's texts.
    check_error::<Summary>(
        json!({"kind": "date", "groups": [{"n": 1, "missing": 0, "min": 3.0, "histogram": []}],
            "months": []}),
        "`min` must be a text",
    );
    check_error::<Summary>(
        json!({"kind": "numeric", "groups": [{"n": 1, "missing": 0, "max": "x", "histogram": []}],
            "edges": []}),
        "`max` must be a number",
    );
    check_error::<Summary>(json!({"kind": "boolean"}), "`groups`");
    check_error::<Summary>(
        json!({"kind": "categorical", "values": [], "other": false, "groups": [{"n": 1, "missing": 0}]}),
        "`counts`",
    );
}
