//! `seglab rfm FILE... --value PROPERTY`: recency, frequency and monetary value per user, scored 1–5 by
//! quintiles, and the standard RFM groups as segment definitions.

use crate::data::{self, DataArgs};
use crate::error::CliError;
use crate::output::{thousands, write_table};
use seglab_core::models::{self, RfmOptions, RfmRule, RfmSource};
use seglab_core::segment::time::format_datetime;
use serde::Serialize;
use std::io::Write;

#[derive(clap::Args)]
pub struct Args {
    /// The numeric event property summed as monetary value (e.g. `amount`), or a linked file's column
    /// (e.g. `orders.total`).
    #[arg(long, value_name = "PROPERTY")]
    value: String,
    /// Only count events of this name (e.g. `Purchase`).
    #[arg(long, value_name = "NAME")]
    event: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Serialize)]
struct GroupReport<'a> {
    name: &'a str,
    rule: &'a RfmRule,
    definition: &'a str,
    users: usize,
}

#[derive(Serialize)]
struct Report<'a> {
    source: &'a RfmSource,
    as_of: String,
    scored: usize,
    unscored: usize,
    groups: Vec<GroupReport<'a>>,
    join_notes: &'a [String],
}

pub fn run(args: &Args, out: &mut impl Write) -> Result<(), CliError> {
    let data = data::load(&args.data)?;
    let options = RfmOptions {
        value: args.value.clone(),
        event: args.event.clone(),
    };
    let result = models::rfm(&data.dataset, &options)?;
    let report = Report {
        source: &result.source,
        as_of: format_datetime(result.as_of),
        scored: result.scored,
        unscored: result.unscored,
        groups: result
            .groups
            .iter()
            .map(|g| GroupReport {
                name: &g.name,
                rule: &g.rule,
                definition: &g.definition,
                users: g.size,
            })
            .collect(),
        join_notes: &data.notes,
    };
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    for note in &data.notes {
        eprintln!("note: {note}");
    }
    writeln!(
        out,
        "{} users scored as of {} ({} without matching events are left out); R, F and M are quintiles 1-5, recent = 5",
        thousands(result.scored),
        report.as_of,
        thousands(result.unscored)
    )?;
    let mut rows = vec![vec![
        "group".to_owned(),
        "R".to_owned(),
        "F".to_owned(),
        "users".to_owned(),
        "definition (over rfm_r, rfm_f)".to_owned(),
    ]];
    let range = |(lo, hi): (u8, u8)| {
        if lo == hi {
            lo.to_string()
        } else {
            format!("{lo}-{hi}")
        }
    };
    for g in &result.groups {
        rows.push(vec![
            g.name.clone(),
            range(g.rule.recency),
            range(g.rule.frequency),
            thousands(g.size),
            g.definition.clone(),
        ]);
    }
    write_table(out, "  ", &rows)?;
    Ok(())
}
