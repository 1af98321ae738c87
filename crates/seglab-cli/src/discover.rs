//! `seglab discover FILE... --target COLUMN`: readable groups of users whose target rate is unusually
//! high or low (a shallow decision tree over every column and measure), and with `--cluster COLUMN...`
//! clusters of similar users.

use crate::data::{self, DataArgs};
use crate::error::CliError;
use crate::output::{thousands, write_table};
use seglab_core::models::{self, ClusterOptions, DiscoverOptions, Target};
use serde::Serialize;
use std::io::Write;

#[derive(clap::Args)]
pub struct Args {
    /// The yes/no (or numeric) column to explain, e.g. `converted`.
    #[arg(long, value_name = "COLUMN", required_unless_present = "cluster")]
    target: Option<String>,
    /// For a numeric target: positive above this value (default: its median).
    #[arg(long, value_name = "X", requires = "target")]
    threshold: Option<f64>,
    /// Only split on these columns or measures; may be repeated (default: every column and the usual
    /// measures).
    #[arg(long = "feature", value_name = "NAME")]
    features: Vec<String>,
    /// Never split on this column or measure (e.g. one that follows from the target); may be repeated.
    #[arg(long, value_name = "NAME")]
    exclude: Vec<String>,
    /// How deep the tree grows (1-3 reads best).
    #[arg(long, value_name = "N", default_value_t = 3)]
    depth: usize,
    /// The fewest users with a known target in a group (default: 1% of them, at least 50).
    #[arg(long, value_name = "N")]
    min_leaf: Option<usize>,
    /// Cluster users on these columns or measures (k-prototypes, k 2-8 by silhouette); may be repeated.
    #[arg(long = "cluster", value_name = "COLUMN")]
    cluster: Vec<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Serialize)]
struct RuleReport<'a> {
    definition: &'a str,
    depth: usize,
    leaf: bool,
    users: usize,
    known: usize,
    positives: usize,
    rate: f64,
    ci: seglab_core::stats::Interval,
    lift: f64,
    notable: bool,
}

#[derive(Serialize)]
struct DiscoveryReport<'a> {
    target: &'a str,
    threshold: Option<f64>,
    known: usize,
    positives: usize,
    overall_rate: f64,
    min_leaf: usize,
    measures_used: &'a [String],
    rules: Vec<RuleReport<'a>>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct ClusterReport<'a> {
    name: &'a str,
    users: usize,
    prototype: &'a [(String, String)],
    distinguishing: Vec<&'a str>,
}

#[derive(Serialize)]
struct ClusteringReport<'a> {
    k: usize,
    gamma: f64,
    sample_size: usize,
    choices: &'a [models::KChoice],
    clusters: Vec<ClusterReport<'a>>,
}

#[derive(Serialize)]
struct Report<'a> {
    discovery: Option<DiscoveryReport<'a>>,
    clustering: Option<ClusteringReport<'a>>,
    join_notes: &'a [String],
}

pub fn run(args: &Args, out: &mut impl Write) -> Result<(), CliError> {
    if args.depth == 0 || args.depth > 6 {
        return Err(CliError::Usage(format!(
            "--depth {}: choose 1 to 6 (3 reads best)",
            args.depth
        )));
    }
    let data = data::load(&args.data)?;
    let discovery = match &args.target {
        Some(column) => {
            let options = DiscoverOptions {
                features: (!args.features.is_empty()).then(|| args.features.clone()),
                exclude: args.exclude.clone(),
                max_depth: args.depth,
                min_leaf: args.min_leaf,
                ..DiscoverOptions::default()
            };
            let target = Target {
                column: column.clone(),
                threshold: args.threshold,
            };
            Some(models::discover(
                &data.dataset,
                &target,
                &options,
                &mut |_| true,
            )?)
        }
        None => None,
    };
    let clustering = if args.cluster.is_empty() {
        None
    } else {
        let options = ClusterOptions {
            columns: args.cluster.clone(),
            ..ClusterOptions::default()
        };
        Some(models::cluster(&data.dataset, &options, &mut |_| true)?)
    };
    let report = Report {
        discovery: discovery.as_ref().map(|d| DiscoveryReport {
            target: &d.target,
            threshold: d.threshold,
            known: d.known,
            positives: d.positives,
            overall_rate: d.overall_rate,
            min_leaf: d.min_leaf,
            measures_used: &d.measures_used,
            rules: d
                .rules
                .iter()
                .map(|r| RuleReport {
                    definition: &r.definition,
                    depth: r.depth,
                    leaf: r.leaf,
                    users: r.size,
                    known: r.known,
                    positives: r.positives,
                    rate: r.rate,
                    ci: r.ci,
                    lift: r.lift,
                    notable: r.notable,
                })
                .collect(),
            notes: &d.notes,
        }),
        clustering: clustering.as_ref().map(|c| ClusteringReport {
            k: c.k,
            gamma: c.gamma,
            sample_size: c.sample_size,
            choices: &c.choices,
            clusters: c
                .clusters
                .iter()
                .map(|cl| ClusterReport {
                    name: &cl.name,
                    users: cl.size,
                    prototype: &cl.prototype,
                    distinguishing: cl
                        .distinguishing
                        .iter()
                        .map(|f| f.sentence.as_str())
                        .collect(),
                })
                .collect(),
        }),
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
    if let Some(d) = &report.discovery {
        let target = match d.threshold {
            Some(t) => format!("{} > {t}", d.target),
            None => format!("{} = yes", d.target),
        };
        writeln!(
            out,
            "{target}: {} of {} users ({:.1}%); groups of at least {} users, highest rate first",
            thousands(d.positives),
            thousands(d.known),
            d.overall_rate * 100.0,
            thousands(d.min_leaf)
        )?;
        let mut rows = vec![vec![
            "rate".to_owned(),
            "95% CI".to_owned(),
            "lift".to_owned(),
            "users".to_owned(),
            "segment".to_owned(),
        ]];
        for r in &d.rules {
            rows.push(vec![
                format!("{:.1}%", r.rate * 100.0),
                format!("{:.1}-{:.1}%", r.ci.low * 100.0, r.ci.high * 100.0),
                format!("{:.2}{}", r.lift, if r.notable { " *" } else { "" }),
                thousands(r.users),
                r.definition.to_owned(),
            ]);
        }
        write_table(out, "  ", &rows)?;
        writeln!(out, "* the interval excludes the overall rate")?;
        for note in d.notes {
            writeln!(out, "note: {note}")?;
        }
    }
    if let Some(c) = &report.clustering {
        if report.discovery.is_some() {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{} clusters (silhouette {:.3} on a sample of {}); a cluster has no segment definition",
            c.k,
            c.choices
                .iter()
                .find(|x| x.k == c.k)
                .map_or(0.0, |x| x.silhouette),
            thousands(c.sample_size)
        )?;
        for cl in &c.clusters {
            let prototype: Vec<String> = cl
                .prototype
                .iter()
                .map(|(n, v)| format!("{n} {v}"))
                .collect();
            writeln!(
                out,
                "  {}: {} users; typical: {}",
                cl.name,
                thousands(cl.users),
                prototype.join(", ")
            )?;
            for sentence in &cl.distinguishing {
                writeln!(out, "    - {sentence}")?;
            }
        }
    }
    Ok(())
}
