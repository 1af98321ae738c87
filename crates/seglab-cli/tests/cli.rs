//! The `seglab` binary, run as a user runs it: on the shipped sample files and on bad input.
//!
//! Oracles: Python's `csv` module for row and column counts, `DuckDB` running the SQL that `seglab segment
//! --sql` writes for the member lists, and the relationships documented in `web/sample/README.md` for
//! comparisons.

mod common;

use common::{array, json_of, python, seglab, stdout_of, text};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

const SAMPLES: [&str; 3] = [
    "web/sample/users.csv",
    "web/sample/events.csv",
    "web/sample/nps.csv",
];

#[test]
fn inspect_json_agrees_with_python_csv() {
    let report = json_of(&["inspect", "--json", SAMPLES[0], SAMPLES[1], SAMPLES[2]]);
    let expected = python(
        r"
import csv, json, sys
out = []
for path in sys.argv[1:]:
    with open(path, newline='', encoding='utf-8-sig') as f:
        records = list(csv.reader(f))
    out.append({'path': path, 'rows': len(records) - 1, 'columns': records[0]})
print(json.dumps(out))
",
        &SAMPLES,
    );
    let files = array(&report["files"]);
    assert_eq!(files.len(), SAMPLES.len(), "{report}");
    for (file, expected) in files.iter().zip(array(&expected)) {
        let path = &expected["path"];
        assert_eq!(&file["path"], path);
        assert_eq!(file["rows"], expected["rows"], "rows of {path}");
        let names: Vec<&Value> = array(&file["columns"]).iter().map(|c| &c["name"]).collect();
        let expected_names: Vec<&Value> = array(&expected["columns"]).iter().collect();
        assert_eq!(names, expected_names, "columns of {path}");
        assert_eq!(file["delimiter"], ",", "{path}");
        assert_eq!(file["encoding"], "utf-8", "{path}");
        assert_eq!(
            file["warnings"],
            Value::Array(Vec::new()),
            "the sample must read cleanly: {path}"
        );
    }
}

/// The types the sample's columns read as: the sample is the app's first impression.
#[test]
fn inspect_types_the_sample_columns() {
    let report = json_of(&["inspect", "--json", SAMPLES[0], SAMPLES[1], SAMPLES[2]]);
    let mut lines = Vec::new();
    for file in array(&report["files"]) {
        lines.push(file["path"].as_str().unwrap_or_default().to_owned());
        for column in array(&file["columns"]) {
            let (name, ty) = (
                column["name"].as_str().unwrap_or_default(),
                column["type"].as_str().unwrap_or_default(),
            );
            lines.push(format!("  {name}: {ty} ({} missing)", column["missing"]));
        }
    }
    expect_test::expect_file!["data/sample_types.txt"].assert_eq(&(lines.join("\n") + "\n"));
}

#[test]
fn inspect_prints_a_table_for_people() {
    expect_test::expect_file!["data/inspect_nps.txt"]
        .assert_eq(&stdout_of(&["inspect", SAMPLES[2]]));
}

/// Runs `seglab inspect` on a file with the given bytes and checks that it fails cleanly: exit code 2, a
/// message naming the file and containing `expect`, nothing on stdout, no panic.
fn check_bad_file(name: &str, bytes: Option<&[u8]>, expect: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("seglab-cli-bad-input");
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let path = dir.join(name);
    if let Some(bytes) = bytes {
        std::fs::write(&path, bytes)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
    let path = path.display().to_string();
    let runs = [
        vec!["inspect", path.as_str()],
        vec!["inspect", "--json", SAMPLES[2], path.as_str()],
        vec!["segment", "-s", "plan = \"pro\"", SAMPLES[0], path.as_str()],
    ];
    for args in runs {
        let output = seglab(&args);
        let stderr = text(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: exit code; stderr: {stderr}"
        );
        assert!(
            stderr.contains(&path),
            "{args:?}: the message should name the file: {stderr}"
        );
        assert!(
            stderr.to_lowercase().contains(expect),
            "{args:?}: the message should say {expect:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: panicked: {stderr}");
        assert!(
            output.stdout.is_empty(),
            "{args:?}: printed output for a failed run: {}",
            text(&output.stdout)
        );
    }
}

#[test]
fn missing_file() {
    check_bad_file("no-such-file.csv", None, "cannot read");
}

#[test]
fn excel_file() {
    // The first bytes of an .xlsx: a zip entry named `[Content_Types].xml`.
    let mut bytes = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x00\x00\x00\x00".to_vec();
    bytes.extend_from_slice(b"\x00\x00\x00\x00\x00\x00\x00\x00\x13\x00\x00\x00[Content_Types].xml");
    check_bad_file("export.xlsx", Some(&bytes), "excel");
}

#[test]
fn zip_file_named_like_a_spreadsheet() {
    check_bad_file("export.xls", Some(b"PK\x03\x04 not really"), "not csv");
}

#[test]
fn empty_file() {
    check_bad_file("empty.csv", Some(b""), "empty");
}

#[test]
fn folder_instead_of_file() {
    check_bad_file("", None, "folder");
}

#[test]
fn usage_errors_exit_with_2() {
    let runs: [&[&str]; 6] = [
        &[],
        &["inspect"],
        &["frobnicate"],
        &["inspect", "--colour", SAMPLES[0]],
        &["inspect", "--type", "score=number", SAMPLES[2]],
        &["segment", SAMPLES[0]],
    ];
    for args in runs {
        let output = seglab(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&output.stderr)
        );
        assert!(
            !text(&output.stderr).contains("panicked"),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
}

#[test]
fn type_overrides_reach_the_reader() {
    let report = json_of(&[
        "inspect",
        "--json",
        "--type",
        "score=decimal",
        "--type",
        "user_id=text",
        SAMPLES[2],
    ]);
    let types: Vec<&Value> = array(&report["files"][0]["columns"])
        .iter()
        .map(|c| &c["type"])
        .collect();
    assert_eq!(types, ["text", "date", "decimal", "category"]);
}

/// Segments to check against `DuckDB`: one per kind of condition the sample can answer.
const DEFINITIONS: [&str; 11] = [
    r#"plan = "enterprise""#,
    r#"converted = yes and industry in ("Software", "Finance")"#,
    r#"did "Create report" at least 3 times"#,
    r#"did "Open support ticket" in last 90 days"#,
    r#"not did "Login" in last 60 days and converted = yes"#,
    "arr > 10000 or employees between 1000 and 5000",
    r#"email contains "@" and country is empty"#,
    "signup_date in last 3 months",
    "nps(nps.score) = detractor",
    r#"did "Create report" then "Export report" within 1 day"#,
    r#"sum(amount) of "Purchase" > 100"#,
];

/// `segment --ids` lists the same users as `DuckDB` running the query `segment --sql` writes.
#[test]
fn segment_members_agree_with_duckdb_running_the_sql() {
    let mut cases = Vec::new();
    for definition in DEFINITIONS {
        let files = [SAMPLES[0], SAMPLES[1], SAMPLES[2]];
        let ids: Vec<String> =
            stdout_of(&[&["segment", "--ids", "-s", definition][..], &files].concat())
                .lines()
                .map(str::to_owned)
                .collect();
        let sql = stdout_of(&[&["segment", "--sql", "-s", definition][..], &files].concat());
        cases.push(serde_json::json!({ "definition": definition, "sql": sql, "ids": ids }));
    }
    let input = serde_json::to_string(&cases).unwrap_or_default();
    let results = python(
        r#"
import duckdb, json, sys
cases = json.loads(sys.argv[1])
con = duckdb.connect()
con.execute("set TimeZone = 'UTC'")
for name in ['users', 'events', 'nps']:
    con.execute(f"create view {name} as select * from read_csv('web/sample/{name}.csv', header=true)")
out = []
for case in cases:
    rows = con.execute(case['sql'].rstrip().rstrip(';')).fetchall()
    out.append(sorted(str(r[0]) for r in rows))
print(json.dumps(out))
"#,
        &[&input],
    );
    for (case, expected) in cases.iter().zip(array(&results)) {
        let mut ids: Vec<&str> = array(&case["ids"])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        ids.sort_unstable();
        let expected: Vec<&str> = array(expected).iter().filter_map(Value::as_str).collect();
        assert!(
            !expected.is_empty(),
            "{}: no members; pick a definition that selects someone",
            case["definition"]
        );
        assert_eq!(
            ids,
            expected,
            "{}\n{}",
            case["definition"],
            case["sql"].as_str().unwrap_or_default()
        );
    }
}

#[test]
fn segment_counts_and_json() {
    let report = json_of(&["segment", "--json", "-s", "converted   =  yes", SAMPLES[0]]);
    let expected = python(
        r"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
print(json.dumps({'users': sum(r['converted'] == 'yes' for r in rows), 'population': len(rows)}))
",
        &[SAMPLES[0]],
    );
    assert_eq!(report["users"], expected["users"]);
    assert_eq!(report["population"], expected["population"]);
    assert_eq!(report["canonical"], "converted = yes");
    let human = stdout_of(&["segment", "-s", "converted = yes", SAMPLES[0]]);
    assert_eq!(
        human,
        format!(
            "converted = yes: {} of 3,000 users (20.9%)\n",
            expected["users"]
        )
    );
}

#[test]
fn segment_errors_point_at_the_mistake() {
    let output = seglab(&["segment", "-s", r#"plann = "pro""#, SAMPLES[0]]);
    assert_eq!(output.status.code(), Some(2));
    expect_test::expect![[r#"
        seglab: segment: there is no column `plann`; did you mean `plan`?
            plann = "pro"
            ^^^^^
    "#]]
    .assert_eq(&text(&output.stderr));
}

/// The finding on `column` for the first group, from `compare --json`.
fn finding<'a>(comparison: &'a Value, column: &str) -> &'a Value {
    array(&comparison["findings"])
        .iter()
        .find(|f| f["column"] == column && f["group"] == 0)
        .unwrap_or_else(|| panic!("no finding on `{column}`"))
}

/// The relationships the sample's README promises show up as significant differences.
#[test]
fn compare_finds_the_planted_relationships() {
    let files = [SAMPLES[0], SAMPLES[1], SAMPLES[2]];
    let converted = json_of(
        &[
            &[
                "compare",
                "--json",
                "--a",
                "converted = yes",
                "--b",
                "converted = no",
            ][..],
            &files,
        ]
        .concat(),
    );
    let sizes: Vec<&Value> = array(&converted["groups"])
        .iter()
        .map(|g| &g["size"])
        .collect();
    assert_eq!(sizes, [626, 2242]);
    assert_eq!(converted["left_out"], serde_json::json!(["converted"]));
    for column in [
        "count(Create report)",
        "count(Export report)",
        "count(Invite teammate)",
        "active_days",
    ] {
        let f = finding(&converted, column);
        assert_eq!(f["significant"], true, "{column}: {f}");
        assert!(
            f["effect"]["probability_greater"].as_f64().unwrap_or(0.0) > 0.7,
            "{column}: {f}"
        );
    }

    let industry = json_of(
        &[
            &[
                "compare",
                "--json",
                "--a",
                r#"industry = "Software""#,
                "--b",
                r#"industry = "Retail""#,
            ][..],
            &files,
        ]
        .concat(),
    );
    let f = finding(&industry, "converted");
    assert_eq!(f["significant"], true, "{f}");
    let ratio = f["effect"]["ratio"]["estimate"].as_f64().unwrap_or(0.0);
    assert!(
        (1.6..2.6).contains(&ratio),
        "Software converts about twice as often as Retail: {f}"
    );

    let nps = json_of(
        &[
            &[
                "compare",
                "--json",
                "--a",
                "nps(nps.score) = detractor",
                "--b",
                "nps(nps.score) = promoter",
            ][..],
            &files,
        ]
        .concat(),
    );
    let f = finding(&nps, "count(Open support ticket)");
    assert_eq!(f["significant"], true, "{f}");
    assert!(
        f["effect"]["probability_greater"].as_f64().unwrap_or(0.0) > 0.5,
        "detractors open more tickets: {f}"
    );
    let f = finding(&nps, "count(*)");
    assert_eq!(f["significant"], true, "{f}");
    assert!(
        f["effect"]["probability_greater"].as_f64().unwrap_or(1.0) < 0.5,
        "detractors use the product less: {f}"
    );
}

#[test]
fn compare_against_everyone_else_prints_sentences() {
    let stdout = stdout_of(&[
        "compare",
        "--a",
        r#"plan = "enterprise""#,
        "--top",
        "3",
        "--no-measures",
        SAMPLES[0],
    ]);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "3,000 users");
    assert_eq!(lines[1], r#"  plan = "enterprise": 110 users"#);
    assert_eq!(lines[2], "  Everyone else: 2,890 users  (baseline)");
    assert!(lines[4].contains("differences are significant"), "{stdout}");
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("  - ")).count(),
        3,
        "{stdout}"
    );
    assert!(
        stdout.contains("`arr`"),
        "enterprise ARR is the largest difference: {stdout}"
    );
    assert_eq!(
        lines.last(),
        Some(&"not compared: `plan`, which the segments are defined by")
    );
}

#[test]
fn named_segments_can_be_referred_to() {
    let report = json_of(&[
        "segment",
        "--json",
        "--define",
        r#"Trials=plan = "trial""#,
        "-s",
        r#"in segment "Trials" and not converted = no"#,
        SAMPLES[0],
    ]);
    let expected = python(
        r"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
print(json.dumps(sum(r['plan'] == 'trial' and r['converted'] != 'no' for r in rows)))
",
        &[SAMPLES[0]],
    );
    assert_eq!(report["users"], expected);

    let stdout = stdout_of(&[
        "compare",
        "--no-measures",
        "--define",
        "Big=employees > 1000",
        "--define",
        r#"Big trials=in segment "Big" and plan = "trial""#,
        "--a",
        r#"in segment "Big trials""#,
        SAMPLES[0],
    ]);
    assert!(
        stdout.contains("\n  Big trials: "),
        "the group takes the segment's name: {stdout}"
    );
    assert!(
        stdout.ends_with("not compared: `plan`, `employees`, which the segments are defined by\n"),
        "columns of referenced segments are left out too: {stdout}"
    );

    let output = seglab(&[
        "segment",
        "--define",
        "Oops=plan =",
        "-s",
        r#"in segment "Oops""#,
        SAMPLES[0],
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).starts_with(r#"seglab: segment "Oops": expected a value"#),
        "{}",
        text(&output.stderr)
    );
}

/// `inspect --json` reports how a messy file was read: its delimiter, encoding and header, and each
/// warning with the line it concerns.
#[test]
fn inspect_json_reports_delimiter_encoding_and_warnings_by_line() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("seglab-cli-inspect-warnings");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let path = dir.join("ragged.csv");
    std::fs::write(
        &path,
        b"user_id;plan;seats\nU1;pro;3\nU2;trial\nU3;pro;4;extra\nU4;caf\xe9;2\n",
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let report = json_of(&["inspect", "--json", &path.display().to_string()]);
    let file = &array(&report["files"])[0];
    assert_eq!(file["delimiter"], ";", "{report}");
    assert_eq!(file["encoding"], "windows-1252", "{report}");
    assert_eq!(file["has_header"], true, "{report}");
    assert_eq!(file["rows"], 4, "{report}");
    let warnings: Vec<&str> = array(&file["warnings"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("line 3: 2 fields instead of 3")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("line 4: 4 fields instead of 3")),
        "{warnings:?}"
    );
}

/// A join that leaves rows out says why: keys no user has, with examples, and rows without a key
/// (anonymous events), not only the share that matched.
#[test]
fn a_partial_join_says_which_rows_were_left_out_and_why() {
    let dir = std::env::temp_dir().join(format!("seglab-cli-join-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let users = dir.join("crm.csv");
    std::fs::write(&users, "user_id,plan\nU1,pro\nU2,free\nU3,pro\n").expect("write");
    let events = dir.join("events.csv");
    let mut log = String::from("user_id,event,time\n");
    for (user, n) in [("U1", 6), ("U2", 4), ("", 3), ("U9", 2)] {
        for k in 0..n {
            writeln!(log, "{user},Login,2025-03-0{}T10:00:00Z", k + 1).expect("write to a string");
        }
    }
    std::fs::write(&events, log).expect("write");
    let out = seglab(&[
        "segment",
        "--count",
        users.to_str().expect("a UTF-8 path"),
        events.to_str().expect("a UTF-8 path"),
        r#"did "Login""#,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "2");
    assert!(
        text(&out.stderr).contains(
            "events.csv: only 67% of its rows match a user by `user_id` = `user_id`: 2 rows have a \
             `user_id` no user has (e.g. U9); 3 rows have no `user_id` (anonymous or system events)"
        ),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}
