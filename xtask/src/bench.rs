//! `cargo xtask bench`: Seglab in the browser against DuckDB-WASM, uDSV and `PapaParse`.
//!
//! Builds the release site, generates the benchmark data into `bench-data/` once per size (files already
//! there are reused), then runs `tests/bench/run.mjs`: one headless Chromium session that measures
//! loading files, evaluating segments, the comparison, the comparison panel of 2 segments (the `Panel`
//! request against one query per widget), the Impact view's retention table and 4-step funnel (on
//! the last event file, against the same tables in DuckDB-WASM SQL), interleaved across the tools, and the
//! landing page's start-up. It prints medians and ratios and writes them to `bench-data/results.json`.
//! Then, natively, `seglab inspect` against the `duckdb` Python package's `read_csv_auto` on the same
//! files (`native.rs`). Times are reported, never asserted.

use crate::tools::{ensure_build_tools, ensure_chromium, path_with_node_bin};
use crate::{root, run as run_command};
use std::path::{Path, PathBuf};
use std::process::Command;

const USAGE: &str = "usage: cargo xtask bench [--users N] [--events M[,M...]] [--quick] [--no-parsers-on-events] [--loads-only] [--no-native]

  --users N                users in users.csv (default 1,000,000)
  --events M[,M...]        events in each event file measured (default 5,000,000,10,000,000; 0 for none)
  --quick                  3 runs per measurement instead of 5
  --no-parsers-on-events   measure uDSV and PapaParse on users.csv only
  --loads-only             loading the files only, Seglab against DuckDB-WASM: no uDSV, PapaParse, segments,
                           comparison, Impact or discovery
  --no-native              no native comparison (seglab inspect against the duckdb Python package)";

struct Options {
    users: usize,
    events: Vec<usize>,
    runs: usize,
    parsers_on_events: bool,
    loads_only: bool,
    native: bool,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        users: 1_000_000,
        events: vec![5_000_000, 10_000_000],
        runs: 5,
        parsers_on_events: true,
        loads_only: false,
        native: true,
    };
    let number = |flag: &str, value: &str| -> Result<usize, String> {
        value
            .replace(['_', ','], "")
            .parse()
            .map_err(|_| format!("{flag} {value}: expected a whole number\n{USAGE}"))
    };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--quick" => options.runs = 3,
            "--no-parsers-on-events" => options.parsers_on_events = false,
            "--loads-only" => options.loads_only = true,
            "--no-native" => options.native = false,
            "--users" | "--events" => {
                let value = args
                    .next()
                    .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
                if flag == "--users" {
                    options.users = number(flag, value)?;
                } else {
                    options.events = value
                        .split(',')
                        .map(|v| number(flag, v.trim()))
                        .collect::<Result<Vec<_>, _>>()?;
                    options.events.retain(|&m| m > 0);
                }
            }
            "--help" | "-h" => return Err(USAGE.into()),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    if options.users == 0 {
        return Err(format!("--users 0: expected at least one user\n{USAGE}"));
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    ensure_build_tools()?;
    ensure_chromium()?;
    let dist = crate::site::dist()?;
    let data = root().join("bench-data");
    // The users file comes with every generated set; the first set's is the one measured.
    let mut sets = Vec::new();
    for &events in &options.events {
        sets.push(dataset(&data, options.users, events)?);
    }
    let users = match sets.first() {
        Some(set) => set.join("users.csv"),
        None => dataset(&data, options.users, 5 * options.users)?.join("users.csv"),
    };
    let events: Vec<String> = sets
        .iter()
        .map(|set| set.join("events.csv").display().to_string())
        .collect();
    run_command(
        Command::new("node")
            .arg("bench/run.mjs")
            .current_dir(root().join("tests"))
            .env("SEGLAB_DIST", &dist)
            .env("BENCH_USERS", &users)
            .env("BENCH_EVENTS", events.join(":"))
            .env("BENCH_RUNS", options.runs.to_string())
            .env(
                "BENCH_PARSERS_ON_EVENTS",
                if options.parsers_on_events { "1" } else { "0" },
            )
            .env("BENCH_ONLY", if options.loads_only { "loads" } else { "" })
            .env("BENCH_OUT", data.join("results.json"))
            .env("PATH", path_with_node_bin()),
    )?;
    if !options.native {
        return Ok(());
    }
    let event_files: Vec<PathBuf> = sets.iter().map(|set| set.join("events.csv")).collect();
    let mut files = vec![users.as_path()];
    files.extend(event_files.iter().map(PathBuf::as_path));
    crate::native::compare(&files, options.runs)
}

/// The folder with `users` users and about `events` events, generated when it is not complete yet.
fn dataset(data: &Path, users: usize, events: usize) -> Result<PathBuf, String> {
    let per_user = events as f64 / users as f64;
    // `Display` of an f64 writes no trailing zeros: 5, 10, 7.5.
    let dir = data.join(format!("users-{users}-events-{per_user}"));
    let complete = dir.join("complete");
    if complete.exists() {
        eprintln!("reusing {}", dir.display());
        return Ok(dir);
    }
    eprintln!(
        "generating {} ({users} users, {per_user} events per user)...",
        dir.display()
    );
    crate::gen_data::run(&[
        "--users".to_owned(),
        users.to_string(),
        "--events-per-user".to_owned(),
        per_user.to_string(),
        "--out".to_owned(),
        dir.display().to_string(),
    ])?;
    std::fs::write(&complete, "generated by cargo xtask bench\n")
        .map_err(|e| format!("{}: {e}", complete.display()))?;
    Ok(dir)
}
