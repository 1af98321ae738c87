//! The join and its measures against `DuckDB`: generated messy exports, the same numbers from SQL.

mod model_support;

use model_support::{table, time_text};
use seglab_core::join::{self, Coverage, FileKind, JoinPlan, MeasureSpec, Source};
use seglab_core::table::{Column, ColumnType::*, Table, Value};
use serde_json::Value as Json;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// `text` with spaces around it now and then.
    fn pad(&mut self, text: &str) -> String {
        match self.below(10) {
            0 => format!(" {text}"),
            1 => format!("{text}  "),
            _ => text.to_owned(),
        }
    }
    fn shout(&mut self, text: &str) -> String {
        if self.chance(30) {
            text.to_uppercase()
        } else {
            text.to_owned()
        }
    }
}

const BASE: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z

struct Files {
    users: Vec<Vec<String>>,
    accounts: Vec<Vec<String>>,
    events: Vec<Vec<String>>,
    nps: Vec<Vec<String>>,
}

fn generate(seed: u64) -> Files {
    let mut rng = Rng(seed);
    let mut users = Vec::new();
    for i in 0..400 {
        let id = if i > 10 && rng.chance(1) {
            format!("u{:04}", rng.below(i)) // a repeated user id
        } else {
            format!("u{i:04}")
        };
        let id = if rng.chance(1) {
            String::new()
        } else {
            rng.pad(&id)
        };
        let email = rng.shout(&format!("user{i}@example.com"));
        let email = if rng.chance(2) {
            String::new()
        } else {
            rng.pad(&email)
        };
        let account = match rng.below(20) {
            0 => String::new(),
            1 => format!("acc{}", 900 + rng.below(5)),
            _ => {
                let account = format!("acc{}", rng.below(60));
                rng.pad(&account)
            }
        };
        let plan = ["free", "pro", "team"][rng.below(3) as usize].to_owned();
        users.push(vec![id, email, account, plan]);
    }
    let mut accounts = Vec::new();
    for j in 0..66 {
        let id = if j >= 62 {
            format!("acc{}", rng.below(60))
        } else {
            rng.pad(&format!("acc{j}"))
        };
        let id = if rng.chance(2) { String::new() } else { id };
        let plan = ["enterprise", "team", "starter"][rng.below(3) as usize].to_owned();
        let seats = if rng.chance(5) {
            String::new()
        } else {
            (1 + rng.below(200)).to_string()
        };
        accounts.push(vec![id, plan, seats]);
    }
    let names = [
        "Login",
        "View report",
        "Login",
        "View report",
        "Purchase",
        "Logout",
        "Invite",
        "Export",
    ];
    let mut events = Vec::new();
    for _ in 0..6000 {
        let user = rng.below(450);
        let key = if rng.chance(2) {
            String::new()
        } else {
            rng.pad(&format!("u{user:04}"))
        };
        let event = names[rng.below(names.len() as u64) as usize];
        let event_cell = if rng.chance(1) {
            String::new()
        } else {
            event.to_owned()
        };
        let t = BASE + rng.below(90 * 86_400) as i64;
        let time = if rng.chance(2) {
            String::new()
        } else {
            time_text(t)
        };
        let amount = if event == "Purchase" && !rng.chance(10) {
            format!("{}.{:02}", rng.below(500), rng.below(100))
        } else {
            String::new()
        };
        events.push(vec![key, event_cell, time, amount]);
    }
    let mut nps = Vec::new();
    for _ in 0..500 {
        let user = rng.below(450);
        let email = rng.shout(&format!("user{user}@example.com"));
        let email = rng.pad(&email);
        let day = BASE + rng.below(90) as i64 * 86_400;
        let date = if rng.chance(3) {
            String::new()
        } else {
            time_text(day)[..10].to_owned()
        };
        let score = if rng.chance(5) {
            String::new()
        } else {
            rng.below(11).to_string()
        };
        nps.push(vec![email, date, score]);
    }
    Files {
        users,
        accounts,
        events,
        nps,
    }
}

fn as_table(header: &[(&str, seglab_core::table::ColumnType)], rows: &[Vec<String>]) -> Table {
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    table(header, &rows)
}

fn write_csv(dir: &Path, name: &str, header: &[&str], rows: &[Vec<String>]) {
    let mut text = format!("rn,{}\n", header.join(","));
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect();
        let _ = writeln!(text, "{i},{}", cells.join(","));
    }
    std::fs::write(dir.join(format!("{name}.csv")), text).expect("the temp dir is writable");
}

fn run_oracle(dir: &Path, as_ofs: &[String]) -> Json {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/join_oracle.py");
    let output = Command::new("python3")
        .arg(&script)
        .arg(dir)
        .args(as_ofs)
        .output()
        .unwrap_or_else(|e| {
            panic!("python3 is required for the DuckDB oracle (pip install duckdb): {e}")
        });
    assert!(
        output.status.success(),
        "the DuckDB oracle failed (is the `duckdb` Python package installed?):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the oracle prints JSON")
}

fn json_f64(value: &Json) -> Option<f64> {
    value.as_f64()
}

fn cell_f64(column: &Column, row: usize) -> Option<f64> {
    match column.value(row) {
        Value::Null => None,
        Value::Integer(v) | Value::DateTime(v) => Some(v as f64),
        Value::Decimal(v) => Some(v),
        Value::Date(d) => Some(f64::from(d)),
        Value::Boolean(b) => Some(f64::from(u8::from(b))),
        Value::Str(_) => Some(f64::NAN),
    }
}

/// Compares a column with the oracle's list, cell by cell; returns the number of cells compared.
fn compare_column(column: &Column, expected: &Json, context: &str) -> usize {
    let expected = expected
        .as_array()
        .unwrap_or_else(|| panic!("{context}: oracle has no column `{}`", column.name()));
    assert_eq!(
        expected.len(),
        column.len(),
        "{context}: `{}` length",
        column.name()
    );
    for (row, want) in expected.iter().enumerate() {
        let what = format!("{context}: `{}` row {row}", column.name());
        match (column.value(row), want) {
            (Value::Null, Json::Null) => {}
            (Value::Str(s), Json::String(w)) => assert_eq!(s, w, "{what}"),
            (_, Json::Null) | (Value::Null, _) => {
                panic!(
                    "{what}: got {:?}, the oracle says {want}",
                    column.value(row)
                )
            }
            _ => {
                let got = cell_f64(column, row).unwrap_or(f64::NAN);
                let want = json_f64(want).unwrap_or(f64::NAN);
                assert!(
                    (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                    "{what}: got {got}, the oracle says {want}"
                );
            }
        }
    }
    expected.len()
}

fn compare_coverage(coverage: &Coverage, expected: &Json) {
    let field = |name: &str| {
        expected[name]
            .as_u64()
            .unwrap_or_else(|| panic!("oracle lacks {name}")) as usize
    };
    let context = &coverage.file;
    assert_eq!(coverage.rows, field("rows"), "{context}: rows");
    assert_eq!(
        coverage.matched_rows,
        field("matched_rows"),
        "{context}: matched rows"
    );
    assert_eq!(
        coverage.unmatched_rows,
        field("unmatched_rows"),
        "{context}: unmatched rows"
    );
    assert_eq!(
        coverage.missing_key_rows,
        field("missing_key_rows"),
        "{context}: missing keys"
    );
    assert_eq!(
        coverage.dropped_rows,
        field("dropped_rows"),
        "{context}: dropped rows"
    );
    assert_eq!(
        coverage.duplicate_keys,
        field("duplicate_keys"),
        "{context}: duplicate keys"
    );
    assert_eq!(
        coverage.duplicate_rows,
        field("duplicate_rows"),
        "{context}: duplicate rows"
    );
    assert_eq!(
        coverage.population_matched,
        field("population_matched"),
        "{context}: population matched"
    );
    assert_eq!(
        coverage.population_unmatched,
        coverage.population_rows - coverage.population_matched
    );
}

/// Generates exports from `seed`, joins them with the proposed plan (at the default as-of and an earlier
/// one) and compares coverage, gathered columns and every default measure with `DuckDB`.
fn check(seed: u64) -> usize {
    let files = generate(seed);
    let users = as_table(
        &[
            ("user_id", Id),
            ("email", Id),
            ("account_id", Id),
            ("plan", Category),
        ],
        &files.users,
    );
    let accounts = as_table(
        &[("account_id", Id), ("plan", Category), ("seats", Integer)],
        &files.accounts,
    );
    // The event log's user key is dictionary-encoded, as the reader stores repeated ids.
    let events = as_table(
        &[
            ("user_id", Category),
            ("event", Category),
            ("timestamp", DateTime),
            ("amount", Decimal),
        ],
        &files.events,
    );
    let nps = as_table(
        &[("email", Id), ("date", Date), ("score", Integer)],
        &files.nps,
    );

    let dir =
        std::env::temp_dir().join(format!("seglab-join-oracle-{}-{seed}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("the temp dir is writable");
    write_csv(
        &dir,
        "users",
        &["user_id", "email", "account_id", "plan"],
        &files.users,
    );
    write_csv(
        &dir,
        "accounts",
        &["account_id", "plan", "seats"],
        &files.accounts,
    );
    write_csv(
        &dir,
        "events",
        &["user_id", "event", "timestamp", "amount"],
        &files.events,
    );
    write_csv(&dir, "nps", &["email", "date", "score"], &files.nps);

    let sources = [
        Source::new("events.csv", &events),
        Source::new("users.csv", &users),
        Source::new("nps.csv", &nps),
        Source::new("accounts.csv", &accounts),
    ];
    let proposal = join::propose(&sources);
    assert!(
        proposal.problems.is_empty(),
        "seed {seed}: {:?}",
        proposal.problems
    );
    let plan = proposal.plan;
    let summary: Vec<String> = plan
        .links
        .iter()
        .map(|l| {
            format!(
                "{} {:?} {}->{} ignore_case={}",
                l.file, l.kind, l.key, l.population_key, l.ignore_case
            )
        })
        .collect();
    assert_eq!(
        (plan.population.as_deref(), plan.key.as_deref(), summary),
        (
            Some("users.csv"),
            Some("user_id"),
            vec![
                "accounts.csv Entity account_id->account_id ignore_case=false".to_owned(),
                "events.csv Events user_id->user_id ignore_case=false".to_owned(),
                "nps.csv Linked email->email ignore_case=true".to_owned(),
            ]
        ),
        "seed {seed}: the proposed plan"
    );

    let earlier = BASE + 60 * 86_400 + 12_345;
    let oracle = run_oracle(&dir, &["default".to_owned(), earlier.to_string()]);
    let _ = std::fs::remove_dir_all(&dir);

    let mut compared = 0;
    for (run, as_of) in [None, Some(time_text(earlier))].into_iter().enumerate() {
        let plan = JoinPlan {
            as_of,
            ..plan.clone()
        };
        let joined = join::build(&sources, &plan).expect("the generated plan builds");
        let expected = &oracle["runs"][run];
        let context = format!("seed {seed}, run {run}");
        assert_eq!(
            joined.dataset.as_of,
            expected["as_of"].as_i64(),
            "{context}: as_of"
        );
        let population = &oracle["population"];
        let report = &joined.population;
        assert_eq!(
            report.rows as u64,
            population["rows"].as_u64().unwrap_or_default(),
            "{context}"
        );
        assert_eq!(
            report.missing_keys as u64,
            population["missing_keys"].as_u64().unwrap_or_default(),
            "{context}"
        );
        assert_eq!(
            report.duplicate_keys as u64,
            population["duplicate_keys"].as_u64().unwrap_or_default(),
            "{context}"
        );
        assert_eq!(
            report.duplicate_rows as u64,
            population["duplicate_rows"].as_u64().unwrap_or_default(),
            "{context}"
        );
        for coverage in &joined.coverage {
            compare_coverage(coverage, &oracle["coverage"][coverage.file.as_str()]);
        }
        let log = joined.dataset.events.as_ref().expect("an event log");
        let mut names: Vec<&str> = log.names.iter().map(String::as_str).collect();
        names.sort_unstable();
        let oracle_names: Vec<&str> = oracle["event_names"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        assert_eq!(names, oracle_names, "{context}: event names");
        let spec = MeasureSpec::default_for(&joined.dataset);
        for name in &oracle_names {
            let counted = spec
                .measures
                .iter()
                .any(|m| m.name() == format!("count({name}, 30d)"));
            assert!(counted, "{context}: the default spec counts `{name}`");
        }
        let measures = join::measures(&joined.dataset, &spec);
        assert_eq!(measures.len(), spec.measures.len());
        for column in &measures {
            compared += compare_column(column, &expected["measures"][column.name()], &context);
        }
        for name in ["accounts.plan", "seats"] {
            let column = joined
                .dataset
                .population
                .column(name)
                .expect("gathered account columns");
            compared += compare_column(column, &expected["measures"][name], &context);
        }
        // The generated exports exercise every messy path the comparison is meant to cover.
        assert!(
            report.duplicate_keys > 0 && report.missing_keys > 0,
            "{context}: population repeats and gaps"
        );
        for c in &joined.coverage {
            let repeats = c.kind != FileKind::Entity || c.duplicate_keys > 0;
            let messy = c.unmatched_rows > 0
                && c.missing_key_rows + usize::from(c.kind == FileKind::Linked) > 0;
            assert!(
                repeats && messy,
                "{context}: {} has unmatched, missing and repeated keys",
                c.file
            );
        }
    }
    compared
}

#[test]
fn join_and_measures_agree_with_duckdb() {
    let compared: usize = [1, 2, 3].into_iter().map(check).sum();
    assert!(compared > 10_000, "compared {compared} cells");
}
