//! Messages for the user (errors, warnings, information), each dismissible.

use crate::state::{AppState, NoticeKind};
use leptos::prelude::*;

/// The list of current notices.
#[component]
pub fn Notices() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="notices" aria-live="polite" aria-label="Messages">
            <For each=move || state.notices.get() key=|n| n.id let:notice>
                {
                    let (class, role) = match notice.kind {
                        NoticeKind::Error => ("notice error", "alert"),
                        NoticeKind::Warning => ("notice warning", "status"),
                        NoticeKind::Info => ("notice info", "status"),
                    };
                    let id = notice.id;
                    view! {
                        <div class=class role=role>
                            <span>{notice.text}</span>
                            <button class="link" on:click=move |_| { state.dismiss(id); crate::shell::focus_after_removal(".notices button", "#main"); } aria-label="Dismiss message">"×"</button>
                        </div>
                    }
                }
            </For>
        </section>
    }
}
