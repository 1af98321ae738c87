//! SQL export checked against a real `DuckDB`: the data is written as CSV, loaded into `DuckDB`, and every
//! exported query must return exactly the members Seglab computes. One python process runs all queries.

// expect-test writes every snapshot as r#"…"#.
#![allow(clippy::needless_raw_string_hashes)]

mod segment_support;

use expect_test::expect;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRunner};
use seglab_core::segment::time::{format_date, format_datetime};
use seglab_core::segment::{self, Dialect, EventsTable, LinkedTable, SegmentSet, SqlTables};
use seglab_core::{Column, ColumnType, Dataset, Value};
use segment_support::random;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

fn tables() -> SqlTables {
    SqlTables {
        users: "users".to_owned(),
        user_key: String::new(),
        events: Some(EventsTable {
            table: "events".to_owned(),
            user_key: "user".to_owned(),
            time: "time".to_owned(),
            name: "event".to_owned(),
        }),
        linked: vec![LinkedTable {
            name: "nps".to_owned(),
            table: "nps".to_owned(),
            user_key: "user".to_owned(),
            time: Some("time".to_owned()),
        }],
    }
}

fn duckdb_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Integer => "BIGINT",
        ColumnType::Decimal => "DOUBLE",
        ColumnType::Boolean => "BOOLEAN",
        ColumnType::Date => "DATE",
        ColumnType::DateTime => "TIMESTAMP",
        ColumnType::Category | ColumnType::Text | ColumnType::Id => "VARCHAR",
    }
}

fn csv_cell(out: &mut String, value: Value<'_>) {
    match value {
        Value::Null => {}
        Value::Integer(v) => write!(out, "{v}").unwrap(),
        Value::Decimal(v) => write!(out, "{v}").unwrap(),
        Value::Boolean(v) => out.push_str(if v { "true" } else { "false" }),
        Value::Date(d) => out.push_str(&format_date(d)),
        Value::DateTime(t) => out.push_str(&format_datetime(t)),
        Value::Str(s) => write!(out, "\"{}\"", s.replace('"', "\"\"")).unwrap(),
    }
}

/// A table as CSV plus its column types: `lead` columns (user key, time, name) come first.
struct CsvTable {
    name: String,
    header: Vec<(String, &'static str)>,
    body: String,
}

impl CsvTable {
    fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            header: Vec::new(),
            body: String::new(),
        }
    }

    fn json(&self, dir: &Path) -> serde_json::Value {
        let path = dir.join(format!("{}.csv", self.name));
        let mut text = self
            .header
            .iter()
            .map(|(n, _)| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(",");
        text.push('\n');
        text.push_str(&self.body);
        std::fs::write(&path, text).unwrap();
        serde_json::json!({"name": self.name, "path": path.to_str().unwrap(), "columns": self.header})
    }
}

fn write_rows(
    table: &mut CsvTable,
    rows: usize,
    lead: &dyn Fn(usize, &mut String),
    columns: &[Column],
) {
    for row in 0..rows {
        lead(row, &mut table.body);
        for (i, column) in columns.iter().enumerate() {
            if i > 0 || !table.header.is_empty() && table.body.ends_with(|c| c != '\n') {
                table.body.push(',');
            }
            csv_cell(&mut table.body, column.value(row));
        }
        table.body.push('\n');
    }
}

/// The dataset's tables, written to `dir`, as the job's JSON.
fn export(data: &Dataset, dir: &Path) -> serde_json::Value {
    let key = data
        .population
        .column(data.key.as_deref().unwrap())
        .unwrap();
    let user_key = |u: usize, out: &mut String| csv_cell(out, key.value(u));

    let mut users = CsvTable::new("users");
    let columns = data.population.columns();
    write_rows(&mut users, data.users(), &|_, _| {}, columns);
    users.header = columns
        .iter()
        .map(|c| (c.name().to_owned(), duckdb_type(c.ty())))
        .collect();

    let log = data.events.as_ref().unwrap();
    let mut events = CsvTable::new("events");
    events.header = vec![
        ("user".to_owned(), duckdb_type(key.ty())),
        ("time".to_owned(), "TIMESTAMP"),
        ("event".to_owned(), "VARCHAR"),
    ];
    let owner: Vec<usize> = (0..data.users())
        .flat_map(|u| log.user_range(u).map(move |_| u))
        .collect();
    write_rows(
        &mut events,
        log.len(),
        &|i, out| {
            user_key(owner[i], out);
            write!(
                out,
                ",{},\"{}\"",
                format_datetime(log.times[i]),
                log.names[log.events[i] as usize]
            )
            .unwrap();
        },
        &log.properties,
    );
    events.header.extend(
        log.properties
            .iter()
            .map(|c| (c.name().to_owned(), duckdb_type(c.ty()))),
    );

    let nps = &data.linked[0];
    let mut answers = CsvTable::new("nps");
    answers.header = vec![
        ("user".to_owned(), duckdb_type(key.ty())),
        ("time".to_owned(), "TIMESTAMP"),
    ];
    let owner: Vec<usize> = (0..data.users())
        .flat_map(|u| nps.user_range(u).map(move |_| u))
        .collect();
    let times = nps.times.as_ref().unwrap();
    write_rows(
        &mut answers,
        owner.len(),
        &|i, out| {
            user_key(owner[i], out);
            write!(out, ",{}", format_datetime(times[i])).unwrap();
        },
        &nps.columns,
    );
    answers.header.extend(
        nps.columns
            .iter()
            .map(|c| (c.name().to_owned(), duckdb_type(c.ty()))),
    );

    serde_json::json!([users.json(dir), events.json(dir), answers.json(dir)])
}

struct Case {
    data: Dataset,
    segments: SegmentSet,
    definitions: Vec<String>,
}

/// A SQL engine the export is checked against: the dialect Seglab writes for it, and the python script
/// that runs a job (same JSON in and out for every engine).
struct Oracle {
    dialect: Dialect,
    script: &'static str,
    /// What to install when python3 cannot run the script.
    needs: &'static str,
}

const DUCKDB: Oracle = Oracle {
    dialect: Dialect::DuckDb,
    script: "segment_duckdb.py",
    needs: "python3 with the duckdb package (`pip install duckdb`)",
};

const SPARK: Oracle = Oracle {
    dialect: Dialect::Spark,
    script: "segment_spark.py",
    needs: "python3 with pyspark (`pip install pyspark`) and Java 17 or later on the PATH",
};

/// Runs every case's SQL in one python process and compares with Seglab's members.
fn check_against(oracle: &Oracle, cases: &[Case]) -> usize {
    let dir = std::env::temp_dir().join(format!(
        "seglab-segment-sql-{:?}-{}",
        oracle.dialect,
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut datasets = Vec::new();
    let mut expected = Vec::new();
    for (c, case) in cases.iter().enumerate() {
        let case_dir = dir.join(c.to_string());
        std::fs::create_dir_all(&case_dir).unwrap();
        let mut sql_tables = tables();
        sql_tables.user_key = case.data.key.clone().unwrap();
        let key = case.data.population.column(&sql_tables.user_key).unwrap();
        let mut queries = Vec::new();
        let mut members = Vec::new();
        for def in &case.definitions {
            let expr = segment::parse(def).unwrap_or_else(|e| panic!("{def:?}: {e}"));
            let set = segment::evaluate(&expr, &case.data, &case.segments)
                .unwrap_or_else(|e| panic!("{def:?}: {e}"));
            let keys: Vec<i64> = set
                .iter()
                .map(|r| key.value(r).as_f64().unwrap() as i64)
                .collect();
            let sql = segment::to_sql(
                &expr,
                oracle.dialect,
                &case.data,
                &sql_tables,
                &case.segments,
            )
            .unwrap_or_else(|e| panic!("{def:?}: {e}"));
            queries.push(sql);
            members.push(keys);
        }
        datasets
            .push(serde_json::json!({"tables": export(&case.data, &case_dir), "queries": queries}));
        expected.push((members, queries));
    }
    let job = dir.join("job.json");
    std::fs::write(&job, serde_json::json!({"datasets": datasets}).to_string()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(oracle.script);
    let output = Command::new("python3")
        .arg(&script)
        .arg(&job)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}); this test needs {}", oracle.needs));
    assert!(
        output.status.success(),
        "{} failed; this test needs {}:\n{}",
        oracle.script,
        oracle.needs,
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Vec<serde_json::Value>> = serde_json::from_slice(&output.stdout).unwrap();
    let mut compared = 0;
    for (c, (case, (members, queries))) in cases.iter().zip(&expected).enumerate() {
        for (q, def) in case.definitions.iter().enumerate() {
            let result = &results[c][q];
            let keys: Option<Vec<i64>> = result["keys"]
                .as_array()
                .map(|a| a.iter().map(|v| v.as_i64().unwrap()).collect());
            assert_eq!(
                keys.as_ref(),
                Some(&members[q]),
                "dataset {c}, definition {def:?}\nSQL:\n{}\n{:?}: {result}\nseglab: {:?}",
                queries[q],
                oracle.dialect,
                members[q]
            );
            compared += 1;
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    compared
}

/// Definitions of every condition kind, on the hand-written fixture.
const HAND_WRITTEN: &[&str] = &[
    r#"plan = "trial""#,
    r#"plan != "trial""#,
    r#"plan = "TRIAL" ignoring case"#,
    r#"country in ("SE", "NO")"#,
    r#"country not in ("SE", "NO")"#,
    r#"country in ("se", "no") ignoring case"#,
    r#"email contains "acme""#,
    r#"email contains "ACME" ignoring case"#,
    r#"email starts with "bo@""#,
    r#"email ends with ".com""#,
    r#"email ends with ".COM" ignoring case"#,
    r#"email matches /^[a-c].*@acme\.com$/"#,
    r#"email matches /\/x@/"#,
    r#"email matches /^E/ ignoring case"#,
    r#"email is empty"#,
    r#"email is not empty"#,
    r#"`count(Login)` = "007""#,
    "seats > 5",
    "seats between 3 and 10",
    "seats in (1, 40)",
    "seats not in (1, 40)",
    "seats != 5",
    "seats is empty",
    "`Annual revenue` < 5000",
    "`Annual revenue` >= 4999.99",
    "converted = yes",
    "converted != yes",
    "converted is empty",
    "signup_date before 2025-03-01",
    "signup_date after 2025-05-31",
    "signup_date between 2025-03-01 and 2025-05-31",
    "signup_date = 2025-06-30",
    "signup_date != 2025-06-30",
    "last_seen = 2025-03-01",
    "last_seen after 2025-06-29",
    "last_seen <= 2025-03-01",
    "signup_date in last 10 days",
    "signup_date more than 3 months ago",
    "last_seen in last 12 hours",
    "last_seen more than 2 weeks ago",
    r#"did "Login""#,
    r#"did "Export report" at least 3 times"#,
    r#"did "Export report" at least 1 time in last 30 days"#,
    r#"did "Login" at most 1 time"#,
    r#"did "Purchase" exactly 2 times in last 3 weeks"#,
    r#"not did "Login" in last 60 days"#,
    r#"did "Signup" then "Upgrade" within 14 days"#,
    r#"did "Upgrade" then "Signup" within 1 day"#,
    r#"did "Export report" then "Export report" within 1 day"#,
    r#"first did "Signup" in last 30 days"#,
    r#"sum(amount) of "Purchase" > 100"#,
    r#"sum(amount) of "Purchase" < 100"#,
    r#"avg(amount) of "Purchase" in last 30 days = 60"#,
    r#"min(amount) of "Purchase" < 100"#,
    r#"max(amount) of "Purchase" >= 150"#,
    r#"distinct(page) of "Export report" >= 2"#,
    "nps(nps.score) = promoter",
    "nps(nps.score) = passive",
    "nps(nps.score) = detractor",
    "nps(nps.score) != promoter",
    "latest(nps.score) >= 7",
    "avg(nps.score) < 7",
    r#"in segment "Trials""#,
    r#"not in segment "Trials" and seats > 1"#,
    r#"plan = "trial" and converted = no and country in ("SE", "NO")"#,
    r#"not (plan = "trial" or converted = yes)"#,
    r#"plan = "pro" or plan = "free" and seats > 100"#,
];

/// The hand-written definitions on the fixture, then `datasets` random datasets with `per_dataset` random
/// definitions each (the same ones on every run).
fn cases(datasets: usize, per_dataset: usize) -> Vec<Case> {
    let mut segments = SegmentSet::new();
    segments.insert("Trials", r#"plan = "trial" or in segment "Big""#);
    segments.insert("Big", "seats >= 12");
    let mut cases = vec![Case {
        data: segment_support::fixture(),
        segments,
        definitions: HAND_WRITTEN.iter().map(|s| (*s).to_owned()).collect(),
    }];
    let mut runner = TestRunner::new(Config {
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..Config::default()
    });
    let spec = random::spec(30, false);
    let definitions = proptest::collection::vec(random::definition(), per_dataset);
    for _ in 0..datasets {
        let spec = spec.new_tree(&mut runner).unwrap().current();
        let mut segments = SegmentSet::new();
        segments.insert("S", random::S);
        let definitions = definitions.new_tree(&mut runner).unwrap().current();
        cases.push(Case {
            data: spec.dataset(),
            segments,
            definitions,
        });
    }
    cases
}

#[test]
fn duckdb_returns_seglab_members() {
    let compared = check_against(&DUCKDB, &cases(12, 60));
    assert_eq!(compared, HAND_WRITTEN.len() + 12 * 60);
}

/// Spark SQL in a local Spark (one session for every case: it takes seconds to start).
#[test]
fn spark_returns_seglab_members() {
    let compared = check_against(&SPARK, &cases(4, 40));
    assert_eq!(compared, HAND_WRITTEN.len() + 4 * 40);
}

#[test]
fn other_dialects_read_as_expected() {
    let data = segment_support::fixture();
    let mut segments = SegmentSet::new();
    segments.insert("Trials", r#"plan = "trial""#);
    let mut sql_tables = tables();
    sql_tables.user_key = "id".to_owned();
    let expr = segment::parse(
        r#"in segment "Trials" and `Annual revenue` > 100 and email matches /it's\d/ ignoring case and did "Signup" then "Upgrade" within 14 days and not did "Login" in last 7 days and nps(nps.score) = promoter"#,
    )
    .unwrap();
    let mut out = String::new();
    for dialect in Dialect::ALL {
        let sql = segment::to_sql(&expr, dialect, &data, &sql_tables, &segments).unwrap();
        writeln!(out, "-- {dialect:?}\n{sql}\n").unwrap();
    }
    expect![[r#"
        -- DuckDb
        SELECT u."id" FROM users AS u
        WHERE (COALESCE(u."plan" = 'trial', FALSE))
          AND COALESCE(u."Annual revenue" > 100, FALSE)
          AND COALESCE(regexp_matches(u."email", '(?i)it''s\d'), FALSE)
          AND COALESCE(EXISTS (SELECT 1 FROM events AS a WHERE a."user" = u."id" AND a."event" = 'Signup' AND EXISTS (SELECT 1 FROM events AS b WHERE b."user" = a."user" AND b."event" = 'Upgrade' AND b."time" > a."time" AND b."time" <= a."time" + INTERVAL '1209600 seconds')), FALSE)
          AND NOT (COALESCE(EXISTS (SELECT 1 FROM events AS e WHERE e."user" = u."id" AND e."event" = 'Login' AND e."time" > TIMESTAMP '2025-06-23 12:00:00' AND e."time" <= TIMESTAMP '2025-06-30 12:00:00'), FALSE))
          AND COALESCE((SELECT s."score" FROM nps AS s WHERE s."user" = u."id" AND s."score" IS NOT NULL ORDER BY s."time" DESC LIMIT 1) >= 9, FALSE)

        -- Postgres
        SELECT u."id" FROM users AS u
        WHERE (COALESCE(u."plan" = 'trial', FALSE))
          AND COALESCE(u."Annual revenue" > 100, FALSE)
          AND COALESCE(u."email" ~ '(?i)it''s\d', FALSE)
          AND COALESCE(EXISTS (SELECT 1 FROM events AS a WHERE a."user" = u."id" AND a."event" = 'Signup' AND EXISTS (SELECT 1 FROM events AS b WHERE b."user" = a."user" AND b."event" = 'Upgrade' AND b."time" > a."time" AND b."time" <= a."time" + INTERVAL '1209600 seconds')), FALSE)
          AND NOT (COALESCE(EXISTS (SELECT 1 FROM events AS e WHERE e."user" = u."id" AND e."event" = 'Login' AND e."time" > TIMESTAMP '2025-06-23 12:00:00' AND e."time" <= TIMESTAMP '2025-06-30 12:00:00'), FALSE))
          AND COALESCE((SELECT s."score" FROM nps AS s WHERE s."user" = u."id" AND s."score" IS NOT NULL ORDER BY s."time" DESC LIMIT 1) >= 9, FALSE)

        -- BigQuery
        SELECT u.`id` FROM users AS u
        WHERE (COALESCE(u.`plan` = 'trial', FALSE))
          AND COALESCE(u.`Annual revenue` > 100, FALSE)
          AND COALESCE(REGEXP_CONTAINS(u.`email`, '(?i)it\'s\\d'), FALSE)
          AND COALESCE(EXISTS (SELECT 1 FROM events AS a WHERE a.`user` = u.`id` AND a.`event` = 'Signup' AND EXISTS (SELECT 1 FROM events AS b WHERE b.`user` = a.`user` AND b.`event` = 'Upgrade' AND b.`time` > a.`time` AND b.`time` <= TIMESTAMP_ADD(a.`time`, INTERVAL 1209600 SECOND))), FALSE)
          AND NOT (COALESCE(EXISTS (SELECT 1 FROM events AS e WHERE e.`user` = u.`id` AND e.`event` = 'Login' AND e.`time` > TIMESTAMP '2025-06-23 12:00:00' AND e.`time` <= TIMESTAMP '2025-06-30 12:00:00'), FALSE))
          AND COALESCE((SELECT ARRAY_AGG(s.`score` ORDER BY s.`time` DESC LIMIT 1)[SAFE_OFFSET(0)] FROM nps AS s WHERE s.`user` = u.`id` AND s.`score` IS NOT NULL) >= 9, FALSE)

        -- Spark
        SELECT u.`id` FROM users AS u
        WHERE (COALESCE(u.`plan` = 'trial', FALSE))
          AND COALESCE(u.`Annual revenue` > 100, FALSE)
          AND COALESCE(u.`email` RLIKE '(?i)it\'s\\d', FALSE)
          AND COALESCE(EXISTS (SELECT 1 FROM events AS a WHERE a.`user` = u.`id` AND a.`event` = 'Signup' AND EXISTS (SELECT 1 FROM events AS b WHERE b.`user` = a.`user` AND b.`event` = 'Upgrade' AND b.`time` > a.`time` AND b.`time` <= a.`time` + INTERVAL 1209600 SECONDS)), FALSE)
          AND NOT (COALESCE(EXISTS (SELECT 1 FROM events AS e WHERE e.`user` = u.`id` AND e.`event` = 'Login' AND e.`time` > TIMESTAMP '2025-06-23 12:00:00' AND e.`time` <= TIMESTAMP '2025-06-30 12:00:00'), FALSE))
          AND COALESCE((SELECT max_by(s.`score`, s.`time`) FROM nps AS s WHERE s.`user` = u.`id` AND s.`score` IS NOT NULL) >= 9, FALSE)

    "#]].assert_eq(&out);
}

#[test]
fn sql_export_explains_what_it_cannot_write() {
    let data = segment_support::fixture();
    let segments = SegmentSet::new();
    let mut no_events = tables();
    no_events.user_key = "id".to_owned();
    no_events.events = None;
    no_events.linked[0].time = None;
    let mut out = String::new();
    for def in [
        r#"did "Login""#,
        "latest(nps.score) > 5",
        "avg(nps.score) > 5",
        r#"in segment "Nope""#,
        "plna = 1",
    ] {
        let expr = segment::parse(def).unwrap();
        match segment::to_sql(&expr, Dialect::Postgres, &data, &no_events, &segments) {
            Ok(sql) => writeln!(out, "{def}\n  {}", sql.replace('\n', "\n  ")).unwrap(),
            Err(e) => writeln!(out, "{def}\n  error {:?}: {}", e.kind, e.message).unwrap(),
        }
    }
    expect![[r#"
        did "Login"
          error MissingData: this definition uses events, but no events table is configured for SQL export
        latest(nps.score) > 5
          error MissingData: latest(…) and nps(…) need the time column of `nps` in SQL, to know which answer is the latest
        avg(nps.score) > 5
          SELECT u."id" FROM users AS u
          WHERE COALESCE((SELECT AVG(s."score") FROM nps AS s WHERE s."user" = u."id" AND s."score" IS NOT NULL) > 5, FALSE)
        in segment "Nope"
          error UnknownSegment: there is no segment `Nope`
        plna = 1
          error UnknownColumn: there is no column `plna`; did you mean `plan`?
    "#]].assert_eq(&out);
}
