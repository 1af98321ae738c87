//! A deliberately naive evaluator: one user at a time, one cell at a time through `Column::value`, every
//! pair of events for `then`. It is the oracle the fast evaluator is tested against.

use super::ast::{AggFunc, NpsClass, SurveyFunc};
use super::bind::{EventTest, Plan, SurveyTest, Test};
use crate::bitset::Bitset;
use crate::table::Value;

pub(crate) fn run(plan: &Plan<'_>, rows: usize) -> Bitset {
    Bitset::from_fn(rows, |row| member(plan, row))
}

fn member(plan: &Plan<'_>, row: usize) -> bool {
    match plan {
        Plan::And(parts) => parts.iter().all(|p| member(p, row)),
        Plan::Or(parts) => parts.iter().any(|p| member(p, row)),
        Plan::Not(inner) => !member(inner, row),
        Plan::Set(set) => set.get(row),
        Plan::Inline(inner) => member(inner, row),
        Plan::Column { column, test } => cell(column.value(row), test),
        Plan::Events { log, test } => {
            let range = log.user_range(row);
            let events: Vec<(u32, i64, usize)> =
                range.map(|i| (log.events[i], log.times[i], i)).collect();
            user_events(&events, test)
        }
        Plan::Survey {
            linked,
            column,
            test,
        } => {
            let scores: Vec<f64> = linked
                .user_range(row)
                .filter_map(|i| number(column.value(i)))
                .collect();
            match *test {
                SurveyTest::Value {
                    func: SurveyFunc::Latest,
                    op,
                    value,
                } => scores.last().is_some_and(|&x| op.test(x, value)),
                SurveyTest::Value {
                    func: SurveyFunc::Avg,
                    op,
                    value,
                } => {
                    !scores.is_empty()
                        && op.test(scores.iter().sum::<f64>() / scores.len() as f64, value)
                }
                SurveyTest::Nps { class, negated } => scores
                    .last()
                    .is_some_and(|&x| (NpsClass::of(x) == class) != negated),
            }
        }
    }
}

fn number(value: Value<'_>) -> Option<f64> {
    value.as_f64()
}

// Exact float equality is the meaning of `=` here, as in SQL.
#[allow(clippy::float_cmp)]
fn cell(value: Value<'_>, test: &Test) -> bool {
    if let Test::Empty { negated } = test {
        let empty = matches!(value, Value::Null | Value::Str(""));
        return empty != *negated;
    }
    match (value, test) {
        (Value::Null, _) => false,
        (v, Test::Num { op, value }) => number(v).is_some_and(|x| op.test(x, *value)),
        (v, Test::NumBetween { low, high }) => number(v).is_some_and(|x| *low <= x && x <= *high),
        (v, Test::NumIn { values, negated }) => {
            number(v).is_some_and(|x| values.contains(&x) != *negated)
        }
        (
            Value::Boolean(b),
            Test::Bool {
                accept_true,
                accept_false,
            },
        ) => {
            if b {
                *accept_true
            } else {
                *accept_false
            }
        }
        (Value::Date(d), Test::Ranges { ranges, negated }) => {
            in_ranges(i64::from(d), ranges) != *negated
        }
        (Value::DateTime(t), Test::Ranges { ranges, negated }) => in_ranges(t, ranges) != *negated,
        (Value::Str(s), Test::TextIn { values, negated }) => {
            values.iter().any(|v| v == s) != *negated
        }
        (Value::Str(s), Test::TextMatch { matcher, negated }) => matcher.is_match(s) != *negated,
        _ => false,
    }
}

fn in_ranges(x: i64, ranges: &[(i64, i64)]) -> bool {
    ranges.iter().any(|&(lo, hi)| lo <= x && x <= hi)
}

fn user_events(events: &[(u32, i64, usize)], test: &EventTest<'_>) -> bool {
    match *test {
        EventTest::Count {
            code,
            window,
            op,
            n,
        } => {
            let count = events
                .iter()
                .filter(|&&(e, t, _)| e == code && window.is_none_or(|w| w.contains(t)))
                .count();
            op.test(count as u32, n)
        }
        EventTest::Then {
            first,
            then,
            within,
        } => events.iter().any(|&(a, ta, _)| {
            a == first
                && events
                    .iter()
                    .any(|&(b, tb, _)| b == then && tb > ta && tb.saturating_sub(ta) <= within)
        }),
        EventTest::First { code, window } => events
            .iter()
            .filter(|&&(e, _, _)| e == code)
            .map(|&(_, t, _)| t)
            .min()
            .is_some_and(|t| window.contains(t)),
        EventTest::Aggregate {
            func,
            code,
            window,
            property,
            op,
            value,
        } => {
            let values: Vec<Value<'_>> = events
                .iter()
                .filter(|&&(e, t, _)| e == code && window.is_none_or(|w| w.contains(t)))
                .map(|&(_, _, i)| property.value(i))
                .filter(|v| *v != Value::Null)
                .collect();
            aggregate(func, &values).is_some_and(|r| op.test(r, value))
        }
    }
}

fn aggregate(func: AggFunc, values: &[Value<'_>]) -> Option<f64> {
    let numbers: Vec<f64> = values.iter().filter_map(|v| v.as_f64()).collect();
    match func {
        AggFunc::Sum => Some(numbers.iter().sum()),
        AggFunc::Avg => {
            (!numbers.is_empty()).then(|| numbers.iter().sum::<f64>() / numbers.len() as f64)
        }
        AggFunc::Min => numbers.iter().copied().reduce(f64::min),
        AggFunc::Max => numbers.iter().copied().reduce(f64::max),
        AggFunc::Distinct => {
            let mut distinct: Vec<String> = Vec::new();
            for v in values {
                let key = match *v {
                    Value::Decimal(0.0) => "0".to_owned(),
                    other => format!("{other:?}"),
                };
                if !distinct.contains(&key) {
                    distinct.push(key);
                }
            }
            Some(distinct.len() as f64)
        }
    }
}
