//! `cargo xtask test`: everything CI checks, in the order that fails fastest.
//!
//! 1. `cargo fmt --check`; 2. clippy with `-D warnings` (native, and the app for wasm32);
//! 3. native tests (the engine against its oracles, the CLI, the app's engine host);
//! 4. wasm-bindgen tests of the browser glue in headless Chromium;
//! 5. a release build of the static site and the end-to-end tests against it in headless Chromium.

use crate::tools::{ensure_test_tools, path_with_node_bin};
use crate::{root, run};
use std::process::Command;

pub fn run_all(_args: &[String]) -> Result<(), String> {
    ensure_test_tools()?;
    let root = root();
    let cargo = || {
        let mut command = Command::new("cargo");
        command.current_dir(&root);
        command
    };
    run(cargo().args(["fmt", "--all", "--check"]))?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo().args([
        "clippy",
        "-p",
        "seglab-app",
        "-p",
        "seglab-worker",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo().args(["test", "--workspace"]))?;
    run(cargo()
        .args([
            "test",
            "-p",
            "seglab-app",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))?;
    let dist = crate::site::dist()?;
    run(Command::new("node")
        .args(["--test", "--test-concurrency=1", "e2e/"])
        .current_dir(root.join("tests"))
        .env("SEGLAB_DIST", &dist)
        .env("PATH", path_with_node_bin()))?;
    println!("cargo xtask test: all checks passed");
    Ok(())
}
