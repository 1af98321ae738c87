//! The page's frame: the skip link, the header with the navigation between views, the page title of the
//! current view, and the offline cache (a service worker that keeps the site's own files).
//!
//! The views are sections of one page, so that a segment, its comparison and its impact can be read
//! together; the navigation moves focus to a view, names it in the page title and marks it current.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// One view of the page: its anchor and the name shown in the navigation and the page title.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct View {
    pub anchor: &'static str,
    pub name: &'static str,
}

/// The views in page order.
pub const VIEWS: [View; 5] = [
    View {
        anchor: "data",
        name: "Data",
    },
    View {
        anchor: "segments",
        name: "Segments",
    },
    View {
        anchor: "compare",
        name: "Compare",
    },
    View {
        anchor: "impact",
        name: "Impact",
    },
    View {
        anchor: "models",
        name: "Models",
    },
];

/// The page title while `view` is current.
pub fn title_of(view: Option<View>) -> String {
    match view {
        Some(view) => format!("{} · Seglab", view.name),
        None => "Seglab".to_owned(),
    }
}

/// The view named by a location hash such as `#segments`.
pub fn view_of_hash(hash: &str) -> Option<View> {
    let anchor = hash.trim_start_matches('#');
    VIEWS.into_iter().find(|v| v.anchor == anchor)
}

/// Makes `view` current: its title, and focus on its container so that the next Tab continues inside it.
fn show(view: View, current: RwSignal<Option<View>>, move_focus: bool) {
    current.set(Some(view));
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    document.set_title(&title_of(Some(view)));
    if move_focus
        && let Some(element) = document
            .get_element_by_id(view.anchor)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        element.scroll_into_view();
        let _ = element.focus();
    }
}

/// Moves focus to the first element matching `selector`, so that it does not fall back to the page body
/// when the focused control goes away.
pub fn focus_selector(selector: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|e| e.focus().is_ok())
}

/// After a control removed itself (a dismissed message), focus goes to the next one like it, or else to
/// `fallback`. Runs after the view has updated.
pub fn focus_after_removal(selector: &'static str, fallback: &'static str) {
    request_animation_frame(move || {
        if !focus_selector(selector) {
            focus_selector(fallback);
        }
    });
}

/// The link that lets keyboard users jump over the header to the main content.
#[component]
pub fn SkipLink() -> impl IntoView {
    view! { <a class="skip-link" href="#main" data-testid="skip-link">"Skip to main content"</a> }
}

/// The header: name, privacy promise and navigation between the views.
#[component]
pub fn Header(current: RwSignal<Option<View>>) -> impl IntoView {
    // A link to a view opened directly (a bookmark with `#segments`) names that view in the title.
    if let Some(view) = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|h| view_of_hash(&h))
    {
        current.set(Some(view));
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&title_of(Some(view)));
        }
    }
    let links = VIEWS
        .into_iter()
        .map(|view| {
            let on_click = move |ev: web_sys::MouseEvent| {
                // A plain click moves within the page without adding the anchor to the shared address.
                if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
                    return;
                }
                ev.prevent_default();
                show(view, current, true);
            };
            view! {
                <li>
                    <a
                        href=format!("#{}", view.anchor)
                        data-testid=format!("nav-{}", view.anchor)
                        aria-current=move || (current.get() == Some(view)).then_some("location")
                        on:click=on_click
                    >
                        {view.name}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <header class="topbar">
            <h1 class="brand">"Seglab"</h1>
            <nav aria-label="Views" class="views-nav">
                <ul>{links}</ul>
            </nav>
            <p class="privacy" data-testid="privacy-note">
                "Your files are read inside this browser tab and never leave it: no upload, no server, no tracking."
            </p>
        </header>
    }
}

/// Asks the browser to keep the site's own files (listed in `sw.js`, written when the site is built) so that
/// the page opens without a network once it has been opened. Nothing but the site's files is cached: the
/// user's files are never fetched, so they never pass through it.
pub fn register_offline_cache() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let Ok(container) = js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker"))
    else {
        return;
    };
    if container.is_undefined() || container.is_null() {
        return;
    }
    let Ok(register) = js_sys::Reflect::get(&container, &JsValue::from_str("register"))
        .and_then(JsCast::dyn_into::<js_sys::Function>)
    else {
        return;
    };
    // A development server has no `sw.js`; the rejected promise is then ignored.
    if let Ok(promise) = register.call1(&container, &JsValue::from_str("./sw.js"))
        && let Ok(promise) = promise.dyn_into::<js_sys::Promise>()
    {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}
