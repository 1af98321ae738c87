//! The Compare view's requests, natively on the shipped sample, against pandas computing the same
//! figures from the CSV files: the baseline, what distinguishes two groups, the breakdown, the NPS, the
//! members export and the comparison panel.

use seglab_app::engine::Engine;
use seglab_app::protocol::{Request, Response};
use seglab_core::segment::Segment;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn sample_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/sample")
}

/// The sample loaded: users, events and the NPS survey.
fn engine() -> Engine {
    let mut engine = Engine::default();
    for name in ["users.csv", "events.csv", "nps.csv"] {
        let path = sample_dir().join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match engine.load_bytes(name, &bytes) {
            Response::Loaded { .. } => {}
            other => panic!("{name}: {other:?}"),
        }
    }
    engine
}

fn segments() -> Vec<Segment> {
    vec![
        Segment::new("Pro", "#2a9d8f", r#"plan = "pro""#),
        Segment::new("Germany", "#e76f51", r#"country = "Germany""#),
    ]
}

/// pandas over the sample files: per group (Pro, Germany, everyone else) the size, the count of each
/// country, the NPS of the latest answer per user, and the mean, median and p90 of `arr`.
fn oracle() -> Value {
    let code = r#"
import json, sys, os
import numpy as np, pandas as pd
d = sys.argv[1]
u = pd.read_csv(os.path.join(d, "users.csv"), dtype=str, keep_default_na=False)
n = pd.read_csv(os.path.join(d, "nps.csv"), dtype=str, keep_default_na=False)
key = lambda s: s.str.strip().str.upper()
u["k"] = key(u["user_id"]); n["k"] = key(n["user_id"])
n = n[n["score"].str.strip() != ""].copy()
n["score"] = n["score"].astype(float)
latest = n.sort_values("date").groupby("k").tail(1).set_index("k")["score"]
pro = u["plan"].str.strip() == "pro"
de = u["country"].str.strip() == "Germany"
groups = {"Pro": pro, "Germany": de, "Everyone else": ~(pro | de)}
out = {}
for name, mask in groups.items():
    g = u[mask]
    countries = g["country"].str.strip()
    countries = countries[countries != ""].value_counts().to_dict()
    s = latest.reindex(g["k"]).dropna()
    arr = pd.to_numeric(g["arr"].str.strip(), errors="coerce").dropna().to_numpy()
    out[name] = {
        "size": int(mask.sum()),
        "countries": {k: int(v) for k, v in countries.items()},
        "answers": int(len(s)),
        "nps": float(100 * ((s >= 9).mean() - (s <= 6).mean())) if len(s) else None,
        "arr": [float(arr.mean()), float(np.quantile(arr, 0.5)), float(np.quantile(arr, 0.9))],
    }
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(code)
        .arg(sample_dir())
        .output()
        .expect("python3 with pandas and numpy must be installed (cargo xtask test installs them)");
    assert!(
        out.status.success(),
        "the pandas oracle failed (is pandas installed?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the oracle prints JSON")
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        "{what}: seglab {a}, pandas {b}"
    );
}

#[test]
fn the_compare_view_requests_agree_with_pandas() {
    let expected = oracle();
    let mut engine = engine();
    let names = ["Pro", "Germany", "Everyone else"];

    // The baseline is a compared segment; the others are tested against it.
    let Response::Comparison { comparison, .. } = engine.handle(Request::Compare {
        segments: segments(),
        selected: vec![0, 1],
        baseline: Some(1),
    }) else {
        panic!("expected a comparison")
    };
    assert_eq!(comparison.baseline, 1);
    let sizes: Vec<usize> = comparison.groups.iter().map(|g| g.size).collect();
    let want: Vec<usize> = names
        .iter()
        .map(|n| expected[n]["size"].as_u64().unwrap() as usize)
        .collect();
    assert_eq!(sizes, want);
    assert!(comparison.findings.iter().all(|f| f.baseline == 1));

    // What distinguishes Pro from everyone else: significant only, largest effect first.
    let Response::Distinguished { a, b, result } = engine.handle(Request::Distinguish {
        segments: segments(),
        selected: vec![0, 1],
        a: Some(0),
        b: None,
    }) else {
        panic!("expected what distinguishes")
    };
    assert_eq!((a.as_str(), b.as_str()), ("Pro", "Everyone else"));
    let findings = result.expect("two groups can be contrasted");
    assert!(!findings.is_empty(), "pro users differ from everyone else");
    assert!(findings.iter().all(|f| f.significant));
    assert!(
        findings
            .windows(2)
            .all(|w| w[0].magnitude.unwrap_or(0.0) >= w[1].magnitude.unwrap_or(0.0))
    );
    let Response::Distinguished { result, .. } = engine.handle(Request::Distinguish {
        segments: segments(),
        selected: vec![0, 1],
        a: Some(0),
        b: Some(0),
    }) else {
        panic!("expected what distinguishes")
    };
    assert!(result.is_err(), "a group is not contrasted with itself");

    // The breakdown by country, cell by cell, with intervals around the shares.
    let Response::Breakdown { result } = engine.handle(Request::Breakdown {
        segments: segments(),
        selected: vec![0, 1],
        column: "country".into(),
    }) else {
        panic!("expected a breakdown")
    };
    let pivot = result.expect("country breaks down");
    assert_eq!(pivot.groups, names);
    for (g, name) in names.iter().enumerate() {
        let countries = expected[name]["countries"].as_object().unwrap();
        for row in &pivot.rows {
            let want = countries.get(&row.value).map_or(0, |v| v.as_u64().unwrap());
            assert_eq!(row.cells[g].count, want, "{name}, {}", row.value);
            if let Some(share) = row.cells[g].share {
                assert!(
                    share.ci.low - 1e-12 <= share.share && share.share <= share.ci.high + 1e-12
                );
            }
        }
        assert_eq!(
            pivot.n[g],
            countries.values().map(|v| v.as_u64().unwrap()).sum::<u64>()
        );
    }
    let Response::Breakdown { result } = engine.handle(Request::Breakdown {
        segments: segments(),
        selected: vec![0, 1],
        column: "contry".into(),
    }) else {
        panic!("expected a breakdown")
    };
    let message = result.expect_err("an unknown column is an error");
    assert!(
        message.contains("country"),
        "the message lists the columns: {message}"
    );

    // The NPS of each group from the latest answer per user.
    let Response::Nps { result } = engine.handle(Request::Nps {
        segments: segments(),
        selected: vec![0, 1],
        baseline: None,
        column: "latest(nps.score)".into(),
    }) else {
        panic!("expected NPS")
    };
    let nps = result.expect("the sample has NPS answers");
    assert_eq!(nps.baseline, 2, "None is everyone else");
    assert_eq!(nps.differences.len(), 2);
    for (g, name) in names.iter().enumerate() {
        let score = nps.scores[g].as_ref().expect("every group answered");
        assert_eq!(
            score.n,
            expected[name]["answers"].as_u64().unwrap(),
            "{name}"
        );
        close(score.score, expected[name]["nps"].as_f64().unwrap(), name);
        assert!(score.ci.low < score.score && score.score < score.ci.high);
    }

    // The panel alone: sizes, mean/median/p90 and the same breakdown.
    let Response::Panel { result } = engine.handle(Request::Panel {
        segments: segments(),
        selected: vec![0, 1],
        column: "arr".into(),
        by: "country".into(),
    }) else {
        panic!("expected a panel")
    };
    let panel = result.expect("arr is numeric");
    for (g, name) in names[..2].iter().enumerate() {
        let group = &panel.groups[g];
        assert_eq!(group.size, want[g]);
        let arr = &expected[name]["arr"];
        close(group.mean.unwrap(), arr[0].as_f64().unwrap(), "mean");
        close(group.median.unwrap(), arr[1].as_f64().unwrap(), "median");
        close(group.p90.unwrap(), arr[2].as_f64().unwrap(), "p90");
        assert_eq!(group.histogram.iter().sum::<u64>() as usize, group.n);
        assert_eq!(group.histogram.len() + 1, panel.edges.len());
    }
    assert_eq!(panel.breakdown.groups, names[..2]);

    // A segment's members as CSV: a header and one line per member.
    let Response::Members { name, csv } = engine.handle(Request::Members {
        segments: segments(),
        index: 0,
    }) else {
        panic!("expected members")
    };
    assert_eq!(name, "Pro");
    let csv = csv.expect("Pro has members");
    assert!(csv.starts_with("user_id,"), "{}", &csv[..40.min(csv.len())]);
    assert_eq!(csv.lines().count(), want[0] + 1);
}
