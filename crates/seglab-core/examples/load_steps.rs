//! Times each step of loading a file as the page's worker runs it, natively:
//! `cargo run --release -p seglab-core --example load_steps -- FILE.csv [MORE.csv ...]`.
//!
//! Per file: reading in 8 MiB chunks (splitting and decoding), typing and profiling (`finish`); then,
//! over all files loaded so far, the join proposal, the join and the default measures, as the worker
//! does after every load. Prints CPU seconds per step (a busy machine distorts them less than wall time),
//! the table's heap bytes over the file's size, and the peak resident memory of the process (the file is
//! read in chunks, so that is the engine's own peak).

use seglab_core::ingest::{CsvReader, Loaded, ReadOptions};
use seglab_core::join::{self, MeasureSpec, Source};
use std::time::Instant;

const CHUNK: usize = 8 << 20;

/// CPU time of this thread in seconds (Linux), falling back to nothing elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Peak resident set size of the process in MB (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1e3)
}

struct Timer {
    wall: Instant,
    cpu: Option<f64>,
}

impl Timer {
    fn start() -> Self {
        Self {
            wall: Instant::now(),
            cpu: cpu_seconds(),
        }
    }

    fn report(&self, step: &str) -> f64 {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = match (self.cpu, cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => wall,
        };
        println!("  {step:<28} {cpu:>7.3} s CPU ({wall:.3} s wall)");
        cpu
    }
}

fn load(path: &str) -> Result<(String, Loaded, usize), String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let size = file.metadata().map_err(|e| format!("{path}: {e}"))?.len() as usize;
    let name = std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned());
    println!("{name}: {:.1} MB", size as f64 / 1e6);
    let timer = Timer::start();
    let mut reader = CsvReader::new(&name, ReadOptions::default());
    reader.size_hint(size as u64);
    // Chunk by chunk, as the worker reads a browser `File`: the file is never held whole.
    let mut chunk = vec![0; CHUNK];
    loop {
        let n = std::io::Read::read(&mut file, &mut chunk).map_err(|e| format!("{path}: {e}"))?;
        if n == 0 {
            break;
        }
        reader.feed(&chunk[..n]).map_err(|e| e.to_string())?;
    }
    let read = timer.report("chunks read and split");
    let timer = Timer::start();
    let loaded = reader.finish().map_err(|e| e.to_string())?;
    let typed = timer.report("typing and profiling");
    println!("  {:<28} {:>7.3} s CPU", "reader total", read + typed);
    let heap = loaded.table.heap_bytes();
    println!(
        "  table heap {:.1} MB = {:.3} x the file size ({} rows)",
        heap as f64 / 1e6,
        heap as f64 / size as f64,
        loaded.table.rows()
    );
    for (column, profile) in loaded.table.columns().iter().zip(&loaded.report.columns) {
        println!(
            "    {:<22} {:<9} {:>7.1} MB  distinct {}",
            column.name(),
            column.ty(),
            column.heap_bytes() as f64 / 1e6,
            profile.distinct
        );
    }
    Ok((name, loaded, size))
}

fn main() -> Result<(), String> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        return Err("usage: load_steps FILE.csv [MORE.csv ...]".to_owned());
    }
    let mut files = Vec::new();
    for path in &paths {
        files.push(load(path)?);
        let sources: Vec<Source<'_>> = files
            .iter()
            .map(|(name, loaded, _)| Source::new(name, &loaded.table))
            .collect();
        println!("joining {} file(s)", sources.len());
        let timer = Timer::start();
        let proposal = join::propose(&sources);
        let mut total = timer.report("join::propose");
        let timer = Timer::start();
        let joined = join::build(&sources, &proposal.plan).map_err(|e| e.to_string())?;
        total += timer.report("join::build");
        let timer = Timer::start();
        let mut dataset = joined.dataset;
        let spec = MeasureSpec::with_top_events(&dataset, 20, 30);
        for column in join::measures(&dataset, &spec) {
            dataset
                .population
                .push_column(column)
                .map_err(|e| e.to_string())?;
        }
        total += timer.report("join::measures");
        println!("  {:<28} {total:>7.3} s CPU", "join total");
        let heap = dataset.population.heap_bytes();
        let file_bytes: usize = files.iter().map(|f| f.2).sum();
        println!(
            "  dataset population heap {:.1} MB = {:.3} x the files' size",
            heap as f64 / 1e6,
            heap as f64 / file_bytes as f64
        );
    }
    if let Some(peak) = peak_rss_mb() {
        println!("peak resident memory: {peak:.0} MB");
    }
    Ok(())
}
