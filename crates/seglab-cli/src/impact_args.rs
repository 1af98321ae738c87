//! What `experiment`, `retention` and `funnel` share: named segments to break results down by, windows
//! like `14d`, and percentages for people.

use crate::error::CliError;
use crate::segment::{parse, segment_error};
use seglab_core::Dataset;
use seglab_core::impact::Selection;
use seglab_core::segment::{self, SegmentSet};
use seglab_core::stats::Interval;

/// Segments to break the results down by.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct SegmentArgs {
    /// A segment to measure in, e.g. `--segment 'Trials=plan = "trial"'`; may be repeated. Later segments
    /// may refer to earlier ones with `in segment "NAME"`. Everyone is always included.
    #[arg(long = "segment", value_name = "NAME=EXPR", value_parser = parse_named)]
    segments: Vec<(String, String)>,
}

pub fn parse_named(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, definition)) if !name.trim().is_empty() && !definition.trim().is_empty() => {
            Ok((name.trim().to_owned(), definition.trim().to_owned()))
        }
        _ => Err(format!(
            "`{text}`: expected NAME=DEFINITION, e.g. 'Trials=plan = \"trial\"'"
        )),
    }
}

impl SegmentArgs {
    /// Parses and evaluates every segment; a mistake is reported against its own text.
    pub fn evaluate(&self, dataset: &Dataset) -> Result<Vec<Selection>, CliError> {
        evaluate_named(&self.segments, dataset)
    }
}

pub fn evaluate_named(
    named: &[(String, String)],
    dataset: &Dataset,
) -> Result<Vec<Selection>, CliError> {
    let mut set = SegmentSet::new();
    let mut out = Vec::with_capacity(named.len());
    for (name, definition) in named {
        let expr = parse(definition).map_err(|e| e.in_named(name))?;
        let members = segment::evaluate(&expr, dataset, &set)
            .map_err(|e| segment_error(definition, &e).in_named(name))?;
        set.insert_parsed(name, Ok(expr));
        out.push(Selection::new(name.clone(), members));
    }
    Ok(out)
}

/// A window like `14d`, `2w`, `36h` or `14` (days), in seconds.
pub fn parse_window(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (number, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&t[..i], t[i..].trim()),
        None => (t, "d"),
    };
    let seconds = match unit {
        "h" | "hour" | "hours" => 3_600,
        "d" | "day" | "days" => 86_400,
        "w" | "week" | "weeks" => 7 * 86_400,
        _ => return Err(format!("`{text}`: expected a window like 14d, 2w or 36h")),
    };
    match number.parse::<i64>() {
        Ok(n) if n > 0 && n <= 100_000 => Ok(n * seconds),
        _ => Err(format!(
            "`{text}`: expected a positive window like 14d, 2w or 36h"
        )),
    }
}

/// `0.1234` as `12.3%`.
pub fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |x| format!("{:.1}%", x * 100.0))
}

/// An interval of shares as `[10.2%, 14.1%]`.
pub fn percent_ci(ci: Option<Interval>) -> String {
    ci.map_or_else(
        || "–".to_owned(),
        |ci| format!("[{:.1}%, {:.1}%]", ci.low * 100.0, ci.high * 100.0),
    )
}

/// A p-value for people: `<0.001` below that, else three decimals.
pub fn p_value(p: Option<f64>) -> String {
    match p {
        None => "–".to_owned(),
        Some(p) if p < 0.001 => "<0.001".to_owned(),
        Some(p) => format!("{p:.3}"),
    }
}

/// Seconds as a short duration: `45s`, `12m`, `3.5h`, `2.1d`.
pub fn duration(seconds: Option<f64>) -> String {
    match seconds {
        None => "–".to_owned(),
        Some(s) if s < 60.0 => format!("{s:.0}s"),
        Some(s) if s < 3_600.0 => format!("{:.0}m", s / 60.0),
        Some(s) if s < 86_400.0 => format!("{:.1}h", s / 3_600.0),
        Some(s) => format!("{:.1}d", s / 86_400.0),
    }
}

/// With `--json`, writes `report` and says so (`true`); otherwise prints the join's notes to stderr, ahead
/// of the text output.
pub fn json_or_notes(
    out: &mut dyn std::io::Write,
    json: bool,
    report: &impl serde::Serialize,
    notes: &[String],
) -> Result<bool, CliError> {
    if json {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)?;
        return Ok(true);
    }
    for note in notes {
        eprintln!("note: {note}");
    }
    Ok(false)
}
