//! Properties of the segment language: printing is canonical and lossless, and the fast evaluator agrees
//! with the naive row-by-row one on random data.

mod segment_support;

use proptest::prelude::*;
use seglab_core::join::{self, Measure, MeasureSpec};
use seglab_core::segment::{
    self, AggFunc, CmpOp, Condition, CountOp, Duration, Expr, LinkedRef, Literal, LiteralValue,
    Name, NpsClass, RelOp, SegmentSet, SurveyFunc, TextOp, Unit,
};
use segment_support::random;

fn name() -> impl Strategy<Value = Name> {
    prop_oneof![
        prop::sample::select(vec![
            "plan",
            "Annual revenue",
            "count(Login)",
            "in",
            "not",
            "did",
            "a`b",
            "é",
            "x.y",
            "nps",
            "sum",
            "between",
            "_x1",
            "1st",
            "AND",
        ])
        .prop_map(Name::new),
        "[a-zA-Z_][a-zA-Z0-9_ ]{0,8}".prop_map(Name::new),
        "\\PC{1,6}".prop_map(Name::new),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z \"'\\\\/]{0,6}",
        "\\PC{0,6}",
        Just("a\\".to_owned()),
        Just("\\/".to_owned())
    ]
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        any::<i64>().prop_map(LiteralValue::Integer),
        any::<f64>()
            .prop_filter("finite", |v| v.is_finite())
            .prop_map(LiteralValue::Decimal),
        any::<bool>().prop_map(LiteralValue::Boolean),
        (-719_162i32..2_932_896).prop_map(LiteralValue::Date),
        text().prop_map(LiteralValue::Text),
    ]
    .prop_map(Literal::new)
}

fn number_literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        any::<i64>().prop_map(LiteralValue::Integer),
        (-1e9f64..1e9).prop_map(LiteralValue::Decimal),
    ]
    .prop_map(Literal::new)
}

fn duration() -> impl Strategy<Value = Duration> {
    (
        0..=segment::MAX_AMOUNT,
        prop::sample::select(vec![Unit::Hours, Unit::Days, Unit::Weeks, Unit::Months]),
    )
        .prop_map(|(amount, unit)| Duration { amount, unit })
}

fn cmp() -> impl Strategy<Value = CmpOp> {
    prop::sample::select(CmpOp::ALL.to_vec())
}

fn linked() -> impl Strategy<Value = LinkedRef> {
    (name(), name()).prop_map(|(file, column)| LinkedRef { file, column })
}

fn condition() -> impl Strategy<Value = Condition> {
    prop_oneof![
        (name(), cmp(), literal(), any::<bool>()).prop_map(|(column, op, value, ignore_case)| {
            Condition::Compare {
                column,
                op,
                value,
                ignore_case,
            }
        }),
        (name(), literal(), literal()).prop_map(|(column, low, high)| Condition::Between {
            column,
            low,
            high
        }),
        (
            name(),
            any::<bool>(),
            prop::collection::vec(literal(), 1..4),
            any::<bool>()
        )
            .prop_map(|(column, negated, values, ignore_case)| Condition::InList {
                column,
                negated,
                values,
                ignore_case
            }),
        (
            name(),
            prop::sample::select(vec![
                TextOp::Contains,
                TextOp::StartsWith,
                TextOp::EndsWith,
                TextOp::Matches
            ]),
            text(),
            any::<bool>()
        )
            .prop_map(|(column, op, t, ignore_case)| Condition::Text {
                column,
                op,
                pattern: Literal::new(LiteralValue::Text(t)),
                ignore_case
            }),
        (name(), any::<bool>()).prop_map(|(column, negated)| Condition::Empty { column, negated }),
        (
            name(),
            prop::sample::select(vec![RelOp::InLast, RelOp::MoreThanAgo]),
            duration()
        )
            .prop_map(|(column, op, duration)| Condition::Relative {
                column,
                op,
                duration
            }),
        (
            name(),
            prop::option::of((
                prop::sample::select(vec![CountOp::AtLeast, CountOp::AtMost, CountOp::Exactly]),
                0..=segment::MAX_AMOUNT
            )),
            prop::option::of(duration())
        )
            .prop_map(|(event, count, window)| Condition::Did {
                event,
                count,
                window
            }),
        (name(), name(), duration()).prop_map(|(first, then, within)| Condition::Then {
            first,
            then,
            within
        }),
        (name(), duration()).prop_map(|(event, window)| Condition::FirstDid { event, window }),
        (
            prop::sample::select(vec![
                AggFunc::Sum,
                AggFunc::Avg,
                AggFunc::Min,
                AggFunc::Max,
                AggFunc::Distinct
            ]),
            name(),
            name(),
            prop::option::of(duration()),
            cmp(),
            number_literal()
        )
            .prop_map(
                |(func, property, event, window, op, value)| Condition::Aggregate {
                    func,
                    property,
                    event,
                    window,
                    op,
                    value
                }
            ),
        (
            prop::sample::select(vec![SurveyFunc::Latest, SurveyFunc::Avg]),
            linked(),
            cmp(),
            number_literal()
        )
            .prop_map(|(func, column, op, value)| Condition::Survey {
                func,
                column,
                op,
                value
            }),
        (
            linked(),
            any::<bool>(),
            prop::sample::select(vec![
                NpsClass::Promoter,
                NpsClass::Passive,
                NpsClass::Detractor
            ])
        )
            .prop_map(|(column, negated, class)| Condition::Nps {
                column,
                negated,
                class
            }),
        name().prop_map(|name| Condition::InSegment { name }),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    condition()
        .prop_map(Expr::cond)
        .prop_recursive(5, 40, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
                prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::Or),
                inner.prop_map(|e| Expr::Not(Box::new(e))),
            ]
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn printing_is_lossless_and_canonical(def in expr()) {
        let printed = def.to_string();
        let parsed = segment::parse(&printed);
        prop_assert!(parsed.is_ok(), "{printed:?} does not parse: {:?}", parsed.err());
        let parsed = parsed.unwrap();
        prop_assert_eq!(&parsed, &def, "{:?}", printed);
        prop_assert_eq!(parsed.to_string(), printed);
    }

    #[test]
    fn parse_never_panics(text in "\\PC{0,40}") {
        let _ = segment::parse(&text);
    }

    #[test]
    fn parse_never_panics_on_near_definitions(def in random::definition(), cut in 0usize..200, junk in "[ ()\"`/!<>=.,a-z0-9-]{0,3}") {
        let mut text = def.clone();
        let at = (0..=cut.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        text.insert_str(at, &junk);
        let _ = segment::parse(&text);
    }
}

/// The fast evaluator gives the reference's members whatever the event-count store holds: cold, with
/// counts stored on first use, with counts stored by the measures, and after the as-of date moved.
fn agrees_with_reference(
    spec: &random::Spec,
    defs: Vec<String>,
    shift: i64,
) -> Result<(), TestCaseError> {
    // `lazy` remembers counts as definitions use them; `warmed` had the per-user measures fill its
    // count store first; a fresh dataset per evaluation has nothing stored.
    let mut lazy = spec.dataset();
    let mut warmed = spec.dataset();
    join::measures(&warmed, &MeasureSpec::with_top_events(&warmed, 20, 30));
    // Every window a random definition can name in days, weeks or months, so that they are served
    // from what the measures stored.
    let mut counts = Vec::new();
    for name in random::EVENT_NAMES {
        for days in (0..40)
            .chain((0..40).map(|k| k * 7))
            .chain((0..40).map(|k| k * 30))
        {
            counts.push(Measure::Count {
                event: Some(name.to_owned()),
                days: Some(days),
            });
        }
    }
    join::measures(&warmed, &MeasureSpec { measures: counts });
    let mut segments = SegmentSet::new();
    segments.insert("S", random::S);
    let mut exprs = Vec::new();
    for def in defs {
        let expr = segment::parse(&def);
        prop_assert!(expr.is_ok(), "{def:?}: {:?}", expr.err());
        exprs.push((def, expr.unwrap()));
    }
    // Then the as-of date moves (by whole hours) under the stored counts.
    for round in 0..2 {
        if round == 1 {
            let moved = lazy.as_of.map(|t| t + shift * 3_600);
            lazy.as_of = moved;
            warmed.as_of = moved;
        }
        let mut fresh = spec.dataset();
        fresh.as_of = lazy.as_of;
        for (def, expr) in &exprs {
            let naive = segment::reference::evaluate(expr, &fresh, &segments);
            let cold = segment::evaluate(expr, &fresh.clone(), &segments);
            prop_assert!(cold.is_ok(), "{def:?}: {:?}", cold.err());
            prop_assert_eq!(&cold, &naive, "cold: {}", def);
            let fast = segment::evaluate(expr, &lazy, &segments);
            prop_assert_eq!(&fast, &naive, "stored on first use: {}", def);
            let warm = segment::evaluate(expr, &warmed, &segments);
            prop_assert_eq!(&warm, &naive, "stored by the measures: {}", def);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn fast_evaluator_agrees_with_reference(
        spec in random::spec(40, true),
        defs in prop::collection::vec(random::definition(), 1..6),
        shift in -60i64 * 24..60 * 24,
    ) {
        agrees_with_reference(&spec, defs, shift)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// Several 64-row words, so that whole words and the ragged end are both packed.
    #[test]
    fn fast_evaluator_agrees_with_reference_over_many_users(
        spec in random::spec(300, true),
        defs in prop::collection::vec(random::definition(), 1..6),
        shift in -60i64 * 24..60 * 24,
    ) {
        agrees_with_reference(&spec, defs, shift)?;
    }
}
