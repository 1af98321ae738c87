//! The `seglab` binary, run as a user runs it: on the shipped sample files and on bad input.
//!
//! Row and column counts are checked against Python's `csv` module, which reads the same files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const SAMPLES: [&str; 3] = ["web/sample/users.csv", "web/sample/events.csv", "web/sample/nps.csv"];

fn seglab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seglab"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run seglab: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Rows and header names of each file according to Python's `csv` module, in one Python run.
fn python_csv_shapes(paths: &[&str]) -> serde_json::Value {
    let script = r"
import csv, json, sys
out = []
for path in sys.argv[1:]:
    with open(path, newline='', encoding='utf-8-sig') as f:
        records = list(csv.reader(f))
    out.append({'path': path, 'rows': len(records) - 1, 'columns': records[0]})
print(json.dumps(out))
";
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(paths)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed for this test (it reads the samples with `csv`): {e}"));
    assert!(output.status.success(), "python3 failed: {}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("python3 printed no JSON: {e}"))
}

#[test]
fn inspect_json_agrees_with_python_csv() {
    let output = seglab(&["inspect", "--json", SAMPLES[0], SAMPLES[1], SAMPLES[2]]);
    assert!(output.status.success(), "seglab inspect failed: {}", text(&output.stderr));
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("inspect --json printed no JSON: {e}"));
    let expected = python_csv_shapes(&SAMPLES);
    let files = report["files"].as_array().unwrap_or_else(|| panic!("no `files` array in {report}"));
    assert_eq!(files.len(), SAMPLES.len());
    for (file, expected) in files.iter().zip(expected.as_array().into_iter().flatten()) {
        let path = &expected["path"];
        assert_eq!(&file["path"], path);
        assert_eq!(file["rows"], expected["rows"], "rows of {path}");
        let names: Vec<&serde_json::Value> =
            file["columns"].as_array().into_iter().flatten().map(|c| &c["name"]).collect();
        let expected_names: Vec<&serde_json::Value> = expected["columns"].as_array().into_iter().flatten().collect();
        assert_eq!(names, expected_names, "columns of {path}");
        for column in file["columns"].as_array().into_iter().flatten() {
            let ty = column["type"].as_str().unwrap_or_default();
            assert!(seglab_core::ColumnType::from_name(ty).is_some(), "{path}: column type {ty:?} is not a type");
        }
    }
}

/// The types the sample's columns must read as: the sample is the app's first impression.
#[test]
fn inspect_types_the_sample_columns() {
    let output = seglab(&["inspect", "--json", SAMPLES[0], SAMPLES[1], SAMPLES[2]]);
    assert!(output.status.success(), "seglab inspect failed: {}", text(&output.stderr));
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("inspect --json printed no JSON: {e}"));
    let mut actual = String::new();
    for file in report["files"].as_array().into_iter().flatten() {
        actual.push_str(&format!("{}\n", file["path"].as_str().unwrap_or_default()));
        for column in file["columns"].as_array().into_iter().flatten() {
            let (name, ty) = (column["name"].as_str().unwrap_or_default(), column["type"].as_str().unwrap_or_default());
            actual.push_str(&format!("  {name}: {ty}\n"));
        }
    }
    expect_test::expect_file!["data/sample_types.txt"].assert_eq(&actual);
}

#[test]
fn inspect_prints_a_table_for_people() {
    let output = seglab(&["inspect", SAMPLES[2]]);
    assert!(output.status.success(), "seglab inspect failed: {}", text(&output.stderr));
    expect_test::expect_file!["data/inspect_nps.txt"].assert_eq(&text(&output.stdout));
}

/// Runs `seglab inspect` on a file with the given bytes and checks that it fails cleanly: exit code 2, a
/// message naming the file and containing `expect`, nothing on stdout, no panic.
fn check_bad_file(name: &str, bytes: Option<&[u8]>, expect: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("seglab-cli-bad-input");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let path = dir.join(name);
    if let Some(bytes) = bytes {
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
    let path = path.display().to_string();
    for args in [vec!["inspect", path.as_str()], vec!["inspect", "--json", SAMPLES[2], path.as_str()]] {
        let output = seglab(&args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: exit code; stderr: {stderr}");
        assert!(stderr.contains(&path), "{args:?}: the message should name the file: {stderr}");
        assert!(stderr.to_lowercase().contains(expect), "{args:?}: the message should say {expect:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: panicked: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}: printed output for a failed run: {}", text(&output.stdout));
    }
}

#[test]
fn missing_file() {
    check_bad_file("no-such-file.csv", None, "cannot read");
}

#[test]
fn excel_file() {
    check_bad_file("export.xlsx", Some(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"), "excel");
}

#[test]
fn empty_file() {
    check_bad_file("empty.csv", Some(b""), "empty");
}

#[test]
fn usage_errors_exit_with_2() {
    for args in [vec![], vec!["inspect"], vec!["frobnicate"], vec!["inspect", "--colour", SAMPLES[0]]] {
        let output = seglab(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output.stderr));
        assert!(!text(&output.stderr).contains("panicked"), "{args:?}: {}", text(&output.stderr));
    }
}
