//! Running the built `seglab` binary and Python oracles, shared by the CLI's test files.
// Each test file is its own crate and uses a different subset of these helpers.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn seglab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seglab"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run seglab: {e}"))
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs seglab, expecting success, and returns its standard output.
pub fn stdout_of(args: &[&str]) -> String {
    let output = seglab(args);
    assert!(
        output.status.success(),
        "seglab {args:?} failed: {}",
        text(&output.stderr)
    );
    text(&output.stdout)
}

pub fn json_of(args: &[&str]) -> Value {
    let stdout = stdout_of(args);
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("seglab {args:?} printed no JSON ({e}): {stdout}"))
}

/// Runs a Python script with `args` and parses the JSON it prints.
pub fn python(script: &str, args: &[&str]) -> Value {
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed for this test: {e}"));
    assert!(
        output.status.success(),
        "python3 failed: {}",
        text(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("python3 printed no JSON: {e}"))
}

pub fn array(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}
