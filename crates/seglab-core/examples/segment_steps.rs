//! Times segment evaluation over real files as the page's worker holds them, natively:
//! `cargo run --release -p seglab-core --example segment_steps -- users.csv events.csv`.
//!
//! The files are read and joined, then each definition is evaluated before the per-user measures are
//! computed (the first evaluation of an event count counts the log), again (the count is remembered),
//! and once more after the measures (which fill the event-count store at load). Prints CPU milliseconds
//! per evaluation: the first, and the mean of twenty more.

use seglab_core::Dataset;
use seglab_core::ingest::{CsvReader, ReadOptions};
use seglab_core::join::{self, MeasureSpec, Source};
use seglab_core::segment::{self, SegmentSet};
use std::time::Instant;

/// CPU time of this thread in milliseconds (Linux; a busy machine distorts it less than wall time), or
/// wall time since `start` elsewhere.
fn cpu_ms(start: Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(|| start.elapsed().as_secs_f64() * 1e3, |ns| ns / 1e6)
}

/// CPU milliseconds per evaluation of `text` over `runs` runs, and the members.
fn timed(data: &Dataset, text: &str, runs: u32) -> Result<(f64, usize), String> {
    let expr = segment::parse(text).map_err(|e| e.to_string())?;
    let segments = SegmentSet::new();
    let clock = Instant::now();
    let before = cpu_ms(clock);
    let mut members = 0;
    for _ in 0..runs {
        members = segment::evaluate(&expr, data, &segments)
            .map_err(|e| e.to_string())?
            .count();
    }
    Ok(((cpu_ms(clock) - before) / f64::from(runs), members))
}

fn read(path: &str) -> Result<(String, seglab_core::Table), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let name = std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned());
    let mut reader = CsvReader::new(&name, ReadOptions::default());
    reader.size_hint(bytes.len() as u64);
    for chunk in bytes.chunks(8 << 20) {
        reader.feed(chunk).map_err(|e| e.to_string())?;
    }
    let loaded = reader.finish().map_err(|e| e.to_string())?;
    Ok((name, loaded.table))
}

const DEFINITIONS: [&str; 9] = [
    r#"did "Export report" at least 3 times in last 30 days"#,
    r#"not did "Login" in last 60 days"#,
    r#"did "Export report" at least 3 times"#,
    r#"first did "Upgrade" in last 30 days"#,
    r#"plan = "trial" and country in ("United States", "Germany", "Sweden") and employees >= 10 and signup_date after 2024-01-01"#,
    r#"plan = "trial""#,
    r#"country in ("United States", "Germany", "Sweden")"#,
    "employees >= 10",
    "signup_date after 2024-01-01",
];

fn main() -> Result<(), String> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        return Err("usage: segment_steps users.csv events.csv".to_owned());
    }
    let files = paths
        .iter()
        .map(|p| read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let sources: Vec<Source<'_>> = files.iter().map(|(n, t)| Source::new(n, t)).collect();
    let proposal = join::propose(&sources);
    let joined = join::build(&sources, &proposal.plan).map_err(|e| e.to_string())?;
    let mut data = joined.dataset;
    let events = data.events.as_ref().map_or(0, seglab_core::EventLog::len);
    println!("{} users, {events} events", data.users());
    for text in DEFINITIONS {
        let (first, n) = timed(&data, text, 1)?;
        let (again, _) = timed(&data, text, 20)?;
        println!("{first:9.2} ms first {again:8.2} ms again {n:>8} members  {text}");
    }
    // Forget the counts remembered above, so that what follows is served by the measures alone.
    if let Some(log) = data.events.as_mut() {
        log.counts.clear();
    } // counts
    let clock = Instant::now();
    let before = cpu_ms(clock);
    let spec = MeasureSpec::with_top_events(&data, 20, 30);
    for column in join::measures(&data, &spec) {
        data.population
            .push_column(column)
            .map_err(|e| e.to_string())?;
    }
    println!(
        "measures (20 events, 30 days): {:.0} ms",
        cpu_ms(clock) - before
    );
    for text in DEFINITIONS {
        let (first, n) = timed(&data, text, 1)?;
        let (again, _) = timed(&data, text, 20)?;
        println!(
            "{first:9.2} ms first {again:8.2} ms again {n:>8} members  {text}  (after the measures)"
        );
    }
    Ok(())
}
