//! The fast evaluator: column tests scan plain slices 64 rows at a time into bitset words; event
//! conditions walk each user's slice of the event log once.

use super::ast::{AggFunc, CmpOp, CountOp, NpsClass, SurveyFunc};
use super::bind::{EventTest, Plan, SurveyTest, Test, Window};
use crate::bitset::Bitset;
use crate::dataset::{EventLog, Linked};
use crate::event_counts::{SATURATED, TimeRange};
use crate::table::{Code, Column, ColumnData};
use crate::with_codes;

pub(crate) fn run(plan: &Plan<'_>, rows: usize) -> Bitset {
    match plan {
        Plan::And(parts) => {
            let mut iter = parts.iter();
            let mut acc = iter
                .next()
                .map_or_else(|| Bitset::full(rows), |p| run(p, rows));
            for part in iter {
                if acc.count() == 0 {
                    break;
                }
                acc.and_inplace(&run(part, rows));
            }
            acc
        }
        Plan::Or(parts) => {
            let mut acc = Bitset::new(rows);
            for part in parts {
                acc.or_inplace(&run(part, rows));
            }
            acc
        }
        Plan::Not(inner) => run(inner, rows).not(),
        Plan::Set(set) => set.clone(),
        Plan::Inline(inner) => run(inner, rows),
        Plan::Column { column, test } => column_test(column, test),
        Plan::Events { log, test } => event_test(log, test, rows),
        Plan::Survey {
            linked,
            column,
            test,
        } => survey_test(linked, column, test, rows),
    }
}

/// One bit per flag (each 0 or 1), in order: eight flags at a time, gathered by one multiplication.
#[inline]
fn pack64(flags: &[u8; 64]) -> u64 {
    let mut w = 0u64;
    for (k, eight) in flags.as_chunks::<8>().0.iter().enumerate() {
        // Flag j sits at bit 8j; the product moves it to bit 56 + j, and no two terms meet or carry.
        let byte = u64::from_le_bytes(*eight).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        w |= byte << (8 * k);
    }
    w
}

/// Bits of `pred` over `values`, 64 at a time, intersected with `valid`.
#[inline]
fn scan<T: Copy>(values: &[T], valid: &Bitset, pred: impl Fn(T) -> bool) -> Bitset {
    let mut out = Bitset::new(values.len());
    // Whole words first: the predicate fills 64 flags in a loop the compiler vectorises, then they are
    // packed into the word.
    let (full, rest) = values.as_chunks::<64>();
    let words = out.words_mut();
    let valid = valid.words();
    let mut flags = [0u8; 64];
    for ((word, chunk), v) in words.iter_mut().zip(full).zip(valid) {
        for (f, &x) in flags.iter_mut().zip(chunk) {
            *f = u8::from(pred(x));
        }
        *word = pack64(&flags) & v;
    }
    if !rest.is_empty() {
        let mut w = 0u64;
        for (i, &x) in rest.iter().enumerate() {
            w |= u64::from(pred(x)) << i;
        }
        words[full.len()] = w & valid[full.len()];
    }
    out
}

/// Bits of the rows whose code is one of `codes` (at most four; with `negated`, none of them), over
/// the codes in their own width. Codes that do not fit the width match no row.
fn scan_code_in<T: Code>(values: &[T], valid: &Bitset, codes: &[u32], negated: bool) -> Bitset {
    let mut fit: Vec<T> = codes.iter().filter_map(|&c| T::narrow(c)).collect();
    let Some(&first) = fit.first() else {
        return if negated {
            valid.clone()
        } else {
            Bitset::new(values.len())
        };
    };
    if fit.len() == 1 {
        return if negated {
            scan(values, valid, |x| x != first)
        } else {
            scan(values, valid, |x| x == first)
        };
    }
    // Padded by repeating the first code: four comparisons per row, no table lookup.
    fit.resize(4, first);
    let [a, b, c, d] = [fit[0], fit[1], fit[2], fit[3]];
    let is_in = move |x: T| x == a || x == b || x == c || x == d;
    if negated {
        scan(values, valid, |x| !is_in(x))
    } else {
        scan(values, valid, is_in)
    }
}

/// Bits of the values in `[low, high]`, intersected with `valid`; one comparison when the range is
/// open at one end.
fn scan_range<T: Copy + Ord + num_bounds::Bounded>(
    values: &[T],
    valid: &Bitset,
    low: T,
    high: T,
) -> Bitset {
    if low > high {
        Bitset::new(values.len())
    } else if high == T::MAX {
        scan(values, valid, |x| x >= low)
    } else if low == T::MIN {
        scan(values, valid, |x| x <= high)
    } else {
        scan(values, valid, |x| x >= low && x <= high)
    }
}

mod num_bounds {
    /// The ends of an integer type.
    pub trait Bounded {
        const MIN: Self;
        const MAX: Self;
    }
    impl Bounded for i32 {
        const MIN: Self = i32::MIN;
        const MAX: Self = i32::MAX;
    }
    impl Bounded for i64 {
        const MIN: Self = i64::MIN;
        const MAX: Self = i64::MAX;
    }
}

/// Bits of `pred` over the rows of a text column: once per distinct value for dictionaries.
fn scan_text(column: &Column, pred: impl Fn(&str) -> bool) -> Bitset {
    let valid = column.valid();
    match column.data() {
        ColumnData::Dictionary(dict) => {
            let lut: Vec<bool> = dict.values.iter().map(&pred).collect();
            with_codes!(&dict.codes, |codes| scan(codes, valid, |c| {
                lut.get(c.index()).copied().unwrap_or(false)
            }))
        }
        ColumnData::Strings(strings) => {
            let mut out = Bitset::new(strings.len());
            for row in valid.iter() {
                if pred(strings.get(row)) {
                    out.set(row, true);
                }
            }
            out
        }
        _ => Bitset::new(column.len()),
    }
}

/// Numeric values as f64, tested by `pred`.
fn scan_numbers(column: &Column, pred: impl Fn(f64) -> bool) -> Bitset {
    match column.data() {
        ColumnData::Integer(v) => scan(v, column.valid(), |x| pred(x as f64)),
        ColumnData::Decimal(v) => scan(v, column.valid(), pred),
        _ => Bitset::new(column.len()),
    }
}

/// Date (days) or date-time (seconds) values as i64, tested by `pred`.
fn scan_ordinals(column: &Column, pred: impl Fn(i64) -> bool) -> Bitset {
    match column.data() {
        ColumnData::Date(v) => scan(v, column.valid(), |x| pred(i64::from(x))),
        ColumnData::DateTime(v) => scan(v, column.valid(), pred),
        _ => Bitset::new(column.len()),
    }
}

/// The smallest integer `x` with `test(x as f64)`, for a test that is false up to some `x` and true from
/// there on (`x as f64` never decreases as `x` grows); `None` when it is never true.
fn first_integer(test: impl Fn(f64) -> bool) -> Option<i64> {
    // Invariant: the answer is in `(low, high]`, and `test(high)` holds.
    let (mut low, mut high) = (i128::from(i64::MIN) - 1, i128::from(i64::MAX));
    if !test(i64::MAX as f64) {
        return None;
    }
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        // `mid` lies within i64 here, as `low < mid < high`.
        if test(mid as i64 as f64) {
            high = mid;
        } else {
            low = mid;
        }
    }
    i64::try_from(high).ok()
}

/// The integers `x` for which `op.test(x as f64, value)` holds, as an inclusive range `[low, high]`
/// (empty when `low > high`) and whether they are inside it (`true`) or outside it (`false`); `None` for
/// a NaN value.
#[allow(clippy::float_cmp)]
fn integer_interval(op: CmpOp, value: f64) -> Option<(i64, i64, bool)> {
    if value.is_nan() {
        return None;
    }
    // Integers from which `x >= value`, and from which `x > value`; i64::MAX + 1 stands for "none".
    let ge = first_integer(|x| x >= value).map_or(i128::from(i64::MAX) + 1, i128::from);
    let gt = first_integer(|x| x > value).map_or(i128::from(i64::MAX) + 1, i128::from);
    let (low, high, inside) = match op {
        CmpOp::Ge => (ge, i128::from(i64::MAX), true),
        CmpOp::Gt => (gt, i128::from(i64::MAX), true),
        CmpOp::Lt => (i128::from(i64::MIN), ge - 1, true),
        CmpOp::Le => (i128::from(i64::MIN), gt - 1, true),
        CmpOp::Eq => (ge, gt - 1, true),
        CmpOp::Ne => (ge, gt - 1, false),
    };
    if low > high {
        // Empty: every row fails (or, outside it, every row passes).
        return Some((1, 0, inside));
    }
    Some((i64::try_from(low).ok()?, i64::try_from(high).ok()?, inside))
}

// Exact float equality is the meaning of `=` here, as in SQL.
#[allow(clippy::float_cmp)]
fn column_test(column: &Column, test: &Test) -> Bitset {
    let valid = column.valid();
    match test {
        Test::Num { op, value } => {
            let value = *value;
            if let ColumnData::Integer(v) = column.data()
                && let Some((low, high, inside)) = integer_interval(*op, value)
            {
                // The same test in integers: no conversion per row.
                return if inside {
                    scan_range(v, valid, low, high)
                } else {
                    scan(v, valid, |x| x < low || x > high)
                };
            }
            match op {
                CmpOp::Eq => scan_numbers(column, |x| x == value),
                CmpOp::Ne => scan_numbers(column, |x| x != value),
                CmpOp::Lt => scan_numbers(column, |x| x < value),
                CmpOp::Le => scan_numbers(column, |x| x <= value),
                CmpOp::Gt => scan_numbers(column, |x| x > value),
                CmpOp::Ge => scan_numbers(column, |x| x >= value),
            }
        }
        Test::NumBetween { low, high } => scan_numbers(column, |x| x >= *low && x <= *high),
        Test::NumIn { values, negated } => {
            scan_numbers(column, |x| values.contains(&x) != *negated)
        }
        Test::Bool {
            accept_true,
            accept_false,
        } => match column.data() {
            ColumnData::Boolean(bits) => match (accept_true, accept_false) {
                (true, true) => valid.clone(),
                (true, false) => bits.and(valid),
                (false, true) => valid.and_not(bits),
                (false, false) => Bitset::new(column.len()),
            },
            _ => Bitset::new(column.len()),
        },
        Test::Ranges { ranges, negated } => match ranges.as_slice() {
            [(lo, hi)] if !negated => match column.data() {
                // Days compared as days, no widening per row.
                ColumnData::Date(days) => match (i32::try_from(*lo), i32::try_from(*hi)) {
                    _ if lo > hi => Bitset::new(column.len()),
                    (Ok(lo), Ok(hi)) => scan_range(days, valid, lo, hi),
                    (Err(_), Ok(hi)) if *lo < 0 => scan_range(days, valid, i32::MIN, hi),
                    (Ok(lo), Err(_)) if *hi > 0 => scan_range(days, valid, lo, i32::MAX),
                    (Err(_), Err(_)) if *lo < 0 && *hi > 0 => valid.clone(),
                    // The range lies wholly before or after every date.
                    _ => Bitset::new(column.len()),
                },
                ColumnData::DateTime(v) => scan_range(v, valid, *lo, *hi),
                _ => scan_ordinals(column, |x| x >= *lo && x <= *hi),
            },
            _ => scan_ordinals(column, |x| {
                ranges.iter().any(|&(lo, hi)| x >= lo && x <= hi) != *negated
            }),
        },
        Test::TextIn { values, negated } => {
            if let ColumnData::Dictionary(dict) = column.data()
                && let [value] = values.as_slice()
            {
                // One code to compare against, found once.
                let code = dict.code_of(value);
                return with_codes!(&dict.codes, |codes| scan_code_in(
                    codes,
                    valid,
                    code.as_slice(),
                    *negated
                ));
            }
            if let ColumnData::Dictionary(dict) = column.data()
                && (2..=4).contains(&values.len())
            {
                // A few codes, compared directly (no table lookup per row). Values absent from the
                // column match no row; the list is padded by repeating its first code.
                let codes: Vec<u32> = values.iter().filter_map(|v| dict.code_of(v)).collect();
                return with_codes!(&dict.codes, |v| scan_code_in(v, valid, &codes, *negated));
            }
            scan_text(column, |s| values.iter().any(|v| v == s) != *negated)
        }
        Test::TextMatch { matcher, negated } => {
            scan_text(column, |s| matcher.is_match(s) != *negated)
        }
        Test::Empty { negated } => {
            let empty_text = match column.data() {
                ColumnData::Dictionary(_) | ColumnData::Strings(_) => {
                    Some(scan_text(column, str::is_empty))
                }
                _ => None,
            };
            let mut empty = valid.not();
            if let Some(e) = empty_text {
                empty.or_inplace(&e);
            }
            if *negated { empty.not() } else { empty }
        }
    }
}

/// Calls `f(user, range)` for every user, building the result word by word.
fn per_user(
    log: &EventLog,
    rows: usize,
    mut f: impl FnMut(std::ops::Range<usize>) -> bool,
) -> Bitset {
    let mut out = Bitset::new(rows);
    let offsets = &log.offsets;
    for (wi, word) in out.words_mut().iter_mut().enumerate() {
        let base = wi * 64;
        let end = (base + 64).min(rows);
        let mut w = 0u64;
        for u in base..end {
            let range = offsets[u] as usize..offsets[u + 1] as usize;
            w |= u64::from(f(range)) << (u - base);
        }
        *word = w;
    }
    out
}

const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte lane where the lane of `x` is at least the lane of `y` (unsigned), with
/// eight lanes in one 64-bit integer: the low seven bits are compared by a subtraction that cannot
/// borrow across lanes, the high bits decide the rest.
#[inline]
fn lanes_ge(x: u64, y: u64) -> u64 {
    let low_ge = (x | HIGH).wrapping_sub(y & LOW);
    ((x & !y) | (!(x ^ y) & low_ge)) & HIGH
}

/// The high bit of each byte lane where the lanes of `x` and `y` are equal.
#[inline]
fn lanes_eq(x: u64, y: u64) -> u64 {
    let t = x ^ y;
    // A lane of `t` is non-zero when its low seven bits carry into the high bit or the high bit is set.
    !((((t & LOW) + LOW) | t) & HIGH) & HIGH
}

/// The bits of the high bits of eight byte lanes, in lane order.
#[inline]
fn gather_high(lanes: u64) -> u64 {
    ((lanes >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Bits over one byte per row where `lanes` (given eight bytes as a little-endian integer) sets the high
/// bit of the byte's lane; `pred` is the same test on one byte, for the ragged end.
#[inline]
fn scan_bytes(values: &[u8], lanes: impl Fn(u64) -> u64, pred: impl Fn(u8) -> bool) -> Bitset {
    let mut out = Bitset::new(values.len());
    let (full, rest) = values.as_chunks::<64>();
    let words = out.words_mut();
    for (word, chunk) in words.iter_mut().zip(full) {
        let mut w = 0u64;
        for (k, eight) in chunk.as_chunks::<8>().0.iter().enumerate() {
            w |= gather_high(lanes(u64::from_le_bytes(*eight))) << (8 * k);
        }
        *word = w;
    }
    if !rest.is_empty() {
        let mut w = 0u64;
        for (i, &x) in rest.iter().enumerate() {
            w |= u64::from(pred(x)) << i;
        }
        words[full.len()] = w;
    }
    out
}

/// `did E op n times` from the stored per-user counts. A saturated count means "255 or more", which decides
/// every test with `n` below 255; for larger `n` those users' events are counted again.
fn count_test(
    log: &EventLog,
    counts: &[u8],
    code: u32,
    range: TimeRange,
    op: CountOp,
    n: u32,
) -> Bitset {
    if let Ok(n) = u8::try_from(n)
        && n != SATURATED
    {
        let ns = ONES * u64::from(n);
        return match op {
            CountOp::AtLeast => scan_bytes(counts, |x| lanes_ge(x, ns), |c| c >= n),
            CountOp::AtMost => scan_bytes(counts, |x| lanes_ge(ns, x), |c| c <= n),
            CountOp::Exactly => scan_bytes(counts, |x| lanes_eq(x, ns), |c| c == n),
        };
    }
    // `n` is 255 or more: below saturation no count reaches it except by `at most`.
    let mut out = match op {
        CountOp::AtLeast | CountOp::Exactly => scan_bytes(
            counts,
            |x| lanes_eq(x, ONES * u64::from(SATURATED)),
            |c| c == SATURATED,
        ),
        CountOp::AtMost => Bitset::full(counts.len()),
    };
    for (u, _) in counts.iter().enumerate().filter(|&(_, &c)| c == SATURATED) {
        let exact = u32::try_from(log.count_of(u, code, range)).unwrap_or(u32::MAX);
        out.set(u, op.test(exact, n));
    }
    out
}

fn event_test(log: &EventLog, test: &EventTest<'_>, rows: usize) -> Bitset {
    let events = log.events.as_slice();
    let times = log.times.as_slice();
    match *test {
        EventTest::Count {
            code,
            window,
            op,
            n,
        } => {
            let range = window.map_or(TimeRange::ALL, |w| TimeRange::after_until(w.after, w.until));
            match log.counts_in(code, range) {
                Some(counts) => count_test(log, &counts, code, range, op, n),
                // No event falls in the window: everyone counts 0.
                None if op.test(0, n) => Bitset::full(rows),
                None => Bitset::new(rows),
            }
        }
        EventTest::Then {
            first,
            then,
            within,
        } => per_user(log, rows, |range| {
            // Events are sorted by time. `before` is the latest `first` at a time strictly before the
            // current event's; `pending` is one at the current time, usable from the next time on.
            let (mut before, mut pending, mut now) = (None::<i64>, None::<i64>, i64::MIN);
            for (&e, &t) in events[range.clone()].iter().zip(&times[range]) {
                if t != now {
                    before = pending.or(before);
                    pending = None;
                    now = t;
                }
                if e == then && before.is_some_and(|a| t.saturating_sub(a) <= within) {
                    return true;
                }
                if e == first {
                    pending = Some(t);
                }
            }
            false
        }),
        EventTest::First { code, window } => {
            let firsts = log.first_times(code);
            scan(&firsts.times, &firsts.seen, |t| window.contains(t))
        }
        EventTest::Aggregate {
            func,
            code,
            window,
            property,
            op,
            value,
        } => aggregate(log, rows, func, code, window, property, op, value),
    }
}

#[allow(clippy::too_many_arguments)]
fn aggregate(
    log: &EventLog,
    rows: usize,
    func: AggFunc,
    code: u32,
    window: Option<Window>,
    property: &Column,
    op: CmpOp,
    value: f64,
) -> Bitset {
    let events = log.events.as_slice();
    let times = log.times.as_slice();
    let valid = property.valid();
    let selected =
        |i: usize| events[i] == code && window.is_none_or(|w| w.contains(times[i])) && valid.get(i);
    if func == AggFunc::Distinct {
        let mut keys: Vec<u64> = Vec::new();
        let mut texts: Vec<&str> = Vec::new();
        return per_user(log, rows, |range| {
            keys.clear();
            texts.clear();
            for i in range.filter(|&i| selected(i)) {
                match property.data() {
                    ColumnData::Integer(v) | ColumnData::DateTime(v) => keys.push(v[i] as u64),
                    ColumnData::Decimal(v) => {
                        keys.push(if v[i] == 0.0 { 0 } else { v[i].to_bits() });
                    }
                    ColumnData::Boolean(b) => keys.push(u64::from(b.get(i))),
                    ColumnData::Date(v) => keys.push(i64::from(v[i]) as u64),
                    ColumnData::Dictionary(d) => keys.push(u64::from(d.codes.get(i))),
                    ColumnData::Strings(s) => texts.push(s.get(i)),
                }
            }
            keys.sort_unstable();
            keys.dedup();
            texts.sort_unstable();
            texts.dedup();
            op.test((keys.len() + texts.len()) as f64, value)
        });
    }
    let number = |i: usize| match property.data() {
        ColumnData::Integer(v) => v[i] as f64,
        ColumnData::Decimal(v) => v[i],
        _ => f64::NAN,
    };
    per_user(log, rows, |range| {
        let (mut n, mut sum, mut min, mut max) = (0usize, 0.0f64, f64::INFINITY, f64::NEG_INFINITY);
        for i in range.filter(|&i| selected(i)) {
            let x = number(i);
            n += 1;
            sum += x;
            min = min.min(x);
            max = max.max(x);
        }
        let result = match func {
            AggFunc::Sum => Some(sum),
            AggFunc::Avg => (n > 0).then(|| sum / n as f64),
            AggFunc::Min => (n > 0).then_some(min),
            AggFunc::Max => (n > 0).then_some(max),
            AggFunc::Distinct => None,
        };
        result.is_some_and(|r| op.test(r, value))
    })
}

fn survey_test(linked: &Linked, column: &Column, test: &SurveyTest, rows: usize) -> Bitset {
    let valid = column.valid();
    let number = |i: usize| match column.data() {
        ColumnData::Integer(v) => v[i] as f64,
        ColumnData::Decimal(v) => v[i],
        _ => f64::NAN,
    };
    let offsets = &linked.offsets;
    Bitset::from_fn(rows, |u| {
        let mut range = offsets[u] as usize..offsets[u + 1] as usize;
        let latest = || range.clone().rev().find(|&i| valid.get(i)).map(number);
        match *test {
            SurveyTest::Value {
                func: SurveyFunc::Latest,
                op,
                value,
            } => latest().is_some_and(|x| op.test(x, value)),
            SurveyTest::Value {
                func: SurveyFunc::Avg,
                op,
                value,
            } => {
                let (mut n, mut sum) = (0usize, 0.0);
                for i in range.by_ref().filter(|&i| valid.get(i)) {
                    n += 1;
                    sum += number(i);
                }
                n > 0 && op.test(sum / n as f64, value)
            }
            SurveyTest::Nps { class, negated } => {
                latest().is_some_and(|x| (NpsClass::of(x) == class) != negated)
            }
        }
    })
}
