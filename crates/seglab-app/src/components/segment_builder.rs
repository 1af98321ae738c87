//! The visual builder: a definition's tree as groups and conditions, editing the same text as the text box.
//!
//! The text is the one source of truth. The builder parses it (with the core parser), shows the tree, and
//! every edit changes the tree and prints it back (with the core printer), so both stay in step.

use crate::components::definition_input::{Completion, MAX_SUGGESTIONS, Suggestions};
use leptos::prelude::*;
use seglab_core::ColumnType;
use seglab_core::segment::time::format_date;
use seglab_core::segment::{
    self, AggFunc, CmpOp, Condition, CountOp, Duration, Expr, LinkedRef, Literal, LiteralValue,
    Name, NpsClass, RelOp, SurveyFunc, TextOp, Unit, Vocabulary,
};
use wasm_bindgen::JsCast;

/// The builder of one segment's definition.
#[component]
pub fn SegmentBuilder(
    /// The segment's position in the list (makes element ids unique).
    index: usize,
    /// The definition's text.
    #[prop(into)]
    definition: Signal<String>,
    /// The columns, events and values of the loaded data.
    #[prop(into)]
    vocabulary: Signal<Vocabulary>,
    /// The names of the other segments (for `in segment`).
    #[prop(into)]
    others: Signal<Vec<String>>,
    /// Called with the new text when the builder changes the definition.
    on_change: Callback<String>,
) -> impl IntoView {
    let ctx = Ctx {
        index,
        definition,
        vocabulary,
        others,
        on_change,
    };
    let root = Memo::new(move |_| definition.with(|text| root_of(text)));
    view! {
        <div class="builder" role="group" aria-label="Visual builder" data-testid="builder">
            {move || match root.get() {
                Some(root) => render_group(ctx, &root, Vec::new()),
                None => view! {
                    <p class="muted" data-testid="builder-unparsed">
                        "The builder shows the definition again once the text is valid."
                    </p>
                }
                .into_any(),
            }}
        </div>
    }
}

/// What every control needs: where the definition is, what the data offers, and how to write back.
#[derive(Clone, Copy)]
struct Ctx {
    index: usize,
    definition: Signal<String>,
    vocabulary: Signal<Vocabulary>,
    others: Signal<Vec<String>>,
    on_change: Callback<String>,
}

/// A position in the tree: child indices from the root group.
type Path = Vec<usize>;

impl Ctx {
    /// Applies `f` to the node at `path` and prints the tree back to the text. The focused control keeps
    /// the focus, although the builder is drawn anew.
    fn edit(self, path: &[usize], f: impl FnOnce(&mut Expr)) {
        let Some(mut root) = self.definition.with_untracked(|t| root_of(t)) else {
            return;
        };
        if let Some(node) = at_mut(&mut root, path) {
            f(node);
        }
        let text = normalize(root).map(|e| e.to_string()).unwrap_or_default();
        let focused = document()
            .active_element()
            .map(|e| e.id())
            .filter(|id| !id.is_empty());
        self.on_change.run(text);
        if let Some(id) = focused {
            focus_later(id);
        }
    }

    fn edit_condition(self, path: &[usize], f: impl FnOnce(&mut Condition)) {
        self.edit(path, |node| {
            if let Expr::Cond { condition, .. } = core_mut(node) {
                f(condition);
            }
        });
    }

    /// A stable element id for the control `field` of the node at `path`.
    fn id(self, path: &[usize], field: &str) -> String {
        let path: Vec<String> = path.iter().map(ToString::to_string).collect();
        format!("b{}-{}-{field}", self.index, path.join("_"))
    }
}

/// Moves the focus to the element with id `id` once the builder has been drawn anew (if it is there).
fn focus_later(id: String) {
    set_timeout(
        move || {
            if let Some(element) = document()
                .get_element_by_id(&id)
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = element.focus();
            }
        },
        std::time::Duration::from_millis(0),
    );
}

/// The tree shown for `text`: always a group at the root (an empty one for an empty text); `None` when
/// the text does not parse.
fn root_of(text: &str) -> Option<Expr> {
    if text.trim().is_empty() {
        return Some(Expr::And(Vec::new()));
    }
    match segment::parse(text).ok()? {
        group @ (Expr::And(_) | Expr::Or(_)) => Some(group),
        other => Some(Expr::And(vec![other])),
    }
}

/// Drops empty groups and unwraps groups of one, so that the tree prints as the language has it.
fn normalize(expr: Expr) -> Option<Expr> {
    let group = |parts: Vec<Expr>, make: fn(Vec<Expr>) -> Expr| {
        let mut parts: Vec<Expr> = parts.into_iter().filter_map(normalize).collect();
        match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(make(parts)),
        }
    };
    match expr {
        Expr::And(parts) => group(parts, Expr::And),
        Expr::Or(parts) => group(parts, Expr::Or),
        Expr::Not(inner) => normalize(*inner).map(|e| Expr::Not(Box::new(e))),
        cond @ Expr::Cond { .. } => Some(cond),
    }
}

/// The node under any `not`s.
fn core_mut(expr: &mut Expr) -> &mut Expr {
    match expr {
        Expr::Not(inner) => core_mut(inner),
        other => other,
    }
}

fn core_of(expr: &Expr) -> &Expr {
    match expr {
        Expr::Not(inner) => core_of(inner),
        other => other,
    }
}

fn at_mut<'a>(expr: &'a mut Expr, path: &[usize]) -> Option<&'a mut Expr> {
    let Some((&first, rest)) = path.split_first() else {
        return Some(expr);
    };
    match core_mut(expr) {
        Expr::And(parts) | Expr::Or(parts) => at_mut(parts.get_mut(first)?, rest),
        _ => None,
    }
}

fn child(path: &[usize], i: usize) -> Path {
    let mut p = path.to_vec();
    p.push(i);
    p
}

/// A group: all of / any of its items, with buttons to add more.
fn render_group(ctx: Ctx, group: &Expr, path: Path) -> AnyView {
    let (parts, is_or) = match core_of(group) {
        Expr::And(parts) => (parts.clone(), false),
        Expr::Or(parts) => (parts.clone(), true),
        _ => (Vec::new(), false),
    };
    let label = if path.is_empty() {
        "Users who match".to_owned()
    } else {
        "Group".to_owned()
    };
    let (p1, p2, p3) = (path.clone(), path.clone(), path.clone());
    let count = parts.len();
    view! {
        <fieldset class="builder-group" data-testid="builder-group">
            <legend>
                {label}" "
                <select
                    id=ctx.id(&path, "join")
                    aria-label="Combine the conditions with"
                    data-testid="builder-join"
                    on:change=move |ev| {
                        let any = event_target_value(&ev) == "or";
                        ctx.edit(&p1, |node| {
                            let node = core_mut(node);
                            let parts = match std::mem::replace(node, Expr::And(Vec::new())) {
                                Expr::And(parts) | Expr::Or(parts) => parts,
                                other => vec![other],
                            };
                            *node = if any { Expr::Or(parts) } else { Expr::And(parts) };
                        });
                    }
                >
                    <option value="and" selected=!is_or>"all of these (and)"</option>
                    <option value="or" selected=is_or>"any of these (or)"</option>
                </select>
            </legend>
            <ul class="builder-items">
                {parts
                    .iter()
                    .enumerate()
                    .map(|(i, part)| render_item(ctx, part, child(&path, i), count))
                    .collect_view()}
            </ul>
            <div class="builder-add">
                <button class="link" id=ctx.id(&path, "add") data-testid="builder-add-condition" on:click=move |_| {
                    let condition = default_condition(ctx, Kind::Property);
                    ctx.edit(&p2, |node| push_part(node, Expr::cond(condition)));
                }>"+ Condition"</button>
                <button class="link" id=ctx.id(&path, "add-group") data-testid="builder-add-group" on:click=move |_| {
                    let a = Expr::cond(default_condition(ctx, Kind::Property));
                    let b = Expr::cond(default_condition(ctx, Kind::Did));
                    ctx.edit(&p3, |node| push_part(node, Expr::Or(vec![a, b])));
                }>"+ Group (or)"</button>
            </div>
        </fieldset>
    }
    .into_any()
}

fn push_part(node: &mut Expr, part: Expr) {
    match core_mut(node) {
        Expr::And(parts) | Expr::Or(parts) => parts.push(part),
        other => {
            let previous = std::mem::replace(other, Expr::And(Vec::new()));
            *other = Expr::And(vec![previous, part]);
        }
    }
}

/// One item of a group: a condition or a nested group, with `not` and remove.
fn render_item(ctx: Ctx, item: &Expr, path: Path, siblings: usize) -> AnyView {
    let negated = matches!(item, Expr::Not(_));
    let (p1, p2) = (path.clone(), path.clone());
    let body = match core_of(item) {
        Expr::Cond { condition, .. } => render_condition(ctx, condition, path.clone()),
        group => render_group(ctx, group, path.clone()),
    };
    let number = path.last().copied().unwrap_or(0) + 1;
    view! {
        <li class="builder-item" data-testid="builder-item">
            <label class="builder-not">
                <input
                    type="checkbox"
                    id=ctx.id(&path, "not")
                    data-testid="builder-not"
                    prop:checked=negated
                    on:change=move |_| ctx.edit(&p1, |node| {
                        let old = std::mem::replace(node, Expr::And(Vec::new()));
                        *node = match old {
                            Expr::Not(inner) => *inner,
                            other => Expr::Not(Box::new(other)),
                        };
                    })
                />
                "not"
            </label>
            {body}
            <button
                class="link"
                id=ctx.id(&path, "remove")
                aria-label=format!("Remove condition {number} of {siblings}")
                on:click=move |_| {
                    let Some((&last, parent)) = p2.split_last() else { return };
                    ctx.edit(parent, |node| {
                        if let Expr::And(parts) | Expr::Or(parts) = core_mut(node)
                            && last < parts.len()
                        {
                            parts.remove(last);
                        }
                    });
                }
            >"Remove"</button>
        </li>
    }
    .into_any()
}

/// The kinds of condition the builder offers, as people think of them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Property,
    Did,
    Then,
    FirstDid,
    Aggregate,
    Survey,
    Nps,
    Segment,
}

const KINDS: [(Kind, &str, &str); 8] = [
    (Kind::Property, "property", "Property or date"),
    (Kind::Did, "did", "Performed an event"),
    (Kind::Then, "then", "Event then event"),
    (Kind::FirstDid, "first", "First performed"),
    (Kind::Aggregate, "aggregate", "Event total/average"),
    (Kind::Survey, "survey", "Survey score"),
    (Kind::Nps, "nps", "NPS class"),
    (Kind::Segment, "segment", "In segment"),
];

fn kind_of(condition: &Condition) -> Kind {
    match condition {
        Condition::Did { .. } => Kind::Did,
        Condition::Then { .. } => Kind::Then,
        Condition::FirstDid { .. } => Kind::FirstDid,
        Condition::Aggregate { .. } => Kind::Aggregate,
        Condition::Survey { .. } => Kind::Survey,
        Condition::Nps { .. } => Kind::Nps,
        Condition::InSegment { .. } => Kind::Segment,
        _ => Kind::Property,
    }
}

fn first_event(v: &Vocabulary, n: usize) -> String {
    v.events
        .get(n)
        .or_else(|| v.events.first())
        .cloned()
        .unwrap_or_else(|| "Login".to_owned())
}

fn days(amount: u32) -> Duration {
    Duration {
        amount,
        unit: Unit::Days,
    }
}

fn linked_ref(text: &str) -> LinkedRef {
    let (file, column) = text.split_once('.').unwrap_or(("nps", text));
    LinkedRef {
        file: Name::new(file),
        column: Name::new(column),
    }
}

fn number(v: i64) -> Literal {
    Literal::new(LiteralValue::Integer(v))
}

/// A new condition of `kind` over the first column or event the data has.
fn default_condition(ctx: Ctx, kind: Kind) -> Condition {
    let v = ctx.vocabulary.get_untracked();
    match kind {
        Kind::Property => {
            let column = v.columns.first().map_or("plan", |t| t.name.as_str());
            let ty = v.columns.first().map(|t| t.ty);
            build_property(
                column,
                ty,
                ops_for(ty)[0],
                &[default_value(&v, column, ty)],
                days(30),
                false,
            )
        }
        Kind::Did => Condition::Did {
            event: Name::new(first_event(&v, 0)),
            count: None,
            window: None,
        },
        Kind::Then => Condition::Then {
            first: Name::new(first_event(&v, 0)),
            then: Name::new(first_event(&v, 1)),
            within: days(7),
        },
        Kind::FirstDid => Condition::FirstDid {
            event: Name::new(first_event(&v, 0)),
            window: days(30),
        },
        Kind::Aggregate => Condition::Aggregate {
            func: AggFunc::Sum,
            property: Name::new(
                v.properties
                    .iter()
                    .find(|t| t.ty.is_numeric())
                    .or(v.properties.first())
                    .map_or("amount", |t| t.name.as_str()),
            ),
            event: Name::new(first_event(&v, 0)),
            window: None,
            op: CmpOp::Gt,
            value: number(0),
        },
        Kind::Survey => Condition::Survey {
            func: SurveyFunc::Latest,
            column: linked_ref(v.linked.first().map_or("nps.score", |t| t.name.as_str())),
            op: CmpOp::Ge,
            value: number(9),
        },
        Kind::Nps => Condition::Nps {
            column: linked_ref(v.linked.first().map_or("nps.score", |t| t.name.as_str())),
            negated: false,
            class: NpsClass::Promoter,
        },
        Kind::Segment => Condition::InSegment {
            name: Name::new(
                ctx.others
                    .get_untracked()
                    .first()
                    .cloned()
                    .unwrap_or_default(),
            ),
        },
    }
}

fn default_value(v: &Vocabulary, column: &str, ty: Option<ColumnType>) -> Literal {
    let value = match ty {
        Some(ColumnType::Integer | ColumnType::Decimal) => LiteralValue::Integer(0),
        Some(ColumnType::Boolean) => LiteralValue::Boolean(true),
        Some(ColumnType::Date | ColumnType::DateTime) => LiteralValue::Date(20_089),
        _ => LiteralValue::Text(
            v.columns
                .iter()
                .find(|t| t.name == column)
                .and_then(|t| t.values.first().cloned())
                .unwrap_or_default(),
        ),
    };
    Literal::new(value)
}

/// One condition: its kind and the fields of that kind.
fn render_condition(ctx: Ctx, condition: &Condition, path: Path) -> AnyView {
    let kind = kind_of(condition);
    let p = path.clone();
    let kind_select = view! {
        <select
            id=ctx.id(&path, "kind")
            aria-label="Kind of condition"
            data-testid="builder-kind"
            on:change=move |ev| {
                let key = event_target_value(&ev);
                if let Some((k, _, _)) = KINDS.iter().find(|(_, k, _)| *k == key) {
                    let fresh = default_condition(ctx, *k);
                    ctx.edit_condition(&p, |c| *c = fresh);
                }
            }
        >
            {KINDS.iter().map(|(k, key, label)| view! {
                <option value=*key selected=*k == kind>{*label}</option>
            }).collect_view()}
        </select>
    };
    let fields = match condition {
        Condition::Did {
            event,
            count,
            window,
        } => did_fields(ctx, &path, &event.text, *count, *window),
        Condition::Then {
            first,
            then,
            within,
        } => view! {
            {event_field(ctx, &path, "first", "First event", &first.text, |c, v| if let Condition::Then { first, .. } = c { *first = Name::new(v) })}
            <span>"then"</span>
            {event_field(ctx, &path, "then", "Then event", &then.text, |c, v| if let Condition::Then { then, .. } = c { *then = Name::new(v) })}
            <span>"within"</span>
            {duration_fields(ctx, &path, "within", *within, |c, d| if let Condition::Then { within, .. } = c { *within = d })}
        }
        .into_any(),
        Condition::FirstDid { event, window } => view! {
            {event_field(ctx, &path, "event", "Event", &event.text, |c, v| if let Condition::FirstDid { event, .. } = c { *event = Name::new(v) })}
            <span>"in the last"</span>
            {duration_fields(ctx, &path, "window", *window, |c, d| if let Condition::FirstDid { window, .. } = c { *window = d })}
        }
        .into_any(),
        Condition::Aggregate {
            func,
            property,
            event,
            window,
            op,
            value,
        } => aggregate_fields(ctx, &path, *func, &property.text, &event.text, *window, *op, value),
        Condition::Survey {
            func,
            column,
            op,
            value,
        } => survey_fields(ctx, &path, *func, column, *op, value),
        Condition::Nps {
            column,
            negated,
            class,
        } => nps_fields(ctx, &path, column, *negated, *class),
        Condition::InSegment { name } => {
            let mut names = ctx.others.get_untracked();
            if !names.contains(&name.text) {
                names.insert(0, name.text.clone());
            }
            let options: Vec<(String, String)> =
                names.into_iter().map(|n| (n.clone(), n)).collect();
            select_field(ctx, &path, "segment", "Segment", options, name.text.clone(), |c, v| {
                if let Condition::InSegment { name } = c {
                    *name = Name::new(v);
                }
            })
        }
        property => property_fields(ctx, &path, property),
    };
    view! {
        <div class="builder-condition" data-testid="builder-condition">
            {kind_select}
            {fields}
        </div>
    }
    .into_any()
}

/// A `<select>` that edits the condition with `apply(condition, chosen key)`.
fn select_field(
    ctx: Ctx,
    path: &[usize],
    field: &str,
    label: &str,
    options: Vec<(String, String)>,
    selected: String,
    apply: fn(&mut Condition, String),
) -> AnyView {
    let p = path.to_vec();
    view! {
        <select
            id=ctx.id(path, field)
            aria-label=label.to_owned()
            data-testid=format!("builder-{field}")
            on:change=move |ev| {
                let value = event_target_value(&ev);
                ctx.edit_condition(&p, |c| apply(c, value));
            }
        >
            {options.into_iter().map(|(key, text)| {
                let is = key == selected;
                view! { <option value=key selected=is>{text}</option> }
            }).collect_view()}
        </select>
    }
    .into_any()
}

/// A text input (with suggestions from `list`) that edits the condition when it changes.
fn input_field(
    ctx: Ctx,
    path: &[usize],
    field: &str,
    label: &str,
    value: String,
    list: Vec<String>,
    apply: impl Fn(&mut Condition, String) + Copy + 'static,
) -> AnyView {
    let p = path.to_vec();
    let id = ctx.id(path, field);
    let list_id = format!("{id}-list");
    let has_list = !list.is_empty();
    view! {
        <input
            id=id
            class="builder-value"
            aria-label=label.to_owned()
            data-testid=format!("builder-{field}")
            list=has_list.then(|| list_id.clone())
            prop:value=value
            on:change=move |ev| {
                let value = event_target_value(&ev);
                ctx.edit_condition(&p, |c| apply(c, value));
            }
        />
        {has_list.then(|| view! {
            <datalist id=list_id>
                {list.into_iter().map(|v| view! { <option value=v></option> }).collect_view()}
            </datalist>
        })}
    }
    .into_any()
}

fn event_field(
    ctx: Ctx,
    path: &[usize],
    field: &str,
    label: &str,
    value: &str,
    apply: fn(&mut Condition, String),
) -> AnyView {
    let events = ctx.vocabulary.with_untracked(|v| v.events.clone());
    input_field(ctx, path, field, label, value.to_owned(), events, apply)
}

fn amount_field(
    ctx: Ctx,
    path: &[usize],
    field: &str,
    label: &str,
    value: u32,
    apply: fn(&mut Condition, u32),
) -> AnyView {
    let p = path.to_vec();
    view! {
        <input
            type="number"
            min="0"
            max=segment::MAX_AMOUNT.to_string()
            class="narrow"
            id=ctx.id(path, field)
            aria-label=label.to_owned()
            data-testid=format!("builder-{field}")
            prop:value=value.to_string()
            on:change=move |ev| {
                if let Ok(n) = event_target_value(&ev).trim().parse::<u32>() {
                    let n = n.min(segment::MAX_AMOUNT);
                    ctx.edit_condition(&p, |c| apply(c, n));
                }
            }
        />
    }
    .into_any()
}

fn unit_options() -> Vec<(String, String)> {
    Unit::ALL
        .iter()
        .map(|u| (u.word(2).to_owned(), u.word(2).to_owned()))
        .collect()
}

fn unit_named(word: &str) -> Unit {
    Unit::ALL
        .into_iter()
        .find(|u| u.word(2) == word)
        .unwrap_or(Unit::Days)
}

/// Amount and unit of a duration, edited with `set(condition, duration)`.
fn duration_fields(
    ctx: Ctx,
    path: &[usize],
    field: &'static str,
    duration: Duration,
    set: fn(&mut Condition, Duration),
) -> AnyView {
    let p = path.to_vec();
    let p2 = path.to_vec();
    view! {
        <input
            type="number"
            min="0"
            class="narrow"
            id=ctx.id(path, &format!("{field}-amount"))
            aria-label="How many"
            data-testid=format!("builder-{field}-amount")
            prop:value=duration.amount.to_string()
            on:change=move |ev| {
                if let Ok(n) = event_target_value(&ev).trim().parse::<u32>() {
                    let d = Duration { amount: n.min(segment::MAX_AMOUNT), unit: duration.unit };
                    ctx.edit_condition(&p, |c| set(c, d));
                }
            }
        />
        <select
            id=ctx.id(path, &format!("{field}-unit"))
            aria-label="Unit of time"
            data-testid=format!("builder-{field}-unit")
            on:change=move |ev| {
                let d = Duration { amount: duration.amount, unit: unit_named(&event_target_value(&ev)) };
                ctx.edit_condition(&p2, |c| set(c, d));
            }
        >
            {unit_options().into_iter().map(|(key, text)| {
                let is = key == duration.unit.word(2);
                view! { <option value=key selected=is>{text}</option> }
            }).collect_view()}
        </select>
    }
    .into_any()
}

/// `ever` or `in the last …` for conditions with an optional window.
fn window_fields(
    ctx: Ctx,
    path: &[usize],
    window: Option<Duration>,
    set: fn(&mut Condition, Option<Duration>),
) -> AnyView {
    let p = path.to_vec();
    view! {
        <select
            id=ctx.id(path, "window-mode")
            aria-label="When"
            data-testid="builder-window-mode"
            on:change=move |ev| {
                let window = (event_target_value(&ev) == "last").then_some(days(30));
                ctx.edit_condition(&p, |c| set(c, window));
            }
        >
            <option value="ever" selected=window.is_none()>"ever"</option>
            <option value="last" selected=window.is_some()>"in the last"</option>
        </select>
        {window.map(|d| duration_fields(ctx, path, "window", d, |c, d| set_window(c, Some(d))))}
    }
    .into_any()
}

fn set_window(condition: &mut Condition, d: Option<Duration>) {
    match condition {
        Condition::Did { window, .. } | Condition::Aggregate { window, .. } => *window = d,
        _ => {}
    }
}

fn did_fields(
    ctx: Ctx,
    path: &[usize],
    event: &str,
    count: Option<(CountOp, u32)>,
    window: Option<Duration>,
) -> AnyView {
    let mut count_options = vec![("any".to_owned(), "at all".to_owned())];
    count_options.extend(
        CountOp::ALL
            .iter()
            .map(|op| (op.words().to_owned(), op.words().to_owned())),
    );
    let selected = count.map_or("any", |(op, _)| op.words()).to_owned();
    view! {
        <span>"performed"</span>
        {event_field(ctx, path, "event", "Event", event, |c, v| if let Condition::Did { event, .. } = c { *event = Name::new(v) })}
        {select_field(ctx, path, "count", "How often", count_options, selected, |c, v| {
            if let Condition::Did { count, .. } = c {
                let n = count.map_or(1, |(_, n)| n);
                *count = CountOp::ALL.into_iter().find(|op| op.words() == v).map(|op| (op, n));
            }
        })}
        {count.map(|(_, n)| view! {
            {amount_field(ctx, path, "times", "Number of times", n, |c, n| if let Condition::Did { count: Some((_, times)), .. } = c { *times = n })}
            <span>"times"</span>
        })}
        {window_fields(ctx, path, window, set_window)}
    }
    .into_any()
}

fn cmp_options() -> Vec<(String, String)> {
    CmpOp::ALL
        .iter()
        .map(|op| (op.symbol().to_owned(), op.symbol().to_owned()))
        .collect()
}

fn cmp_named(symbol: &str) -> CmpOp {
    CmpOp::ALL
        .into_iter()
        .find(|op| op.symbol() == symbol)
        .unwrap_or(CmpOp::Eq)
}

fn number_literal(text: &str) -> Literal {
    let text = text.trim();
    let value = text
        .parse::<i64>()
        .map(LiteralValue::Integer)
        .or_else(|_| text.parse::<f64>().map(LiteralValue::Decimal))
        .ok()
        .filter(|v| v.as_f64().is_none_or(f64::is_finite))
        .unwrap_or(LiteralValue::Integer(0));
    Literal::new(value)
}

#[allow(clippy::too_many_arguments)]
fn aggregate_fields(
    ctx: Ctx,
    path: &[usize],
    func: AggFunc,
    property: &str,
    event: &str,
    window: Option<Duration>,
    op: CmpOp,
    value: &Literal,
) -> AnyView {
    let funcs: Vec<(String, String)> = AggFunc::ALL
        .iter()
        .map(|f| {
            let label = match f {
                AggFunc::Sum => "sum",
                AggFunc::Avg => "average",
                AggFunc::Min => "minimum",
                AggFunc::Max => "maximum",
                AggFunc::Distinct => "distinct count",
            };
            (f.keyword().to_owned(), label.to_owned())
        })
        .collect();
    let properties = ctx
        .vocabulary
        .with_untracked(|v| v.properties.iter().map(|t| t.name.clone()).collect());
    view! {
        {select_field(ctx, path, "func", "Aggregate", funcs, func.keyword().to_owned(), |c, v| {
            if let Condition::Aggregate { func, .. } = c {
                *func = AggFunc::ALL.into_iter().find(|f| f.keyword() == v).unwrap_or(AggFunc::Sum);
            }
        })}
        <span>"of"</span>
        {input_field(ctx, path, "property", "Event property", property.to_owned(), properties, |c, v| if let Condition::Aggregate { property, .. } = c { *property = Name::new(v) })}
        <span>"in"</span>
        {event_field(ctx, path, "event", "Event", event, |c, v| if let Condition::Aggregate { event, .. } = c { *event = Name::new(v) })}
        {window_fields(ctx, path, window, set_window)}
        {select_field(ctx, path, "op", "Comparison", cmp_options(), op.symbol().to_owned(), |c, v| if let Condition::Aggregate { op, .. } = c { *op = cmp_named(&v) })}
        {input_field(ctx, path, "value", "Value", literal_text(&value.value), Vec::new(), |c, v| if let Condition::Aggregate { value, .. } = c { *value = number_literal(&v) })}
    }
    .into_any()
}

fn linked_options(ctx: Ctx, current: &LinkedRef) -> (Vec<(String, String)>, String) {
    let current = format!("{}.{}", current.file.text, current.column.text);
    let mut names: Vec<String> = ctx
        .vocabulary
        .with_untracked(|v| v.linked.iter().map(|t| t.name.clone()).collect());
    if !names.contains(&current) {
        names.insert(0, current.clone());
    }
    (names.into_iter().map(|n| (n.clone(), n)).collect(), current)
}

fn survey_fields(
    ctx: Ctx,
    path: &[usize],
    func: SurveyFunc,
    column: &LinkedRef,
    op: CmpOp,
    value: &Literal,
) -> AnyView {
    let funcs = vec![
        ("latest".to_owned(), "latest".to_owned()),
        ("avg".to_owned(), "average".to_owned()),
    ];
    let (columns, current) = linked_options(ctx, column);
    view! {
        {select_field(ctx, path, "func", "Which score", funcs, func.keyword().to_owned(), |c, v| {
            if let Condition::Survey { func, .. } = c {
                *func = SurveyFunc::ALL.into_iter().find(|f| f.keyword() == v).unwrap_or(SurveyFunc::Latest);
            }
        })}
        {select_field(ctx, path, "column", "Survey column", columns, current, |c, v| if let Condition::Survey { column, .. } = c { *column = linked_ref(&v) })}
        {select_field(ctx, path, "op", "Comparison", cmp_options(), op.symbol().to_owned(), |c, v| if let Condition::Survey { op, .. } = c { *op = cmp_named(&v) })}
        {input_field(ctx, path, "value", "Score", literal_text(&value.value), Vec::new(), |c, v| if let Condition::Survey { value, .. } = c { *value = number_literal(&v) })}
    }
    .into_any()
}

fn nps_fields(
    ctx: Ctx,
    path: &[usize],
    column: &LinkedRef,
    negated: bool,
    class: NpsClass,
) -> AnyView {
    let (columns, current) = linked_options(ctx, column);
    let is = vec![
        ("is".to_owned(), "is".to_owned()),
        ("is not".to_owned(), "is not".to_owned()),
    ];
    let classes = NpsClass::ALL
        .iter()
        .map(|c| (c.word().to_owned(), c.word().to_owned()))
        .collect();
    view! {
        <span>"NPS class of"</span>
        {select_field(ctx, path, "column", "Survey column", columns, current, |c, v| if let Condition::Nps { column, .. } = c { *column = linked_ref(&v) })}
        {select_field(ctx, path, "negated", "Is or is not", is, if negated { "is not" } else { "is" }.to_owned(), |c, v| if let Condition::Nps { negated, .. } = c { *negated = v == "is not" })}
        {select_field(ctx, path, "class", "Class", classes, class.word().to_owned(), |c, v| {
            if let Condition::Nps { class, .. } = c {
                *class = NpsClass::ALL.into_iter().find(|k| k.word() == v).unwrap_or(NpsClass::Promoter);
            }
        })}
    }
    .into_any()
}

/// The operators of a property condition; which ones are offered depends on the column's type.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum PropOp {
    Cmp(CmpOp),
    Between,
    In,
    NotIn,
    Text(TextOp),
    Empty,
    NotEmpty,
    InLast,
    MoreThanAgo,
}

fn ops_for(ty: Option<ColumnType>) -> Vec<PropOp> {
    use PropOp::{Between, Cmp, Empty, In, InLast, MoreThanAgo, NotEmpty, NotIn, Text};
    let cmps = CmpOp::ALL.map(Cmp);
    let mut ops = Vec::new();
    match ty {
        Some(ColumnType::Integer | ColumnType::Decimal) => {
            ops.extend(cmps);
            ops.extend([Between, In, NotIn]);
        }
        Some(ColumnType::Boolean) => ops.extend([Cmp(CmpOp::Eq), Cmp(CmpOp::Ne)]),
        Some(ColumnType::Date | ColumnType::DateTime) => {
            ops.extend([InLast, MoreThanAgo, Cmp(CmpOp::Lt), Cmp(CmpOp::Gt), Between]);
            ops.extend([
                Cmp(CmpOp::Eq),
                Cmp(CmpOp::Ne),
                Cmp(CmpOp::Le),
                Cmp(CmpOp::Ge),
            ]);
            ops.extend([In, NotIn]);
        }
        Some(ColumnType::Category | ColumnType::Text | ColumnType::Id) => {
            ops.extend([Cmp(CmpOp::Eq), Cmp(CmpOp::Ne), In, NotIn]);
            ops.extend(TextOp::ALL.map(Text));
        }
        None => {
            ops.extend(cmps);
            ops.extend([Between, In, NotIn]);
            ops.extend(TextOp::ALL.map(Text));
            ops.extend([InLast, MoreThanAgo]);
        }
    }
    ops.extend([Empty, NotEmpty]);
    ops
}

fn op_key(op: PropOp) -> String {
    match op {
        PropOp::Cmp(c) => c.symbol().to_owned(),
        PropOp::Between => "between".to_owned(),
        PropOp::In => "in".to_owned(),
        PropOp::NotIn => "not in".to_owned(),
        PropOp::Text(t) => t.keyword().to_owned(),
        PropOp::Empty => "is empty".to_owned(),
        PropOp::NotEmpty => "is not empty".to_owned(),
        PropOp::InLast => "in last".to_owned(),
        PropOp::MoreThanAgo => "more than ago".to_owned(),
    }
}

fn op_label(op: PropOp, ty: Option<ColumnType>) -> String {
    let dated = matches!(ty, Some(ColumnType::Date | ColumnType::DateTime));
    match op {
        PropOp::Cmp(CmpOp::Lt) if dated => "before".to_owned(),
        PropOp::Cmp(CmpOp::Gt) if dated => "after".to_owned(),
        PropOp::Text(TextOp::Matches) => "matches regex".to_owned(),
        PropOp::InLast => "in the last".to_owned(),
        PropOp::MoreThanAgo => "more than … ago".to_owned(),
        other => op_key(other),
    }
}

/// A property condition taken apart: column, operator, values, window and `ignoring case`.
struct Property {
    column: String,
    op: PropOp,
    values: Vec<Literal>,
    duration: Duration,
    ignore_case: bool,
}

fn property_parts(condition: &Condition) -> Property {
    let mut p = Property {
        column: String::new(),
        op: PropOp::Empty,
        values: Vec::new(),
        duration: days(30),
        ignore_case: false,
    };
    match condition {
        Condition::Compare {
            column,
            op,
            value,
            ignore_case,
        } => {
            p.column.clone_from(&column.text);
            p.op = PropOp::Cmp(*op);
            p.values = vec![value.clone()];
            p.ignore_case = *ignore_case;
        }
        Condition::Between { column, low, high } => {
            p.column.clone_from(&column.text);
            p.op = PropOp::Between;
            p.values = vec![low.clone(), high.clone()];
        }
        Condition::InList {
            column,
            negated,
            values,
            ignore_case,
        } => {
            p.column.clone_from(&column.text);
            p.op = if *negated { PropOp::NotIn } else { PropOp::In };
            p.values.clone_from(values);
            p.ignore_case = *ignore_case;
        }
        Condition::Text {
            column,
            op,
            pattern,
            ignore_case,
        } => {
            p.column.clone_from(&column.text);
            p.op = PropOp::Text(*op);
            p.values = vec![pattern.clone()];
            p.ignore_case = *ignore_case;
        }
        Condition::Empty { column, negated } => {
            p.column.clone_from(&column.text);
            p.op = if *negated {
                PropOp::NotEmpty
            } else {
                PropOp::Empty
            };
        }
        Condition::Relative {
            column,
            op,
            duration,
        } => {
            p.column.clone_from(&column.text);
            p.op = match op {
                RelOp::InLast => PropOp::InLast,
                RelOp::MoreThanAgo => PropOp::MoreThanAgo,
            };
            p.duration = *duration;
        }
        _ => {}
    }
    p
}

fn build_property(
    column: &str,
    ty: Option<ColumnType>,
    op: PropOp,
    values: &[Literal],
    duration: Duration,
    ignore_case: bool,
) -> Condition {
    let column = Name::new(column);
    let textual = matches!(
        ty,
        None | Some(ColumnType::Category | ColumnType::Text | ColumnType::Id)
    );
    let ignore_case = ignore_case && textual;
    let first = values
        .first()
        .cloned()
        .unwrap_or_else(|| Literal::new(LiteralValue::Text(String::new())));
    match op {
        PropOp::Cmp(op) => Condition::Compare {
            column,
            op,
            value: first,
            ignore_case,
        },
        PropOp::Between => Condition::Between {
            column,
            high: values.get(1).cloned().unwrap_or_else(|| first.clone()),
            low: first,
        },
        PropOp::In | PropOp::NotIn => Condition::InList {
            column,
            negated: op == PropOp::NotIn,
            values: if values.is_empty() {
                vec![first]
            } else {
                values.to_vec()
            },
            ignore_case,
        },
        PropOp::Text(op) => Condition::Text {
            column,
            op,
            pattern: Literal::new(LiteralValue::Text(literal_text(&first.value))),
            ignore_case,
        },
        PropOp::Empty | PropOp::NotEmpty => Condition::Empty {
            column,
            negated: op == PropOp::NotEmpty,
        },
        PropOp::InLast | PropOp::MoreThanAgo => Condition::Relative {
            column,
            op: if op == PropOp::InLast {
                RelOp::InLast
            } else {
                RelOp::MoreThanAgo
            },
            duration,
        },
    }
}

/// A value as the user types it: text without quotes, dates as `2025-03-01`, yes/no.
fn literal_text(value: &LiteralValue) -> String {
    match value {
        LiteralValue::Text(s) => s.clone(),
        LiteralValue::Date(d) => format_date(*d),
        LiteralValue::Boolean(b) => if *b { "yes" } else { "no" }.to_owned(),
        other => other.to_string(),
    }
}

/// A typed value read as the column's type (what the parser reads it as), else as text.
fn literal_for(ty: Option<ColumnType>, raw: &str) -> Literal {
    let raw = raw.trim();
    let typed = matches!(
        ty,
        None | Some(
            ColumnType::Integer
                | ColumnType::Decimal
                | ColumnType::Date
                | ColumnType::DateTime
                | ColumnType::Boolean
        )
    );
    if typed
        && !raw.is_empty()
        && let Ok(Expr::Cond {
            condition: Condition::Compare { value, .. },
            ..
        }) = segment::parse(&format!("x = {raw}"))
        && !matches!(value.value, LiteralValue::Text(_))
    {
        return Literal::new(value.value);
    }
    Literal::new(LiteralValue::Text(raw.to_owned()))
}

fn property_fields(ctx: Ctx, path: &[usize], condition: &Condition) -> AnyView {
    let parts = property_parts(condition);
    let vocabulary = ctx.vocabulary.get_untracked();
    let term = vocabulary.columns.iter().find(|t| t.name == parts.column);
    let ty = term.map(|t| t.ty);
    let values_list = term.map(|t| t.values.clone()).unwrap_or_default();
    let mut columns: Vec<(String, String)> = vocabulary
        .columns
        .iter()
        .map(|t| (t.name.clone(), t.name.clone()))
        .collect();
    if term.is_none() {
        columns.insert(0, (parts.column.clone(), parts.column.clone()));
    }
    let ops = ops_for(ty);
    let current = parts.op;
    let (p_col, p_op, p_case) = (path.to_vec(), path.to_vec(), path.to_vec());
    let column_now = parts.column.clone();
    let values_now = parts.values.clone();
    let duration_now = parts.duration;
    let ignore_now = parts.ignore_case;
    let column_select = view! {
        <select
            id=ctx.id(path, "column")
            aria-label="Column"
            data-testid="builder-column"
            on:change=move |ev| {
                let name = event_target_value(&ev);
                let v = ctx.vocabulary.get_untracked();
                let ty = v.columns.iter().find(|t| t.name == name).map(|t| t.ty);
                let ops = ops_for(ty);
                let op = if ops.contains(&current) && ty == ctx.vocabulary.with_untracked(|v| v.columns.iter().find(|t| t.name == column_now).map(|t| t.ty)) { current } else { ops[0] };
                let fresh = build_property(&name, ty, op, &[default_value(&v, &name, ty)], duration_now, false);
                ctx.edit_condition(&p_col, |c| *c = fresh);
            }
        >
            {columns.into_iter().map(|(key, text)| {
                let is = key == parts.column;
                view! { <option value=key selected=is>{text}</option> }
            }).collect_view()}
        </select>
    };
    let column_name = parts.column.clone();
    let op_select = view! {
        <select
            id=ctx.id(path, "op")
            aria-label="Operator"
            data-testid="builder-op"
            on:change=move |ev| {
                let key = event_target_value(&ev);
                if let Some(op) = ops_for(ty).into_iter().find(|op| op_key(*op) == key) {
                    let fresh = build_property(&column_name, ty, op, &values_now, duration_now, ignore_now);
                    ctx.edit_condition(&p_op, |c| *c = fresh);
                }
            }
        >
            {ops.iter().map(|op| {
                let is = *op == current;
                view! { <option value=op_key(*op) selected=is>{op_label(*op, ty)}</option> }
            }).collect_view()}
        </select>
    };
    let values = value_fields(ctx, path, &parts, ty, values_list);
    let textual = matches!(
        ty,
        None | Some(ColumnType::Category | ColumnType::Text | ColumnType::Id)
    );
    let case_applies = textual
        && matches!(
            current,
            PropOp::Cmp(CmpOp::Eq | CmpOp::Ne) | PropOp::In | PropOp::NotIn | PropOp::Text(_)
        );
    let case_box = case_applies.then(|| {
        view! {
            <label class="builder-case">
                <input
                    type="checkbox"
                    id=ctx.id(path, "case")
                    data-testid="builder-ignore-case"
                    prop:checked=parts.ignore_case
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ctx.edit_condition(&p_case, |c| match c {
                            Condition::Compare { ignore_case, .. }
                            | Condition::InList { ignore_case, .. }
                            | Condition::Text { ignore_case, .. } => *ignore_case = on,
                            _ => {}
                        });
                    }
                />
                "ignoring case"
            </label>
        }
    });
    view! { {column_select} {op_select} {values} {case_box} }.into_any()
}

/// The value inputs of a property condition, as its operator needs them.
fn value_fields(
    ctx: Ctx,
    path: &[usize],
    parts: &Property,
    ty: Option<ColumnType>,
    list: Vec<String>,
) -> AnyView {
    let p = path.to_vec();
    match parts.op {
        PropOp::Empty | PropOp::NotEmpty => ().into_any(),
        PropOp::InLast | PropOp::MoreThanAgo => {
            let fields = duration_fields(ctx, path, "duration", parts.duration, |c, d| {
                if let Condition::Relative { duration, .. } = c {
                    *duration = d;
                }
            });
            let ago = (parts.op == PropOp::MoreThanAgo).then_some(view! { <span>"ago"</span> });
            view! { {fields} {ago} }.into_any()
        }
        PropOp::Cmp(_) if ty == Some(ColumnType::Boolean) => {
            let yes = matches!(
                parts.values.first().map(|l| &l.value),
                Some(LiteralValue::Boolean(true))
            );
            view! {
                <select
                    id=ctx.id(path, "value")
                    aria-label="Value"
                    data-testid="builder-value"
                    on:change=move |ev| {
                        let v = event_target_value(&ev) == "yes";
                        ctx.edit_condition(&p, |c| if let Condition::Compare { value, .. } = c {
                            *value = Literal::new(LiteralValue::Boolean(v));
                        });
                    }
                >
                    <option value="yes" selected=yes>"yes"</option>
                    <option value="no" selected=!yes>"no"</option>
                </select>
            }
            .into_any()
        }
        PropOp::Between => {
            let low = parts
                .values
                .first()
                .map(|l| literal_text(&l.value))
                .unwrap_or_default();
            let high = parts
                .values
                .get(1)
                .map(|l| literal_text(&l.value))
                .unwrap_or_default();
            let (p2, ty2) = (path.to_vec(), ty);
            view! {
                {typed_input(ctx, &p, "low", "From", low, Vec::new(), ty, |c, v| if let Condition::Between { low, .. } = c { *low = v })}
                <span>"and"</span>
                {typed_input(ctx, &p2, "high", "To", high, Vec::new(), ty2, |c, v| if let Condition::Between { high, .. } = c { *high = v })}
            }
            .into_any()
        }
        PropOp::In | PropOp::NotIn => chip_fields(ctx, path, &parts.values, ty, list),
        PropOp::Text(op) => {
            let value = parts
                .values
                .first()
                .map(|l| literal_text(&l.value))
                .unwrap_or_default();
            let label = if op == TextOp::Matches {
                "Regular expression"
            } else {
                "Text"
            };
            input_field(ctx, path, "pattern", label, value, Vec::new(), |c, v| {
                if let Condition::Text { pattern, .. } = c {
                    *pattern = Literal::new(LiteralValue::Text(v));
                }
            })
        }
        PropOp::Cmp(_) => {
            let value = parts
                .values
                .first()
                .map(|l| literal_text(&l.value))
                .unwrap_or_default();
            typed_input(ctx, path, "value", "Value", value, list, ty, |c, v| {
                if let Condition::Compare { value, .. } = c {
                    *value = v;
                }
            })
        }
    }
}

/// The values of an `in` / `not in` list as chips, each removed by its button or by Backspace in the empty
/// box after them, and a combobox that adds values on Enter or a comma and suggests the column's known
/// values. A value in double quotes may hold commas (`"Acme, Inc."`). The language has no empty list: a
/// list left without values keeps one empty text, which shows as no chip.
fn chip_fields(
    ctx: Ctx,
    path: &[usize],
    values: &[Literal],
    ty: Option<ColumnType>,
    known: Vec<String>,
) -> AnyView {
    let id = ctx.id(path, "values");
    let empty = LiteralValue::Text(String::new());
    let chosen: Vec<Literal> = values
        .iter()
        .filter(|l| l.value != empty)
        .cloned()
        .collect();
    let texts: Vec<String> = chosen.iter().map(|l| literal_text(&l.value)).collect();
    let summary = if texts.is_empty() {
        "No values chosen yet".to_owned()
    } else {
        format!("Chosen: {}", texts.join("; "))
    };
    let known = StoredValue::new(
        known
            .into_iter()
            .filter(|v| !texts.contains(v))
            .collect::<Vec<_>>(),
    );
    let (chosen, path, ids) = (
        StoredValue::new(chosen),
        StoredValue::new(path.to_vec()),
        StoredValue::new(id.clone()),
    );
    let suggestions = Suggestions::new();
    let set = move |mut values: Vec<Literal>| {
        if values.is_empty() {
            values.push(Literal::new(LiteralValue::Text(String::new())));
        }
        path.with_value(|p| {
            ctx.edit_condition(p, |c| {
                if let Condition::InList { values: old, .. } = c {
                    *old = values;
                }
            });
        });
    };
    let add = move |raws: Vec<String>| {
        let mut values = chosen.get_value();
        for raw in raws.iter().filter(|r| !r.trim().is_empty()) {
            let value = literal_for(ty, raw);
            if !values.iter().any(|v| v.value == value.value) {
                values.push(value);
            }
        }
        set(values);
    };
    let remove = move |i: usize| {
        let mut values = chosen.get_value();
        if i < values.len() {
            values.remove(i);
            set(values);
        }
    };
    let suggest = move |typed: &str| {
        let prefix = typed.trim().trim_start_matches('"').to_lowercase();
        let list: Vec<Completion> = known.with_value(|k| {
            k.iter()
                .filter(|v| v.to_lowercase().starts_with(&prefix))
                .take(MAX_SUGGESTIONS)
                .map(|v| Completion {
                    label: v.clone(),
                    insert: v.clone(),
                    kind: "value",
                })
                .collect()
        });
        suggestions.show(list);
    };
    // The builder is drawn anew in place: the box keeps its element, so it is emptied here.
    let accept = Callback::new(move |i: usize| {
        if let Some(choice) = suggestions.get(i) {
            if let Some(input) = document()
                .get_element_by_id(&ids.get_value())
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                input.set_value("");
            }
            suggestions.close();
            add(vec![choice.insert]);
        }
    });
    let on_input = move |ev: web_sys::Event| {
        let Some(input) = input_of(&ev) else { return };
        let text = input.value();
        let (parts, rest) = split_values(&text);
        if parts.is_empty() {
            suggest(&text);
            return;
        }
        let rest = rest.trim_start().to_owned();
        input.set_value("");
        add(parts);
        if !rest.is_empty() {
            let id = ids.get_value();
            set_timeout(
                move || {
                    if let Some(input) = document()
                        .get_element_by_id(&id)
                        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                    {
                        input.set_value(&rest);
                    }
                },
                std::time::Duration::from_millis(0),
            );
        }
    };
    let commit = move |input: &web_sys::HtmlInputElement| {
        let text = input.value();
        let (mut parts, rest) = split_values(&text);
        parts.push(unquote(rest));
        input.set_value("");
        suggestions.close();
        add(parts);
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let Some(input) = input_of(&ev) else { return };
        if let Some(i) = suggestions.keydown(&ev) {
            accept.run(i);
            return;
        }
        match ev.key().as_str() {
            "Enter" => {
                ev.prevent_default();
                commit(&input);
            }
            "Backspace" if input.value().is_empty() => {
                ev.prevent_default();
                remove(chosen.with_value(Vec::len).wrapping_sub(1));
            }
            "ArrowDown" => {
                ev.prevent_default();
                suggest(&input.value());
            }
            _ => {}
        }
    };
    let count = texts.len();
    let chips = texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            // The focus goes to the chip that takes this one's place, or else to the box.
            let next = if i + 1 < count {
                format!("{id}-chip-{i}")
            } else {
                id.clone()
            };
            view! {
                <li class="chip" data-testid="builder-chip">
                    <span>{text.clone()}</span>
                    <button
                        type="button"
                        class="chip-remove"
                        id=format!("{id}-chip-{i}")
                        aria-label=format!("Remove {text}")
                        on:click=move |_| {
                            remove(i);
                            focus_later(next.clone());
                        }
                    >"×"</button>
                </li>
            }
        })
        .collect_view();
    let listbox = suggestions.view(&id, accept);
    view! {
        <div class="chips-box">
            <ul class="chips" aria-label=format!("Values of the list ({count})") data-testid="builder-chips">
                {chips}
            </ul>
            <input
                id=id.clone()
                class="builder-value"
                role="combobox"
                aria-autocomplete="list"
                aria-controls=format!("{id}-suggestions")
                aria-expanded=move || suggestions.expanded()
                aria-activedescendant=move || ids.with_value(|id| suggestions.active_id(id))
                aria-label="Add a value (Enter or comma)"
                aria-describedby=format!("{id}-chosen")
                autocomplete="off"
                data-testid="builder-values"
                placeholder="add a value"
                on:input=on_input
                on:keydown=on_keydown
                on:blur=move |ev| {
                    suggestions.close();
                    if let Some(input) = input_of(&ev) && !input.value().trim().is_empty() {
                        commit(&input);
                        refocus(&ev);
                    }
                }
            />
            <span id=format!("{id}-chosen") class="visually-hidden">{summary}</span>
            {listbox}
        </div>
    }
    .into_any()
}

fn input_of(ev: &web_sys::Event) -> Option<web_sys::HtmlInputElement> {
    ev.current_target()?.dyn_into().ok()
}

/// After a change made as a field lost the focus, the focus goes on to where it was going, although the
/// builder is drawn anew.
fn refocus(ev: &web_sys::Event) {
    if let Some(id) = js_sys::Reflect::get(ev, &"relatedTarget".into())
        .ok()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|e| e.id())
        .filter(|id| !id.is_empty())
    {
        focus_later(id);
    }
}

/// What was typed into the chip box: the values before each comma outside double quotes (unquoted), and
/// the text after the last such comma, still being typed.
fn split_values(text: &str) -> (Vec<String>, &str) {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            '\\' if quoted && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => quoted = !quoted,
            ',' if !quoted => {
                parts.push(unquote(&text[start..i]));
                start = i + 1;
            }
            _ => {}
        }
        escaped = false;
    }
    parts.retain(|p| !p.is_empty());
    (parts, &text[start..])
}

/// `"a \"b\""` → `a "b"`; unquoted text is only trimmed.
fn unquote(raw: &str) -> String {
    let raw = raw.trim();
    let Some(inner) = raw
        .strip_prefix('"')
        .map(|r| r.strip_suffix('"').unwrap_or(r))
    else {
        return raw.to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut escaped = false;
    for c in inner.chars() {
        if c == '\\' && !escaped {
            escaped = true;
            continue;
        }
        escaped = false;
        out.push(c);
    }
    out
}

/// A date picker for a date condition's value. A date picked in the browser's calendar applies at once; a
/// typed one on Enter or when the field is left, so that the builder is not drawn anew under the caret
/// between the day, month and year.
fn date_field(
    ctx: Ctx,
    path: &[usize],
    field: &str,
    label: &str,
    value: String,
    set: fn(&mut Condition, Literal),
) -> AnyView {
    let (path, typing, shown) = (
        StoredValue::new(path.to_vec()),
        StoredValue::new(false),
        StoredValue::new(value.clone()),
    );
    let commit = move |ev: &web_sys::Event| {
        let Some(input) = input_of(ev) else { return };
        let text = input.value();
        typing.set_value(false);
        if text.is_empty() || shown.with_value(|s| *s == text) {
            return;
        }
        shown.set_value(text.clone());
        let date = literal_for(Some(ColumnType::Date), &text);
        path.with_value(|p| ctx.edit_condition(p, |c| set(c, date)));
    };
    view! {
        <input
            type="date"
            id=ctx.id(&path.get_value(), field)
            class="builder-date"
            aria-label=label.to_owned()
            data-testid=format!("builder-{field}")
            prop:value=value
            on:keydown=move |ev| {
                if ev.key() == "Enter" {
                    commit(&ev);
                } else if ev.key().len() == 1 || ev.key().starts_with("Arrow") {
                    typing.set_value(true);
                }
            }
            on:change=move |ev| if !typing.get_value() { commit(&ev) }
            on:blur=move |ev| {
                if typing.get_value() {
                    commit(&ev);
                    refocus(&ev);
                }
            }
        />
    }
    .into_any()
}

#[allow(clippy::too_many_arguments)]
fn typed_input(
    ctx: Ctx,
    path: &[usize],
    field: &str,
    label: &str,
    value: String,
    list: Vec<String>,
    ty: Option<ColumnType>,
    set: fn(&mut Condition, Literal),
) -> AnyView {
    let dated = matches!(ty, Some(ColumnType::Date | ColumnType::DateTime))
        && matches!(literal_for(ty, &value).value, LiteralValue::Date(_));
    if dated {
        return date_field(ctx, path, field, label, value, set);
    }
    input_field(ctx, path, field, label, value, list, move |c, raw| {
        set(c, literal_for(ty, &raw));
    })
}

#[cfg(test)]
mod tests {
    use super::{split_values, unquote};

    /// The values that typed `text` adds to a list, and what stays in the box, as `a|b|…|rest`.
    fn check(text: &str, expected: &str) {
        let (parts, rest) = split_values(text);
        assert_eq!(format!("{}|{rest}", parts.join("|")), expected, "{text:?}");
    }

    #[test]
    fn typed_values_split_at_commas_outside_quotes() {
        check("Germany", "|Germany");
        check("Germany,", "Germany|");
        check("a, b, c", "a|b| c");
        check(",,", "|");
        check("\"Acme, Inc.\", x", "Acme, Inc.| x");
        check(r#""Say \"hi\", ok","#, "Say \"hi\", ok|");
        check("\"still open, here", "|\"still open, here");
        assert_eq!(unquote(r#" "a \\ b" "#), "a \\ b");
        assert_eq!(unquote("\"unclosed"), "unclosed");
    }
}
