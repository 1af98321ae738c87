//! Findings told in one plain sentence, with numbers rounded the way a person would say them.

use super::numeric::format_day;
use super::{Effect, Finding, GroupInfo};

/// A number with about three significant digits.
pub(crate) fn number(x: f64) -> String {
    let a = x.abs();
    let decimals = if a >= 100.0 || a == 0.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        (2 - a.log10().floor() as i32).clamp(2, 12) as usize
    };
    format!("{x:.decimals$}")
}

pub(crate) fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", number(x))
    } else {
        number(x)
    }
}

/// A share as a percentage.
pub(crate) fn percent(p: f64) -> String {
    let x = p * 100.0;
    if x == 0.0 || x >= 10.0 {
        format!("{x:.0}%")
    } else {
        format!("{x:.1}%")
    }
}

/// A difference of shares in percentage points.
fn points(d: f64, sign: bool) -> String {
    let x = d * 100.0;
    let s = if x.abs() >= 10.0 || x == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    };
    if sign && x > 0.0 { format!("+{s}") } else { s }
}

pub(crate) fn p_value(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_owned()
    } else {
        format!("p = {}", number(p))
    }
}

fn verdict(f: &Finding) -> String {
    match f.p_adjusted {
        Some(p) if f.significant => format!("adjusted {}", p_value(p)),
        Some(p) => format!("could be chance: adjusted {}", p_value(p)),
        None => String::new(),
    }
}

/// The sentence for a finding, once its p-value is adjusted.
pub(crate) fn sentence(f: &Finding, groups: &[GroupInfo]) -> String {
    let g = &groups[f.group].name;
    let b = &groups[f.baseline].name;
    let col = &f.column;
    let Some(effect) = &f.effect else {
        let reason = f.not_tested.as_deref().unwrap_or("no test applies");
        return format!("`{col}`: {g} vs {b} not compared: {reason}.");
    };
    let body = match effect {
        Effect::Proportions {
            value,
            count,
            n,
            baseline_count,
            baseline_n,
            difference,
            ratio,
            ..
        } => {
            let label = value
                .as_ref()
                .map_or_else(|| format!("`{col}` is yes"), |v| format!("`{col}` = {v}"));
            let (pa, pb) = (
                *count as f64 / *n as f64,
                *baseline_count as f64 / *baseline_n as f64,
            );
            let mut s = format!("{label}: {} in {g} vs {} in {b}", percent(pa), percent(pb));
            let mut details = Vec::new();
            if let Some(d) = difference {
                details.push(format!(
                    "difference {} pts, 95% CI {} to {}",
                    points(d.estimate, true),
                    points(d.low, true),
                    points(d.high, true)
                ));
            }
            if let Some(r) = ratio.filter(|r| r.estimate > 0.0) {
                details.push(format!(
                    "{}× as often, 95% CI {}–{}",
                    number(r.estimate),
                    number(r.low),
                    number(r.high)
                ));
            }
            if !details.is_empty() {
                s.push_str(" (");
                s.push_str(&details.join("; "));
                s.push(')');
            }
            s
        }
        Effect::Means {
            mean,
            baseline_mean,
            difference,
            cohens_d,
            dates,
        } => {
            if *dates {
                let direction = if difference.estimate >= 0.0 {
                    "later"
                } else {
                    "earlier"
                };
                format!(
                    "`{col}`: on average {} days {direction} in {g} than in {b} (difference {} days, 95% CI {} to {})",
                    number(difference.estimate.abs()),
                    signed(difference.estimate),
                    signed(difference.low),
                    signed(difference.high)
                )
            } else {
                let d = cohens_d
                    .map(|d| format!("; Cohen's d {}", number(d)))
                    .unwrap_or_default();
                format!(
                    "`{col}`: mean {} in {g} vs {} in {b} (difference {}, 95% CI {} to {}{d})",
                    number(*mean),
                    number(*baseline_mean),
                    signed(difference.estimate),
                    signed(difference.low),
                    signed(difference.high)
                )
            }
        }
        Effect::Distributions {
            median,
            baseline_median,
            probability_greater,
            dates,
        } => {
            let (higher, lower) = if *dates {
                ("later", "earlier")
            } else {
                ("higher", "lower")
            };
            let direction = if *probability_greater >= 0.5 {
                higher
            } else {
                lower
            };
            let show = |x: f64| if *dates { format_day(x) } else { number(x) };
            format!(
                "`{col}`: typically {direction} in {g} than in {b} (median {} vs {}; a user of {g} has the {higher} value {} of the time)",
                show(*median),
                show(*baseline_median),
                percent(*probability_greater)
            )
        }
        Effect::Mix { cramers_v, .. } => {
            if f.significant {
                format!(
                    "`{col}`: the mix of values differs between {g} and {b} (Cramér's V {})",
                    number(*cramers_v)
                )
            } else {
                format!(
                    "`{col}`: no clear difference in the mix of values between {g} and {b} (Cramér's V {})",
                    number(*cramers_v)
                )
            }
        }
    };
    match (&f.not_tested, verdict(f)) {
        (Some(reason), _) => format!("{body}; {reason}."),
        (None, v) if v.is_empty() => format!("{body}."),
        (None, v) => format!("{body}; {v}."),
    }
}
