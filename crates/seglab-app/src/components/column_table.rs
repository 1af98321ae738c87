//! The profile of a file's columns: type, missing share, distinct values, examples, warnings.

use crate::format;
use crate::protocol::FileView;
use leptos::prelude::*;

/// One loaded file and the profile of each of its columns.
#[component]
pub fn FileCard(
    /// The file as the engine read it.
    file: FileView,
    /// Called with the file name when the user removes it.
    on_remove: Callback<String>,
) -> impl IntoView {
    let name = file.name.clone();
    let rows = file.rows;
    let summary = format!(
        "{} rows · {} columns · {} · {} · delimiter {}",
        format::count(rows),
        file.columns.len(),
        format::bytes(file.bytes),
        file.encoding,
        file.delimiter_label(),
    );
    let warnings = file.warnings.clone();
    view! {
        <article class="file-card" data-testid="file-card" data-file=file.name.clone()>
            <header>
                <h3>{file.name.clone()}</h3>
                <span class="muted" data-testid="file-summary">{summary}</span>
                <button class="link" on:click=move |_| on_remove.run(name.clone())>"Remove"</button>
            </header>
            {(!warnings.is_empty()).then(|| view! {
                <details class="file-warnings">
                    <summary>{format!("{} warning(s)", warnings.len())}</summary>
                    <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                </details>
            })}
            <div class="table-scroll">
                <table class="columns" data-testid="column-table">
                    <caption class="visually-hidden">{format!("Columns of {}", file.name)}</caption>
                    <thead><tr><th scope="col">"Column"</th><th scope="col">"Type"</th><th scope="col">"Missing"</th><th scope="col">"Distinct"</th><th scope="col">"Examples"</th><th scope="col">"Notes"</th></tr></thead>
                    <tbody>
                        {file.columns.into_iter().map(|c| view! {
                            <tr data-column=c.name.clone()>
                                <th scope="row">{c.name.clone()}</th>
                                <td data-testid="column-type"><span class=format!("type type-{}", c.ty)>{c.ty.clone()}</span></td>
                                <td class="num">{format::share(c.missing, rows)}</td>
                                <td class="num">{format::count(c.distinct)}</td>
                                <td class="examples">{c.examples.join(", ")}</td>
                                <td class="warn">{c.warnings.join(" ")}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </article>
    }
}
