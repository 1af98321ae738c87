//! `seglab compare --data FILE... --segment 'NAME=DEFINITION'...`: up to eight segments and everyone
//! else side by side on every column, with the differences against the baseline that hold up after a
//! false-discovery correction, largest first; as text, as JSON, or as a self-contained HTML report.

use crate::data::{self, DataArgs};
use crate::error::CliError;
use crate::impact_args::parse_named;
use crate::output::thousands;
use crate::segment::{Defines, parse, segment_error};
use seglab_core::compare::{self, CompareOptions, Comparison, Group, MAX_GROUPS};
use seglab_core::join::{self, MeasureSpec};
use seglab_core::report;
use seglab_core::segment::{self as seg, Condition, Expr, SegmentSet};
use seglab_core::{Bitset, Table};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// The name of the automatic group of users in none of the segments.
pub const EVERYONE_ELSE: &str = "Everyone else";

/// Colours of the segments in charts, in order; "Everyone else" is grey.
const COLORS: [&str; MAX_GROUPS] = [
    "#4063d8", "#d0663b", "#389826", "#9558b2", "#c49a00", "#1f9aa8", "#cb3c78", "#6b7280",
];

#[derive(clap::Args)]
#[command(
    override_usage = "seglab compare --data FILE... --segment 'NAME=DEFINITION'... [--baseline NAME] \
                      [--json | --html OUT] [OPTIONS]"
)]
#[command(after_help = "\
Every segment is compared with the baseline: by default \"Everyone else\" (the users in none of the \
segments), or the first segment when the segments cover everyone. --a/--b are shorthands for one or two \
unnamed segments; with --b, B is the baseline and there is no \"Everyone else\".")]
pub struct Args {
    /// A segment to compare, as NAME=DEFINITION, e.g. `--segment 'Enterprise=plan = "enterprise"'`;
    /// 1 to 8 of them. Later segments may refer to earlier ones with `in segment "NAME"`.
    #[arg(short, long = "segment", value_name = "NAME=DEFINITION", value_parser = parse_named)]
    segments: Vec<(String, String)>,
    /// The group the others are measured against: a segment's NAME or "Everyone else".
    #[arg(long, value_name = "NAME")]
    baseline: Option<String>,
    /// Shorthand: one segment given by its definition alone (named after it).
    #[arg(long = "a", value_name = "EXPR", conflicts_with = "segments")]
    a: Option<String>,
    /// Shorthand: a second segment for --a, which is then the baseline.
    #[arg(long = "b", value_name = "EXPR", requires = "a")]
    b: Option<String>,
    /// How many significant differences to list, largest first; 0 lists them all.
    #[arg(long, value_name = "N", default_value_t = 15)]
    top: usize,
    /// Compare only the files' own columns, without per-user measures of events and surveys
    /// (`count(Login)`, `active_days`, `avg(nps.score)`, ...).
    #[arg(long)]
    no_measures: bool,
    /// Print the whole comparison as JSON: per column each group's summary, per difference the test,
    /// statistic, p-value, adjusted p-value and effect size.
    #[arg(long, conflicts_with = "html")]
    json: bool,
    /// Write a self-contained HTML report (no scripts, no external files) to OUT.
    #[arg(long, value_name = "OUT")]
    html: Option<PathBuf>,
    #[command(flatten)]
    defines: Defines,
    #[command(flatten)]
    data: DataArgs,
}

/// Event names measured per user: the most frequent ones, all-time and over the last 30 days.
const MEASURED_EVENTS: usize = 20;
const MEASURE_DAYS: u32 = 30;

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    comparison: &'a Comparison,
    /// Columns not compared because the segments are defined by them.
    left_out: &'a [String],
    /// Remarks about the join of the files.
    join_notes: &'a [String],
}

/// A segment on the command line: its name, its definition and its members.
struct Named {
    name: String,
    definition: String,
    expr: Expr,
    members: Bitset,
}

/// The segments asked for, evaluated; later ones may refer to earlier ones by name.
fn segments_of(
    args: &Args,
    data: &data::Data,
    set: &mut SegmentSet,
) -> Result<Vec<Named>, CliError> {
    let named: Vec<(Option<String>, String)> = match &args.a {
        Some(a) => std::iter::once(a)
            .chain(&args.b)
            .map(|d| (None, d.clone()))
            .collect(),
        None => args
            .segments
            .iter()
            .map(|(n, d)| (Some(n.clone()), d.clone()))
            .collect(),
    };
    if named.is_empty() {
        return Err(CliError::Usage(
            "no segment to compare; give one to eight with --segment 'NAME=DEFINITION', e.g. \
             --segment 'Enterprise=plan = \"enterprise\"'"
                .to_owned(),
        ));
    }
    if named.len() > MAX_GROUPS {
        return Err(CliError::Usage(format!(
            "{} segments given; Seglab compares at most {MAX_GROUPS} at once (and everyone else)",
            named.len()
        )));
    }
    let mut out: Vec<Named> = Vec::with_capacity(named.len());
    for (name, definition) in named {
        let expr = match (&name, parse(&definition)) {
            (_, Ok(expr)) => expr,
            (Some(name), Err(error)) => {
                // `--segment 'plan = "pro"'` splits at the first `=` into a name and a broken definition.
                let whole = format!("{name}={definition}");
                if seg::parse(&whole).is_ok() {
                    return Err(CliError::Usage(format!(
                        "--segment takes NAME=DEFINITION; name the segment, e.g. --segment 'Pro={whole}'"
                    )));
                }
                return Err(error.in_named(name));
            }
            (None, Err(error)) => return Err(error),
        };
        let members = seg::evaluate(&expr, &data.dataset, set).map_err(|e| {
            let error = segment_error(&definition, &e);
            match &name {
                Some(name) => error.in_named(name),
                None => error,
            }
        })?;
        // Named segments can be referred to by later ones; a shorthand's name is only a label.
        let name = if let Some(name) = name {
            check_name(&name, &out)?;
            if set.get(&name).is_some() {
                return Err(CliError::Usage(format!(
                    "\"{name}\" is both a --define and a --segment; give them different names"
                )));
            }
            set.insert_parsed(&name, Ok(expr.clone()));
            name
        } else {
            let name = group_name(&expr);
            check_name(&name, &out)?;
            name
        };
        out.push(Named {
            name,
            definition,
            expr,
            members,
        });
    }
    Ok(out)
}

/// A group name must be new and must not be the automatic group's.
fn check_name(name: &str, earlier: &[Named]) -> Result<(), CliError> {
    if name.eq_ignore_ascii_case(EVERYONE_ELSE) {
        return Err(CliError::Usage(format!(
            "\"{EVERYONE_ELSE}\" is the name of the users in none of the segments; name the segment otherwise"
        )));
    }
    if earlier.iter().any(|n| n.name == name) {
        return Err(CliError::Usage(format!(
            "two segments are named \"{name}\"; give each its own name"
        )));
    }
    Ok(())
}

/// The index of the baseline among the groups (the segments, then "Everyone else" when `rest`).
fn baseline_of(args: &Args, segments: &[Named], rest: bool) -> Result<usize, CliError> {
    let Some(wanted) = &args.baseline else {
        return Ok(if args.b.is_some() {
            1
        } else if rest {
            segments.len()
        } else {
            0
        });
    };
    let wanted = wanted.trim();
    if let Some(i) = segments.iter().position(|s| s.name == wanted).or_else(|| {
        segments
            .iter()
            .position(|s| s.name.eq_ignore_ascii_case(wanted))
    }) {
        return Ok(i);
    }
    if wanted.eq_ignore_ascii_case(EVERYONE_ELSE) {
        return if rest {
            Ok(segments.len())
        } else if args.b.is_some() {
            Err(CliError::Usage(
                "with --b there is no \"Everyone else\"; leave out --b to compare with everyone else"
                    .to_owned(),
            ))
        } else {
            Err(CliError::Usage(
                "every user is in one of the segments, so \"Everyone else\" is empty; choose a segment as the baseline"
                    .to_owned(),
            ))
        };
    }
    let names: Vec<String> = segments
        .iter()
        .map(|s| format!("\"{}\"", s.name))
        .chain(rest.then(|| format!("\"{EVERYONE_ELSE}\"")))
        .collect();
    Err(CliError::Usage(format!(
        "--baseline \"{wanted}\" is not one of the groups: {}",
        names.join(", ")
    )))
}

pub fn run(args: &Args, out: &mut impl Write) -> Result<(), CliError> {
    let mut set = args.defines.set()?;
    let data = data::load(&args.data)?;
    let segments = segments_of(args, &data, &mut set)?;

    // The columns the segments are defined by differ by construction; testing them would only crowd out
    // the findings that say something.
    let mut defining = Vec::new();
    for segment in &segments {
        defining_columns(&segment.expr, &set, &mut Vec::new(), &mut defining);
    }
    let table = compared_table(args, &data, &defining)?;

    // "Everyone else" joins unless --b was given or the segments cover everyone.
    let mut covered = Bitset::new(data.dataset.users());
    for segment in &segments {
        covered.or_inplace(&segment.members);
    }
    let rest = args.b.is_none() && covered.count() < data.dataset.users();
    let baseline = baseline_of(args, &segments, rest)?;
    let groups: Vec<Group<'_>> = segments
        .iter()
        .zip(COLORS)
        .map(|(segment, color)| Group {
            name: segment.name.clone(),
            color: color.to_owned(),
            members: &segment.members,
        })
        .collect();
    let options = CompareOptions {
        baseline,
        include_rest: rest,
        ..CompareOptions::default()
    };
    let comparison = compare::compare(&table, &groups, &options)?;

    if let Some(path) = &args.html {
        let definitions: Vec<&str> = segments.iter().map(|s| s.definition.as_str()).collect();
        let page = report::render(&report::Report {
            comparison: &comparison,
            definitions: &definitions,
            left_out: &defining,
            notes: &data.notes,
            files: &args
                .data
                .all_files()
                .iter()
                .map(|f| {
                    f.file_name().map_or_else(
                        || f.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    )
                })
                .collect::<Vec<_>>(),
        });
        std::fs::write(path, page).map_err(|e| CliError::write(path, e))?;
    }
    if args.json {
        let report = Report {
            comparison: &comparison,
            left_out: &defining,
            join_notes: &data.notes,
        };
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    for note in &data.notes {
        eprintln!("note: {note}");
    }
    write_human(out, &comparison, args.top)?;
    if !defining.is_empty() {
        let names: Vec<String> = defining.iter().map(|d| format!("`{d}`")).collect();
        writeln!(
            out,
            "not compared: {}, which the segments are defined by",
            names.join(", ")
        )?;
    }
    if let Some(path) = &args.html {
        eprintln!("report written to {}", path.display());
    }
    Ok(())
}

/// The population's columns except those the segments are defined by, with the per-user measures of the
/// events and surveys unless `--no-measures`.
fn compared_table(args: &Args, data: &data::Data, defining: &[String]) -> Result<Table, CliError> {
    let defined_by = |name: &str| defining.iter().any(|d| d.eq_ignore_ascii_case(name));
    let kept = data
        .dataset
        .population
        .columns()
        .iter()
        .filter(|c| !defined_by(c.name()))
        .cloned()
        .collect();
    let mut table = Table::new(kept)
        .map_err(|e| CliError::Usage(format!("cannot set up the comparison: {e}")))?;
    if table.columns().is_empty() {
        table = Table::default();
    }
    if !args.no_measures {
        let spec = MeasureSpec::with_top_events(&data.dataset, MEASURED_EVENTS, MEASURE_DAYS);
        for column in join::measures(&data.dataset, &spec) {
            // A file column of the same name wins; the measure is then reachable in segments only.
            if table.column(column.name()).is_none() && !defined_by(column.name()) {
                table
                    .push_column(column)
                    .map_err(|e| CliError::Usage(format!("cannot add a measure: {e}")))?;
            }
        }
    }
    Ok(table)
}

fn write_human(out: &mut impl Write, comparison: &Comparison, top: usize) -> std::io::Result<()> {
    writeln!(out, "{} users", thousands(comparison.rows))?;
    for (i, group) in comparison.groups.iter().enumerate() {
        let role = if i == comparison.baseline {
            "  (baseline)"
        } else {
            ""
        };
        writeln!(
            out,
            "  {}: {} users{role}",
            group.name,
            thousands(group.size)
        )?;
    }
    let tested = comparison
        .findings
        .iter()
        .filter(|f| f.p_value.is_some())
        .count();
    let mut significant: Vec<_> = comparison
        .findings
        .iter()
        .filter(|f| f.significant)
        .collect();
    significant.sort_by(|x, y| {
        y.magnitude
            .unwrap_or(0.0)
            .total_cmp(&x.magnitude.unwrap_or(0.0))
    });
    writeln!(out)?;
    writeln!(
        out,
        "{} of {} differences are significant (Benjamini-Hochberg adjusted p < {}){}",
        significant.len(),
        tested,
        compare::ALPHA,
        if significant.is_empty() {
            "."
        } else {
            ", largest first:"
        }
    )?;
    let shown = if top == 0 {
        significant.len()
    } else {
        top.min(significant.len())
    };
    for finding in &significant[..shown] {
        writeln!(out, "  - {}", finding.sentence)?;
    }
    if shown < significant.len() {
        writeln!(
            out,
            "  … and {} more (--top 0 lists all, --json gives every summary)",
            significant.len() - shown
        )?;
    }
    for note in &comparison.notes {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}

/// The population columns a definition depends on, following `in segment` references (each once).
fn defining_columns(
    expr: &Expr,
    segments: &SegmentSet,
    visiting: &mut Vec<String>,
    out: &mut Vec<String>,
) {
    let references = seg::referenced_names(expr);
    for column in references.columns {
        if !out.contains(&column) {
            out.push(column);
        }
    }
    for name in references.segments {
        if visiting.contains(&name) {
            continue;
        }
        if let Some(Ok(inner)) = segments.get(&name) {
            visiting.push(name);
            defining_columns(inner, segments, visiting, out);
            visiting.pop();
        }
    }
}

/// A group's name in sentences: the segment's name for `in segment "NAME"`, else the definition.
fn group_name(expr: &Expr) -> String {
    match expr {
        Expr::Cond {
            condition: Condition::InSegment { name },
            ..
        } => name.text.clone(),
        _ => expr.to_string(),
    }
}
