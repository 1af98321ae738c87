//! `seglab experiment`, `retention` and `funnel` on the shipped sample: the relationships planted in it
//! (web/sample/README.md) must show, JSON must parse, and bad input must end in a clear message and exit
//! code 2, never a panic.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const SAMPLES: [&str; 3] = [
    "web/sample/users.csv",
    "web/sample/events.csv",
    "web/sample/nps.csv",
];

fn seglab(args: &[&str]) -> Output {
    let mut all: Vec<&str> = vec![args[0]];
    all.extend(SAMPLES);
    all.extend(&args[1..]);
    Command::new(env!("CARGO_BIN_EXE_seglab"))
        .args(&all)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run seglab: {e}"))
}

fn json_of(args: &[&str]) -> Value {
    let output = seglab(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "seglab {args:?} failed: {stderr}");
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("seglab {args:?} printed no JSON ({e})"))
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn experiment_finds_the_industry_gap_and_sees_through_text() {
    // Industries as arms: Software converts ≈ 2× Retail in the sample (28.3% of 625 vs 14.5% of 325).
    let report = json_of(&[
        "experiment",
        "--arm",
        "Retail=industry = \"Retail\"",
        "--arm",
        "Software=industry = \"Software\"",
        "--control",
        "Retail",
        "--outcome",
        "converted",
        "--outcome",
        "count(\"Create report\", 14d)",
        "--exposure",
        "trial_start",
        "--segment",
        "Big=employees >= 100",
        "--segment",
        "Small=employees < 100",
        "--json",
    ]);
    let converted = &report["metrics"][0];
    assert_eq!(converted["name"], "converted");
    let everyone = &converted["segments"][0];
    assert_eq!(everyone["segment"], "everyone");
    let software = &everyone["arms"][1];
    assert_eq!(software["arm"], "Software");
    assert_eq!(software["n"], 625);
    assert!((num(&software["value"]) - 0.283).abs() < 0.001);
    assert!((num(&everyone["arms"][0]["value"]) - 0.145).abs() < 0.001);
    assert_eq!(software["lift"]["status"], "measured");
    assert!(num(&software["lift"]["adjusted_p"]) < 0.001);
    assert!(num(&software["lift"]["relative"]) > 0.8);
    assert_eq!(converted["interactions"].as_array().map(Vec::len), Some(1));
    // Converted users create more reports in the trial, so Software (more converters) does too.
    let reports = &report["metrics"][1]["segments"][0]["arms"];
    assert!(num(&reports[1]["value"]) > num(&reports[0]["value"]));

    let text = seglab(&[
        "experiment",
        "--variant",
        "plan",
        "--control",
        "basic",
        "--outcome",
        "arr",
    ]);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("arms: basic"), "{text}");
    assert!(text.contains("(control)"), "{text}");
    assert!(text.contains("enterprise"), "{text}");
}

#[test]
fn retention_of_converted_users_is_higher() {
    let report = json_of(&[
        "retention",
        "--by",
        "month",
        "--cohort-column",
        "signup_date",
        "--segment",
        "Converted=converted = yes",
        "--segment",
        "Not converted=converted = no",
        "--json",
    ]);
    assert_eq!(report["segments"][0]["segment"], "everyone");
    let rate =
        |segment: usize, period: usize| num(&report["segments"][segment]["curve"][period]["rate"]);
    // Paying users keep coming back; the others fade out within ~60 days of the trial's end.
    for period in 2..6 {
        assert!(rate(1, period) > 0.5, "converted, period {period}");
        assert!(rate(2, period) < 0.1, "not converted, period {period}");
    }
    let cohorts = report["cohorts"].as_array().map_or(0, Vec::len);
    assert_eq!(cohorts, 24, "monthly cohorts from 2023-07 to 2025-06");
    let periods = report["periods"].as_u64().unwrap_or(0) as usize;
    let sizes: u64 = report["segments"][0]["size"]
        .as_array()
        .map_or(0, |s| s.iter().filter_map(Value::as_u64).sum());
    assert_eq!(sizes, 3000);
    assert_eq!(
        report["segments"][0]["eligible"].as_array().map(Vec::len),
        Some(cohorts * periods)
    );
}

#[test]
fn funnel_converted_users_create_reports_sooner() {
    let report = json_of(&[
        "funnel",
        "--step",
        "Login",
        "--step",
        "Create report",
        "--step",
        "Upgrade",
        "--within",
        "14d",
        "--segment",
        "Converted=converted = yes",
        "--segment",
        "Not converted=converted = no",
        "--vs",
        "first",
        "--json",
    ]);
    let steps = |s: usize| &report["segments"][s]["steps"];
    let conversion = |s: usize, k: usize| num(&steps(s)[k]["conversion"]);
    assert!(
        conversion(1, 1) > 0.7,
        "converted users mostly create a report in 14 days"
    );
    assert!(conversion(2, 1) < conversion(1, 1) / 2.0);
    // The upgrade comes at the trial's end, 14 days after signup, so a few fall just outside the window.
    assert!(
        conversion(1, 2) > 0.85,
        "converted users upgrade within their trial"
    );
    assert!(
        steps(2)[2]["reached"] == 0,
        "users who did not convert never upgrade"
    );
    assert!(num(&steps(2)[1]["adjusted_p"]) < 0.001);
    assert!(
        steps(1)[1]["p_value"].is_null(),
        "the baseline is not tested against itself"
    );
}

#[test]
fn before_after_finds_no_change_where_none_was_planted() {
    let report = json_of(&[
        "before-after",
        "--at",
        "2025-03-01",
        "--window",
        "28d",
        "--event",
        "Login",
        "--segment",
        "Paying=converted = yes",
        "--json",
    ]);
    let paying = &report["segments"][0];
    assert_eq!(paying["users"], 626);
    assert_eq!(paying["rest"], 2374);
    // Paying users log in more, before and after alike; the sample plants no change around the date.
    assert!(num(&paying["before"]) > 3.0 * num(&paying["rest_before"]));
    assert!(num(&paying["did"]["Ok"]["p_value"]) > 0.05);
}

#[test]
fn bad_input_is_a_clear_error_with_exit_code_2() {
    let cases: [(&[&str], &str); 11] = [
        (
            &[
                "before-after",
                "--at",
                "2025-02-30",
                "--segment",
                "P=converted = yes",
            ],
            "expected a date",
        ),
        (&["before-after", "--at", "2025-03-01"], "give a --segment"),
        (
            &["experiment", "--variant", "plna", "--outcome", "converted"],
            "no column `plna`",
        ),
        (
            &[
                "experiment",
                "--variant",
                "signup_date",
                "--outcome",
                "converted",
            ],
            "category, boolean or whole-number",
        ),
        (
            &["experiment", "--variant", "plan", "--outcome", "email"],
            "boolean or numeric",
        ),
        (
            &[
                "experiment",
                "--variant",
                "plan",
                "--control",
                "gold",
                "--outcome",
                "converted",
            ],
            "`gold` is not one of the arms",
        ),
        (
            &[
                "experiment",
                "--variant",
                "plan",
                "--outcome",
                "any(Upgarde, 14d)",
            ],
            "did you mean `Upgrade`",
        ),
        (
            &[
                "experiment",
                "--variant",
                "plan",
                "--outcome",
                "any(Upgrade, soon)",
            ],
            "whole days",
        ),
        (
            &["retention", "--cohort-column", "country"],
            "date or date-time",
        ),
        (
            &["funnel", "--step", "Login", "--within", "0d"],
            "positive window",
        ),
        (
            &["funnel", "--step", "Login", "--segment", "X=plan = "],
            "segment \"X\"",
        ),
    ];
    for (args, message) in cases {
        let output = seglab(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(message),
            "{args:?}: expected `{message}` in: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
