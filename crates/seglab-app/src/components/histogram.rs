//! A small inline SVG histogram, with a text equivalent for screen readers.

use leptos::prelude::*;

/// Bars of `counts` as shares of their total, in one segment's colour.
#[component]
pub fn Histogram(
    /// Count per bin.
    counts: Vec<u64>,
    /// The segment's colour.
    #[prop(into)]
    color: String,
    /// What the bins are, read aloud with the counts (e.g. "bins from 0 to 100 by 10").
    #[prop(into)]
    label: String,
) -> impl IntoView {
    const WIDTH: f64 = 160.0;
    const HEIGHT: f64 = 36.0;
    let total: u64 = counts.iter().sum();
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bar = WIDTH / counts.len().max(1) as f64;
    let description = format!(
        "Histogram, {label}: {}",
        counts
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let bars = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let h = (c as f64 / max) * (HEIGHT - 2.0);
            view! {
                <rect x=format!("{:.1}", i as f64 * bar) y=format!("{:.1}", HEIGHT - h) width=format!("{:.1}", (bar - 1.0).max(0.5)) height=format!("{h:.1}")></rect>
            }
        })
        .collect_view();
    let title = description.clone();
    view! {
        <svg class="histogram" viewBox=format!("0 0 {WIDTH} {HEIGHT}") width=WIDTH height=HEIGHT role="img" aria-label=description fill=color>
            <title>{title}</title>
            {(total > 0).then_some(bars)}
        </svg>
    }
}
