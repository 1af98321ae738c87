//! The engine host's Data-view requests, natively, on the shipped sample: the as-of date, join keys and
//! roles, segments on missing columns, and removing or replacing a file.

mod common;

use common::{load, sample_engine};
use seglab_app::engine::Engine;
use seglab_app::protocol::{Request, Response};
use seglab_core::segment::Segment;
use seglab_core::segment::time::days_from_civil;

/// Sizes (or error messages) of `definitions`, evaluated as segments.
fn sizes(engine: &mut Engine, definitions: &[&str]) -> Vec<Result<usize, String>> {
    let segments = definitions
        .iter()
        .enumerate()
        .map(|(i, d)| Segment::new(format!("S{i}"), "#2a9d8f", *d))
        .collect();
    let Response::Segments { segments, .. } = engine.handle(Request::Evaluate { segments }) else {
        panic!("expected segment sizes")
    };
    segments
        .into_iter()
        .map(|s| match (s.size, s.error) {
            (Some(size), _) => Ok(size),
            (None, Some(error)) => Err(error.message),
            (None, None) => Err("neither a size nor an error".into()),
        })
        .collect()
}

fn joined(response: Response) -> seglab_app::protocol::DatasetView {
    match response {
        Response::Joined { dataset } => dataset,
        other => panic!("expected the join again, got {other:?}"),
    }
}

#[test]
fn the_as_of_date_moves_relative_windows_and_resets_to_the_latest_time() {
    let mut engine = sample_engine();
    let recent = r#"did "Login" in last 30 days"#;
    let before = sizes(&mut engine, &[recent, r#"plan = "trial""#]);
    let dataset = joined(engine.handle(Request::SetAsOf {
        as_of: Some(i64::from(days_from_civil(2024, 6, 30).unwrap()) * 86_400 + 86_399),
    }));
    assert_eq!(dataset.as_of.as_deref(), Some("2024-06-30 23:59:59"));
    assert_eq!(dataset.latest.as_deref(), Some("2025-06-30 23:59:29"));
    assert_eq!(dataset.plan.as_of.as_deref(), Some("2024-06-30 23:59:59"));
    let after = sizes(&mut engine, &[recent, r#"plan = "trial""#]);
    assert_ne!(after[0], before[0], "a year earlier, other users logged in");
    assert_eq!(after[1], before[1], "columns without time do not move");

    let dataset = joined(engine.handle(Request::SetAsOf { as_of: None }));
    assert_eq!(dataset.as_of, dataset.latest);
    assert_eq!(sizes(&mut engine, &[recent, r#"plan = "trial""#]), before);
}

#[test]
fn join_keys_and_roles_chosen_by_the_user_rebuild_the_join() {
    use seglab_core::join::FileKind;
    use seglab_core::share::JoinKey;
    let mut engine = sample_engine();
    assert!(
        sizes(&mut engine, &["score >= 9"])[0].is_err(),
        "survey answers are not user columns while nps.csv is a survey"
    );

    // The survey taken as an entity table: its columns join onto users, the first answer wins.
    let dataset = joined(engine.handle(Request::SetKeys {
        keys: vec![JoinKey {
            file: "nps.csv".into(),
            column: "user_id".into(),
            kind: Some(FileKind::Entity),
        }],
    }));
    let nps = dataset
        .coverage
        .iter()
        .find(|c| c.file == "nps.csv")
        .unwrap();
    assert_eq!(nps.kind, FileKind::Entity);
    assert!(nps.duplicate_keys > 0, "{nps:?}");
    assert!(matches!(sizes(&mut engine, &["score >= 9"])[0], Ok(n) if n > 0));

    // The users keyed by e-mail: events keyed by user id no longer match anyone, and the page says so.
    let dataset = joined(engine.handle(Request::SetKeys {
        keys: vec![JoinKey::new("users.csv", "email")],
    }));
    assert_eq!(dataset.plan.key.as_deref(), Some("email"));
    let events = dataset
        .coverage
        .iter()
        .find(|c| c.file == "events.csv")
        .unwrap();
    assert_eq!(events.population_key, "email");
    assert_eq!(events.matched_rows, 0, "{events:?}");

    // A key that cannot be built falls back to the guessed join, with the reason.
    let dataset = joined(engine.handle(Request::SetKeys {
        keys: vec![JoinKey::new("events.csv", "no_such_column")],
    }));
    assert!(
        dataset
            .problems
            .iter()
            .any(|p| p.contains("no_such_column")),
        "{:?}",
        dataset.problems
    );
    assert_eq!(dataset.plan.key.as_deref(), Some("user_id"));
    assert!(
        dataset
            .coverage
            .iter()
            .any(|c| c.file == "events.csv" && c.matched_rows > 0)
    );
}

#[test]
fn a_segment_on_a_missing_column_is_the_only_one_disabled() {
    let mut engine = Engine::default();
    load(&mut engine, "users.csv");
    let results = sizes(
        &mut engine,
        &[
            r#"subscription_tier = "gold""#,
            r#"plan = "trial""#,
            r#"did "Login" in last 30 days"#,
            r#"country = "Germany" and subscription_tier = "gold""#,
        ],
    );
    let message = results[0].as_ref().unwrap_err();
    assert_eq!(
        message,
        "needs column `subscription_tier`, which none of the loaded files has — load the file that has it, or edit the segment"
    );
    assert!(results[1].is_ok(), "{results:?}");
    assert!(results[2].as_ref().unwrap_err().contains("event file"));
    assert_eq!(results[3].as_ref().unwrap_err(), message);

    // Loading the event log enables the event segment; a missing event says what it needs.
    load(&mut engine, "events.csv");
    let results = sizes(
        &mut engine,
        &[r#"did "Login" in last 30 days"#, r#"did "Teleport""#],
    );
    assert!(results[0].is_ok(), "{results:?}");
    assert!(
        results[1]
            .as_ref()
            .unwrap_err()
            .starts_with("needs event `Teleport`, which the loaded event log does not have"),
        "{results:?}"
    );
}

#[test]
fn removing_or_replacing_a_file_changes_what_segments_see() {
    let mut engine = sample_engine();
    let definitions = [r#"did "Login""#, r#"plan = "trial""#];
    let before = sizes(&mut engine, &definitions);
    assert!(before.iter().all(Result::is_ok), "{before:?}");
    let Response::Removed { dataset, .. } = engine.handle(Request::Remove {
        name: "events.csv".into(),
    }) else {
        panic!("expected the file removed")
    };
    assert!(dataset.coverage.iter().all(|c| c.file != "events.csv"));
    let after = sizes(&mut engine, &definitions);
    assert!(after[0].is_err(), "{after:?}");
    assert_eq!(after[1], before[1]);

    // A file of the same name replaces the loaded one: here a users.csv of one trial user.
    let replaced = engine.load_bytes("users.csv", b"user_id,plan\nU000001,trial\nU000002,pro\n");
    assert!(matches!(replaced, Response::Loaded { dataset, .. } if dataset.population == 2));
    assert_eq!(sizes(&mut engine, &definitions[1..]), vec![Ok(1)]);
}
