//! Building and serving the static site with Trunk.

use crate::tools::{ensure_build_tools, path_with_node_bin};
use crate::{root, run};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `cargo xtask serve`: a development build served at <http://127.0.0.1:8080>, rebuilt on change. After each
/// build Trunk runs `cargo xtask service-worker` (a hook in `Trunk.toml`), so the page works offline here too.
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
    write_service_worker(&dist, false)?;
    report_sizes(&dist)?;
    println!("The static site is in {}", dist.display());
    Ok(dist)
}

/// Prints each wasm and script file's size, raw and gzipped (what a static host sends).
fn report_sizes(dist: &Path) -> Result<(), String> {
    let mut total = 0;
    for relative in site_files(dist)? {
        let path = dist.join(&relative);
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if extension != "wasm" && extension != "js" {
            continue;
        }
        let raw = std::fs::metadata(&path).map_or(0, |m| m.len());
        let gzipped = gzipped_size(&path)?;
        if extension == "wasm" {
            total += gzipped;
        }
        println!(
            "{relative}: {} KB, {} KB gzipped",
            raw / 1024,
            gzipped / 1024
        );
    }
    println!("wasm in total: {} KB gzipped", total / 1024);
    Ok(())
}

fn gzipped_size(path: &Path) -> Result<u64, String> {
    let output = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("gzip {}: {e}", path.display()))?;
    if !output.status.success() {
        return Err(format!("gzip {} failed", path.display()));
    }
    Ok(output.stdout.len() as u64)
}

/// Every file of the built site, as paths relative to `dist` with `/` separators, sorted.
fn site_files(dist: &Path) -> Result<Vec<String>, String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<(), String> {
        for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let relative = format!("{prefix}{name}");
            if entry.path().is_dir() {
                walk(&entry.path(), &format!("{relative}/"), out)?;
            } else {
                out.push(relative);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dist, "", &mut files)?;
    files.sort();
    Ok(files)
}

/// `cargo xtask service-worker`, Trunk's post-build hook: writes `sw.js` into the build Trunk is about to
/// serve. A release build is left alone (`dist` writes its `sw.js` after the Content-Security-Policy).
pub fn service_worker_hook() -> Result<(), String> {
    if std::env::var("TRUNK_PROFILE").as_deref() == Ok("release") {
        return Ok(());
    }
    let staging = std::env::var_os("TRUNK_STAGING_DIR")
        .ok_or("TRUNK_STAGING_DIR is not set: Trunk runs this after each build (see Trunk.toml)")?;
    write_service_worker(Path::new(&staging), true)
}

/// Writes `sw.js`, the service worker that makes the page work offline once it has been opened: on install
/// it stores every file of the site (hashed names, so a new build is a new set) in a cache named after the
/// build, and answers the site's own requests from there (a development build asks the server first, so
/// that a rebuild shows at once, and the cache when the server is gone). It never fetches anything the
/// page did not ask for, and it caches nothing but the site's files.
fn write_service_worker(dist: &Path, network_first: bool) -> Result<(), String> {
    use sha2::Digest as _;
    let files: Vec<String> = site_files(dist)?
        .into_iter()
        .filter(|f| f != "sw.js")
        .collect();
    let mut digest = sha2::Sha256::new();
    for file in &files {
        digest.update(file.as_bytes());
        digest.update(
            std::fs::read(dist.join(file))
                .map_err(|e| format!("{}: {e}", dist.join(file).display()))?,
        );
    }
    let mut version = String::new();
    for b in digest.finalize().iter().take(8) {
        let _ = write!(version, "{b:02x}");
    }
    let mut list = String::from("  './',\n");
    for file in &files {
        let _ = writeln!(list, "  './{file}',");
    }
    let script = SERVICE_WORKER
        .replace("__VERSION__", &version)
        .replace("__FILES__", list.trim_end())
        .replace(
            "__NETWORK_FIRST__",
            if network_first { "true" } else { "false" },
        );
    let path = dist.join("sw.js");
    std::fs::write(&path, script).map_err(|e| format!("{}: {e}", path.display()))
}

const SERVICE_WORKER: &str = r"// Seglab's offline cache, written by `cargo xtask dist` (and `serve`). It stores the site's own files and answers the
// site's own requests from them; it never caches or sees the files a user opens (they are read locally).
const CACHE = 'seglab-__VERSION__';
const FILES = [
__FILES__
];
const NETWORK_FIRST = __NETWORK_FIRST__;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('seglab-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  // A shared link carries segments in its query string: any page address opens the cached page.
  const lookup = () => (request.mode === 'navigate'
    ? caches.match('./', { cacheName: CACHE, ignoreSearch: true })
    : caches.match(request, { cacheName: CACHE, ignoreSearch: true }));
  event.respondWith(NETWORK_FIRST
    ? fetch(request).catch(() => lookup().then((cached) => cached || Response.error()))
    : lookup().then((cached) => cached || fetch(request)));
});
";

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
