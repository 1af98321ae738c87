//! How the loaded files were joined: the population, what each file was taken for (changeable), its key
//! column (changeable), and how well it matched.

use crate::format;
use crate::protocol::{DatasetView, FileView};
use leptos::prelude::*;
use seglab_core::join::FileKind;
use seglab_core::share::JoinKey;

/// The join as the engine made it, with coverage per file.
#[component]
pub fn JoinSummary(
    /// The dataset the engine built from the loaded files.
    dataset: DatasetView,
    /// The loaded files, for their columns.
    files: Vec<FileView>,
    /// Called with a file's new key column and role.
    on_key: Callback<JoinKey>,
) -> impl IntoView {
    let population = match (&dataset.population_file, &dataset.key) {
        (Some(file), Some(key)) => format!(
            "{} users from {file}, identified by {key}",
            format::count(dataset.population)
        ),
        (None, _) if dataset.population > 0 => {
            format!(
                "{} users drawn from the event log",
                format::count(dataset.population)
            )
        }
        _ => "No population yet: load a file with one row per user.".to_owned(),
    };
    let files_view = files
        .iter()
        .enumerate()
        .map(|(i, f)| file_row(&dataset, i, f, on_key))
        .collect_view();
    view! {
        <div class="join-summary" data-testid="join-summary">
            <h3>"How the files join"</h3>
            <p data-testid="join-population">{population}</p>
            <div class="table-scroll">
                <table data-testid="join-table">
                    <caption class="visually-hidden">"What each file was taken for, its key column, and how well it matched"</caption>
                    <thead><tr>
                        <th scope="col">"File"</th><th scope="col">"Taken as"</th><th scope="col">"Key column"</th>
                        <th scope="col" class="num">"Rows matched"</th><th scope="col" class="num">"Users covered"</th><th scope="col">"Notes"</th>
                    </tr></thead>
                    <tbody>{files_view}</tbody>
                </table>
            </div>
            {(!dataset.problems.is_empty()).then(|| view! {
                <div role="status">
                    <ul class="problems">{dataset.problems.iter().map(|p| view! { <li class="warn">{p.clone()}</li> }).collect_view()}</ul>
                </div>
            })}
        </div>
    }
}

/// A file's role as a person reads it.
fn kind_label(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Entity => "entity table (more columns per user)",
        FileKind::Events => "event log (one row per event)",
        FileKind::Linked => "survey or other file (many rows per user)",
    }
}

fn kind_value(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Entity => "entity",
        FileKind::Events => "events",
        FileKind::Linked => "linked",
    }
}

const KINDS: [FileKind; 3] = [FileKind::Entity, FileKind::Events, FileKind::Linked];

/// One file's row: its role and key (both changeable; their ids `join-role-{index}` and `join-key-{index}`
/// let the focus come back to them when the table is drawn anew) and how well it matched.
fn file_row(
    dataset: &DatasetView,
    index: usize,
    file: &FileView,
    on_key: Callback<JoinKey>,
) -> impl IntoView + use<> {
    let plan = &dataset.plan;
    let is_population = plan.population.as_deref() == Some(file.name.as_str());
    let link = plan.links.iter().find(|l| l.file == file.name);
    let guess = dataset.guesses.iter().find(|g| g.file == file.name);
    let coverage = dataset.coverage.iter().find(|c| c.file == file.name);
    let kind = link
        .map(|l| l.kind)
        .or(guess.map(|g| g.kind))
        .unwrap_or(FileKind::Entity);
    let key = if is_population {
        plan.key.clone()
    } else {
        link.map(|l| l.key.clone())
            .or_else(|| guess.and_then(|g| g.key.clone()))
    };
    let columns: Vec<String> = file.columns.iter().map(|c| c.name.clone()).collect();
    let name = file.name.clone();
    let role_cell = if is_population {
        view! { <span data-testid="join-role">"the users (one row per user)"</span> }.into_any()
    } else {
        let name = name.clone();
        let key = key
            .clone()
            .or_else(|| columns.first().cloned())
            .unwrap_or_default();
        view! {
            <select id=format!("join-role-{index}") data-testid="join-role" aria-label=format!("Role of {}", file.name) on:change=move |ev| {
                let value = event_target_value(&ev);
                if let Some(kind) = KINDS.into_iter().find(|k| kind_value(*k) == value) {
                    on_key.run(JoinKey { file: name.clone(), column: key.clone(), kind: Some(kind) });
                }
            }>
                {KINDS.iter().map(|k| view! {
                    <option value=kind_value(*k) selected=*k == kind>{kind_label(*k)}</option>
                }).collect_view()}
            </select>
        }.into_any()
    };
    let key_select = {
        let name = name.clone();
        let chosen_kind = (!is_population).then_some(kind);
        let current = key.clone().unwrap_or_default();
        view! {
            <select id=format!("join-key-{index}") data-testid="join-key" aria-label=format!("Key column of {}", file.name) on:change=move |ev| {
                on_key.run(JoinKey { file: name.clone(), column: event_target_value(&ev), kind: chosen_kind });
            }>
                {key.is_none().then(|| view! { <option value="" selected=true disabled=true>"choose…"</option> })}
                {columns.iter().map(|c| view! {
                    <option value=c.clone() selected=*c == current>{c.clone()}</option>
                }).collect_view()}
            </select>
        }
    };
    let population_key = link.map(|l| format!("= {}", l.population_key));
    let mut notes = Vec::new();
    if !is_population && link.is_none() {
        notes.push("not joined: pick its key column".to_owned());
    }
    if let Some(c) = coverage {
        if c.unmatched_rows > 0 {
            notes.push(format!(
                "{} rows match no user (e.g. {})",
                format::count(c.unmatched_rows),
                c.unmatched_examples.join(", ")
            ));
        }
        if c.missing_key_rows > 0 {
            notes.push(format!(
                "{} rows have no {} (anonymous or system events) and are left out",
                format::count(c.missing_key_rows),
                c.key
            ));
        }
        if c.duplicate_keys > 0 {
            notes.push(format!(
                "{} keys repeat; the first row is used",
                format::count(c.duplicate_keys)
            ));
        }
        if c.dropped_rows > 0 {
            notes.push(format!(
                "{} rows without a time left out",
                format::count(c.dropped_rows)
            ));
        }
    }
    view! {
        <tr data-file=file.name.clone()>
            <th scope="row">{file.name.clone()}</th>
            <td>{role_cell}</td>
            <td class="join-key">{key_select}{population_key.map(|k| view! { <code class="muted">{k}</code> })}</td>
            <td class="num">{coverage.map(|c| format::percent(c.matched_share))}</td>
            <td class="num">{coverage.map(|c| format::percent(c.population_matched_share))}</td>
            <td class="warn">{notes.join("; ")}</td>
        </tr>
    }
}
