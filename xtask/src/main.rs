//! Project automation: `cargo xtask serve|test|bench|dist|gen-data`.
//!
//! Each command installs what it needs when it is missing, so that a fresh machine with rustup's Rust and
//! access to the package registries needs nothing else.

mod bench;
mod gen_data;
mod native;
mod site;
mod test;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  serve      build the app and serve it at http://127.0.0.1:8080 (rebuilds on change; offline-capable)
  test       formatting, clippy, native tests, wasm tests and end-to-end tests in headless Chromium
  dist       build the deployable static site into dist/
  gen-data   write the sample dataset (--users N --out DIR)
  bench      measure Seglab in headless Chromium against DuckDB-WASM, uDSV and PapaParse
             (--users N --events M[,M...] --quick); results in bench-data/results.json
  service-worker  write sw.js into Trunk's build (Trunk runs it after each build, see Trunk.toml)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "serve" => site::serve(),
        "dist" => site::dist().map(|_| ()),
        "service-worker" => site::service_worker_hook(),
        "test" => test::run_all(rest),
        "gen-data" => gen_data::run(rest),
        "bench" => bench::run(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask {command}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Runs a command to completion, failing with its name when it fails.
pub fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}").replace('"', "");
    eprintln!("$ {shown}");
    let status = command
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs a command and returns its standard output, or `None` when it cannot run or fails.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
