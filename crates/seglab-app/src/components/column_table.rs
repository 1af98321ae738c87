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
    /// Called with the file name and the chosen file when the user replaces it.
    on_replace: Callback<(String, web_sys::File)>,
) -> impl IntoView {
    let file_name = file.name.clone();
    let name = file.name.clone();
    let replace_name = file.name.clone();
    let rows = file.rows;
    let summary = format!(
        "{} rows · {} columns · {} · {} · delimiter {} · {}",
        format::count(rows),
        file.columns.len(),
        format::bytes(file.bytes),
        file.encoding,
        file.delimiter_label(),
        if file.has_header {
            "first line read as column names"
        } else {
            "no header line: columns are numbered"
        },
    );
    let warnings = file.warnings.clone();
    let advice = advice(&warnings);
    let on_pick = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
        else {
            return;
        };
        if let Some(picked) = input.files().and_then(|list| list.get(0)) {
            on_replace.run((replace_name.clone(), picked));
        }
        input.set_value("");
    };
    view! {
        <article class="file-card" data-testid="file-card" data-file=file.name.clone()>
            <header>
                <h3>{file.name.clone()}</h3>
                <span class="muted" data-testid="file-summary">{summary}</span>
                <span class="file-actions">
                    <label class="link replace">
                        "Replace…"
                        <input type="file" accept=".csv,.tsv,.txt,text/csv" class="visually-hidden"
                            aria-label=format!("Replace {} with another export (it keeps the name {})", file.name, file.name)
                            data-testid="replace-file" on:change=on_pick/>
                    </label>
                    <button class="link" aria-label=format!("Remove {}", file.name) on:click=move |_| on_remove.run(name.clone())>"Remove"</button>
                </span>
            </header>
            {(!warnings.is_empty()).then(|| view! {
                <details class="file-warnings" open data-testid="file-warnings">
                    <summary>{format!("{} thing(s) to check in this file", warnings.len())}</summary>
                    <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                    {advice.map(|a| view! { <p class="hint">{a}</p> })}
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

/// What to do about a file's warnings, in a product manager's words.
fn advice(warnings: &[String]) -> Option<String> {
    let mut steps = Vec::new();
    if warnings.iter().any(|w| w.contains("fields instead of")) {
        steps.push("Rows with too few or too many fields usually hold a delimiter inside an unquoted value: open the file at those lines and fix them, or export again with quoting turned on. Everything else in the file was read.");
    }
    if warnings.iter().any(|w| w.contains('\u{FFFD}')) {
        steps.push(
            "Some characters could not be read in the file's encoding: export again as UTF-8.",
        );
    }
    if warnings.iter().any(|w| w.contains("unbalanced quote")) {
        steps.push("A quote (\") that is never closed swallows the lines after it: check the line named above.");
    }
    if warnings.iter().any(|w| w.contains("no data rows")) {
        steps.push("The file has column names but no rows: export it again with the data.");
    }
    (!steps.is_empty()).then(|| format!("What to do: {}", steps.join(" ")))
}
