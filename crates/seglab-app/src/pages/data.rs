//! The Data section: where files come in, how the engine read and joined them, and the as-of date.

use crate::components::column_table::FileCard;
use crate::components::drop_zone::DropZone;
use crate::components::join_summary::JoinSummary;
use crate::components::progress::LoadProgressBar;
use crate::state::AppState;
use leptos::prelude::*;
use seglab_core::segment::time::days_from_civil;
use seglab_core::share::{self, JoinKey};

/// Loaded files with their column profiles, the join, the as-of date, and the drop zone.
#[component]
pub fn DataPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_remove = Callback::new(AppState::remove_file);
    let on_retype = Callback::new(move |(file, column, ty)| state.set_type(file, column, ty));
    let on_replace = Callback::new(move |(name, file): (String, web_sys::File)| {
        state.replace_file(name, file);
    });
    // The join table is drawn anew when the engine has joined again: the select that changed gets the
    // focus back if the focus was lost meanwhile (not if it has gone elsewhere).
    let refocus = StoredValue::new(None::<String>);
    let on_key = Callback::new(move |choice: JoinKey| {
        refocus.set_value(
            document()
                .active_element()
                .map(|e| e.id())
                .filter(|id| id.starts_with("join-")),
        );
        state.set_key(choice);
    });
    Effect::new(move |_| {
        state.dataset.track();
        request_animation_frame(move || {
            let lost = document()
                .active_element()
                .is_none_or(|e| e.tag_name().eq_ignore_ascii_case("body"));
            if let Some(id) = refocus.try_update_value(Option::take).flatten()
                && lost
            {
                crate::shell::focus_selector(&format!("#{id}"));
            }
        });
    });
    let has_files = move || !state.files.with(Vec::is_empty);
    view! {
        <section class="panel" aria-labelledby="data-title">
            <h2 id="data-title">"Data"</h2>
            <DropZone/>
            <LoadProgressBar/>
            {move || has_files().then(|| view! {
                <AsOfControl/>
                <JoinSummary dataset=state.dataset.get() files=state.files.get() on_key=on_key/>
                <p class="hint" data-testid="replace-hint">
                    "To replace a file with a newer export, load a file of the same name (or use “Replace…” on its card): it takes the old one’s place and every segment is worked out again."
                </p>
            })}
            <For each=move || state.files.get() key=|f| (f.name.clone(), f.rows, f.bytes, f.columns.iter().map(|c| c.ty.clone()).collect::<Vec<_>>()) let:file>
                <FileCard file=file on_remove=on_remove on_retype=on_retype on_replace=on_replace/>
            </For>
        </section>
    }
}

/// "Now" for relative windows: the latest time in the data unless the user picks another date.
#[component]
fn AsOfControl() -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = move || state.dataset.with(|d| d.as_of.clone());
    let latest = move || state.dataset.with(|d| d.latest.clone());
    let chosen = move || state.as_of.get().is_some();
    let sentence = move || {
        match (current(), chosen()) {
        (None, _) => "There are no dates in the data: relative windows (“in the last 30 days”) need an as-of date; pick one.".to_owned(),
        (Some(now), false) => format!(
            "Relative windows (“in the last 30 days”) are measured from {}, the latest timestamp in the data.",
            date_part(&now)
        ),
        (Some(now), true) => format!(
            "Relative windows (“in the last 30 days”) are measured from {}, the date you chose{}.",
            date_part(&now),
            latest()
                .map(|l| format!(" (the latest timestamp in the data is {})", date_part(&l)))
                .unwrap_or_default()
        ),
    }
    };
    let on_change = move |ev: web_sys::Event| {
        let text = event_target_value(&ev);
        if text.is_empty() {
            state.set_as_of(None);
            return;
        }
        match end_of_day(&text) {
            Some(seconds) => state.set_as_of(Some(seconds)),
            None => state.notify(
                crate::state::NoticeKind::Warning,
                format!("`{text}` is not a date; pick one such as 2025-06-30"),
            ),
        }
    };
    view! {
        <div class="as-of" data-testid="as-of">
            <p data-testid="as-of-sentence">{sentence}</p>
            <div class="as-of-controls">
                <label for="as-of-date">"As-of date"</label>
                <input
                    id="as-of-date"
                    type="date"
                    data-testid="as-of-date"
                    prop:value=move || current().map(|t| date_part(&t).to_owned()).unwrap_or_default()
                    on:change=on_change
                />
                {move || chosen().then(|| view! {
                    <button class="button secondary" on:click=move |_| state.set_as_of(None)>
                        "Use the latest date in the data"
                    </button>
                })}
            </div>
        </div>
    }
}

/// `2025-06-30` from `2025-06-30 23:59:59`.
fn date_part(time: &str) -> &str {
    time.get(..10).unwrap_or(time)
}

/// The last second of the day `2025-06-30`, so that events on the chosen day count as before it.
pub fn end_of_day(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let days = days_from_civil(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?;
    Some(i64::from(days) * 86_400 + 86_399)
}

/// The link query with the as-of date and join keys added to what the other views wrote.
pub fn with_data_state(query: &str, as_of: Option<i64>, keys: &[JoinKey]) -> String {
    if as_of.is_none() && keys.is_empty() {
        return query.to_owned();
    }
    let (mut state, _) = share::decode(query);
    state.as_of = as_of;
    state.keys = keys.to_vec();
    share::encode(&state)
}

#[cfg(test)]
mod tests {
    use super::{end_of_day, with_data_state};
    use seglab_core::join::FileKind;
    use seglab_core::share::JoinKey;

    fn check(query: &str, as_of: Option<&str>, keys: &[JoinKey], expected: &str) {
        let as_of = as_of.map(|d| end_of_day(d).unwrap_or_else(|| panic!("{d} is a date")));
        assert_eq!(with_data_state(query, as_of, keys), expected);
    }

    #[test]
    fn the_link_carries_the_as_of_date_and_keys() {
        check("v=1&s=A~2a9d8f~plan", None, &[], "v=1&s=A~2a9d8f~plan");
        check("", None, &[], "");
        check("", Some("2024-06-30"), &[], "v=1&asof=2024-06-30T23:59:59");
        check(
            "v=1&s=A~2a9d8f~plan&cmp=A",
            Some("2024-02-29"),
            &[
                JoinKey::new("users.csv", "email"),
                JoinKey {
                    file: "nps.csv".into(),
                    column: "user_id".into(),
                    kind: Some(FileKind::Entity),
                },
            ],
            "v=1&asof=2024-02-29T23:59:59&key=users.csv~email&key=nps.csv~user_id~entity&s=A~2a9d8f~plan&cmp=A",
        );
        assert_eq!(end_of_day("2024-02-30"), None);
        assert_eq!(end_of_day("yesterday"), None);
    }
}
