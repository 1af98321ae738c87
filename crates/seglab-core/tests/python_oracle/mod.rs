//! Running a Python oracle script from `tests/data`: the cases go in as JSON on stdin, the reference
//! values come back as JSON on stdout. One process per test file keeps Python's start-up cost to one.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `tests/data/<script>` on `input` and parses what it prints.
pub fn run<T: DeserializeOwned>(script: &str, input: &impl Serialize) -> T {
    let path = format!("{}/tests/data/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new("python3")
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start python3 for {script} (pip install -r tests/requirements.txt): {e}")
        });
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let json = serde_json::to_vec(input).expect("the cases serialise");
    stdin.write_all(&json).expect("write the cases to python3");
    drop(stdin);
    let output = child.wait_with_output().expect("python3 runs");
    assert!(
        output.status.success(),
        "the oracle {script} failed (pip install -r tests/requirements.txt):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("the oracle {script} printed no JSON answer: {e}"))
}
