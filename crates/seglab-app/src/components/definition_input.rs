//! The definition text box with autocompletion of column names, event names and values: an accessible
//! combobox (arrow keys move, Enter or Tab accept, Escape closes).

use leptos::html::Textarea;
use leptos::prelude::*;
use seglab_core::segment::{LiteralValue, Vocabulary, column_text};

/// The most suggestions shown at once.
pub const MAX_SUGGESTIONS: usize = 8;

/// One suggestion: what the list shows and what replaces the word being typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    pub label: String,
    pub insert: String,
    /// "column", "event", "value" or "segment".
    pub kind: &'static str,
}

/// The suggestions for the word ending at byte `caret` of `text`, and where that word starts. Inside a
/// quoted string: event names after `did`, `then` and `of`, segment names after `segment`, otherwise the
/// values of the column named last. Outside: column names starting with the typed word.
pub fn completions(
    text: &str,
    caret: usize,
    vocabulary: &Vocabulary,
    segments: &[String],
    explicit: bool,
) -> (usize, Vec<Completion>) {
    let caret = (0..=caret.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..caret];
    let open_quote = open_quote(before);
    let mut out = Vec::new();
    let start = if let Some(quote) = open_quote {
        let prefix = before[quote + 1..].to_lowercase();
        let lead = before[..quote].trim_end().to_lowercase();
        let candidates: Vec<(&str, &'static str)> =
            if lead.ends_with("did") || lead.ends_with("then") || lead.ends_with(" of") {
                vocabulary
                    .events
                    .iter()
                    .map(|e| (e.as_str(), "event"))
                    .collect()
            } else if lead.ends_with("segment") {
                segments.iter().map(|s| (s.as_str(), "segment")).collect()
            } else {
                let column = vocabulary
                    .columns
                    .iter()
                    .filter_map(|t| {
                        let at = before[..quote]
                            .rfind(t.name.as_str())
                            .or_else(|| before[..quote].rfind(&column_text(&t.name)))?;
                        Some((at, t))
                    })
                    .max_by_key(|(at, t)| (*at, t.name.len()));
                match column {
                    Some((_, term)) => term.values.iter().map(|v| (v.as_str(), "value")).collect(),
                    None => Vec::new(),
                }
            };
        for (name, kind) in candidates {
            if name.to_lowercase().starts_with(&prefix) && name.to_lowercase() != prefix {
                out.push(Completion {
                    label: name.to_owned(),
                    insert: LiteralValue::Text(name.to_owned()).to_string(),
                    kind,
                });
            }
        }
        quote
    } else {
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '`')
            .last()
            .map_or(caret, |(i, _)| i);
        let prefix = before[start..].trim_start_matches('`').to_lowercase();
        if prefix.is_empty() && !explicit {
            return (caret, Vec::new());
        }
        let lead = before[..start].trim_end().to_lowercase();
        if lead.ends_with("did") || lead.ends_with("then") || lead.ends_with(" of") {
            for event in &vocabulary.events {
                if event.to_lowercase().starts_with(&prefix) {
                    out.push(Completion {
                        label: event.clone(),
                        insert: LiteralValue::Text(event.clone()).to_string(),
                        kind: "event",
                    });
                }
            }
        }
        for term in &vocabulary.columns {
            let lower = term.name.to_lowercase();
            if lower.starts_with(&prefix) && lower != prefix {
                out.push(Completion {
                    label: term.name.clone(),
                    insert: column_text(&term.name),
                    kind: "column",
                });
            }
        }
        start
    };
    out.truncate(MAX_SUGGESTIONS);
    (start, out)
}

/// The byte offset of the `"` that opens the string the text ends inside, if it does.
pub fn open_quote(text: &str) -> Option<usize> {
    let mut open = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match (c, open) {
            ('\\', Some(_)) if !escaped => {
                escaped = true;
                continue;
            }
            ('"', None) => open = Some(i),
            ('"', Some(_)) if !escaped => open = None,
            _ => {}
        }
        escaped = false;
    }
    open
}

/// Byte offset of UTF-16 offset `units` in `text` (what the browser's selection reports).
fn byte_of_utf16(text: &str, units: u32) -> usize {
    let mut count = 0u32;
    for (i, c) in text.char_indices() {
        if count >= units {
            return i;
        }
        count += c.len_utf16() as u32;
    }
    text.len()
}

fn utf16_len(text: &str) -> u32 {
    text.chars().map(|c| c.len_utf16() as u32).sum()
}

/// The listbox half of a combobox: the suggestions shown and the one the arrow keys picked. The text box
/// of a definition and the value chips of the builder both use it.
#[derive(Clone, Copy)]
pub struct Suggestions {
    pub list: RwSignal<Vec<Completion>>,
    pub active: RwSignal<Option<usize>>,
}

impl Default for Suggestions {
    fn default() -> Self {
        Self::new()
    }
}

impl Suggestions {
    pub fn new() -> Self {
        Suggestions {
            list: RwSignal::new(Vec::new()),
            active: RwSignal::new(None),
        }
    }

    /// Opens the list with `list` (closes it when empty), the first suggestion picked.
    pub fn show(self, list: Vec<Completion>) {
        self.active
            .set(if list.is_empty() { None } else { Some(0) });
        self.list.set(list);
    }

    pub fn close(self) {
        self.show(Vec::new());
    }

    pub fn get(self, i: usize) -> Option<Completion> {
        self.list.with_untracked(|s| s.get(i).cloned())
    }

    /// Arrow keys move, Escape closes; returns the suggestion that Enter or Tab accepts.
    pub fn keydown(self, ev: &web_sys::KeyboardEvent) -> Option<usize> {
        let count = self.list.with_untracked(Vec::len);
        if count == 0 {
            return None;
        }
        let active = self.active.get_untracked();
        match ev.key().as_str() {
            "ArrowDown" => self.active.set(Some(active.map_or(0, |a| (a + 1) % count))),
            "ArrowUp" => self
                .active
                .set(Some(active.map_or(count - 1, |a| (a + count - 1) % count))),
            "Enter" | "Tab" if active.is_some() => {}
            "Escape" => {
                ev.stop_propagation();
                self.close();
            }
            _ => return None,
        }
        ev.prevent_default();
        active.filter(|_| matches!(ev.key().as_str(), "Enter" | "Tab"))
    }

    /// `aria-expanded` of the combobox.
    pub fn expanded(self) -> &'static str {
        if self.list.with(Vec::is_empty) {
            "false"
        } else {
            "true"
        }
    }

    /// `aria-activedescendant` of the combobox whose element id is `id`.
    pub fn active_id(self, id: &str) -> Option<String> {
        self.active.get().map(|i| format!("{id}-option-{i}"))
    }

    /// The listbox, with id `{id}-suggestions`; a click accepts a suggestion without taking the focus.
    pub fn view(self, id: &str, accept: Callback<usize>) -> AnyView {
        let id = id.to_owned();
        let list_id = format!("{id}-suggestions");
        view! {
            <ul
                id=list_id
                role="listbox"
                aria-label="Suggestions"
                class="suggestions"
                data-testid="suggestions"
                hidden=move || self.list.with(Vec::is_empty)
            >
                {move || self.list.get().into_iter().enumerate().map(|(i, c)| view! {
                    <li
                        role="option"
                        id=format!("{id}-option-{i}")
                        class="suggestion"
                        aria-selected=move || if self.active.get() == Some(i) { "true" } else { "false" }
                        on:mousedown=move |ev| { ev.prevent_default(); accept.run(i); }
                    >
                        <span>{c.label.clone()}</span>
                        <span class="muted">{c.kind}</span>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    }
}

/// A definition's text box with suggestions.
#[component]
pub fn DefinitionInput(
    /// The element id of the text box (the label points at it).
    id: String,
    /// The definition's text.
    #[prop(into)]
    value: Signal<String>,
    /// What the data offers to complete.
    #[prop(into)]
    vocabulary: Signal<Vocabulary>,
    /// The names of the segments, for `in segment "…"`.
    #[prop(into)]
    segments: Signal<Vec<String>>,
    /// The id of the element describing the text box (e.g. its error), if any.
    #[prop(into)]
    described_by: Signal<Option<String>>,
    /// Called with the new text on every change.
    on_input: Callback<String>,
) -> impl IntoView {
    let textarea = NodeRef::<Textarea>::new();
    let suggestions = Suggestions::new();
    let start = StoredValue::new(0usize);
    let combo_id = StoredValue::new(id.clone());

    let caret_of = |element: &web_sys::HtmlTextAreaElement, text: &str| {
        element
            .selection_start()
            .ok()
            .flatten()
            .map_or(text.len(), |u| byte_of_utf16(text, u))
    };
    let refresh = move |explicit: bool| {
        let Some(element) = textarea.get_untracked() else {
            return;
        };
        let text = element.value();
        let caret = caret_of(&element, &text);
        let (from, list) = vocabulary.with_untracked(|v| {
            segments.with_untracked(|s| completions(&text, caret, v, s, explicit))
        });
        start.set_value(from);
        suggestions.show(list);
    };
    let accept = Callback::new(move |i: usize| {
        let Some(choice) = suggestions.get(i) else {
            return;
        };
        let Some(element) = textarea.get_untracked() else {
            return;
        };
        let text = element.value();
        let caret = caret_of(&element, &text);
        let from = start.get_value().min(caret);
        let mut rest = &text[caret..];
        // Completing inside a string replaces up to its closing quote.
        if choice.insert.starts_with('"')
            && let Some(end) = rest.find('"')
            && !rest[..end].contains('\n')
        {
            rest = &rest[end + 1..];
        }
        let spacer = if rest.starts_with([' ', ')', ',']) {
            ""
        } else {
            " "
        };
        let new_text = format!("{}{}{spacer}{rest}", &text[..from], choice.insert);
        let caret_after = utf16_len(&text[..from]) + utf16_len(&choice.insert) + utf16_len(spacer);
        suggestions.close();
        element.set_value(&new_text);
        let _ = element.set_selection_range(caret_after, caret_after);
        on_input.run(new_text);
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == " " && ev.ctrl_key() {
            ev.prevent_default();
            refresh(true);
        } else if let Some(i) = suggestions.keydown(&ev) {
            accept.run(i);
        }
    };
    let listbox = suggestions.view(&id, accept);
    view! {
        <div class="definition-box">
            <textarea
                node_ref=textarea
                id=id.clone()
                class="definition"
                data-testid="segment-definition"
                rows="2"
                spellcheck="false"
                autocomplete="off"
                role="combobox"
                aria-autocomplete="list"
                aria-controls=format!("{id}-suggestions")
                aria-expanded=move || suggestions.expanded()
                aria-activedescendant=move || combo_id.with_value(|id| suggestions.active_id(id))
                aria-describedby=move || described_by.get()
                placeholder="plan = \"trial\" and converted = no"
                prop:value=move || value.get()
                on:input=move |ev| {
                    on_input.run(event_target_value(&ev));
                    refresh(false);
                }
                on:keydown=on_keydown
                on:blur=move |_| suggestions.close()
            ></textarea>
            {listbox}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::completions;
    use seglab_core::ColumnType;
    use seglab_core::segment::{Term, Vocabulary};

    /// The suggestions at the end of `text` (or at `|`), as `start: insert insert…`.
    fn check(text: &str, expected: &str) {
        let term = |name: &str, ty, values: &[&str]| Term {
            name: name.to_owned(),
            ty,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        };
        let vocabulary = Vocabulary {
            columns: vec![
                term("plan", ColumnType::Category, &["trial", "pro"]),
                term("Annual revenue", ColumnType::Decimal, &[]),
                term("country", ColumnType::Category, &["SE", "Say \"hi\""]),
            ],
            events: vec!["Login".to_owned(), "Export report".to_owned()],
            properties: Vec::new(),
            linked: Vec::new(),
        };
        let caret = text.find('|').unwrap_or(text.len());
        let text = text.replace('|', "");
        let (start, list) = completions(&text, caret, &vocabulary, &["Trials".to_owned()], false);
        let inserts: Vec<&str> = list.iter().map(|c| c.insert.as_str()).collect();
        assert_eq!(
            format!("{start}: {}", inserts.join(" ")),
            expected,
            "{text:?}"
        );
    }

    #[test]
    fn suggestions_follow_the_context() {
        check("pl", "0: plan");
        check("plan = \"t", "7: \"trial\"");
        check("an", "0: `Annual revenue`");
        check(
            "plan = \"trial\" and did \"",
            "23: \"Login\" \"Export report\"",
        );
        check("did \"Ex", "4: \"Export report\"");
        check("country in (\"SE\", \"s", "18: \"SE\" \"Say \\\"hi\\\"\"");
        check("in segment \"T", "11: \"Trials\"");
        check("plan = \"trial\" ", "15: ");
        check("pl| = \"trial\"", "0: plan");
        check("plan", "0: ");
        check("é", "0: ");
    }
}
