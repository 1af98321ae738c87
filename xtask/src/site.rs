//! Building and serving the static site with Trunk.

use crate::tools::{ensure_build_tools, path_with_node_bin};
use crate::{root, run};
use std::path::PathBuf;
use std::process::Command;

/// `cargo xtask serve`: a development build served at http://127.0.0.1:8080, rebuilt on change.
pub fn serve() -> Result<(), String> {
    ensure_build_tools()?;
    println!("Seglab will be served at http://127.0.0.1:8080/ once the first build finishes.");
    run(Command::new("trunk").arg("serve").env("PATH", path_with_node_bin()).env("NO_COLOR", "true").current_dir(root()))
}

/// `cargo xtask dist`: the optimised static site in `dist/`, ready for any static host.
pub fn dist() -> Result<PathBuf, String> {
    ensure_build_tools()?;
    let dist = root().join("dist");
    run(Command::new("trunk")
        .args(["build", "--release", "--dist"])
        .arg(&dist)
        .env("PATH", path_with_node_bin())
        .env("NO_COLOR", "true")
        .current_dir(root()))?;
    for entry in std::fs::read_dir(&dist).map_err(|e| format!("{}: {e}", dist.display()))?.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            println!("{}: {} KB", path.file_name().unwrap_or_default().to_string_lossy(), size / 1024);
        }
    }
    println!("The static site is in {}", dist.display());
    Ok(dist)
}
