//! Tables built from data by a few plain functions, each returning an erased view (`AnyView`).
//!
//! Every `view!` is a type of its own that Leptos compiles its building, mounting and updating for, so a
//! table written out as one `view!` per shape of row is as much WebAssembly again for each shape. These
//! helpers give every table one shape: rows and cells are lists of `AnyView` (see ARCHITECTURE.md,
//! "Bundle size").

use leptos::prelude::*;

/// A cell holding a number (right-aligned).
pub fn num(text: String) -> AnyView {
    view! { <td class="num">{text}</td> }.into_any()
}

/// A number cell spanning `span` columns (a remark in place of several figures).
pub fn num_span(text: String, span: usize) -> AnyView {
    view! { <td class="num" colspan=span.to_string()>{text}</td> }.into_any()
}

/// A cell holding any content (a small chart).
pub fn cell(content: AnyView) -> AnyView {
    view! { <td>{content}</td> }.into_any()
}

/// A column heading: right-aligned when the column holds numbers.
pub fn col(label: AnyView, numeric: bool) -> AnyView {
    if numeric {
        view! { <th scope="col" class="num">{label}</th> }.into_any()
    } else {
        view! { <th scope="col">{label}</th> }.into_any()
    }
}

/// Column headings with fixed texts: the first for the row headings, the rest numeric unless named in
/// `plain`.
pub fn heads(labels: &[&'static str], plain: &[&'static str]) -> Vec<AnyView> {
    labels
        .iter()
        .enumerate()
        .map(|(i, &label)| col(label.into_any(), i > 0 && !plain.contains(&label)))
        .collect()
}

/// A row: its heading, then its cells; `muted` for a row of totals or remarks.
pub fn row(head: AnyView, cells: Vec<AnyView>, muted: bool) -> AnyView {
    if muted {
        view! { <tr><th scope="row" class="muted">{head}</th>{cells}</tr> }.into_any()
    } else {
        view! { <tr><th scope="row">{head}</th>{cells}</tr> }.into_any()
    }
}

/// A scrollable table with a caption for screen readers; `class` and `testid` as the page's CSS and
/// tests know it, `body` its rows (a list, or a closure when they change).
pub fn table(
    class: Option<&'static str>,
    testid: Option<&'static str>,
    caption: String,
    heads: Vec<AnyView>,
    body: AnyView,
) -> AnyView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Scrollable table">
            <table class=class data-testid=testid>
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr>{heads}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A table under a visible caption, in a plain scrolling box (the Models view's tables).
pub fn captioned(
    testid: Option<&'static str>,
    caption: String,
    heads: Vec<AnyView>,
    body: AnyView,
) -> AnyView {
    view! {
        <div class="table-scroll">
            <table data-testid=testid>
                <caption>{caption}</caption>
                <thead><tr>{heads}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A column heading read only by screen readers (over a column of buttons).
pub fn hidden_col(label: &'static str) -> AnyView {
    col(
        view! { <span class="visually-hidden">{label}</span> }.into_any(),
        false,
    )
}

/// A cell holding text (left-aligned).
pub fn plain(text: String) -> AnyView {
    view! { <td>{text}</td> }.into_any()
}

/// A cell holding a number, with a test hook.
pub fn num_id(text: String, testid: &'static str) -> AnyView {
    view! { <td class="num" data-testid=testid>{text}</td> }.into_any()
}

/// A cell holding text in a class of its own.
pub fn classed(class: &'static str, text: String) -> AnyView {
    view! { <td class=class>{text}</td> }.into_any()
}

/// A muted remark where figures would be, spanning `span` columns, with a tooltip saying why.
pub fn remark(text: String, title: Option<String>, span: Option<usize>) -> AnyView {
    view! { <td class="muted" colspan=span.map(|s| s.to_string()) title=title>{text}</td> }
        .into_any()
}

/// A cell holding a figure over a smaller one (a rate over its counts).
pub fn figures(
    class: &'static str,
    testid: Option<&'static str>,
    style: Option<String>,
    text: String,
    small: String,
) -> AnyView {
    view! { <td class=class data-testid=testid style=style>{text}<br/><small>{small}</small></td> }
        .into_any()
}
