//! The worker's engine host, natively, on the shipped sample: what the page shows after each request.

mod common;

use common::{load, sample_engine};
use seglab_app::engine::Engine;
use seglab_app::protocol::{ModelSettings, ModelsView, Request, Response};
use seglab_core::segment::Segment;
use std::path::PathBuf;
use std::process::Command;

/// Python's csv module, the oracle: (rows, trial users who did not convert).
fn oracle() -> (usize, usize) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/sample/users.csv");
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import csv,sys\nrows=list(csv.DictReader(open(sys.argv[1],newline='',encoding='utf-8-sig')))\n\
             print(len(rows), sum(1 for r in rows if r['plan'].strip()=='trial' and r['converted'].strip().lower()=='no'))",
        )
        .arg(path)
        .output()
        .expect("python3 must be installed (cargo xtask test installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut numbers = text.split_whitespace().map(|n| n.parse::<usize>().unwrap());
    (numbers.next().unwrap(), numbers.next().unwrap())
}

#[test]
fn the_sample_loads_joins_and_segments_like_python_counts() {
    let (rows, trial_not_converted) = oracle();
    let mut engine = Engine::default();
    for name in ["users.csv", "events.csv", "nps.csv"] {
        match load(&mut engine, name) {
            Response::Loaded { file, dataset } => {
                assert_eq!(file.name, name);
                assert_eq!(
                    dataset.population, rows,
                    "the population is the CRM export's users"
                );
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    let segments = vec![
        Segment::new(
            "Lost trials",
            "#2a9d8f",
            r#"plan = "trial" and converted = no"#,
        ),
        Segment::new("Typo", "#e76f51", r#"plna = "trial""#),
    ];
    let Response::Segments {
        population,
        segments: views,
    } = engine.handle(Request::Evaluate {
        segments: segments.clone(),
    })
    else {
        panic!("expected segment sizes")
    };
    assert_eq!(population, rows);
    assert_eq!(views[0].size, Some(trial_not_converted));
    let error = views[1]
        .error
        .as_ref()
        .expect("an unknown column is an error");
    assert_eq!(error.span, Some((0, 4)));
    assert!(error.suggestions.iter().any(|s| s == "plan"), "{error:?}");

    let Response::Comparison { comparison, .. } = engine.handle(Request::Compare {
        segments,
        selected: vec![0],
        baseline: None,
    }) else {
        panic!("expected a comparison")
    };
    let sizes: Vec<usize> = comparison.groups.iter().map(|g| g.size).collect();
    assert_eq!(sizes, vec![trial_not_converted, rows - trial_not_converted]);
    assert!(
        comparison
            .columns
            .iter()
            .any(|c| c.name == "count(Create report)"),
        "event measures are compared"
    );
}

#[test]
fn a_workbook_is_refused_by_name_and_what_was_loaded_stays() {
    let mut engine = Engine::default();
    assert!(matches!(
        load(&mut engine, "users.csv"),
        Response::Loaded { .. }
    ));
    let mut workbook = b"PK\x03\x04".to_vec();
    workbook.extend_from_slice(b"\x14\x00\x06\x00[Content_Types].xml xl/workbook.xml");
    match engine.load_bytes("budget.xlsx", &workbook) {
        Response::LoadFailed { name, message } => {
            assert_eq!(name, "budget.xlsx");
            assert!(message.contains("Excel"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let Response::Segments { population, .. } =
        engine.handle(Request::Evaluate { segments: vec![] })
    else {
        panic!()
    };
    assert!(population > 0, "the users loaded before are still there");
}

fn models(engine: &mut Engine, settings: ModelSettings, outcome: Option<&str>) -> ModelsView {
    match engine.handle(Request::SetModels {
        settings,
        outcome: outcome.map(str::to_owned),
    }) {
        Response::Models { models } => *models,
        other => panic!("expected models, got {other:?}"),
    }
}

/// Sizes of `definitions` as the segment engine evaluates them.
fn sizes(engine: &mut Engine, definitions: &[String]) -> Vec<Option<usize>> {
    let segments = definitions
        .iter()
        .map(|d| Segment::new(d.clone(), "#2a9d8f", d.clone()))
        .collect();
    let Response::Segments { segments, .. } = engine.handle(Request::Evaluate { segments }) else {
        panic!("expected segment sizes")
    };
    segments.iter().map(|s| s.size).collect()
}

const SCORE_MEASURES: [&str; 3] = ["employees:+:1", "arr:+:2", "signup_date:-:1"];

/// pandas and scikit-learn on the same files: (AUC, band sizes).
fn score_oracle() -> (f64, Vec<usize>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(dir.join("tests/data/score_oracle.py"))
        .arg(dir.join("../../web/sample/users.csv"))
        .args(SCORE_MEASURES)
        .output()
        .expect("python3 with pandas and scikit-learn must be installed (CI installs them)");
    assert!(
        out.status.success(),
        "the score oracle failed (pip install pandas scikit-learn): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bands = json["bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| usize::try_from(b.as_u64().unwrap()).unwrap())
        .collect();
    (json["auc"].as_f64().unwrap(), bands)
}

#[test]
fn a_health_score_becomes_a_column_its_bands_segments_and_its_auc_matches_scikit_learn() {
    let (auc, band_sizes) = score_oracle();
    let mut engine = sample_engine();
    let choices = models(&mut engine, ModelSettings::default(), None).choices;
    for name in ["employees", "arr", "signup_date", "count(Login, 30d)"] {
        assert!(
            choices.numeric.iter().any(|n| n == name),
            "{name}: {choices:?}"
        );
    }
    assert_eq!(choices.outcomes, vec!["converted".to_owned()]);
    let settings = ModelSettings {
        score: Some(SCORE_MEASURES.join(";")),
        ..ModelSettings::default()
    };
    let view = models(&mut engine, settings, Some("converted"));
    let score = view.score.expect("a score").expect("the score computes");
    let backtest = score.backtest.expect("a back-test against converted");
    assert!(
        (backtest.auc - auc).abs() < 1e-9,
        "{} vs {auc}",
        backtest.auc
    );
    assert!(backtest.ci.low < backtest.auc && backtest.auc < backtest.ci.high);
    assert_eq!(backtest.deciles.len(), 10);
    let got: Vec<usize> = score.bands.iter().map(|b| b.size).collect();
    assert_eq!(got, band_sizes);
    // Each band is an ordinary segment over `health_score`, with the size the score reported.
    let definitions: Vec<String> = score.bands.iter().map(|b| b.definition.clone()).collect();
    assert_eq!(
        sizes(&mut engine, &definitions),
        band_sizes.iter().map(|&s| Some(s)).collect::<Vec<_>>()
    );
    // Which measure carries the score: `arr` (only converted users pay).
    let carrier = backtest
        .influence
        .iter()
        .max_by(|a, b| a.drop.total_cmp(&b.drop))
        .unwrap();
    assert_eq!(carrier.name, "arr");
    // A warehouse has no `health_score`: SQL export says so instead of writing a wrong query.
    let band = Segment::new("Champions", "#2a9d8f", definitions[3].clone());
    match engine.handle(Request::Sql {
        segments: vec![band],
        index: 0,
        dialect: seglab_core::segment::Dialect::DuckDb,
    }) {
        Response::Sql {
            sql: Err(message), ..
        } => {
            assert!(message.contains("health_score"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Cleared, the score's column is gone and its bands no longer evaluate.
    models(&mut engine, ModelSettings::default(), None);
    assert_eq!(sizes(&mut engine, &definitions[..1]), vec![None]);
}

#[test]
fn a_score_survives_a_file_loaded_again_and_reports_bad_definitions() {
    let mut engine = sample_engine();
    let settings = ModelSettings {
        score: Some("employees:+:1;arr:+:1;nosuch:+:1".to_owned()),
        ..ModelSettings::default()
    };
    let error = models(&mut engine, settings, None)
        .score
        .unwrap()
        .unwrap_err();
    assert!(error.contains("nosuch"), "{error}");
    let settings = ModelSettings {
        score: Some(SCORE_MEASURES.join(";")),
        ..ModelSettings::default()
    };
    models(&mut engine, settings, None);
    load(&mut engine, "nps.csv");
    assert!(
        sizes(&mut engine, &["health_score >= 0".to_owned()])[0].is_some(),
        "the score is recomputed when the files change"
    );
}

#[test]
fn rfm_groups_and_clusters_are_segments_of_the_sizes_shown() {
    let mut engine = sample_engine();
    let choices = models(&mut engine, ModelSettings::default(), None).choices;
    assert!(choices.values.iter().any(|v| v == "amount"), "{choices:?}");
    assert!(choices.events.iter().any(|v| v == "Upgrade"), "{choices:?}");
    let settings = ModelSettings {
        rfm: Some(seglab_core::share::RfmSetting {
            value: "amount".to_owned(),
            event: Some("Upgrade".to_owned()),
        }),
        cluster: vec!["plan".to_owned(), "employees".to_owned()],
        ..ModelSettings::default()
    };
    let view = models(&mut engine, settings, None);
    let rfm = view.rfm.unwrap().unwrap();
    assert!(rfm.scored > 0 && rfm.unscored > 0);
    let names: Vec<&str> = rfm.groups.iter().map(|g| g.group.name.as_str()).collect();
    assert!(
        names.contains(&"Champions") && names.contains(&"Lost"),
        "{names:?}"
    );
    let definitions: Vec<String> = rfm
        .groups
        .iter()
        .map(|g| g.group.definition.clone())
        .collect();
    let expected: Vec<Option<usize>> = rfm.groups.iter().map(|g| Some(g.group.size)).collect();
    assert_eq!(sizes(&mut engine, &definitions), expected);
    assert_eq!(
        rfm.groups.iter().map(|g| g.group.size).sum::<usize>(),
        rfm.scored,
        "the groups cover every scored user once"
    );

    let clustering = view.cluster.unwrap().unwrap();
    assert!((2..=8).contains(&clustering.k));
    assert_eq!(clustering.clusters.len(), clustering.k);
    let definitions: Vec<String> = clustering
        .clusters
        .iter()
        .map(|c| c.group.definition.clone())
        .collect();
    let expected: Vec<Option<usize>> = clustering
        .clusters
        .iter()
        .map(|c| Some(c.group.size))
        .collect();
    assert_eq!(sizes(&mut engine, &definitions), expected);
    assert!(
        clustering
            .clusters
            .iter()
            .any(|c| !c.distinguishing.is_empty()),
        "clusters are described by what sets them apart"
    );
    // The same settings on the same files give the same clusters (a fixed seed).
    let mut again = sample_engine();
    let settings = ModelSettings {
        cluster: vec!["plan".to_owned(), "employees".to_owned()],
        ..ModelSettings::default()
    };
    let other = models(&mut again, settings, None).cluster.unwrap().unwrap();
    assert_eq!(other, clustering);
}

#[test]
fn discovery_reports_progress_and_stops_when_asked() {
    let mut engine = sample_engine();
    let mut seen = Vec::new();
    let response = engine.handle_long(
        Request::Discover {
            target: "converted".to_owned(),
        },
        &mut |task, done| {
            assert_eq!(task, "discovery");
            seen.push(done);
            true
        },
    );
    let Response::Discovery { result: Ok(found) } = response else {
        panic!("{response:?}")
    };
    assert!(!found.rules.is_empty());
    for rule in &found.rules {
        assert!(
            rule.ci.low - 1e-12 <= rule.rate && rule.rate <= rule.ci.high + 1e-12,
            "{rule:?}"
        );
        assert!((rule.lift - rule.rate / found.overall_rate).abs() < 1e-9);
    }
    assert!(
        seen.len() > 2 && seen.windows(2).all(|w| w[0] <= w[1]),
        "{seen:?}"
    );
    assert_eq!(seen.last(), Some(&1.0));
    let response = engine.handle_long(
        Request::Discover {
            target: "converted".to_owned(),
        },
        &mut |_, done| done < 0.3,
    );
    assert!(
        matches!(&response, Response::Discovery { result: Err(m) } if m == "cancelled"),
        "{response:?}"
    );
}

#[test]
fn the_dataset_view_carries_what_autocompletion_needs() {
    let mut engine = Engine::default();
    let mut last = None;
    for name in ["users.csv", "events.csv", "nps.csv"] {
        last = Some(load(&mut engine, name));
    }
    let Some(Response::Loaded { dataset, .. }) = last else {
        panic!("expected the files to load")
    };
    let vocabulary = &dataset.vocabulary;
    let plan = vocabulary
        .columns
        .iter()
        .find(|t| t.name == "plan")
        .expect("the plan column is offered");
    assert_eq!(
        plan.values,
        ["trial", "pro", "basic", "enterprise"],
        "most frequent first"
    );
    assert!(
        vocabulary.columns.iter().all(|t| t.values.len() <= 50),
        "at most 50 values per column"
    );
    assert_eq!(vocabulary.events.first().map(String::as_str), Some("Login"));
    assert!(vocabulary.events.iter().any(|e| e == "Purchase"));
    assert!(
        vocabulary.linked.iter().any(|t| t.name == "nps.score"),
        "{:?}",
        vocabulary.linked
    );
    assert!(vocabulary.properties.iter().any(|t| t.name == "amount"));
}
