//! Installs the build and test tools when they are missing: the wasm target, Trunk, wasm-bindgen-cli at the
//! version pinned in Cargo.lock, the npm packages of `tests/` (wasm-opt, Playwright, axe-core), Chromium and
//! chromedriver, and the Python packages the oracle tests use.

use crate::{output, root, run};
use std::path::PathBuf;
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";

/// The tools needed to build the site.
pub fn ensure_build_tools() -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_npm_packages()?;
    Ok(())
}

/// The tools needed by the tests, beyond those that build the site.
pub fn ensure_test_tools() -> Result<(), String> {
    ensure_build_tools()?;
    ensure_chromium()?;
    ensure_python_packages()?;
    Ok(())
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn ensure_trunk() -> Result<(), String> {
    let version = output(Command::new("trunk").arg("--version")).unwrap_or_default();
    if version.contains(TRUNK_VERSION) {
        return Ok(());
    }
    eprintln!("Installing Trunk {TRUNK_VERSION} (takes several minutes, once)...");
    run(Command::new("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
pub fn pinned_wasm_bindgen() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn ensure_wasm_bindgen() -> Result<(), String> {
    let pinned = pinned_wasm_bindgen()?;
    let version = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner =
        output(Command::new("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    if version.split_whitespace().any(|w| w == pinned)
        && runner.split_whitespace().any(|w| w == pinned)
    {
        return Ok(());
    }
    eprintln!("Installing wasm-bindgen-cli {pinned}...");
    // Not --locked: one dependency in its lock file is absent from the registry.
    run(Command::new("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &pinned,
        "--force",
    ]))
}

/// `tests/node_modules`, installed from `tests/package-lock.json`.
fn ensure_npm_packages() -> Result<(), String> {
    let tests = root().join("tests");
    let marker = tests.join("node_modules/.package-lock.json");
    let lock = tests.join("package-lock.json");
    let fresh = match (std::fs::metadata(&marker), std::fs::metadata(&lock)) {
        (Ok(m), Ok(l)) => m.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&tests))
}

/// `PATH` with `tests/node_modules/.bin` first, so that Trunk finds `wasm-opt` from the npm package.
pub fn path_with_node_bin() -> String {
    let bin: PathBuf = root().join("tests/node_modules/.bin");
    let path = std::env::var("PATH").unwrap_or_default();
    format!("{}:{path}", bin.display())
}

pub fn ensure_chromium() -> Result<(), String> {
    let have = |p: &str| std::path::Path::new(p).exists();
    if have("/usr/bin/chromium") && have("/usr/bin/chromedriver") {
        return Ok(());
    }
    eprintln!("Installing Chromium and chromedriver from Debian's packages...");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get").args(["install", "-y", "chromium", "chromium-driver"]))
}

fn ensure_python_packages() -> Result<(), String> {
    let check = Command::new("python3")
        .args([
            "-c",
            "import scipy, statsmodels, duckdb, pandas, sklearn, pyspark",
        ])
        .stderr(std::process::Stdio::null())
        .status();
    if check.is_ok_and(|s| s.success()) {
        return Ok(());
    }
    let requirements = root().join("tests/requirements.txt");
    run(Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "-r"])
        .arg(requirements))
}
