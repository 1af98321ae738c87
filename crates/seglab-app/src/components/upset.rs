//! An UpSet-style plot of every exclusive intersection of segments: a bar per combination (users in
//! exactly those segments) above a matrix of dots saying which segments the combination is. The list of
//! combinations with their counts, next to it, is the text equivalent.

use crate::format;
use leptos::prelude::*;
use seglab_core::compare::Overlap;

/// Bars and the dot matrix of `overlap`'s intersections, largest first.
#[component]
pub fn UpSet(
    /// The overlap the engine computed.
    overlap: Overlap,
    /// Each segment's colour, in the order of `overlap.names`.
    colors: Vec<String>,
) -> impl IntoView {
    const COLUMN: f64 = 22.0;
    const BARS: f64 = 80.0;
    const DOT_ROW: f64 = 16.0;
    let k = overlap.names.len();
    let shown: Vec<_> = overlap
        .intersections
        .iter()
        .filter(|x| x.count > 0)
        .collect();
    let width = COLUMN * shown.len().max(1) as f64;
    let height = BARS + DOT_ROW * k as f64 + 4.0;
    let largest = shown.first().map_or(1, |x| x.count.max(1)) as f64;
    let label = format!(
        "Users in exactly these segments: {}",
        shown
            .iter()
            .map(|x| {
                let names: Vec<&str> = x
                    .groups
                    .iter()
                    .filter_map(|&g| overlap.names.get(g).map(String::as_str))
                    .collect();
                format!("{} {}", names.join(" and "), format::count(x.count))
            })
            .collect::<Vec<_>>()
            .join("; ")
    );
    let columns = shown
        .iter()
        .enumerate()
        .map(|(c, x)| {
            let cx = c as f64 * COLUMN + COLUMN / 2.0;
            let h = (x.count as f64 / largest * (BARS - 4.0)).max(1.0);
            let members: Vec<usize> = x.groups.clone();
            let first = members.iter().copied().min().unwrap_or(0) as f64;
            let last = members.iter().copied().max().unwrap_or(0) as f64;
            let dots = (0..k)
                .map(|g| {
                    let cy = BARS + 4.0 + g as f64 * DOT_ROW + DOT_ROW / 2.0;
                    let on = members.contains(&g);
                    let fill = if on {
                        colors.get(g).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    };
                    view! { <circle class=if on { "dot on" } else { "dot" } cx=format!("{cx:.1}") cy=format!("{cy:.1}") r="5" fill=fill></circle> }
                })
                .collect_view();
            let link = (members.len() > 1).then(|| {
                let y1 = BARS + 4.0 + first * DOT_ROW + DOT_ROW / 2.0;
                let y2 = BARS + 4.0 + last * DOT_ROW + DOT_ROW / 2.0;
                view! { <line class="link" x1=format!("{cx:.1}") x2=format!("{cx:.1}") y1=format!("{y1:.1}") y2=format!("{y2:.1}")></line> }
            });
            view! {
                <rect class="bar" x=format!("{:.1}", cx - COLUMN / 2.0 + 3.0) y=format!("{:.1}", BARS - h) width=format!("{:.1}", COLUMN - 6.0) height=format!("{h:.1}")></rect>
                {link}
                {dots}
            }
        })
        .collect_view();
    let title = label.clone();
    view! {
        <svg class="upset" viewBox=format!("0 0 {width:.0} {height:.0}") width=format!("{width:.0}") height=format!("{height:.0}") role="img" aria-label=label>
            <title>{title}</title>
            {columns}
        </svg>
    }
}
