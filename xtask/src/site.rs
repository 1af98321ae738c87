//! Building and serving the static site with Trunk.

use crate::tools::{ensure_build_tools, path_with_node_bin};
use crate::{root, run};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `cargo xtask serve`: a development build served at <http://127.0.0.1:8080>, rebuilt on change.
pub fn serve() -> Result<(), String> {
    ensure_build_tools()?;
    println!("Seglab will be served at http://127.0.0.1:8080/ once the first build finishes.");
    run(Command::new("trunk")
        .arg("serve")
        .env("PATH", path_with_node_bin())
        .env("NO_COLOR", "true")
        .current_dir(root()))
}

/// `cargo xtask dist`: the optimised static site in `dist/`, ready for any static host.
pub fn dist() -> Result<PathBuf, String> {
    ensure_build_tools()?;
    let dist = root().join("dist");
    let build = || {
        run(Command::new("trunk")
            .args(["build", "--release", "--dist"])
            .arg(&dist)
            .env("PATH", path_with_node_bin())
            .env("NO_COLOR", "true")
            .current_dir(root()))
    };
    // Trunk runs the app's and the worker's pipelines concurrently, and under load one of them has been
    // seen to lose its wasm-opt output; a second run reuses cargo's build and takes seconds.
    if let Err(error) = build() {
        eprintln!("{error}; building once more");
        build()?;
    }
    add_content_security_policy(&dist.join("index.html"))?;
    for entry in std::fs::read_dir(&dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let size = entry.metadata().map_or(0, |m| m.len());
            println!(
                "{}: {} KB",
                path.file_name().unwrap_or_default().to_string_lossy(),
                size / 1024
            );
        }
    }
    println!("The static site is in {}", dist.display());
    Ok(dist)
}

/// Writes the Content-Security-Policy into the built `index.html`: the page may load its own files and
/// connect to its own origin only, and run no script but its own, Trunk's start-up script included by hash.
fn add_content_security_policy(index: &Path) -> Result<(), String> {
    use base64::Engine as _;
    use sha2::Digest as _;
    let html = std::fs::read_to_string(index).map_err(|e| format!("{}: {e}", index.display()))?;
    let mut hashes = String::new();
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<script type=\"module\">") {
        let body_start = start + "<script type=\"module\">".len();
        let Some(len) = rest[body_start..].find("</script>") else {
            break;
        };
        let digest = sha2::Sha256::digest(&rest.as_bytes()[body_start..body_start + len]);
        let _ = write!(
            hashes,
            " 'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        );
        rest = &rest[body_start + len..];
    }
    let policy = format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; \
         form-action 'none'"
    );
    let meta = format!(
        "<meta charset=\"utf-8\">\n  <meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">"
    );
    if !html.contains("<meta charset=\"utf-8\">") {
        return Err("index.html has no <meta charset=\"utf-8\"> to put the policy after".into());
    }
    let html = html.replacen("<meta charset=\"utf-8\">", &meta, 1);
    std::fs::write(index, html).map_err(|e| format!("{}: {e}", index.display()))
}
