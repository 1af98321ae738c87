//! The profile of a file's columns: type, missing share, distinct values, examples, warnings.

use crate::format;
use crate::protocol::FileView;
use leptos::prelude::*;
use seglab_core::ColumnType;

/// One loaded file and the profile of each of its columns.
#[component]
pub fn FileCard(
    /// The file as the engine read it.
    file: FileView,
    /// Called with the file name when the user removes it.
    on_remove: Callback<String>,
    /// Called with (file, column, type) when the user chooses a column's type.
    on_retype: Callback<(String, String, ColumnType)>,
) -> impl IntoView {
    let file_name = file.name.clone();
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
                                <td>
                                    <span class=format!("type type-{}", c.ty) data-testid="column-type">{c.ty.clone()}</span>
                                    <TypePicker file=file_name.clone() column=c.name.clone() current=c.ty.clone() on_retype=on_retype/>
                                </td>
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

/// A column's type, changeable: the file is read again with the chosen type.
#[component]
fn TypePicker(
    /// The file the column is in.
    file: String,
    /// The column.
    column: String,
    /// The type it has now.
    current: String,
    /// Called with (file, column, type) on a change.
    on_retype: Callback<(String, String, ColumnType)>,
) -> impl IntoView {
    let label = format!("Read {column} as");
    view! {
        <select class="type-picker" aria-label=label on:change=move |ev| {
            if let Some(ty) = ColumnType::from_name(&event_target_value(&ev)) {
                on_retype.run((file.clone(), column.clone(), ty));
            }
        }>
            {ColumnType::ALL.iter().map(|ty| view! {
                <option value=ty.name() selected=ty.name() == current>{ty.name()}</option>
            }).collect_view()}
        </select>
    }
}
