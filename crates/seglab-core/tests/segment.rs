//! The segment language through its public API: each case is a definition, its canonical text and the
//! members it selects in the eight-user fixture (`segment_support::fixture`), or the error it reports.

// expect-test writes every snapshot as r#"…"#.
#![allow(clippy::needless_raw_string_hashes)]

mod segment_support;

use expect_test::{Expect, expect};
use seglab_core::segment::{self, Segment, SegmentSet};
use std::fmt::Write as _;

/// Parses, prints and evaluates `text` against the fixture; members are listed by `id`.
fn check(text: &str, expected: &Expect) {
    check_with(text, &[], expected);
}

fn check_with(text: &str, others: &[(&str, &str)], expected: &Expect) {
    let data = segment_support::fixture();
    let mut set = SegmentSet::new();
    for (name, def) in others {
        set.insert(name, def);
    }
    let actual = match segment::parse(text) {
        Err(e) => render_error(text, &e),
        Ok(expr) => {
            let canonical = expr.to_string();
            let reparsed = segment::parse(&canonical).expect("canonical text parses");
            assert_eq!(
                reparsed, expr,
                "canonical text {canonical:?} means something else"
            );
            match segment::evaluate(&expr, &data, &set) {
                Ok(members) => {
                    let naive = segment::reference::evaluate(&expr, &data, &set)
                        .expect("reference agrees on errors");
                    assert_eq!(
                        members, naive,
                        "fast and reference evaluators disagree on {text:?}"
                    );
                    let ids: Vec<String> = members.iter().map(|r| (r + 1).to_string()).collect();
                    format!("{canonical}\nmembers: {}", ids.join(" "))
                }
                Err(e) => format!("{canonical}\n{}", render_error(text, &e)),
            }
        }
    };
    expected.assert_eq(&actual);
}

fn render_error(text: &str, e: &segment::SegmentError) -> String {
    let place = match e.span {
        Some((s, t)) => format!("at {s}..{t} `{}`", text.get(s..t).unwrap_or("?")),
        None => "nowhere".to_owned(),
    };
    let suggestions = if e.suggestions.is_empty() {
        String::new()
    } else {
        format!(" {:?}", e.suggestions)
    };
    format!("error {:?} {place}: {}{suggestions}", e.kind, e.message)
}

#[test]
fn text_comparisons() {
    check(
        r#"plan = "trial""#,
        &expect![[r#"
        plan = "trial"
        members: 1 3 8"#]],
    );
    check(
        r#"plan != "trial""#,
        &expect![[r#"
        plan != "trial"
        members: 2 4 6 7"#]],
    );
    check(
        r#"plan == "trial" ignoring case"#,
        &expect![[r#"
        plan = "trial" ignoring case
        members: 1 3 6 8"#]],
    );
    check(
        r#"plan <> "TRIAL" ignoring case"#,
        &expect![[r#"
        plan != "TRIAL" ignoring case
        members: 2 4 7"#]],
    );
    check(
        r#"country in ("SE", "NO")"#,
        &expect![[r#"
        country in ("SE", "NO")
        members: 1 2 4 8"#]],
    );
    check(
        r#"country not in ('SE', "NO")"#,
        &expect![[r#"
        country not in ("SE", "NO")
        members: 3 5 6"#]],
    );
    check(
        r#"plan in ("trial", "free", "gold")"#,
        &expect![[r#"
            plan in ("trial", "free", "gold")
            members: 1 3 4 8"#]],
    );
    check(
        r#"plan not in ("trial", "free", "pro")"#,
        &expect![[r#"
            plan not in ("trial", "free", "pro")
            members: 6"#]],
    );
    check(
        r#"plan not in ("gold", "silver", "pro", "free")"#,
        &expect![[r#"
            plan not in ("gold", "silver", "pro", "free")
            members: 1 3 6 8"#]],
    );
    check(
        r#"plan in ("gold", "silver")"#,
        &expect![[r#"
            plan in ("gold", "silver")
            members: "#]],
    );
    check(
        r#"plan not in ("gold", "silver")"#,
        &expect![[r#"
            plan not in ("gold", "silver")
            members: 1 2 3 4 6 7 8"#]],
    );
    check(
        r#"country in ("se") ignoring case"#,
        &expect![[r#"
        country in ("se") ignoring case
        members: 1 4 5"#]],
    );
    check(
        r#"email contains "acme""#,
        &expect![[r#"
        email contains "acme"
        members: 1 3 8"#]],
    );
    check(
        r#"email contains "ACME" ignoring case"#,
        &expect![[r#"
        email contains "ACME" ignoring case
        members: 1 3 6 8"#]],
    );
    check(
        r#"email starts with "bo@""#,
        &expect![[r#"
        email starts with "bo@"
        members: 2"#]],
    );
    check(
        r#"email ends with "acme.com""#,
        &expect![[r#"
        email ends with "acme.com"
        members: 1 3 8"#]],
    );
    check(
        r#"email ends with ".COM" ignoring case"#,
        &expect![[r#"
        email ends with ".COM" ignoring case
        members: 1 3 6 8"#]],
    );
    check(
        r#"email matches /^[a-c].*@acme\.com$/"#,
        &expect![[r#"
        email matches /^[a-c].*@acme\.com$/
        members: 1 3"#]],
    );
    check(
        r#"email matches /\/x@/"#,
        &expect![[r#"
        email matches /\/x@/
        members: 8"#]],
    );
    check(
        r#"email matches "^E" ignoring case"#,
        &expect![[r#"
        email matches /^E/ ignoring case
        members: 6"#]],
    );
    check(
        r#"email is empty"#,
        &expect![[r#"
        email is empty
        members: 4 5"#]],
    );
    check(
        r#"email is not empty"#,
        &expect![[r#"
        email is not empty
        members: 1 2 3 6 7 8"#]],
    );
    check(
        r#"`count(Login)` = "007""#,
        &expect![[r#"
        `count(Login)` = "007"
        members: 1 4"#]],
    );
}

#[test]
fn number_boolean_and_date_comparisons() {
    check(
        "seats > 5",
        &expect![[r#"
        seats > 5
        members: 2 6 7"#]],
    );
    check(
        "seats >= 5 and seats <= 10",
        &expect![[r#"
        seats >= 5 and seats <= 10
        members: 3 7 8"#]],
    );
    check(
        "seats between 3 and 10",
        &expect![[r#"
        seats between 3 and 10
        members: 3 5 7 8"#]],
    );
    check(
        "seats in (1, 40)",
        &expect![[r#"
        seats in (1, 40)
        members: 1 6"#]],
    );
    check(
        "seats not in (1, 40)",
        &expect![[r#"
        seats not in (1, 40)
        members: 2 3 5 7 8"#]],
    );
    check(
        "seats != 5",
        &expect![[r#"
        seats != 5
        members: 1 2 5 6 7"#]],
    );
    check(
        "seats is empty",
        &expect![[r#"
        seats is empty
        members: 4"#]],
    );
    check(
        "`Annual revenue` < 5000",
        &expect![[r#"
        `Annual revenue` < 5000
        members: 1 3 4"#]],
    );
    check(
        "`Annual revenue` >= 4999.99",
        &expect![[r#"
        `Annual revenue` >= 4999.99
        members: 2 3 6 7 8"#]],
    );
    check(
        "converted = yes",
        &expect![[r#"
        converted = yes
        members: 2 3 7"#]],
    );
    check(
        "converted = false",
        &expect![[r#"
        converted = no
        members: 1 4 5 8"#]],
    );
    check(
        r#"converted = "No""#,
        &expect![[r#"
        converted = "No"
        members: 1 4 5 8"#]],
    );
    check(
        "converted != yes",
        &expect![[r#"
        converted != yes
        members: 1 4 5 8"#]],
    );
    check(
        "signup_date before 2025-03-01",
        &expect![[r#"
        signup_date before 2025-03-01
        members: 2 6"#]],
    );
    check(
        "signup_date after 2025-05-31",
        &expect![[r#"
        signup_date after 2025-05-31
        members: 1 4"#]],
    );
    check(
        "signup_date <= 2025-03-01",
        &expect![[r#"
        signup_date <= 2025-03-01
        members: 2 6 7"#]],
    );
    check(
        "signup_date between 2025-03-01 and 2025-05-31",
        &expect![[r#"
        signup_date between 2025-03-01 and 2025-05-31
        members: 3 7 8"#]],
    );
    check(
        "signup_date = 2025-06-30",
        &expect![[r#"
        signup_date = 2025-06-30
        members: 4"#]],
    );
    check(
        "last_seen = 2025-03-01",
        &expect![[r#"
        last_seen = 2025-03-01
        members: 3 7"#]],
    );
    check(
        "last_seen after 2025-06-29",
        &expect![[r#"
        last_seen after 2025-06-29
        members: 5"#]],
    );
    check(
        "last_seen before 2025-03-02",
        &expect![[r#"
        last_seen before 2025-03-02
        members: 3 6 7"#]],
    );
}

#[test]
fn relative_dates() {
    // as_of is 2025-06-30 12:00:00.
    check(
        "signup_date in last 10 days",
        &expect![[r#"
        signup_date in last 10 days
        members: 4"#]],
    );
    check(
        "signup_date in the last 1 month",
        &expect![[r#"
        signup_date in last 1 month
        members: 1 4"#]],
    );
    check(
        "signup_date more than 3 months ago",
        &expect![[r#"
        signup_date more than 3 months ago
        members: 2 6 7"#]],
    );
    check(
        "last_seen in last 12 hours",
        &expect![[r#"
        last_seen in last 12 hours
        members: 5"#]],
    );
    check(
        "last_seen in last 1 day",
        &expect![[r#"
        last_seen in last 1 day
        members: 1 5"#]],
    );
    check(
        "last_seen more than 2 weeks ago",
        &expect![[r#"
        last_seen more than 2 weeks ago
        members: 2 3 6 7 8"#]],
    );
}

#[test]
fn behaviour() {
    check(
        r#"did "Login""#,
        &expect![[r#"
        did "Login"
        members: 1 2 5"#]],
    );
    check(
        r#"did "Export report" at least 3 times"#,
        &expect![[r#"
        did "Export report" at least 3 times
        members: 1"#]],
    );
    check(
        r#"did "Export report" at least 1 time in last 30 days"#,
        &expect![[r#"
        did "Export report" at least 1 time in last 30 days
        members: 1 7"#]],
    );
    check(
        r#"did "Login" at most 1 time"#,
        &expect![[r#"
        did "Login" at most 1 time
        members: 1 3 4 5 6 7 8"#]],
    );
    check(
        r#"did "Purchase" exactly 2 times in the last 3 weeks"#,
        &expect![[r#"
        did "Purchase" exactly 2 times in last 3 weeks
        members: 2"#]],
    );
    check(
        r#"not did "Login" in last 60 days"#,
        &expect![[r#"
        not did "Login" in last 60 days
        members: 3 4 5 6 7 8"#]],
    );
    check(
        r#"did "Signup" then "Upgrade" within 14 days"#,
        &expect![[r#"
        did "Signup" then "Upgrade" within 14 days
        members: 1"#]],
    );
    check(
        r#"did "Upgrade" then "Signup" within 1 day"#,
        &expect![[r#"
        did "Upgrade" then "Signup" within 1 day
        members: 8"#]],
    );
    check(
        r#"did "Export report" then "Export report" within 1 day"#,
        &expect![[r#"
        did "Export report" then "Export report" within 1 day
        members: 1"#]],
    );
    check(
        r#"first did "Signup" in last 30 days"#,
        &expect![[r#"
        first did "Signup" in last 30 days
        members: 1 4 8"#]],
    );
    check(
        r#"sum("amount") of "Purchase" > 100"#,
        &expect![[r#"
        sum(amount) of "Purchase" > 100
        members: 2 3"#]],
    );
    check(
        r#"sum(amount) of "Purchase" < 100"#,
        &expect![[r#"
        sum(amount) of "Purchase" < 100
        members: 1 4 5 6 7 8"#]],
    );
    check(
        r#"avg(amount) of "Purchase" in last 30 days = 60"#,
        &expect![[r#"
        avg(amount) of "Purchase" in last 30 days = 60
        members: 2"#]],
    );
    check(
        r#"max(amount) of "Purchase" >= 150"#,
        &expect![[r#"
        max(amount) of "Purchase" >= 150
        members: 3"#]],
    );
    check(
        r#"distinct(page) of "Export report" >= 2"#,
        &expect![[r#"
        distinct(page) of "Export report" >= 2
        members: 1"#]],
    );
}

#[test]
fn sentiment() {
    check(
        "nps(nps.score) = promoter",
        &expect![[r#"
        nps(nps.score) = promoter
        members: 1"#]],
    );
    check(
        "nps(nps.score) = passive",
        &expect![[r#"
        nps(nps.score) = passive
        members: 2 4"#]],
    );
    check(
        "nps(nps.score) = detractor",
        &expect![[r#"
        nps(nps.score) = detractor
        members: 3 7"#]],
    );
    check(
        "nps(nps.score) != promoter",
        &expect![[r#"
        nps(nps.score) != promoter
        members: 2 3 4 7"#]],
    );
    check(
        "latest(nps.score) >= 7",
        &expect![[r#"
        latest(nps.score) >= 7
        members: 1 2 4"#]],
    );
    check(
        "avg(nps.score) < 7",
        &expect![[r#"
        avg(nps.score) < 7
        members: 3 7"#]],
    );
}

#[test]
fn logic_and_precedence() {
    check(
        r#"plan = "trial" and converted = no and country in ("SE", "NO")"#,
        &expect![[r#"
        plan = "trial" and converted = no and country in ("SE", "NO")
        members: 1 8"#]],
    );
    check(
        r#"plan = "pro" or plan = "free" and seats > 100"#,
        &expect![[r#"
        plan = "pro" or plan = "free" and seats > 100
        members: 2 7"#]],
    );
    check(
        r#"(plan = "pro" or plan = "free") and seats > 10"#,
        &expect![[r#"
        (plan = "pro" or plan = "free") and seats > 10
        members: 2"#]],
    );
    check(
        r#"not plan = "trial""#,
        &expect![[r#"
        not plan = "trial"
        members: 2 4 5 6 7"#]],
    );
    check(
        r#"NOT (plan = "trial" OR converted = yes)"#,
        &expect![[r#"
        not (plan = "trial" or converted = yes)
        members: 4 5 6"#]],
    );
    check(
        r#"not not converted = yes"#,
        &expect![[r#"
        not not converted = yes
        members: 2 3 7"#]],
    );
    check(
        r#"((seats > 1) and ((seats < 12)))"#,
        &expect![[r#"
        seats > 1 and seats < 12
        members: 3 5 7 8"#]],
    );
}

#[test]
fn segment_membership() {
    let others = [
        ("Trials", r#"plan = "trial""#),
        ("Big", "seats >= 10"),
        ("Loop A", r#"in segment "Loop B""#),
    ];
    let others = &[
        others[0],
        others[1],
        others[2],
        ("Loop B", r#"seats > 1 and in segment "Loop A""#),
    ];
    check_with(
        r#"in segment "Trials""#,
        others,
        &expect![[r#"
        in segment "Trials"
        members: 1 3 8"#]],
    );
    check_with(
        r#"not in segment "Trials" and not in segment "Big""#,
        others,
        &expect![[r#"
        not in segment "Trials" and not in segment "Big"
        members: 4 5"#]],
    );
    check_with(
        r#"in segment "Trails""#,
        others,
        &expect![[r#"
        in segment "Trails"
        error UnknownSegment at 11..19 `"Trails"`: there is no segment `Trails`; did you mean `Trials`? ["Trials"]"#]],
    );
    check_with(
        r#"in segment "Loop A""#,
        others,
        &expect![[r#"
        in segment "Loop A"
        error Cycle at 11..19 `"Loop A"`: segments refer to each other in a circle: "Loop A" → "Loop B" → "Loop A"; remove one of these `in segment` conditions"#]],
    );
}

#[test]
fn syntax_errors_point_at_the_text() {
    check(
        r#"plan = trial"#,
        &expect![[
            r#"error Syntax at 7..12 `trial`: expected a value; text goes in double quotes: "trial" ["\"trial\""]"#
        ]],
    );
    check(
        r#"plan = "trial" converted = no"#,
        &expect![
            "error Syntax at 15..24 `converted`: unexpected `converted` after a complete condition; join conditions with `and` or `or`"
        ],
    );
    check(
        r#"plan = "trial" and"#,
        &expect!["error Syntax at 18..18 ``: expected a condition, but the definition ends here"],
    );
    check(
        r#"(plan = "trial""#,
        &expect![
            "error Syntax at 15..15 ``: expected `)` to close the `(` at byte 0, but the definition ends here"
        ],
    );
    check(
        r#"plan = "trial"#,
        &expect![[
            r#"error Syntax at 7..13 `"trial`: text starting here is never closed: add a closing ""#
        ]],
    );
    check(
        r#"Annual revenue > 5"#,
        &expect![[
            r#"error Syntax at 7..14 `revenue`: expected a comparison after `Annual`: =, !=, <, >, between, in, contains, starts with, ends with, matches, is empty, before, after, found `revenue`; if the column's name has a space, write it in backticks: `Annual revenue` ["`Annual revenue`"]"#
        ]],
    );
    check(
        r#"[Annual revenue] > 5"#,
        &expect![
            "error Syntax at 0..1 `[`: unexpected character `[`: put names with spaces or symbols in backticks, like `Annual revenue`"
        ],
    );
    check(
        r#"did not "Login""#,
        &expect![[
            r#"error Syntax at 4..7 `not`: write `not did "…"` rather than `did not "…"`, found `not` ["not did"]"#
        ]],
    );
    check(
        r#"did "Login" at least 3"#,
        &expect![[
            r#"error Syntax at 22..22 ``: expected `times` after the number, but the definition ends here ["times"]"#
        ]],
    );
    check(
        r#"signup_date in last 3 fortnights"#,
        &expect![[
            r#"error Syntax at 22..32 `fortnights`: expected a unit of time: hours, days, weeks or months, found `fortnights` ["days", "weeks", "months"]"#
        ]],
    );
    check(
        r#"signup_date > 2025-02-30"#,
        &expect![
            "error Syntax at 14..24 `2025-02-30`: `2025-02-30` is not a calendar date: write year-month-day, like 2025-03-01"
        ],
    );
    check(
        r#"count > 3"#,
        &expect![[r#"
        count > 3
        error UnknownColumn at 0..5 `count`: there is no column `count`; did you mean `count(Login)` or `country`? ["count(Login)", "country"]"#]],
    );
    check(
        r#"seats is 3"#,
        &expect![[
            r#"error Syntax at 9..10 `3`: expected `empty` (as in: is empty, is not empty); to compare a value write `=`, found 3 ["is empty", "="]"#
        ]],
    );
    check(
        r#""#,
        &expect![[
            r#"error Syntax at 0..0 ``: the definition is empty: write a condition such as plan = "trial""#
        ]],
    );
    check(
        r#"plan = "trial" && seats > 1"#,
        &expect!["error Syntax at 15..16 `&`: unexpected character `&`: write `and` / `or`"],
    );
}

#[test]
fn binding_errors_suggest_a_fix() {
    check(
        r#"plna = "trial""#,
        &expect![[r#"
        plna = "trial"
        error UnknownColumn at 0..4 `plna`: there is no column `plna`; did you mean `plan`? ["plan"]"#]],
    );
    check(
        r#"signup_date = "March""#,
        &expect![[r#"
        signup_date = "March"
        error WrongType at 14..21 `"March"`: `signup_date` is a date, but "March" is text; write a date like 2025-03-01"#]],
    );
    check(
        r#"signup_date > 5"#,
        &expect![[r#"
        signup_date > 5
        error WrongType at 14..15 `5`: `signup_date` is a date, but 5 is a number; write a date like 2025-03-01"#]],
    );
    check(
        r#"seats = "ten""#,
        &expect![[r#"
        seats = "ten"
        error WrongType at 8..13 `"ten"`: `seats` is a whole number, but "ten" is text; write a number like 42 or 3.5"#]],
    );
    check(
        r#"`count(Login)` = 7"#,
        &expect![[r#"
        `count(Login)` = 7
        error WrongType at 17..18 `7`: `count(Login)` is an id, but 7 is a number; write text in double quotes, like "trial" ["\"7\""]"#]],
    );
    check(
        r#"plan > "a""#,
        &expect![[r#"
        plan > "a"
        error WrongType at 7..10 `"a"`: `plan` is a category; compare text with =, !=, in, contains, starts with, ends with or matches"#]],
    );
    check(
        r#"converted = "maybe""#,
        &expect![[r#"
        converted = "maybe"
        error WrongType at 12..19 `"maybe"`: `converted` is yes/no, but "maybe" is text; write yes or no"#]],
    );
    check(
        r#"seats contains "1""#,
        &expect![[r#"
        seats contains "1"
        error WrongType at 0..5 `seats`: `seats` is a whole number; `contains` works on text columns; compare numbers with =, <, >, between"#]],
    );
    check(
        r#"did "Logn""#,
        &expect![[r#"
        did "Logn"
        error UnknownEvent at 4..10 `"Logn"`: there is no event `Logn`; did you mean `Login`? ["Login"]"#]],
    );
    check(
        r#"did "export report""#,
        &expect![[r#"
        did "export report"
        error UnknownEvent at 4..19 `"export report"`: there is no event `export report`; did you mean `Export report`? ["Export report"]"#]],
    );
    check(
        r#"sum(amout) of "Purchase" > 1"#,
        &expect![[r#"
        sum(amout) of "Purchase" > 1
        error UnknownProperty at 4..9 `amout`: there is no event property `amout`; did you mean `amount`? ["amount"]"#]],
    );
    check(
        r#"sum(page) of "Export report" > 1"#,
        &expect![[r#"
        sum(page) of "Export report" > 1
        error WrongType at 4..8 `page`: `page` is a category; sum(…) needs a number property (distinct(…) counts any kind)"#]],
    );
    check(
        r#"nps(surveys.score) = promoter"#,
        &expect![[r#"
        nps(surveys.score) = promoter
        error UnknownFile at 4..11 `surveys`: there is no survey or linked file `surveys`"#]],
    );
    check(
        r#"email matches /(unclosed/"#,
        &expect![[r#"
        email matches /(unclosed/
        error BadRegex at 14..25 `/(unclosed/`: this regular expression is not valid (error: unclosed group); write \ before special characters to match them literally"#]],
    );
    check(
        r#"email matches /a{1000}{1000}/"#,
        &expect![[r#"
        email matches /a{1000}{1000}/
        error BadRegex at 14..29 `/a{1000}{1000}/`: this regular expression is too large to run quickly (over 1024 KB compiled): make it simpler, e.g. fewer repetitions like {1000}"#]],
    );
    check(
        r#"seats = 1 ignoring case"#,
        &expect![[r#"
        seats = 1 ignoring case
        error WrongType at 8..9 `1`: `ignoring case` applies to text, but `seats` is a whole number"#]],
    );
}

#[test]
fn limits() {
    let deep = format!("{}seats > 1{}", "(".repeat(65), ")".repeat(65));
    let err = segment::parse(&deep).unwrap_err();
    expect!["TooDeep Some((65, 70)) parentheses and `not`s nest more than 64 deep here: simplify the definition or split it into segments"].assert_eq(&format!("{:?} {:?} {}", err.kind, err.span, err.message));
    let nots = format!("{}seats > 1", "not ".repeat(64));
    assert!(segment::parse(&nots).is_ok(), "64 nots are allowed");
    let long = vec!["seats > 1"; 1200].join(" and ");
    let err = segment::parse(&long).unwrap_err();
    expect![[r#"TooLong Some((10240, 16795)) this definition is 16795 bytes long; the limit is 10240: split it into segments and combine them with `in segment "…"`"#]].assert_eq(&format!("{:?} {:?} {}", err.kind, err.span, err.message));
    // A long flat chain of conditions is fine: no recursion per condition.
    let chain = vec!["seats > 1"; 700].join(" or ");
    let expr = segment::parse(&chain).unwrap();
    assert_eq!(
        segment::evaluate(&expr, &segment_support::fixture(), &SegmentSet::new())
            .unwrap()
            .count(),
        6
    );
}

#[test]
fn evaluate_all_reports_each_segment() {
    let data = segment_support::fixture();
    let segments = [
        Segment::new("Trials", "#2a9d8f", r#"plan = "trial""#),
        Segment::new(
            "Converted trials",
            "#e76f51",
            r#"in segment "Trials" and converted = yes"#,
        ),
        Segment::new("Broken", "#264653", r#"plan = "#),
        Segment::new("Uses broken", "#264653", r#"in segment "Broken""#),
        Segment::new("A", "#000000", r#"in segment "B""#),
        Segment::new("B", "#000000", r#"in segment "A""#),
        Segment::new("Trials", "#ffffff", "seats > 1"),
        Segment::new("Big", "#ffffff", "seats >= 10"),
    ];
    let results = segment::evaluate_all(&segments, &data);
    let lines: Vec<String> = segments
        .iter()
        .zip(&results)
        .map(|(s, r)| match r {
            Ok(set) => format!(
                "{}: {}",
                s.name,
                set.iter()
                    .map(|i| (i + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Err(e) => format!("{}: error {:?} {:?}: {}", s.name, e.kind, e.span, e.message),
        })
        .collect();
    expect![[r#"
        Trials: 1 3 8
        Converted trials: 3
        Broken: error Syntax Some((7, 7)): expected a value: a number, a date like 2025-03-01, yes/no or "text", but the definition ends here
        Uses broken: error Syntax Some((11, 19)): segment "Broken" cannot be evaluated: expected a value: a number, a date like 2025-03-01, yes/no or "text", but the definition ends here
        A: error Cycle Some((11, 14)): segments refer to each other in a circle: "A" → "B" → "A"; remove one of these `in segment` conditions
        B: error Cycle Some((11, 14)): segments refer to each other in a circle: "B" → "A" → "B"; remove one of these `in segment` conditions
        Trials: error Syntax None: another segment is already named "Trials": give this one a different name
        Big: 2 6 7"#]].assert_eq(&lines.join("\n"));
}

#[test]
fn referenced_names_lists_what_a_definition_needs() {
    let expr = segment::parse(
        r#"plan = "trial" and (did "Login" in last 7 days or sum(amount) of "Purchase" > 1) and nps(nps.score) = promoter and not in segment "X" and plan != "free""#,
    )
    .unwrap();
    expect![[r#"{"columns":["plan"],"events":["Login","Purchase"],"properties":["amount"],"linked":[["nps","score"]],"segments":["X"],"uses_as_of":true}"#]].assert_eq(&serde_json::to_string(&segment::referenced_names(&expr)).unwrap());
}

#[test]
fn errors_serialize_for_the_page() {
    let err = segment::parse("plan = trial").unwrap_err();
    expect![[r#"{"kind":"syntax","span":[7,12],"message":"expected a value; text goes in double quotes: \"trial\"","suggestions":["\"trial\""]}"#]].assert_eq(&serde_json::to_string(&err).unwrap());
}

#[test]
fn long_reference_chains_and_misaligned_data_are_errors() {
    let data = segment_support::fixture();
    let mut segments: Vec<Segment> = (0..40)
        .map(|i| {
            Segment::new(
                format!("S{i}"),
                "#000000",
                format!("in segment \"S{}\"", i + 1),
            )
        })
        .collect();
    segments.push(Segment::new("S40", "#000000", "seats > 1"));
    let results = segment::evaluate_all(&segments, &data);
    let first = results[0].as_ref().unwrap_err();
    expect!["ReferenceDepth Some((11, 15)) segments refer to segments more than 32 deep here; define this one directly from columns and events"]
        .assert_eq(&format!("{:?} {:?} {}", first.kind, first.span, first.message));
    assert_eq!(
        results[20].as_ref().map(seglab_core::Bitset::count),
        Ok(6),
        "a chain of 20 is fine"
    );

    let mut broken = segment_support::fixture();
    if let Some(log) = broken.events.as_mut() {
        log.offsets[3] = 1_000;
    }
    let expr = segment::parse(r#"did "Login""#).unwrap();
    let err = segment::evaluate(&expr, &broken, &SegmentSet::new()).unwrap_err();
    expect!["MissingData the event file is not aligned with the user table; load the files again"]
        .assert_eq(&format!("{:?} {}", err.kind, err.message));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // 1500 levels fit under the length limit: the parser must stop at the depth limit, not recurse on.
    for open in ["(", "not ", "not ("] {
        let deep = format!("{}seats > 1{}", open.repeat(1500), ")".repeat(1500));
        let err = segment::parse(&deep).unwrap_err();
        assert_eq!(err.kind, segment::ErrorKind::TooDeep, "{open:?}: {err}");
    }
    let err = segment::parse(&"(".repeat(segment::MAX_DEFINITION_BYTES)).unwrap_err();
    assert_eq!(err.kind, segment::ErrorKind::TooDeep, "{err}");
}

/// Patterns that take exponential time in backtracking engines run in time linear in the text here:
/// each is evaluated on 100 KB values and must finish (and agree with the reference evaluator).
#[test]
fn pathological_regexes_run_in_linear_time() {
    use seglab_core::{ColumnType, Dataset};
    let long_a = "a".repeat(100 * 1024);
    let long_ab = format!("{long_a}!");
    let data = Dataset {
        population: segment_support::table(vec![segment_support::strings(
            "t",
            ColumnType::Text,
            &[Some(&long_a), Some(&long_ab), None, Some("")],
        )]),
        key: None,
        events: None,
        linked: Vec::new(),
        as_of: None,
    };
    let mut out = String::new();
    for def in [
        "t matches /^(a+)+$/",
        "t matches /^(a|aa)*$/",
        "t matches /(a*)*b/",
        "t matches /^(a|a?)+$/ ignoring case",
        "t matches /(.*a){20}/",
    ] {
        let expr = segment::parse(def).unwrap();
        let members = segment::evaluate(&expr, &data, &SegmentSet::new()).unwrap();
        let naive = segment::reference::evaluate(&expr, &data, &SegmentSet::new()).unwrap();
        assert_eq!(members, naive, "{def}");
        let rows: Vec<String> = members.iter().map(|r| (r + 1).to_string()).collect();
        writeln!(out, "{def}: {}", rows.join(" ")).unwrap();
    }
    expect![[r#"
        t matches /^(a+)+$/: 1
        t matches /^(a|aa)*$/: 1 4
        t matches /(a*)*b/: 
        t matches /^(a|a?)+$/ ignoring case: 1 4
        t matches /(.*a){20}/: 1 2
    "#]]
    .assert_eq(&out);
}

#[test]
fn vocabulary_lists_what_definitions_can_name() {
    let data = segment_support::fixture();
    let vocabulary = segment::vocabulary(&data, 2, 3);
    let mut out = String::new();
    for term in &vocabulary.columns {
        writeln!(out, "column {} {:?} {:?}", term.name, term.ty, term.values).unwrap();
    }
    writeln!(out, "events {:?}", vocabulary.events).unwrap();
    for term in vocabulary.properties.iter().chain(&vocabulary.linked) {
        writeln!(out, "{} {:?} {:?}", term.name, term.ty, term.values).unwrap();
    }
    expect![[r#"
        column id Integer []
        column plan Category ["trial", "pro"]
        column converted Boolean []
        column country Category ["SE", "NO"]
        column seats Integer []
        column Annual revenue Decimal []
        column signup_date Date []
        column last_seen DateTime []
        column email Text []
        column count(Login) Id []
        events ["Export report", "Signup", "Login"]
        amount Decimal []
        page Category ["a", "b"]
        nps.score Integer []
    "#]]
    .assert_eq(&out);
}

/// Whole-number columns are compared in integers; near and past 2^53, where a number is rounded to the
/// nearest float, the members are still those of comparing `value as f64`, as the reference does.
#[test]
fn integer_comparisons_agree_with_float_semantics_at_the_edges() {
    let values: Vec<i64> = (0..130)
        .map(|i| match i % 13 {
            0 => i64::MIN,
            1 => i64::MIN + 1,
            2 => -(1 << 53) - 1,
            3 => -(1 << 53),
            4 => -1,
            5 => 0,
            6 => 1,
            7 => 1 << 53,
            8 => (1 << 53) + 1,
            9 => (1 << 53) + 2,
            10 => i64::MAX - 1,
            11 => i64::MAX,
            _ => i - 60,
        })
        .collect();
    let column: Vec<Option<i64>> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| (i % 17 != 3).then_some(v))
        .collect();
    let data =
        seglab_core::Dataset::from_table(segment_support::table(vec![segment_support::integer(
            "n", &column,
        )]));
    let literals = [
        "0",
        "-1",
        "1",
        "0.5",
        "-0.5",
        "9007199254740992",
        "9007199254740993",
        "-9007199254740993",
        "9223372036854775807",
        "-9223372036854775808",
        "10000000000000000000.0",
        "-10000000000000000000.0",
        "9223372036854775000.0",
        "17",
    ];
    let mut checked = 0;
    for op in ["=", "!=", "<", "<=", ">", ">="] {
        for literal in literals {
            let text = format!("n {op} {literal}");
            let expr = segment::parse(&text).expect("parses");
            let fast = segment::evaluate(&expr, &data, &SegmentSet::new()).expect("evaluates");
            let naive = segment::reference::evaluate(&expr, &data, &SegmentSet::new()).unwrap();
            assert_eq!(fast, naive, "{text}");
            checked += 1;
        }
    }
    assert_eq!(checked, 6 * 14);
}
