//! Event-count conditions read from the event log's count store give exactly what counting the log gives:
//! before anything is stored, after the per-user measures filled the store at load, after a first
//! evaluation filled it, and after the as-of date moved under a filled store. Counts past 255 (stored as
//! "255 or more") are counted again where the test needs the exact number.

// expect-test writes every snapshot as r#"…"#.
#![allow(clippy::needless_raw_string_hashes)]

mod segment_support;

use expect_test::{Expect, expect};
use seglab_core::Dataset;
use seglab_core::join::{self, MeasureSpec};
use seglab_core::segment::{self, SegmentSet};
use segment_support::{Event, event_log, integer, seconds, table};
use std::fmt::Write as _;

const DAY: i64 = 86_400;

/// Six users; "now" is 2025-06-30 00:00. In the last 30 days (the window `(now - 30d, now]`):
/// 1: 3 Export report, one more 40 days ago; Signup 10 days ago.
/// 2: Export report exactly at now - 30d (outside) and at now (inside); Signup 40 days ago.
/// 3: 300 Export report in the last 10 days; a Login a day after now.
/// 4: nothing.
/// 5: 254 Export report in the last 30 days and one 100 days ago (255 in all); Login 20 days ago.
/// 6: 2 Login 25 days ago; Signup 5 days after now.
fn dataset() -> Dataset {
    let now = seconds("2025-06-30 00:00:00");
    let mut events = Vec::new();
    let mut add = |user: usize, name: &str, time: i64| {
        events.push(Event {
            user,
            name: name.to_owned(),
            time,
        });
    };
    for t in [now - 2 * DAY, now - 3 * DAY, now - 29 * DAY, now - 40 * DAY] {
        add(0, "Export report", t);
    }
    add(0, "Signup", now - 10 * DAY);
    add(1, "Export report", now - 30 * DAY);
    add(1, "Export report", now);
    add(1, "Signup", now - 40 * DAY);
    for i in 0..300 {
        add(2, "Export report", now - 10 * DAY + i * 60);
    }
    add(2, "Login", now + DAY);
    for i in 0..254 {
        add(4, "Export report", now - 29 * DAY + i * 3_600);
    }
    add(4, "Export report", now - 100 * DAY);
    add(4, "Login", now - 20 * DAY);
    add(5, "Login", now - 25 * DAY);
    add(5, "Login", now - 25 * DAY + 1);
    add(5, "Signup", now + 5 * DAY);
    let users = 6;
    Dataset {
        population: table(vec![integer("id", &(1..=6).map(Some).collect::<Vec<_>>())]),
        key: Some("id".to_owned()),
        events: Some(event_log(users, &events, |_| Vec::new())),
        as_of: Some(now),
        ..Dataset::default()
    }
}

/// The members of `text` (by id), the same whatever the count store holds: evaluated on fresh data,
/// twice (the first evaluation stores the count), after the measures filled the store, and on the filled
/// store after the as-of date moved 20 days back and then to "unset" (the latest event). Each is checked
/// against the row-by-row reference.
fn check(text: &str, expected: &Expect) {
    let expr = segment::parse(text).expect("the definition parses");
    let segments = SegmentSet::new();
    let ids = |members: &seglab_core::Bitset| {
        let ids: Vec<String> = members.iter().map(|r| (r + 1).to_string()).collect();
        ids.join(" ")
    };
    let mut out = String::new();
    let base = dataset();
    let now = base.as_of;
    let moves: [(&str, Option<i64>); 3] = [
        ("as of now", now),
        ("20 days earlier", now.map(|t| t - 20 * DAY)),
        ("as of unset", None),
    ];
    // One store that sees every as-of date in turn, as a session does.
    let mut filled = dataset();
    let spec = MeasureSpec::with_top_events(&filled, 20, 30);
    let measured = join::measures(&filled, &spec).len();
    assert!(measured > 0, "the measures were computed");
    for (label, as_of) in moves {
        let mut fresh = dataset();
        fresh.as_of = as_of;
        filled.as_of = as_of;
        let naive = segment::reference::evaluate(&expr, &fresh, &segments).expect("evaluates");
        let cold = segment::evaluate(&expr, &fresh, &segments).expect("evaluates");
        let again = segment::evaluate(&expr, &fresh, &segments).expect("evaluates");
        let warm = segment::evaluate(&expr, &filled, &segments).expect("evaluates");
        for (how, members) in [
            ("cold", &cold),
            ("again", &again),
            ("after the measures", &warm),
        ] {
            assert_eq!(
                ids(members),
                ids(&naive),
                "{text:?} {label}, {how}: the count store disagrees with counting"
            );
        }
        writeln!(out, "{label}: {}", ids(&naive)).unwrap();
    }
    expected.assert_eq(&out);
}

#[test]
fn counts_in_windows() {
    check(
        r#"did "Export report" at least 3 times in last 30 days"#,
        &expect![[r#"
            as of now: 1 3 5
            20 days earlier: 5
            as of unset: 3 5
        "#]],
    );
    check(
        r#"did "Export report" at most 2 times in last 30 days"#,
        &expect![[r#"
            as of now: 2 4 6
            20 days earlier: 1 2 3 4 6
            as of unset: 1 2 4 6
        "#]],
    );
    check(
        r#"did "Export report" exactly 1 time in last 30 days"#,
        &expect![[r#"
            as of now: 2
            20 days earlier: 2
            as of unset: 2
        "#]],
    );
    check(
        r#"did "Export report" at least 3 times in last 2 days"#,
        &expect![[r#"
            as of now: 
            20 days earlier: 5
            as of unset: 
        "#]],
    );
}

#[test]
fn never_and_not() {
    check(
        r#"did "Export report" exactly 0 times in last 30 days"#,
        &expect![[r#"
            as of now: 4 6
            20 days earlier: 3 4 6
            as of unset: 4 6
        "#]],
    );
    check(
        r#"not did "Login" in last 30 days"#,
        &expect![[r#"
            as of now: 1 2 3 4
            20 days earlier: 1 2 3 4
            as of unset: 1 2 4
        "#]],
    );
    check(
        r#"did "Login" at most 0 times"#,
        &expect![[r#"
            as of now: 1 2 4
            20 days earlier: 1 2 4
            as of unset: 1 2 4
        "#]],
    );
    check(
        r#"did "Login" at least 1 time in last 0 days"#,
        &expect![[r#"
            as of now: 
            20 days earlier: 
            as of unset: 
        "#]],
    );
}

#[test]
fn counts_past_a_byte() {
    check(
        r#"did "Export report" exactly 255 times"#,
        &expect![[r#"
            as of now: 5
            20 days earlier: 5
            as of unset: 5
        "#]],
    );
    check(
        r#"did "Export report" at least 256 times"#,
        &expect![[r#"
            as of now: 3
            20 days earlier: 3
            as of unset: 3
        "#]],
    );
    check(
        r#"did "Export report" at most 255 times"#,
        &expect![[r#"
            as of now: 1 2 4 5 6
            20 days earlier: 1 2 4 5 6
            as of unset: 1 2 4 5 6
        "#]],
    );
    check(
        r#"did "Export report" exactly 300 times in last 30 days"#,
        &expect![[r#"
            as of now: 3
            20 days earlier: 
            as of unset: 3
        "#]],
    );
    check(
        r#"did "Export report" at least 254 times in last 30 days"#,
        &expect![[r#"
            as of now: 3 5
            20 days earlier: 
            as of unset: 3
        "#]],
    );
    check(
        r#"did "Export report" at most 254 times in last 30 days"#,
        &expect![[r#"
            as of now: 1 2 4 5 6
            20 days earlier: 1 2 3 4 5 6
            as of unset: 1 2 4 5 6
        "#]],
    );
}

#[test]
fn first_times() {
    check(
        r#"first did "Signup" in last 30 days"#,
        &expect![[r#"
            as of now: 1
            20 days earlier: 2
            as of unset: 1 6
        "#]],
    );
}

/// Every count from 0 to 299 over 600 users (whole 64-user words and a ragged end), every operator, and
/// thresholds around the lane's sign bit and saturation: the stored counts agree with the reference.
#[test]
fn every_count_and_threshold() {
    let now = seconds("2025-06-30 00:00:00");
    let users = 600;
    let mut events = Vec::new();
    for u in 0..users {
        for i in 0..(u % 300) as i64 {
            events.push(Event {
                user: u,
                name: "E".to_owned(),
                time: now - i * 3_600,
            });
        }
    }
    let data = Dataset {
        population: table(vec![integer(
            "id",
            &(1..=users as i64).map(Some).collect::<Vec<_>>(),
        )]),
        events: Some(event_log(users, &events, |_| Vec::new())),
        as_of: Some(now),
        ..Dataset::default()
    };
    join::measures(&data, &MeasureSpec::with_top_events(&data, 20, 30));
    let segments = SegmentSet::new();
    let mut checked = 0;
    for op in ["at least", "at most", "exactly"] {
        for n in [
            0, 1, 2, 3, 127, 128, 129, 200, 254, 255, 256, 299, 300, 1000,
        ] {
            for window in ["", " in last 30 days", " in last 5 days"] {
                let text = format!(r#"did "E" {op} {n} times{window}"#);
                let expr = segment::parse(&text).expect("parses");
                let naive = segment::reference::evaluate(&expr, &data, &segments).unwrap();
                let fast = segment::evaluate(&expr, &data, &segments).unwrap();
                assert_eq!(fast, naive, "{text}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 3 * 14 * 3);
}

/// The measures put their event counts in the store (one byte per user each), a definition over a measured
/// window is served from them, and another window is counted once and kept.
#[test]
fn measures_fill_the_store() {
    let data = dataset();
    let log = data.events.as_ref().expect("events");
    assert!(log.counts.is_empty());
    join::measures(&data, &MeasureSpec::with_top_events(&data, 20, 30));
    // Three event names, all time and the last 30 days.
    assert_eq!((log.counts.len(), log.counts.heap_bytes()), (6, 6 * 6));
    let segments = SegmentSet::new();
    for (text, stored) in [
        (r#"did "Login" at least 2 times in last 30 days"#, 6),
        // The measures count up to the as-of date; `did` without a window counts every event, and two
        // events here come after the as-of date, so this is another count.
        (r#"did "Export report" exactly 255 times"#, 7),
        (r#"did "Export report" at least 1 time in last 60 days"#, 8),
        (r#"did "Export report" at least 2 times in last 60 days"#, 8),
        (r#"first did "Signup" in last 60 days"#, 9),
    ] {
        let expr = segment::parse(text).expect("parses");
        let fast = segment::evaluate(&expr, &data, &segments).expect("evaluates");
        let naive = segment::reference::evaluate(&expr, &data, &segments).expect("evaluates");
        assert_eq!(fast, naive, "{text}");
        assert_eq!(log.counts.len(), stored, "{text}");
    }
    let mut cleared = data.clone();
    if let Some(log) = cleared.events.as_mut() {
        log.counts.clear();
    }
    assert_eq!(cleared.events.as_ref().map(|l| l.counts.len()), Some(0));
    assert_eq!(
        cleared, data,
        "the store is a cache, not part of what the data is"
    );
}
