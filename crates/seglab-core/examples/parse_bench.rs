//! Parsing speed and memory on a generated CRM export:
//! `cargo run --release --example parse_bench [rows] [write-the-file-here.csv]`.
//!
//! The file has 15 columns of the kinds real exports have (ids, emails, categories, dates, date-times,
//! amounts, counts, yes/no) and is built in memory, so the figure is parsing alone, not disk reads.

use seglab_core::ingest::{CsvReader, ReadOptions, read_csv};
use std::fmt::Write as _;
use std::time::Instant;

/// A small deterministic generator (xorshift), so every run parses the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn generate(rows: usize) -> Vec<u8> {
    const COUNTRIES: [&str; 12] = [
        "SE", "NO", "DK", "FI", "DE", "FR", "GB", "US", "NL", "ES", "IT", "PL",
    ];
    const PLANS: [&str; 4] = ["free", "starter", "pro", "enterprise"];
    const INDUSTRIES: [&str; 8] = [
        "Software",
        "Retail",
        "Finance",
        "Healthcare",
        "Education",
        "Manufacturing",
        "Media",
        "Logistics",
    ];
    let cities: Vec<String> = (0..200).map(|i| format!("City {i}")).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = String::with_capacity(rows * 130);
    out.push_str(
        "user_id,email,country,plan,signup_date,last_seen,mrr,logins,nps,converted,is_trial,revenue,industry,sessions,city\n",
    );
    for i in 0..rows {
        let day = 1 + rng.below(28);
        let month = 1 + rng.below(12);
        let _ = writeln!(
            out,
            "usr_{:08x},user{i}@example.com,{},{},2024-{month:02}-{day:02},2025-03-{:02}T{:02}:{:02}:{:02}Z,{}.{:02},{},{},{},{},{}.{:02},{},{},{}",
            rng.next() as u32,
            COUNTRIES[rng.below(12) as usize],
            PLANS[rng.below(4) as usize],
            1 + rng.below(28),
            rng.below(24),
            rng.below(60),
            rng.below(60),
            rng.below(2000),
            rng.below(100),
            rng.below(500),
            rng.below(11),
            if rng.below(2) == 0 { "yes" } else { "no" },
            rng.below(2),
            rng.below(50_000),
            rng.below(100),
            INDUSTRIES[rng.below(8) as usize],
            rng.below(300),
            cities[rng.below(200) as usize],
        );
    }
    out.into_bytes()
}

/// CPU time of this thread in seconds (Linux), which a busy machine distorts less than wall time.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let bytes = generate(rows);
    // A second argument writes the file there, to time other readers on the same bytes.
    if let Some(path) = std::env::args().nth(2)
        && let Err(e) = std::fs::write(&path, &bytes)
    {
        eprintln!("cannot write {path}: {e}");
    }
    let mb = bytes.len() as f64 / 1e6;
    println!("{rows} rows × 15 columns, {mb:.1} MB");
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut loaded = None;
    for _ in 0..5 {
        let start = Instant::now();
        let cpu = cpu_seconds();
        let result = read_csv("bench.csv", &bytes, &ReadOptions::default());
        best = best.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu, cpu_seconds()) {
            best_cpu = best_cpu.min(b - a);
        }
        loaded = Some(result);
    }
    let loaded = match loaded {
        Some(Ok(l)) => l,
        Some(Err(e)) => panic!("{e}"),
        None => return,
    };
    println!(
        "read_csv: {best:.3} s, {:.0} MB/s (best of 5, wall clock)",
        mb / best
    );
    if best_cpu < f64::MAX {
        println!(
            "read_csv: {best_cpu:.3} s, {:.0} MB/s (best of 5, CPU time)",
            mb / best_cpu
        );
    }
    let start = Instant::now();
    let mut reader = CsvReader::new("bench.csv", ReadOptions::default());
    for chunk in bytes.chunks(8 << 20) {
        if let Err(e) = reader.feed(chunk) {
            panic!("{e}");
        }
    }
    let parsed = start.elapsed().as_secs_f64();
    let chunked = reader.finish();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "CsvReader, 8 MiB chunks: {secs:.3} s, {:.0} MB/s (splitting {parsed:.3} s, typing {:.3} s)",
        mb / secs,
        secs - parsed
    );
    assert_eq!(chunked.map(|l| l.table.rows()).ok(), Some(rows));
    let heap = loaded.table.heap_bytes();
    println!(
        "table heap: {:.1} MB = {:.2} × the file size",
        heap as f64 / 1e6,
        heap as f64 / bytes.len() as f64
    );
    for (c, p) in loaded.table.columns().iter().zip(&loaded.report.columns) {
        println!(
            "  {:<12} {:<9} {:>7.1} MB  distinct {}",
            c.name(),
            c.ty(),
            c.heap_bytes() as f64 / 1e6,
            p.distinct
        );
    }
}
