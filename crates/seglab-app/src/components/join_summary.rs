//! How the loaded files were joined: the population, what each file was taken for, and how well it matched.

use crate::format;
use crate::protocol::DatasetView;
use leptos::prelude::*;
use seglab_core::join::FileKind;

/// The join as the engine made it, with coverage per file.
#[component]
pub fn JoinSummary(
    /// The dataset the engine built from the loaded files.
    dataset: DatasetView,
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
    let as_of = dataset.as_of.clone().map(|t| {
        format!("Relative windows (“in the last 30 days”) end at {t}, the latest time in the data.")
    });
    view! {
        <div class="join-summary" data-testid="join-summary">
            <h3>"How the files join"</h3>
            <p>{population}</p>
            {as_of.map(|t| view! { <p class="muted">{t}</p> })}
            {(!dataset.coverage.is_empty()).then(|| view! {
                <div class="table-scroll">
                    <table>
                        <caption class="visually-hidden">"Join coverage per file"</caption>
                        <thead><tr>
                            <th scope="col">"File"</th><th scope="col">"Taken as"</th><th scope="col">"Key"</th>
                            <th scope="col" class="num">"Rows matched"</th><th scope="col" class="num">"Users covered"</th><th scope="col">"Notes"</th>
                        </tr></thead>
                        <tbody>
                            {dataset.coverage.iter().map(|c| {
                                let kind = match c.kind {
                                    FileKind::Entity => "more columns per user",
                                    FileKind::Events => "events",
                                    FileKind::Linked => "many rows per user",
                                };
                                let mut notes = Vec::new();
                                if c.unmatched_rows > 0 {
                                    notes.push(format!("{} rows match no user (e.g. {})", format::count(c.unmatched_rows), c.unmatched_examples.join(", ")));
                                }
                                if c.duplicate_keys > 0 {
                                    notes.push(format!("{} keys repeat; the first row is used", format::count(c.duplicate_keys)));
                                }
                                if c.dropped_rows > 0 {
                                    notes.push(format!("{} rows without a time left out", format::count(c.dropped_rows)));
                                }
                                view! {
                                    <tr>
                                        <th scope="row">{c.file.clone()}</th>
                                        <td>{kind}</td>
                                        <td><code>{format!("{} = {}", c.key, c.population_key)}</code></td>
                                        <td class="num">{format::percent(c.matched_share)}</td>
                                        <td class="num">{format::percent(c.population_matched_share)}</td>
                                        <td class="warn">{notes.join("; ")}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            {(!dataset.problems.is_empty()).then(|| view! {
                <ul class="problems">{dataset.problems.iter().map(|p| view! { <li class="warn" role="status">{p.clone()}</li> }).collect_view()}</ul>
            })}
        </div>
    }
}
