//! The worker's engine host, natively, on the shipped sample: what the page shows after each request.

use seglab_app::engine::Engine;
use seglab_app::protocol::{Request, Response};
use seglab_core::segment::Segment;
use std::path::PathBuf;
use std::process::Command;

fn sample(name: &str) -> (String, Vec<u8>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../web/sample")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (name.to_owned(), bytes)
}

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

fn load(engine: &mut Engine, name: &str) -> Response {
    let (name, bytes) = sample(name);
    engine.load_bytes(&name, &bytes)
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
