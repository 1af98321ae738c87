//! A comparison as one self-contained HTML page: inline CSS, inline SVG charts, no scripts and no
//! external files, so that it opens anywhere (mail attachment, intranet wiki) and fetches nothing.
//!
//! The page shows the groups with their sizes and definitions, the significant findings' sentences ranked
//! by effect size, and every column's summary per group. Every piece of text from the data (names, values,
//! definitions) goes through [`escape`]. Rendering is pure (`Comparison` in, `String` out): the command
//! line writes it to a file and the page offers it as a download.

use super::thousands;
use crate::compare::{
    ALPHA, CategoricalSummary, Comparison, DateSummary, Finding, NumericSummary, RateSummary,
    Summary, TestKind,
};
use std::fmt::Write;

/// What the report shows besides the comparison itself.
pub struct Report<'a> {
    pub comparison: &'a Comparison,
    /// The definition of each given segment, in group order ("Everyone else" has none).
    pub definitions: &'a [&'a str],
    /// Columns not compared because the segments are defined by them.
    pub left_out: &'a [String],
    /// Remarks about reading and joining the files.
    pub notes: &'a [String],
    /// The files' names.
    pub files: &'a [String],
}

const STYLE: &str = "\
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2937;max-width:70rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #e5e7eb;padding-bottom:.2rem}
h3{margin:1.6rem 0 .4rem}h3 small,.muted{color:#6b7280;font-weight:normal}
table{border-collapse:collapse;margin:.4rem 0}th,td{padding:.25rem .7rem;text-align:left;vertical-align:middle;border-bottom:1px solid #f1f5f9}
th{font-weight:600;background:#f8fafc}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.4rem;vertical-align:-1px}
code{font-size:.9em;background:#f3f4f6;padding:0 .25rem;border-radius:3px}
ol.findings li{margin:.3rem 0}.finding-stats{color:#6b7280;font-size:.85em}
summary{cursor:pointer;color:#374151;font-size:.9em}
ul.tests{margin:.3rem 0 0;padding-left:1.2rem;font-size:.9em}.sig{font-weight:600}
";

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe in element content and in quoted
/// attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A number for people: thousands separated, three significant digits below 100, no `-0`.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if a >= 100.0 {
        // Whole numbers up to what `usize` holds; beyond that scientific notation says more.
        if a < 1e15 {
            let rounded = a.round();
            if rounded == 0.0 {
                return "0".to_owned();
            }
            // The value is below 1e15 and non-negative, so the cast is exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let whole = rounded as usize;
            return format!("{sign}{}", thousands(whole));
        }
        return format!("{x:.2e}");
    }
    let text = if a >= 10.0 {
        format!("{a:.1}")
    } else if a >= 1.0 {
        format!("{a:.2}")
    } else if a == 0.0 {
        return "0".to_owned();
    } else if a >= 0.001 {
        format!("{a:.3}")
    } else {
        return format!("{x:.1e}");
    };
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if text == "0" {
        "0".to_owned()
    } else {
        format!("{sign}{text}")
    }
}

/// A share as `12.3%`.
fn percent(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}%", x * 100.0)
    } else {
        "–".to_owned()
    }
}

/// A p-value as people read them: `< 0.001` or three decimals.
fn p_value(p: f64) -> String {
    if p < 0.001 {
        "&lt; 0.001".to_owned()
    } else {
        format!("{p:.3}")
    }
}

fn optional(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), number)
}

fn test_name(test: TestKind) -> &'static str {
    match test {
        TestKind::TwoProportionZ => "two-proportion z-test",
        TestKind::FisherExact => "Fisher's exact test",
        TestKind::ChiSquare => "chi-square test",
        TestKind::WelchT => "Welch's t-test",
        TestKind::MannWhitneyU => "Mann–Whitney U test",
    }
}

/// Bars of `counts` as an inline SVG, scaled to the largest count, in `color`.
fn histogram(counts: &[u64], color: &str, label: &str) -> String {
    const WIDTH: f64 = 160.0;
    const HEIGHT: f64 = 28.0;
    let max = counts.iter().copied().max().unwrap_or(0);
    let mut svg = format!(
        "<svg width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\">",
        escape(label)
    );
    if max > 0 && !counts.is_empty() {
        let bar = WIDTH / counts.len() as f64;
        for (i, &count) in counts.iter().enumerate() {
            let h = (count as f64 / max as f64 * HEIGHT).max(if count > 0 { 1.0 } else { 0.0 });
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"/>",
                i as f64 * bar,
                HEIGHT - h,
                (bar - 1.0).max(0.5),
                escape(color)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A horizontal bar for a share from 0 to 1.
fn share_bar(share: f64, color: &str) -> String {
    let width = if share.is_finite() {
        share.clamp(0.0, 1.0) * 80.0
    } else {
        0.0
    };
    format!(
        "<svg width=\"80\" height=\"10\" viewBox=\"0 0 80 10\" aria-hidden=\"true\"><rect width=\"80\" height=\"10\" fill=\"#f1f5f9\"/><rect width=\"{width:.1}\" height=\"10\" fill=\"{}\"/></svg>",
        escape(color)
    )
}

fn swatch(color: &str) -> String {
    format!(
        "<span class=\"swatch\" style=\"background:{}\"></span>",
        escape(color)
    )
}

/// Renders the whole page.
pub fn render(report: &Report<'_>) -> String {
    let c = report.comparison;
    let names: Vec<String> = c.groups.iter().map(|g| escape(&g.name)).collect();
    let mut html = String::with_capacity(64 * 1024);
    let title = format!(
        "Seglab comparison: {}",
        c.groups
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>()
            .join(" vs ")
    );
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let _ = writeln!(html, "<h1>{}</h1>", escape(&title));
    let _ = writeln!(
        html,
        "<p class=\"muted\">{} users from {}; {} columns compared. Differences are tested against the \
         baseline and their p-values adjusted together (Benjamini–Hochberg); a difference is significant \
         when its adjusted p-value is below {ALPHA}.</p>",
        thousands(c.rows),
        if report.files.is_empty() {
            "the data".to_owned()
        } else {
            report
                .files
                .iter()
                .map(|f| format!("<code>{}</code>", escape(f)))
                .collect::<Vec<_>>()
                .join(", ")
        },
        thousands(c.columns.len())
    );

    write_groups(&mut html, report, &names);
    write_findings(&mut html, c, &names);

    html.push_str("<h2>Every column</h2>\n");
    for column in &c.columns {
        let _ = writeln!(
            html,
            "<section>\n<h3>{} <small>{}</small></h3>",
            escape(&column.name),
            escape(column.ty.name())
        );
        write_summary(&mut html, c, &column.summary, &names, &column.name);
        let findings: Vec<&Finding> = c
            .findings
            .iter()
            .filter(|f| f.column == column.name)
            .collect();
        if !findings.is_empty() {
            let significant = findings.iter().filter(|f| f.significant).count();
            let _ = write!(
                html,
                "<details{}><summary>{} {}, {significant} significant</summary>\n<ul class=\"tests\">\n",
                if significant > 0 { " open" } else { "" },
                findings.len(),
                if findings.len() == 1 {
                    "difference tested"
                } else {
                    "differences tested"
                },
            );
            for f in findings {
                write_test(&mut html, f);
            }
            html.push_str("</ul>\n</details>\n");
        }
        html.push_str("</section>\n");
    }

    if !report.left_out.is_empty() || !c.notes.is_empty() || !report.notes.is_empty() {
        html.push_str("<h2>Notes</h2>\n<ul>\n");
        if !report.left_out.is_empty() {
            let _ = writeln!(
                html,
                "<li>Not compared: {}, which the segments are defined by.</li>",
                report
                    .left_out
                    .iter()
                    .map(|c| format!("<code>{}</code>", escape(c)))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        for note in c.notes.iter().chain(report.notes) {
            let _ = writeln!(html, "<li>{}</li>", escape(note));
        }
        html.push_str("</ul>\n");
    }
    html.push_str("<p class=\"muted\">Made with Seglab.</p>\n</body>\n</html>\n");
    html
}

fn write_groups(html: &mut String, report: &Report<'_>, names: &[String]) {
    let c = report.comparison;
    html.push_str(
        "<h2>Segments</h2>\n<table>\n<thead><tr><th>Segment</th><th>Definition</th>\
         <th class=\"n\">Users</th><th class=\"n\">Share</th></tr></thead>\n<tbody>\n",
    );
    for (i, group) in c.groups.iter().enumerate() {
        let definition = if group.rest {
            "<span class=\"muted\">users in none of the segments</span>".to_owned()
        } else {
            report
                .definitions
                .get(i)
                .map_or_else(String::new, |d| format!("<code>{}</code>", escape(d)))
        };
        let share = if c.rows > 0 {
            percent(group.size as f64 / c.rows as f64)
        } else {
            "–".to_owned()
        };
        let _ = writeln!(
            html,
            "<tr><td>{}{}{}</td><td>{definition}</td><td class=\"n\">{}</td><td class=\"n\">{share}</td></tr>",
            swatch(&group.color),
            names[i],
            if i == c.baseline {
                " <span class=\"muted\">(baseline)</span>"
            } else {
                ""
            },
            thousands(group.size),
        );
    }
    html.push_str("</tbody>\n</table>\n");
}

fn write_findings(html: &mut String, c: &Comparison, names: &[String]) {
    let tested = c.findings.iter().filter(|f| f.p_value.is_some()).count();
    let mut significant: Vec<&Finding> = c.findings.iter().filter(|f| f.significant).collect();
    crate::sorting::sort_by(&mut significant, |x, y| {
        y.magnitude
            .unwrap_or(0.0)
            .total_cmp(&x.magnitude.unwrap_or(0.0))
    });
    let _ = writeln!(
        html,
        "<h2>Significant differences</h2>\n<p>{} of {} differences against {} are significant{}</p>",
        significant.len(),
        tested,
        names.get(c.baseline).map_or("the baseline", String::as_str),
        if significant.is_empty() {
            "."
        } else {
            ", largest effect first:"
        }
    );
    if significant.is_empty() {
        return;
    }
    html.push_str("<ol class=\"findings\">\n");
    for f in significant {
        let _ = writeln!(
            html,
            "<li>{} <span class=\"finding-stats\">({}, effect size {})</span></li>",
            escape(&f.sentence),
            test_name(f.test),
            optional(f.magnitude)
        );
    }
    html.push_str("</ol>\n");
}

fn write_test(html: &mut String, f: &Finding) {
    let class = if f.significant { " class=\"sig\"" } else { "" };
    let stats = match (f.p_value, &f.not_tested) {
        (Some(p), _) => format!(
            "{}, p {}, adjusted p {}{}",
            test_name(f.test),
            p_value(p),
            f.p_adjusted.map_or_else(|| "–".to_owned(), p_value),
            f.magnitude
                .map_or_else(String::new, |m| format!(", effect size {}", number(m)))
        ),
        (None, Some(reason)) => format!("not tested: {}", escape(reason)),
        (None, None) => "not tested".to_owned(),
    };
    let _ = writeln!(
        html,
        "<li{class}>{} <span class=\"finding-stats\">({stats})</span></li>",
        escape(&f.sentence)
    );
}

fn write_summary(
    html: &mut String,
    c: &Comparison,
    summary: &Summary,
    names: &[String],
    column: &str,
) {
    let group_cell = |i: usize| format!("<td>{}{}</td>", swatch(&c.groups[i].color), names[i]);
    match summary {
        Summary::Numeric { groups, edges } => {
            let span = match (edges.first(), edges.last()) {
                (Some(&first), Some(&last)) => format!("{} to {}", number(first), number(last)),
                _ => String::new(),
            };
            let _ = write!(
                html,
                "<table>\n<thead><tr><th>Group</th><th class=\"n\">Values</th><th class=\"n\">Missing</th>\
                 <th class=\"n\">Mean</th><th class=\"n\">95% CI</th><th class=\"n\">Median</th>\
                 <th class=\"n\">Middle half</th><th class=\"n\">Min</th><th class=\"n\">Max</th>\
                 <th>Distribution <small class=\"muted\">{span}</small></th></tr></thead>\n<tbody>\n",
            );
            for (i, g) in groups.iter().enumerate() {
                write_numeric_row(html, &group_cell(i), g, &c.groups[i].color, column);
            }
            html.push_str("</tbody>\n</table>\n");
        }
        Summary::Categorical {
            values,
            other,
            groups,
        } => {
            html.push_str("<table>\n<thead><tr><th>Value</th>");
            for (i, _) in groups.iter().enumerate() {
                let _ = write!(html, "<th>{}{}</th>", swatch(&c.groups[i].color), names[i]);
            }
            html.push_str("</tr></thead>\n<tbody>\n");
            for (v, value) in values.iter().enumerate() {
                let label = if *other && v + 1 == values.len() {
                    "<span class=\"muted\">other</span>".to_owned()
                } else {
                    escape(value)
                };
                let _ = write!(html, "<tr><td>{label}</td>");
                for (i, g) in groups.iter().enumerate() {
                    write_category_cell(html, g, v, &c.groups[i].color);
                }
                html.push_str("</tr>\n");
            }
            html.push_str("<tr><td class=\"muted\">missing</td>");
            for g in groups {
                let _ = write!(html, "<td class=\"n\">{}</td>", thousands_u64(g.missing));
            }
            html.push_str("</tr>\n</tbody>\n</table>\n");
        }
        Summary::Boolean { groups } => {
            html.push_str(
                "<table>\n<thead><tr><th>Group</th><th class=\"n\">True</th><th class=\"n\">Of</th>\
                 <th class=\"n\">Rate</th><th class=\"n\">95% CI</th><th></th><th class=\"n\">Missing</th>\
                 </tr></thead>\n<tbody>\n",
            );
            for (i, g) in groups.iter().enumerate() {
                write_rate_row(html, &group_cell(i), g, &c.groups[i].color);
            }
            html.push_str("</tbody>\n</table>\n");
        }
        Summary::Date { groups, months } => {
            let span = match (months.first(), months.last()) {
                (Some(first), Some(last)) => format!("{first} to {last}"),
                _ => String::new(),
            };
            html.push_str(
                "<table>\n<thead><tr><th>Group</th><th class=\"n\">Values</th><th class=\"n\">Missing</th>\
                 <th class=\"n\">Earliest</th><th class=\"n\">Median</th><th class=\"n\">Latest</th>",
            );
            let _ = write!(
                html,
                "<th>Distribution <small class=\"muted\">{}</small></th></tr></thead>\n<tbody>\n",
                escape(&span)
            );
            for (i, g) in groups.iter().enumerate() {
                write_date_row(html, &group_cell(i), g, &c.groups[i].color, column);
            }
            html.push_str("</tbody>\n</table>\n");
        }
        Summary::Skipped { reason } => {
            let _ = writeln!(
                html,
                "<p class=\"muted\">Not summarised: {}</p>",
                escape(reason)
            );
        }
    }
}

fn thousands_u64(n: u64) -> String {
    usize::try_from(n).map_or_else(|_| n.to_string(), thousands)
}

fn write_numeric_row(
    html: &mut String,
    group: &str,
    g: &NumericSummary,
    color: &str,
    column: &str,
) {
    let ci = g.mean_ci.map_or_else(
        || "–".to_owned(),
        |ci| format!("{} to {}", number(ci.low), number(ci.high)),
    );
    let middle = match (g.p25, g.p75) {
        (Some(low), Some(high)) => format!("{} to {}", number(low), number(high)),
        _ => "–".to_owned(),
    };
    let _ = writeln!(
        html,
        "<tr>{group}<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
         <td class=\"n\">{ci}</td><td class=\"n\">{}</td><td class=\"n\">{middle}</td>\
         <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
        thousands(g.n),
        thousands(g.missing),
        optional(g.mean),
        optional(g.median),
        optional(g.min),
        optional(g.max),
        histogram(&g.histogram, color, &format!("histogram of {column}"))
    );
}

fn write_category_cell(html: &mut String, g: &CategoricalSummary, v: usize, color: &str) {
    let count = g.counts.get(v).copied().unwrap_or(0);
    match g.shares.get(v).copied().flatten() {
        Some(share) => {
            let _ = write!(
                html,
                "<td class=\"n\">{} <span class=\"muted\">({})</span> {}</td>",
                percent(share.share),
                thousands_u64(count),
                share_bar(share.share, color)
            );
        }
        None => html.push_str("<td class=\"n\">–</td>"),
    }
}

fn write_rate_row(html: &mut String, group: &str, g: &RateSummary, color: &str) {
    let (rate, ci, bar) = g.rate.map_or_else(
        || ("–".to_owned(), "–".to_owned(), String::new()),
        |r| {
            (
                percent(r.share),
                format!("{} to {}", percent(r.ci.low), percent(r.ci.high)),
                share_bar(r.share, color),
            )
        },
    );
    let _ = writeln!(
        html,
        "<tr>{group}<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{rate}</td>\
         <td class=\"n\">{ci}</td><td>{bar}</td><td class=\"n\">{}</td></tr>",
        thousands_u64(g.count),
        thousands_u64(g.n),
        thousands_u64(g.missing)
    );
}

fn write_date_row(html: &mut String, group: &str, g: &DateSummary, color: &str, column: &str) {
    let text = |d: &Option<String>| d.as_deref().map_or_else(|| "–".to_owned(), escape);
    let _ = writeln!(
        html,
        "<tr>{group}<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
        thousands(g.n),
        thousands(g.missing),
        text(&g.min),
        text(&g.median),
        text(&g.max),
        histogram(&g.histogram, color, &format!("histogram of {column}"))
    );
}

#[cfg(test)]
mod tests {
    use super::{escape, number};

    #[test]
    fn numbers_for_people() {
        let cases = [
            (0.0, "0"),
            (-0.0001, "-1.0e-4"),
            (0.5, "0.5"),
            (0.12345, "0.123"),
            (2.34567, "2.35"),
            (42.26, "42.3"),
            (-42.26, "-42.3"),
            (99.96, "100"),
            (1234.5, "1,235"),
            (-1_234_567.0, "-1,234,567"),
            (2.5e16, "2.50e16"),
            (f64::NAN, "–"),
        ];
        for (x, expected) in cases {
            assert_eq!(number(x), expected, "{x}");
        }
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<script>a & "b" 'c'</script>"#),
            "&lt;script&gt;a &amp; &quot;b&quot; &#39;c&#39;&lt;/script&gt;"
        );
    }
}
