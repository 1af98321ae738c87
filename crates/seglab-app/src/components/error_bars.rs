//! Horizontal bars with error bars as inline SVG: one bar per segment in its colour, the whisker its
//! 95% interval. The chart is read aloud from its label; the table next to it holds the same figures.

use leptos::prelude::*;

/// One bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Whose bar (read aloud).
    pub label: String,
    pub color: String,
    pub value: f64,
    pub low: f64,
    pub high: f64,
    /// The value as people read it, e.g. "34.5% (30.1–38.9%)".
    pub text: String,
}

/// Bars from `min` to `max` (a zero line when the range crosses zero).
#[component]
pub fn ErrorBars(
    /// The bars, top to bottom.
    bars: Vec<Bar>,
    /// The left end of the scale.
    min: f64,
    /// The right end of the scale.
    max: f64,
    /// What the bars measure, read aloud before the values (e.g. "Rate of converted").
    #[prop(into)]
    label: String,
) -> impl IntoView {
    const WIDTH: f64 = 220.0;
    const ROW: f64 = 16.0;
    let height = ROW * bars.len().max(1) as f64;
    let span = if max > min { max - min } else { 1.0 };
    let x = move |v: f64| ((v.clamp(min, max) - min) / span * WIDTH).clamp(0.0, WIDTH);
    let description = format!(
        "{label}: {}",
        bars.iter()
            .map(|b| format!("{} {}", b.label, b.text))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let zero = (min < 0.0 && max > 0.0).then(|| {
        let z = x(0.0);
        view! { <line class="zero" x1=format!("{z:.1}") x2=format!("{z:.1}") y1="0" y2=format!("{height:.0}")></line> }
    });
    let origin = x(0.0_f64.clamp(min, max));
    let shapes = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let y = i as f64 * ROW;
            let (left, right) = if b.value >= 0.0 || min >= 0.0 {
                (origin, x(b.value))
            } else {
                (x(b.value), origin)
            };
            let mid = y + ROW / 2.0;
            let (lo, hi) = (x(b.low), x(b.high));
            view! {
                <rect x=format!("{:.1}", left.min(right)) y=format!("{:.1}", y + 3.0) width=format!("{:.1}", (right - left).abs().max(1.0)) height=format!("{:.1}", ROW - 6.0) fill=b.color.clone()></rect>
                <line class="whisker" x1=format!("{lo:.1}") x2=format!("{hi:.1}") y1=format!("{mid:.1}") y2=format!("{mid:.1}")></line>
                <line class="whisker" x1=format!("{lo:.1}") x2=format!("{lo:.1}") y1=format!("{:.1}", mid - 4.0) y2=format!("{:.1}", mid + 4.0)></line>
                <line class="whisker" x1=format!("{hi:.1}") x2=format!("{hi:.1}") y1=format!("{:.1}", mid - 4.0) y2=format!("{:.1}", mid + 4.0)></line>
            }
        })
        .collect_view();
    let title = description.clone();
    view! {
        <svg class="error-bars" viewBox=format!("0 0 {WIDTH} {height:.0}") width=WIDTH height=format!("{height:.0}") role="img" aria-label=description>
            <title>{title}</title>
            <rect class="track" x="0" y="0" width=WIDTH height=format!("{height:.0}")></rect>
            {zero}
            {shapes}
        </svg>
    }
}
