//! The native half of `cargo xtask bench`: `seglab inspect` (the release CLI: read, type and profile a
//! file, then print its report) against the `duckdb` Python package reading the same file with
//! `read_csv_auto` into a table, runs interleaved, medians printed. Times are reported, never asserted.
//!
//! The time of `duckdb` is taken inside Python around the query (the interpreter's start and `import duckdb`
//! are left out); Seglab's is the whole process, start and report included.

use crate::root;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const DUCKDB: &str = "
import sys, time, duckdb
con = duckdb.connect()
threads = con.execute(\"SELECT current_setting('threads')\").fetchone()[0]
start = time.perf_counter()
con.execute('CREATE TABLE t AS SELECT * FROM read_csv_auto(?)', [sys.argv[1]])
elapsed = time.perf_counter() - start
rows = con.execute('SELECT count(*) FROM t').fetchone()[0]
print(elapsed, rows, threads)
";

/// Builds the CLI, measures each file `runs` times with each tool, and prints one line per file.
pub fn compare(files: &[&Path], runs: usize) -> Result<(), String> {
    crate::run(Command::new("cargo").args(["build", "--release", "--quiet", "-p", "seglab-cli"]))?;
    let seglab = root().join("target/release/seglab");
    println!(
        "native: seglab inspect against the duckdb Python package's read_csv_auto, medians of {runs} interleaved runs"
    );
    for file in files {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let mut detail = String::new();
        for _ in 0..runs {
            let start = Instant::now();
            let out = Command::new(&seglab)
                .arg("inspect")
                .arg(file)
                .stdout(Stdio::null())
                .output()
                .map_err(|e| format!("{}: {e}", seglab.display()))?;
            if !out.status.success() {
                return Err(format!(
                    "seglab inspect {} failed: {}",
                    file.display(),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            ours.push(start.elapsed().as_secs_f64());
            let out = Command::new("python3")
                .args(["-c", DUCKDB])
                .arg(file)
                .output()
                .map_err(|e| format!("python3: {e}"))?;
            let text = String::from_utf8_lossy(&out.stdout);
            let fields: Vec<&str> = text.split_whitespace().collect();
            let seconds = fields.first().and_then(|s| s.parse::<f64>().ok());
            match (out.status.success(), seconds) {
                (true, Some(seconds)) => {
                    theirs.push(seconds);
                    detail = format!(
                        "{} rows, DuckDB on {} threads",
                        fields.get(1).unwrap_or(&"?"),
                        fields.get(2).unwrap_or(&"?")
                    );
                }
                _ => {
                    return Err(format!(
                        "duckdb read_csv_auto {} failed: {}",
                        file.display(),
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
            }
        }
        let (ours, theirs) = (median(&mut ours), median(&mut theirs));
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let megabytes = std::fs::metadata(file).map_or(0, |m| m.len()) / 1_000_000;
        println!(
            "native {name} ({megabytes} MB; {detail}): seglab inspect {ours:.2} s (one thread), duckdb read_csv_auto {theirs:.2} s ({:.1}x)",
            theirs / ours
        );
    }
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}
