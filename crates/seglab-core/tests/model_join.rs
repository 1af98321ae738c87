//! Joining files into a dataset, checked by hand on small exports: guesses, plan, coverage, measures.

mod model_support;

use expect_test::{Expect, expect};
use model_support::{cell, render, table};
use seglab_core::join::{self, FileKind, JoinError, JoinPlan, Measure, MeasureSpec, Source};
use seglab_core::table::{ColumnType::*, Table};
use std::fmt::Write as _;

/// Proposes a plan for `files`, builds it, computes the default measures and renders every step.
fn check(files: &[(&str, &Table)], expect: &Expect) {
    let sources: Vec<Source<'_>> = files
        .iter()
        .map(|&(name, table)| Source::new(name, table))
        .collect();
    let proposal = join::propose(&sources);
    let mut out = String::new();
    for guess in &proposal.guesses {
        let _ = writeln!(
            out,
            "{}: {:?} key={:?} time={:?} event={:?}",
            guess.file, guess.kind, guess.key, guess.time, guess.event
        );
        for reason in &guess.reasons {
            let _ = writeln!(out, "  - {reason}");
        }
    }
    for problem in &proposal.problems {
        let _ = writeln!(out, "problem: {problem}");
    }
    let plan_json = serde_json::to_string_pretty(&proposal.plan).expect("plans serialise");
    let _ = writeln!(out, "plan: {plan_json}");
    let back: JoinPlan = serde_json::from_str(&plan_json).expect("plans deserialise");
    assert_eq!(
        back, proposal.plan,
        "the plan survives a round trip through JSON"
    );
    match join::build(&sources, &proposal.plan) {
        Err(error) => {
            let _ = writeln!(out, "error: {error}");
        }
        Ok(joined) => {
            let p = &joined.population;
            let _ = writeln!(
                out,
                "population report: rows={} missing_keys={} duplicate_keys={} duplicate_rows={} examples={:?}",
                p.rows, p.missing_keys, p.duplicate_keys, p.duplicate_rows, p.duplicate_examples
            );
            for c in &joined.coverage {
                let _ = writeln!(
                    out,
                    "coverage {} ({:?}, {} -> {}): rows={} matched={} unmatched={} missing_key={} dropped={} share={:.3} | population matched={} unmatched={} share={:.3} | duplicate keys={} rows={} examples={:?} | unmatched examples={:?}",
                    c.file,
                    c.kind,
                    c.key,
                    c.population_key,
                    c.rows,
                    c.matched_rows,
                    c.unmatched_rows,
                    c.missing_key_rows,
                    c.dropped_rows,
                    c.matched_share,
                    c.population_matched,
                    c.population_unmatched,
                    c.population_matched_share,
                    c.duplicate_keys,
                    c.duplicate_rows,
                    c.duplicate_examples,
                    c.unmatched_examples
                );
            }
            out.push_str(&render(&joined.dataset));
            let spec = MeasureSpec::default_for(&joined.dataset);
            let columns = join::measures(&joined.dataset, &spec);
            assert_eq!(columns.len(), spec.measures.len(), "one column per measure");
            for (column, measure) in columns.iter().zip(&spec.measures) {
                assert_eq!(column.name(), measure.name());
                let parsed = Measure::parse(column.name(), &joined.dataset);
                assert_eq!(
                    parsed.as_ref(),
                    Some(measure),
                    "`{}` parses back",
                    column.name()
                );
                let single = join::measure(&joined.dataset, column.name());
                assert_eq!(
                    single.as_ref(),
                    Some(column),
                    "`{}` alone equals its column in the batch",
                    column.name()
                );
                let cells: Vec<String> = (0..column.len()).map(|r| cell(column, r)).collect();
                let _ = writeln!(
                    out,
                    "{} [{}]: {}",
                    column.name(),
                    column.ty(),
                    cells.join(", ")
                );
            }
        }
    }
    expect.assert_eq(&out);
}

fn users() -> Table {
    table(
        &[
            ("user_id", Id),
            ("email", Id),
            ("account_id", Id),
            ("plan", Category),
            ("signup", Date),
        ],
        &[
            &["u1", "Ann@x.com", "a1", "pro", "2025-01-05"],
            &["u2", "bob@x.com", "a1", "free", "2025-02-01"],
            &[" u3", "cy@x.com", "a2", "pro", "2025-02-10"],
            &["u4", "dee@x.com", "a9", "free", "2025-02-20"],
            &["u5", "", "a2", "free", ""],
        ],
    )
}

fn accounts() -> Table {
    table(
        &[("account_id", Id), ("plan", Category), ("seats", Integer)],
        &[
            &["a1", "enterprise", "50"],
            &["a2", "team", "5"],
            &["a3", "team", "3"],
            &["a4", "team", "3"],
            &["a5", "team", "3"],
            &["a6", "team", "3"],
            &["a7", "team", "3"],
            &["a8", "team", "3"],
            &["a10", "team", "3"],
            &["a2", "team", "7"],
        ],
    )
}

fn events() -> Table {
    table(
        &[
            ("event_id", Id),
            ("user_id", Id),
            ("event", Category),
            ("timestamp", DateTime),
            ("amount", Decimal),
        ],
        &[
            &["e1", "u1", "Login", "2025-03-01T09:00:00Z", ""],
            &["e2", "u1", "Purchase", "2025-03-01T09:05:00Z", "20"],
            &["e3", "u1", "Login", "2025-01-15T08:00:00Z", ""],
            &["e4", "u2", "Login", "2025-02-27T23:59:59Z", ""],
            &["e5", "u3", "Purchase", "2025-03-02T10:00:00Z", "5.5"],
            &["e6", "u3 ", "Purchase", "2025-03-02T11:00:00Z", "4.5"],
            &["e7", "zz", "Login", "2025-03-01T00:00:00Z", ""],
            &["e8", "", "Login", "2025-03-01T00:00:00Z", ""],
            &["e9", "u2", "Login", "", ""],
            &["e10", "u1", "Logout", "2025-03-03T12:00:00Z", ""],
        ],
    )
}

fn nps() -> Table {
    table(
        &[("email", Id), ("date", Date), ("score", Integer)],
        &[
            &["ann@x.com", "2025-02-01", "6"],
            &["ANN@X.COM ", "2025-03-01", "9"],
            &["bob@x.com", "2025-02-15", "10"],
            &["nobody@x.com", "2025-02-15", "3"],
        ],
    )
}

#[test]
fn crm_accounts_events_and_survey() {
    let (users, accounts, events, nps) = (users(), accounts(), events(), nps());
    check(
        &[
            ("events.csv", &events),
            ("nps.csv", &nps),
            ("users.csv", &users),
            ("accounts.csv", &accounts),
        ],
        &expect![[r#"
            events.csv: Events key=Some("user_id") time=Some("timestamp") event=Some("event")
              - `user_id` repeats (`u1` on rows 1 and 2): many rows per user
              - `timestamp` holds datetimes
              - `event` has 3 distinct values: the event names
            nps.csv: Linked key=Some("email") time=Some("date") event=None
              - `email` repeats (`ANN@X.COM` on rows 1 and 2): many rows per user
              - `date` holds dates
              - the file name mentions `nps`: answers per user, not events
            users.csv: Entity key=Some("user_id") time=None event=None
              - `user_id` holds a different value on each of its 5 filled rows
            accounts.csv: Entity key=Some("account_id") time=None event=None
              - `account_id` is distinct on 9 of its 10 filled rows: one row per key, with a few repeats
              - `a2` appears on rows 2 and 10
            plan: {
              "population": "users.csv",
              "key": "user_id",
              "links": [
                {
                  "file": "accounts.csv",
                  "kind": "entity",
                  "key": "account_id",
                  "population_key": "account_id",
                  "ignore_case": false
                },
                {
                  "file": "events.csv",
                  "kind": "events",
                  "key": "user_id",
                  "population_key": "user_id",
                  "ignore_case": false,
                  "time": "timestamp",
                  "event": "event"
                },
                {
                  "file": "nps.csv",
                  "kind": "linked",
                  "key": "email",
                  "population_key": "email",
                  "ignore_case": true,
                  "time": "date"
                }
              ]
            }
            population report: rows=5 missing_keys=0 duplicate_keys=0 duplicate_rows=0 examples=[]
            coverage accounts.csv (Entity, account_id -> account_id): rows=10 matched=2 unmatched=7 missing_key=0 dropped=0 share=0.200 | population matched=4 unmatched=1 share=0.800 | duplicate keys=1 rows=1 examples=["a2"] | unmatched examples=["a3", "a4", "a5", "a6", "a7"]
            coverage events.csv (Events, user_id -> user_id): rows=10 matched=7 unmatched=1 missing_key=1 dropped=1 share=0.700 | population matched=3 unmatched=2 share=0.600 | duplicate keys=0 rows=0 examples=[] | unmatched examples=["zz"]
            coverage nps.csv (Linked, email -> email): rows=4 matched=3 unmatched=1 missing_key=0 dropped=0 share=0.750 | population matched=2 unmatched=3 share=0.400 | duplicate keys=0 rows=0 examples=[] | unmatched examples=["nobody@x.com"]
            population (5 rows, key Some("user_id")):
              user_id | email | account_id | plan | signup | accounts.plan | seats
              "u1" | "Ann@x.com" | "a1" | "pro" | 2025-01-05 | "enterprise" | 50
              "u2" | "bob@x.com" | "a1" | "free" | 2025-02-01 | "enterprise" | 50
              " u3" | "cy@x.com" | "a2" | "pro" | 2025-02-10 | "team" | 5
              "u4" | "dee@x.com" | "a9" | "free" | 2025-02-20 | · | ·
              "u5" | · | "a2" | "free" | · | "team" | 5
            events (7 kept, 2 unmatched), names ["Login", "Purchase", "Logout"]:
              user 0: 2025-01-15T08:00:00Z Login event_id="e3" amount=·
              user 0: 2025-03-01T09:00:00Z Login event_id="e1" amount=·
              user 0: 2025-03-01T09:05:00Z Purchase event_id="e2" amount=20
              user 0: 2025-03-03T12:00:00Z Logout event_id="e10" amount=·
              user 1: 2025-02-27T23:59:59Z Login event_id="e4" amount=·
              user 2: 2025-03-02T10:00:00Z Purchase event_id="e5" amount=5.5
              user 2: 2025-03-02T11:00:00Z Purchase event_id="e6" amount=4.5
            linked nps (1 unmatched):
              user 0: email="ann@x.com" date=2025-02-01 score=6
              user 0: email="ANN@X.COM " date=2025-03-01 score=9
              user 1: email="bob@x.com" date=2025-02-15 score=10
            as_of: Some("2025-03-03T12:00:00Z")
            count(*) [integer]: 4, 1, 2, 0, 0
            count(*, 30d) [integer]: 3, 1, 2, 0, 0
            count(Login) [integer]: 2, 1, 0, 0, 0
            count(Login, 30d) [integer]: 1, 1, 0, 0, 0
            count(Purchase) [integer]: 1, 0, 2, 0, 0
            count(Purchase, 30d) [integer]: 1, 0, 2, 0, 0
            count(Logout) [integer]: 1, 0, 0, 0, 0
            count(Logout, 30d) [integer]: 1, 0, 0, 0, 0
            first_seen [datetime]: 2025-01-15T08:00:00Z, 2025-02-27T23:59:59Z, 2025-03-02T10:00:00Z, ·, ·
            last_seen [datetime]: 2025-03-03T12:00:00Z, 2025-02-27T23:59:59Z, 2025-03-02T11:00:00Z, ·, ·
            days_since_last_seen [integer]: 0, 3, 1, ·, ·
            active_days [integer]: 3, 1, 1, 0, 0
            sum(amount) [decimal]: 20, 0, 10, 0, 0
            avg(amount) [decimal]: 20, ·, 5, ·, ·
            latest(nps.score) [integer]: 9, 10, ·, ·, ·
            avg(nps.score) [decimal]: 7.5, 10, ·, ·, ·
        "#]],
    );
}

#[test]
fn events_alone_make_the_population() {
    let events = events();
    check(
        &[("events.csv", &events)],
        &expect![[r#"
        events.csv: Events key=Some("user_id") time=Some("timestamp") event=Some("event")
          - `user_id` repeats (`u1` on rows 1 and 2): many rows per user
          - `timestamp` holds datetimes
          - `event` has 3 distinct values: the event names
        plan: {
          "key": "user_id",
          "links": [
            {
              "file": "events.csv",
              "kind": "events",
              "key": "user_id",
              "population_key": "user_id",
              "ignore_case": false,
              "time": "timestamp",
              "event": "event"
            }
          ]
        }
        population report: rows=4 missing_keys=0 duplicate_keys=0 duplicate_rows=0 examples=[]
        coverage events.csv (Events, user_id -> user_id): rows=10 matched=8 unmatched=0 missing_key=1 dropped=1 share=0.800 | population matched=4 unmatched=0 share=1.000 | duplicate keys=0 rows=0 examples=[] | unmatched examples=[]
        population (4 rows, key Some("user_id")):
          user_id
          "u1"
          "u2"
          "u3"
          "zz"
        events (8 kept, 1 unmatched), names ["Login", "Purchase", "Logout"]:
          user 0: 2025-01-15T08:00:00Z Login event_id="e3" amount=·
          user 0: 2025-03-01T09:00:00Z Login event_id="e1" amount=·
          user 0: 2025-03-01T09:05:00Z Purchase event_id="e2" amount=20
          user 0: 2025-03-03T12:00:00Z Logout event_id="e10" amount=·
          user 1: 2025-02-27T23:59:59Z Login event_id="e4" amount=·
          user 2: 2025-03-02T10:00:00Z Purchase event_id="e5" amount=5.5
          user 2: 2025-03-02T11:00:00Z Purchase event_id="e6" amount=4.5
          user 3: 2025-03-01T00:00:00Z Login event_id="e7" amount=·
        as_of: Some("2025-03-03T12:00:00Z")
        count(*) [integer]: 4, 1, 2, 1
        count(*, 30d) [integer]: 3, 1, 2, 1
        count(Login) [integer]: 2, 1, 0, 1
        count(Login, 30d) [integer]: 1, 1, 0, 1
        count(Purchase) [integer]: 1, 0, 2, 0
        count(Purchase, 30d) [integer]: 1, 0, 2, 0
        count(Logout) [integer]: 1, 0, 0, 0
        count(Logout, 30d) [integer]: 1, 0, 0, 0
        first_seen [datetime]: 2025-01-15T08:00:00Z, 2025-02-27T23:59:59Z, 2025-03-02T10:00:00Z, 2025-03-01T00:00:00Z
        last_seen [datetime]: 2025-03-03T12:00:00Z, 2025-02-27T23:59:59Z, 2025-03-02T11:00:00Z, 2025-03-01T00:00:00Z
        days_since_last_seen [integer]: 0, 3, 1, 2
        active_days [integer]: 3, 1, 1, 1
        sum(amount) [decimal]: 20, 0, 10, 0
        avg(amount) [decimal]: 20, ·, 5, ·
    "#]],
    );
}

/// Builds `plan` over `files` and renders the error, or the dataset's as-of and default measures.
fn check_plan(files: &[(&str, &Table)], plan: &JoinPlan) -> String {
    let sources: Vec<Source<'_>> = files
        .iter()
        .map(|&(name, table)| Source::new(name, table))
        .collect();
    match join::build(&sources, plan) {
        Err(error) => format!("error: {error}"),
        Ok(joined) => {
            let mut out = format!(
                "as_of: {:?}\n",
                joined.dataset.as_of.map(model_support::time_text)
            );
            for column in
                join::measures(&joined.dataset, &MeasureSpec::default_for(&joined.dataset))
            {
                let cells: Vec<String> = (0..column.len()).map(|r| cell(&column, r)).collect();
                let _ = writeln!(out, "{}: {}", column.name(), cells.join(", "));
            }
            out
        }
    }
}

#[test]
fn edited_plans_and_their_errors() {
    let (users, events, nps) = (users(), events(), nps());
    let files = [
        ("users.csv", &users),
        ("events.csv", &events),
        ("nps.csv", &nps),
    ];
    let sources: Vec<Source<'_>> = files
        .iter()
        .map(|&(name, table)| Source::new(name, table))
        .collect();
    let proposed = join::propose(&sources).plan;
    let edit = |f: &dyn Fn(&mut JoinPlan)| {
        let mut plan = proposed.clone();
        f(&mut plan);
        plan
    };
    let events_link = |plan: &mut JoinPlan| {
        plan.links
            .iter_mut()
            .position(|l| l.kind == FileKind::Events)
            .unwrap()
    };
    let cases: Vec<(&str, JoinPlan)> = vec![
        (
            "key column renamed",
            edit(&|p| p.links[0].key = "uid".into()),
        ),
        (
            "population key missing",
            edit(&|p| p.key = Some("customer".into())),
        ),
        (
            "unknown file",
            edit(&|p| p.links[0].file = "events-2025.csv".into()),
        ),
        (
            "date column as key",
            edit(&|p| p.links[0].population_key = "signup".into()),
        ),
        (
            "event column of numbers",
            edit(&|p| {
                let i = events_link(p);
                p.links[i].event = Some("amount".into());
            }),
        ),
        (
            "time column of text ids",
            edit(&|p| {
                let i = events_link(p);
                p.links[i].time = Some("event_id".into());
            }),
        ),
        (
            "no time column",
            edit(&|p| {
                let i = events_link(p);
                p.links[i].time = None;
            }),
        ),
        (
            "two event logs",
            edit(&|p| p.links.iter_mut().for_each(|l| l.kind = FileKind::Events)),
        ),
        (
            "bad as-of",
            edit(&|p| p.as_of = Some("last tuesday".into())),
        ),
        (
            "as-of a date: the end of that day",
            edit(&|p| p.as_of = Some("2025-03-01".into())),
        ),
        (
            "as-of an instant",
            edit(&|p| p.as_of = Some("2025-03-01T09:00:00Z".into())),
        ),
        (
            "population from events although users exist",
            edit(&|p| {
                p.population = None;
                p.links.retain(|l| l.kind == FileKind::Events);
            }),
        ),
    ];
    let mut out = String::new();
    for (name, plan) in &cases {
        let _ = writeln!(out, "## {name}\n{}", check_plan(&files, plan));
    }
    expect![[r#"
        ## key column renamed
        error: events.csv: the key column `uid` does not exist; the columns are `event_id`, `user_id`, `event`, `timestamp`, `amount`
        ## population key missing
        error: users.csv: the key column `customer` does not exist; the columns are `user_id`, `email`, `account_id`, `plan`, `signup`
        ## unknown file
        error: the join plan refers to `events-2025.csv`, but no file of that name is loaded
        ## date column as key
        error: users.csv: column `signup` holds date values and cannot be a join key; choose an id, text or whole-number column
        ## event column of numbers
        error: events.csv: column `amount` holds decimal values; event names must be text
        ## time column of text ids
        error: events.csv: data row 1, column `event_id`: cannot read `e1` as a date or time (expected e.g. 2025-03-01, 2025-03-01 14:30:00 or 2025-03-01T14:30:00Z)
        ## no time column
        error: events.csv: the events link needs a `time` column; pick one
        ## two event logs
        error: events.csv and nps.csv are both planned as the event log; make one of them a linked file
        ## bad as-of
        error: as-of `last tuesday` is not a date or time (expected e.g. 2025-03-01 or 2025-03-01T14:30:00Z)
        ## as-of a date: the end of that day
        as_of: Some("2025-03-01T23:59:59Z")
        count(*): 3, 1, 0, 0, 0
        count(*, 30d): 2, 1, 0, 0, 0
        count(Login): 2, 1, 0, 0, 0
        count(Login, 30d): 1, 1, 0, 0, 0
        count(Purchase): 1, 0, 0, 0, 0
        count(Purchase, 30d): 1, 0, 0, 0, 0
        count(Logout): 0, 0, 0, 0, 0
        count(Logout, 30d): 0, 0, 0, 0, 0
        first_seen: 2025-01-15T08:00:00Z, 2025-02-27T23:59:59Z, ·, ·, ·
        last_seen: 2025-03-01T09:05:00Z, 2025-02-27T23:59:59Z, ·, ·, ·
        days_since_last_seen: 0, 2, ·, ·, ·
        active_days: 2, 1, 0, 0, 0
        sum(amount): 20, 0, 0, 0, 0
        avg(amount): 20, ·, ·, ·, ·
        latest(nps.score): 9, 10, ·, ·, ·
        avg(nps.score): 7.5, 10, ·, ·, ·

        ## as-of an instant
        as_of: Some("2025-03-01T09:00:00Z")
        count(*): 2, 1, 0, 0, 0
        count(*, 30d): 1, 1, 0, 0, 0
        count(Login): 2, 1, 0, 0, 0
        count(Login, 30d): 1, 1, 0, 0, 0
        count(Purchase): 0, 0, 0, 0, 0
        count(Purchase, 30d): 0, 0, 0, 0, 0
        count(Logout): 0, 0, 0, 0, 0
        count(Logout, 30d): 0, 0, 0, 0, 0
        first_seen: 2025-01-15T08:00:00Z, 2025-02-27T23:59:59Z, ·, ·, ·
        last_seen: 2025-03-01T09:00:00Z, 2025-02-27T23:59:59Z, ·, ·, ·
        days_since_last_seen: 0, 1, ·, ·, ·
        active_days: 2, 1, 0, 0, 0
        sum(amount): 0, 0, 0, 0, 0
        avg(amount): ·, ·, ·, ·, ·
        latest(nps.score): 9, 10, ·, ·, ·
        avg(nps.score): 7.5, 10, ·, ·, ·

        ## population from events although users exist
        as_of: Some("2025-03-03T12:00:00Z")
        count(*): 4, 1, 2, 1
        count(*, 30d): 3, 1, 2, 1
        count(Login): 2, 1, 0, 1
        count(Login, 30d): 1, 1, 0, 1
        count(Purchase): 1, 0, 2, 0
        count(Purchase, 30d): 1, 0, 2, 0
        count(Logout): 1, 0, 0, 0
        count(Logout, 30d): 1, 0, 0, 0
        first_seen: 2025-01-15T08:00:00Z, 2025-02-27T23:59:59Z, 2025-03-02T10:00:00Z, 2025-03-01T00:00:00Z
        last_seen: 2025-03-03T12:00:00Z, 2025-02-27T23:59:59Z, 2025-03-02T11:00:00Z, 2025-03-01T00:00:00Z
        days_since_last_seen: 0, 3, 1, 2
        active_days: 3, 1, 1, 1
        sum(amount): 20, 0, 10, 0
        avg(amount): 20, ·, 5, ·

    "#]].assert_eq(&out);
}

#[test]
fn text_timestamps_are_parsed_or_reported() {
    let good = table(
        &[("user_id", Id), ("event", Category), ("time", Text)],
        &[
            &["u1", "Login", "2025-03-01T09:00:00+01:00"],
            &["u1", "Login", "2025-03-01 07:00:00"],
            &["u2", "Login", "2025-02-28"],
            &["u2", "Login", ""],
        ],
    );
    let bad = table(
        &[("user_id", Id), ("event", Category), ("time", Text)],
        &[
            &["u1", "Login", "2025-03-01T09:00:00Z"],
            &["u1", "Login", "01/03/2025"],
        ],
    );
    let plan = |file: &str| JoinPlan {
        population: None,
        key: Some("user_id".into()),
        links: vec![join::JoinLink {
            file: file.into(),
            kind: FileKind::Events,
            key: "user_id".into(),
            population_key: "user_id".into(),
            ignore_case: false,
            time: Some("time".into()),
            event: Some("event".into()),
        }],
        as_of: None,
    };
    let out = format!(
        "{}\n{}",
        check_plan(&[("good.csv", &good)], &plan("good.csv")),
        check_plan(&[("bad.csv", &bad)], &plan("bad.csv"))
    );
    expect![[r#"
        as_of: Some("2025-03-01T08:00:00Z")
        count(*): 2, 1
        count(*, 30d): 2, 1
        count(Login): 2, 1
        count(Login, 30d): 2, 1
        first_seen: 2025-03-01T07:00:00Z, 2025-02-28T00:00:00Z
        last_seen: 2025-03-01T08:00:00Z, 2025-02-28T00:00:00Z
        days_since_last_seen: 0, 1
        active_days: 1, 1

        error: bad.csv: data row 2, column `time`: cannot read `01/03/2025` as a date or time (expected e.g. 2025-03-01, 2025-03-01 14:30:00 or 2025-03-01T14:30:00Z)"#]].assert_eq(&out);
}

#[test]
fn files_without_common_keys_are_reported() {
    let users = users();
    let tickets = table(
        &[("ticket_id", Id), ("requester", Id), ("opened", Date)],
        &[
            &["t1", "x9", "2025-01-01"],
            &["t2", "x9", "2025-01-02"],
            &["t3", "x8", "2025-01-03"],
        ],
    );
    let notes = table(&[("note", Text)], &[&["hello"], &["world"]]);
    let sources = [
        Source::new("users.csv", &users),
        Source::new("tickets.csv", &tickets),
        Source::new("notes.csv", &notes),
    ];
    let proposal = join::propose(&sources);
    let problems: Vec<String> = proposal.problems.iter().map(ToString::to_string).collect();
    let guesses: Vec<String> = proposal
        .guesses
        .iter()
        .map(|g| format!("{}: {:?} {:?}", g.file, g.kind, g.reasons))
        .collect();
    expect![[r#"
        users.csv: Entity ["`user_id` holds a different value on each of its 5 filled rows"]
        tickets.csv: Entity ["`ticket_id` holds a different value on each of its 3 filled rows"]
        notes.csv: Entity ["no column looks like a key (user_id, email, account_id, …)"]
        tickets.csv: no column shares values with the population (users.csv); pick the key columns by hand
        notes.csv: no column shares values with the population (users.csv); pick the key columns by hand"#]].assert_eq(&format!("{}\n{}", guesses.join("\n"), problems.join("\n")));
    let no_population = join::propose(&[Source::new("notes.csv", &notes)]);
    assert_eq!(no_population.problems, vec![JoinError::NoPopulation]);
    let built = join::build(&[Source::new("notes.csv", &notes)], &no_population.plan);
    assert_eq!(built.err(), Some(JoinError::NoPopulation));
}

#[test]
fn keys_match_by_loose_names_and_by_values() {
    let crm = table(
        &[("User ID", Integer), ("Customer", Id), ("E-mail", Id)],
        &[
            &["1001", "c-7", "a@x.com"],
            &["1002", "c-8", "b@x.com"],
            &["1003", "c-9", "c@x.com"],
        ],
    );
    // `userId` (text) matches `User ID` (whole numbers) by name; the survey's `respondent` shares values with `E-mail` only.
    let events = table(
        &[("userId", Category), ("action", Category), ("at", DateTime)],
        &[
            &["1001", "Open", "2025-03-01T10:00:00Z"],
            &["1001", "Open", "2025-03-02T10:00:00Z"],
            &["1003", "Close", "2025-03-02T11:00:00Z"],
            &["1003", "Open", "2025-03-02T12:00:00Z"],
        ],
    );
    let survey = table(
        &[("respondent", Id), ("answered", Date), ("rating", Integer)],
        &[
            &["B@X.COM", "2025-03-01", "4"],
            &["b@x.com", "2025-03-02", "5"],
            &["c@x.com", "2025-03-02", "2"],
        ],
    );
    let sources = [
        Source::new("crm.csv", &crm),
        Source::new("app.csv", &events),
        Source::new("csat.csv", &survey),
    ];
    let proposal = join::propose(&sources);
    let plan = serde_json::to_string(&proposal.plan).expect("plans serialise");
    let problems: Vec<String> = proposal.problems.iter().map(ToString::to_string).collect();
    expect![[r#"
        {"population":"crm.csv","key":"User ID","links":[{"file":"app.csv","kind":"events","key":"userId","population_key":"User ID","ignore_case":false,"time":"at","event":"action"},{"file":"csat.csv","kind":"linked","key":"respondent","population_key":"E-mail","ignore_case":true,"time":"answered"}]}
        []"#]].assert_eq(&format!("{plan}\n{problems:?}"));
}

/// Ids written with a zero fraction (`1001.0`, as pandas writes an id column with gaps, or a spreadsheet
/// saving numbers) match the same ids written plainly, whether the other side holds text or whole
/// numbers; `1001.5` or `01001.0`-like texts stay what they are.
#[test]
fn ids_with_a_zero_fraction_match_the_plain_ids() {
    let crm = table(
        &[("customer_id", Integer), ("plan", Category)],
        &[&["1001", "pro"], &["1002", "free"], &["1003", "pro"]],
    );
    let events = table(
        &[("customer_id", Id), ("event", Category), ("at", DateTime)],
        &[
            &["1001.0", "Open", "2025-03-01T10:00:00Z"],
            &["1001.0", "Open", "2025-03-02T10:00:00Z"],
            &["1003.00", "Close", "2025-03-02T11:00:00Z"],
            &["1002.5", "Open", "2025-03-02T12:00:00Z"],
            &["1003", "Open", "2025-03-02T13:00:00Z"],
        ],
    );
    let sources = [
        Source::new("crm.csv", &crm),
        Source::new("app.csv", &events),
    ];
    let proposal = join::propose(&sources);
    assert_eq!(proposal.problems, vec![]);
    let joined = join::build(&sources, &proposal.plan).expect("joins");
    let coverage = &joined.coverage[0];
    assert_eq!(
        (
            coverage.matched_rows,
            coverage.unmatched_rows,
            &coverage.unmatched_examples
        ),
        (4, 1, &vec!["1002.5".to_owned()])
    );
    let log = joined.dataset.events.as_ref().expect("an event log");
    let per_user: Vec<usize> = (0..3).map(|u| log.user_range(u).len()).collect();
    assert_eq!(per_user, [2, 0, 2]);
}

#[test]
fn events_population_with_a_survey() {
    let events = events();
    let survey = table(
        &[
            ("user_id", Id),
            ("submitted", DateTime),
            ("nps", Integer),
            ("comment", Text),
        ],
        &[
            &["zz", "2025-03-01T10:00:00Z", "3", "slow"],
            &["u2", "2025-03-02T10:00:00Z", "", "no score"],
            &["u2", "2025-02-02T10:00:00Z", "8", ""],
            &["nobody", "2025-02-02T10:00:00Z", "8", ""],
        ],
    );
    check(
        &[("events.csv", &events), ("survey.csv", &survey)],
        &expect![[r#"
        events.csv: Events key=Some("user_id") time=Some("timestamp") event=Some("event")
          - `user_id` repeats (`u1` on rows 1 and 2): many rows per user
          - `timestamp` holds datetimes
          - `event` has 3 distinct values: the event names
        survey.csv: Linked key=Some("user_id") time=Some("submitted") event=None
          - `user_id` repeats (`u2` on rows 2 and 3): many rows per user
          - `submitted` holds datetimes
          - the file name mentions `survey`: answers per user, not events
        plan: {
          "key": "user_id",
          "links": [
            {
              "file": "events.csv",
              "kind": "events",
              "key": "user_id",
              "population_key": "user_id",
              "ignore_case": false,
              "time": "timestamp",
              "event": "event"
            },
            {
              "file": "survey.csv",
              "kind": "linked",
              "key": "user_id",
              "population_key": "user_id",
              "ignore_case": false,
              "time": "submitted"
            }
          ]
        }
        population report: rows=4 missing_keys=0 duplicate_keys=0 duplicate_rows=0 examples=[]
        coverage events.csv (Events, user_id -> user_id): rows=10 matched=8 unmatched=0 missing_key=1 dropped=1 share=0.800 | population matched=4 unmatched=0 share=1.000 | duplicate keys=0 rows=0 examples=[] | unmatched examples=[]
        coverage survey.csv (Linked, user_id -> user_id): rows=4 matched=3 unmatched=1 missing_key=0 dropped=0 share=0.750 | population matched=2 unmatched=2 share=0.500 | duplicate keys=0 rows=0 examples=[] | unmatched examples=["nobody"]
        population (4 rows, key Some("user_id")):
          user_id
          "u1"
          "u2"
          "u3"
          "zz"
        events (8 kept, 1 unmatched), names ["Login", "Purchase", "Logout"]:
          user 0: 2025-01-15T08:00:00Z Login event_id="e3" amount=·
          user 0: 2025-03-01T09:00:00Z Login event_id="e1" amount=·
          user 0: 2025-03-01T09:05:00Z Purchase event_id="e2" amount=20
          user 0: 2025-03-03T12:00:00Z Logout event_id="e10" amount=·
          user 1: 2025-02-27T23:59:59Z Login event_id="e4" amount=·
          user 2: 2025-03-02T10:00:00Z Purchase event_id="e5" amount=5.5
          user 2: 2025-03-02T11:00:00Z Purchase event_id="e6" amount=4.5
          user 3: 2025-03-01T00:00:00Z Login event_id="e7" amount=·
        linked survey (1 unmatched):
          user 1: user_id="u2" submitted=2025-02-02T10:00:00Z nps=8 comment=·
          user 1: user_id="u2" submitted=2025-03-02T10:00:00Z nps=· comment="no score"
          user 3: user_id="zz" submitted=2025-03-01T10:00:00Z nps=3 comment="slow"
        as_of: Some("2025-03-03T12:00:00Z")
        count(*) [integer]: 4, 1, 2, 1
        count(*, 30d) [integer]: 3, 1, 2, 1
        count(Login) [integer]: 2, 1, 0, 1
        count(Login, 30d) [integer]: 1, 1, 0, 1
        count(Purchase) [integer]: 1, 0, 2, 0
        count(Purchase, 30d) [integer]: 1, 0, 2, 0
        count(Logout) [integer]: 1, 0, 0, 0
        count(Logout, 30d) [integer]: 1, 0, 0, 0
        first_seen [datetime]: 2025-01-15T08:00:00Z, 2025-02-27T23:59:59Z, 2025-03-02T10:00:00Z, 2025-03-01T00:00:00Z
        last_seen [datetime]: 2025-03-03T12:00:00Z, 2025-02-27T23:59:59Z, 2025-03-02T11:00:00Z, 2025-03-01T00:00:00Z
        days_since_last_seen [integer]: 0, 3, 1, 2
        active_days [integer]: 3, 1, 1, 1
        sum(amount) [decimal]: 20, 0, 10, 0
        avg(amount) [decimal]: 20, ·, 5, ·
        latest(survey.nps) [integer]: ·, 8, ·, 3
        avg(survey.nps) [decimal]: ·, 8, ·, 3
    "#]],
    );
}

/// Where a key first repeats is found the same way whether the reader stored the column as a dictionary
/// (values that repeat) or as plain strings: case-folded emails, surrounding spaces and empty cells.
#[test]
fn first_repeat_is_the_same_for_dictionary_and_plain_keys() {
    let cases: &[(&str, &[&str])] = &[
        (
            "email",
            &["Ann@x.com", "", "bo@x.com", " ann@X.com ", "bo@x.com"],
        ),
        (
            "email",
            &["a@x.com", "b@x.com", "c@x.com", "b@x.com", "a@x.com"],
        ),
        ("user_id", &["u1", "U1", " u2", "u2 ", "u1"]),
        ("user_id", &["u1", "", "", "u2", "u3"]),
    ];
    let mut out = String::new();
    for (key, cells) in cases {
        let mut reasons = Vec::new();
        for ty in [Category, Text] {
            let rows: Vec<[&str; 2]> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| [*c, ["2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z"][i % 2]])
                .collect();
            let rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
            let t = table(&[(key, ty), ("time", DateTime)], &rows);
            let guess = join::propose(&[Source::new("log.csv", &t)])
                .guesses
                .remove(0);
            reasons.push(format!("{:?} {:?}", guess.kind, guess.reasons));
        }
        assert_eq!(reasons[0], reasons[1], "{key} {cells:?}");
        let _ = writeln!(out, "{}", reasons[0]);
    }
    expect![[r#"
        Linked ["`email` repeats (`ann@X.com` on rows 1 and 4): many rows per user", "`time` holds datetimes", "no column looks like event names"]
        Linked ["`email` repeats (`b@x.com` on rows 2 and 4): many rows per user", "`time` holds datetimes", "no column looks like event names"]
        Linked ["`user_id` repeats (`u2` on rows 3 and 4): many rows per user", "`time` holds datetimes", "no column looks like event names"]
        Entity ["`user_id` holds a different value on each of its 3 filled rows"]
    "#]]
    .assert_eq(&out);
}
