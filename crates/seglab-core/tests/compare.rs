//! The comparison of segments on small hand-made tables: sentences, summaries and the cases where the
//! data is too thin to test.

// expect-test writes its snapshots as r#"..."# whether or not they hold a quote.
#![allow(clippy::needless_raw_string_hashes)]

mod common;

use common::{boolean, category, date, dec, int, members, text};
use expect_test::{Expect, expect};
use seglab_core::Bitset;
use seglab_core::compare::{self, CompareOptions, Comparison, Group};
use seglab_core::table::{ColumnType, Table};

fn group<'a>(name: &str, set: &'a Bitset) -> Group<'a> {
    Group {
        name: name.to_owned(),
        color: "#000".to_owned(),
        members: set,
    }
}

/// No NaN or infinity anywhere in the result (serde would print them as null, hiding them).
fn assert_clean(c: &Comparison) {
    let debug = format!("{c:?}");
    assert!(
        !debug.contains("NaN") && !debug.contains("inf"),
        "non-finite number in {debug}"
    );
}

/// Runs `compare` and snapshots every finding's sentence, one per line.
fn check(
    table: &Table,
    groups: &[Group<'_>],
    options: &CompareOptions,
    expect: &Expect,
) -> Comparison {
    let c = compare::compare(table, groups, options).expect("valid comparison");
    assert_clean(&c);
    let mut lines: Vec<String> = c.notes.iter().map(|n| format!("note: {n}")).collect();
    lines.extend(c.findings.iter().map(|f| f.sentence.clone()));
    expect.assert_eq(&lines.join("\n"));
    c
}

/// Twenty trial users: the first ten converted.
fn trials() -> Table {
    let plan = [
        "pro", "pro", "pro", "team", "pro", "pro", "team", "pro", "pro", "free", //
        "free", "free", "team", "free", "free", "pro", "free", "free", "team", "free",
    ];
    let reports = [
        9, 14, 7, 22, 11, 30, 8, 12, 95, 10, 1, 0, 2, 3, 0, 1, 5, 0, 2, 1,
    ];
    let revenue = [
        120.0, 99.5, 140.0, 80.0, 110.0, 150.0, 95.0, 130.0, 125.0, 101.0, //
        20.0, 0.0, 35.0, 10.0, 0.0, 45.0, 12.0, 0.0, 30.0, 15.0,
    ];
    let signup = [
        "2025-01-03",
        "2025-01-10",
        "2025-01-21",
        "2025-02-02",
        "2025-02-14",
        "2025-02-20",
        "2025-03-01",
        "2025-03-05",
        "2025-03-09",
        "2025-03-30",
        "2025-03-02",
        "2025-03-11",
        "2025-03-15",
        "2025-03-20",
        "2025-03-28",
        "2025-04-01",
        "2025-04-02",
        "2025-04-12",
        "2025-04-20",
        "2025-04-28",
    ];
    let n = plan.len();
    Table::new(vec![
        category("plan", ColumnType::Category, &plan.map(Some)),
        int("reports_used", &reports.map(Some)),
        dec("revenue", &revenue.map(Some)),
        boolean(
            "mobile",
            &(0..n).map(|i| Some(i % 3 == 0)).collect::<Vec<_>>(),
        ),
        date("signup", &signup.map(Some)),
        text(
            "comment",
            &(0..n)
                .map(|i| {
                    if i % 4 == 0 {
                        None
                    } else {
                        Some(["great", "ok", "slow"][i % 3])
                    }
                })
                .collect::<Vec<_>>(),
        ),
    ])
    .expect("columns of equal length")
}

#[test]
fn converted_against_everyone_else() {
    let table = trials();
    let converted = members("xxxxxxxxxx..........");
    let options = CompareOptions {
        baseline: 1,
        include_rest: true,
        ..CompareOptions::default()
    };
    let c = check(
        &table,
        &[group("Converted", &converted)],
        &options,
        &expect![[r#"
            `plan`: Converted vs Everyone else not compared: too few users for a chi-square test of the whole mix (smallest expected count 2.0, needs 5); see the per-value tests.
            `plan` = pro: 70% in Converted vs 10% in Everyone else (difference +60 pts, 95% CI +17 to +81; 7.00× as often, 95% CI 1.08–23.1); adjusted p = 0.0395.
            `plan` = free: 10% in Converted vs 70% in Everyone else (difference -60 pts, 95% CI -81 to -17; 0.143× as often, 95% CI 0.0433–0.924); adjusted p = 0.0395.
            `plan` = team: 20% in Converted vs 20% in Everyone else (difference 0 pts, 95% CI -34 to +34; 1.00× as often, 95% CI 0.216–4.62); could be chance: adjusted p = 1.00.
            `reports_used`: typically higher in Converted than in Everyone else (median 11.5 vs 1.00; a user of Converted has the higher value 100% of the time); adjusted p < 0.001.
            `revenue`: mean 115 in Converted vs 16.7 in Everyone else (difference +98.3, 95% CI +80.3 to +116; Cohen's d 5.17); adjusted p < 0.001.
            `mobile` is yes: 40% in Converted vs 30% in Everyone else (difference +10 pts, 95% CI -28 to +45; 1.33× as often, 95% CI 0.426–3.88); could be chance: adjusted p = 1.00.
            `signup`: on average 44.0 days earlier in Converted than in Everyone else (difference -44.0 days, 95% CI -66.1 to -21.9); adjusted p = 0.00224.
            `comment`: Converted vs Everyone else not compared: too few users for a chi-square test of the whole mix (smallest expected count 2.3, needs 5); see the per-value tests.
            `comment` = ok: 29% in Converted vs 38% in Everyone else (difference -8.9 pts, 95% CI -47 to +34; 0.762× as often, 95% CI 0.222–2.95); could be chance: adjusted p = 1.00.
            `comment` = slow: 29% in Converted vs 38% in Everyone else (difference -8.9 pts, 95% CI -47 to +34; 0.762× as often, 95% CI 0.222–2.95); could be chance: adjusted p = 1.00.
            `comment` = great: 43% in Converted vs 25% in Everyone else (difference +18 pts, 95% CI -26 to +55; 1.71× as often, 95% CI 0.436–5.78); could be chance: adjusted p = 1.00."#]],
    );
    assert_eq!(c.groups[1].name, "Everyone else");
    assert_eq!(c.groups[1].size, 10);
}

#[test]
fn three_overlapping_segments() {
    let table = trials();
    let a = members("xxxxxxxx............");
    let b = members("......xxxxxxxx......");
    let c = members("............xxxxxxxx");
    let options = CompareOptions {
        baseline: 0,
        include_rest: false,
        max_categories: 2,
        histogram_bins: 5,
    };
    check(
        &table,
        &[group("A", &a), group("B", &b), group("C", &c)],
        &options,
        &expect![[r#"
            note: 2 users are in both A and B; the tests assume independent groups, so their p-values are only approximate
            note: 2 users are in both B and C; the tests assume independent groups, so their p-values are only approximate
            `plan`: B vs A not compared: too few users for a chi-square test of the whole mix (smallest expected count 2.0, needs 5); see the per-value tests.
            `plan` = pro: 25% in B vs 75% in A (difference -50 pts, 95% CI -75 to -1.8; 0.333× as often, 95% CI 0.127–1.16); could be chance: adjusted p = 0.211.
            `plan` = free: 50% in B vs 0% in A (difference +50 pts, 95% CI +6.8 to +78); could be chance: adjusted p = 0.154.
            `plan`: C vs A not compared: too few users for a chi-square test of the whole mix (smallest expected count 2.0, needs 5); see the per-value tests.
            `plan` = pro: 12% in C vs 75% in A (difference -62 pts, 95% CI -83 to -14; 0.167× as often, 95% CI 0.0515–1.03); could be chance: adjusted p = 0.0927.
            `plan` = free: 62% in C vs 0% in A (difference +62 pts, 95% CI +17 to +86); could be chance: adjusted p = 0.0821.
            `reports_used`: typically lower in B than in A (median 5.50 vs 11.5; a user of B has the higher value 27% of the time); could be chance: adjusted p = 0.211.
            `reports_used`: typically lower in C than in A (median 1.50 vs 11.5; a user of C has the higher value 0% of the time); adjusted p = 0.00488.
            `revenue`: mean 64.5 in B vs 116 in A (difference -51.1, 95% CI -97.6 to -4.54; Cohen's d -1.23); could be chance: adjusted p = 0.0923.
            `revenue`: mean 18.4 in C vs 116 in A (difference -97.2, 95% CI -119 to -74.9; Cohen's d -4.73); adjusted p < 0.001.
            `mobile` is yes: 38% in B vs 38% in A (difference 0 pts, 95% CI -40 to +40; 1.00× as often, 95% CI 0.321–3.12); could be chance: adjusted p = 1.00.
            `mobile` is yes: 38% in C vs 38% in A (difference 0 pts, 95% CI -40 to +40; 1.00× as often, 95% CI 0.321–3.12); could be chance: adjusted p = 1.00.
            `signup`: on average 34.8 days later in B than in A (difference +34.8 days, 95% CI +15.0 to +54.5); adjusted p = 0.0121.
            `signup`: on average 58.2 days later in C than in A (difference +58.2 days, 95% CI +37.2 to +79.3); adjusted p < 0.001.
            `comment`: B vs A not compared: too few users for a chi-square test of the whole mix (smallest expected count 1.5, needs 5); see the per-value tests.
            `comment` = ok: 50% in B vs 33% in A (difference +17 pts, 95% CI -32 to +56; 1.50× as often, 95% CI 0.420–4.67); could be chance: adjusted p = 1.00.
            `comment` = great: 33% in B vs 33% in A (difference 0 pts, 95% CI -44 to +44; 1.00× as often, 95% CI 0.253–3.96); could be chance: adjusted p = 1.00.
            `comment`: C vs A not compared: too few users for a chi-square test of the whole mix (smallest expected count 2.0, needs 5); see the per-value tests.
            `comment` = ok: 33% in C vs 33% in A (difference 0 pts, 95% CI -44 to +44; 1.00× as often, 95% CI 0.253–3.96); could be chance: adjusted p = 1.00.
            `comment` = great: 33% in C vs 33% in A (difference 0 pts, 95% CI -44 to +44; 1.00× as often, 95% CI 0.253–3.96); could be chance: adjusted p = 1.00."#]],
    );
}

#[test]
fn summaries_of_each_kind() {
    let table = trials();
    let converted = members("xxxxxxxxxx..........");
    let options = CompareOptions {
        baseline: 1,
        include_rest: true,
        max_categories: 2,
        histogram_bins: 4,
    };
    let c = compare::compare(&table, &[group("Converted", &converted)], &options)
        .expect("valid comparison");
    assert_clean(&c);
    let json = serde_json::to_string_pretty(&c.columns).expect("serialises");
    expect_file(
        &json,
        &expect_test::expect_file!["data/compare_summaries.json"],
    );
}

fn expect_file(actual: &str, expect: &expect_test::ExpectFile) {
    expect.assert_eq(actual);
}

#[test]
fn thin_data_is_said_in_words() {
    let table = Table::new(vec![
        dec(
            "score",
            &[Some(5.0), Some(5.0), Some(5.0), None, Some(5.0), Some(7.0)],
        ),
        boolean(
            "active",
            &[Some(true), None, Some(false), Some(true), None, None],
        ),
        category(
            "tier",
            ColumnType::Category,
            &[Some("a"), Some("b"), Some("a"), Some("a"), None, Some("b")],
        ),
        date(
            "seen",
            &[
                Some("2025-01-01"),
                None,
                None,
                Some("2025-01-02"),
                None,
                None,
            ],
        ),
    ])
    .expect("columns of equal length");
    let constant = members("xxx...");
    let one = members(".....x");
    let empty = members("......");
    let options = CompareOptions {
        baseline: 0,
        ..CompareOptions::default()
    };
    check(
        &table,
        &[
            group("Constant", &constant),
            group("One", &one),
            group("Nobody", &empty),
        ],
        &options,
        &expect![[r#"
            note: Nobody has no users
            `score`: One vs Constant not compared: too few values to compare (n = 1 and 3; needs 2 in each).
            `score`: Nobody vs Constant not compared: too few values to compare (n = 0 and 3; needs 2 in each).
            `active`: One vs Constant not compared: no values to compare (n = 0 and 2).
            `active`: Nobody vs Constant not compared: no values to compare (n = 0 and 2).
            `tier`: One vs Constant not compared: too few users for a chi-square test of the whole mix (smallest expected count 0.5, needs 5); see the per-value tests.
            `tier` = a: 0% in One vs 67% in Constant (difference -67 pts, 95% CI -94 to +25); could be chance: adjusted p = 1.00.
            `tier` = b: 100% in One vs 33% in Constant (difference +67 pts, 95% CI -25 to +94; 3.00× as often, 95% CI 0.696–7.82); could be chance: adjusted p = 1.00.
            `tier`: Nobody vs Constant not compared: no values to compare (n = 0 and 3).
            `seen`: One vs Constant not compared: too few values to compare (n = 0 and 1; needs 2 in each).
            `seen`: Nobody vs Constant not compared: too few values to compare (n = 0 and 1; needs 2 in each)."#]],
    );
}

#[test]
fn requests_that_cannot_be_met_are_errors() {
    let table = trials();
    let short = Bitset::new(3);
    let ok = Bitset::new(20);
    let lines = [
        compare::compare(&table, &[], &CompareOptions::default()).err(),
        compare::compare(
            &table,
            &[group("Short", &short)],
            &CompareOptions::default(),
        )
        .err(),
        compare::compare(
            &table,
            &[group("A", &ok)],
            &CompareOptions {
                baseline: 3,
                ..CompareOptions::default()
            },
        )
        .err(),
        compare::breakdown(&table, &[group("A", &ok)], "planz").err(),
        compare::breakdown(&table, &[group("A", &ok)], "revenue").err(),
        compare::nps(&table, "revenue", &group("A", &Bitset::full(20))).err(),
        compare::nps(&table, "plan", &group("A", &Bitset::full(20))).err(),
    ];
    let text: Vec<String> = lines
        .iter()
        .map(|e| e.as_ref().map_or("ok".to_owned(), ToString::to_string))
        .collect();
    expect![[r#"
        nothing to compare: choose at least one segment
        segment `Short` covers 3 rows, but the table has 20; rebuild it on this file
        the baseline is group 3, but the groups are numbered 0 to 0
        there is no column `planz`; the columns are: `plan`, `reports_used`, `revenue`, `mobile`, `signup`, `comment`
        column `revenue` is decimal; a breakdown needs text, categories, yes/no or whole numbers; compare it instead
        column `revenue`, row 1: 120 is not an NPS score (a whole number from 0 to 10)
        column `plan` is category; an NPS needs a numeric column of 0–10 answers"#]].assert_eq(&text.join("\n"));
}

#[test]
fn distinguish_ranks_significant_differences() {
    let table = trials();
    let converted = members("xxxxxxxxxx..........");
    let rest = converted.not();
    let findings = compare::distinguish(
        &table,
        &group("Converted", &converted),
        &group("Rest", &rest),
    )
    .expect("valid");
    let lines: Vec<String> = findings
        .iter()
        .map(|f| format!("{:.2} {}", f.magnitude.unwrap_or(0.0), f.sentence))
        .collect();
    expect![[r#"
        5.17 `revenue`: mean 115 in Converted vs 16.7 in Rest (difference +98.3, 95% CI +80.3 to +116; Cohen's d 5.17); adjusted p < 0.001.
        4.37 `reports_used`: typically higher in Converted than in Rest (median 11.5 vs 1.00; a user of Converted has the higher value 100% of the time); adjusted p < 0.001.
        1.89 `signup`: on average 44.0 days earlier in Converted than in Rest (difference -44.0 days, 95% CI -66.1 to -21.9); adjusted p = 0.00224.
        1.34 `plan` = pro: 70% in Converted vs 10% in Rest (difference +60 pts, 95% CI +17 to +81; 7.00× as often, 95% CI 1.08–23.1); adjusted p = 0.0395.
        1.34 `plan` = free: 10% in Converted vs 70% in Rest (difference -60 pts, 95% CI -81 to -17; 0.143× as often, 95% CI 0.0433–0.924); adjusted p = 0.0395."#]].assert_eq(&lines.join("\n"));
}

#[test]
fn breakdown_counts_and_shares() {
    let table = trials();
    let converted = members("xxxxxxxxxx..........");
    let rest = converted.not();
    let pivot = compare::breakdown(
        &table,
        &[group("Converted", &converted), group("Rest", &rest)],
        "plan",
    )
    .expect("valid");
    let lines: Vec<String> = pivot
        .rows
        .iter()
        .map(|r| {
            let cells: Vec<String> = r
                .cells
                .iter()
                .map(|c| match c.share {
                    Some(s) => format!(
                        "{} ({:.3}, {:.3}–{:.3})",
                        c.count, s.share, s.ci.low, s.ci.high
                    ),
                    None => format!("{} (no rows)", c.count),
                })
                .collect();
            format!("{}: {}", r.value, cells.join(" | "))
        })
        .collect();
    expect![[r#"
        n [10, 10], missing [0, 0]
        pro: 7 (0.700, 0.397–0.892) | 1 (0.100, 0.018–0.404)
        free: 1 (0.100, 0.018–0.404) | 7 (0.700, 0.397–0.892)
        team: 2 (0.200, 0.057–0.510) | 2 (0.200, 0.057–0.510)"#]]
    .assert_eq(&format!(
        "n {:?}, missing {:?}\n{}",
        pivot.n,
        pivot.missing,
        lines.join("\n")
    ));
}

#[test]
fn nps_of_a_segment() {
    let table = Table::new(vec![int(
        "nps",
        &[
            Some(10),
            Some(9),
            Some(8),
            Some(3),
            None,
            Some(0),
            Some(7),
            Some(11),
        ],
    )])
    .expect("one column");
    let first = members("xxxxxxx.");
    let all = Bitset::full(8);
    let score = compare::nps(&table, "nps", &group("First", &first)).expect("valid scores");
    let err = compare::nps(&table, "NPS", &group("All", &all)).expect_err("11 is not a score");
    expect![[r#"
        Nps { n: 6, promoters: 2, passives: 2, detractors: 2, score: 0.0, ci: Interval { low: -65.33213281800178, high: 65.33213281800178 } }
        column `nps`, row 8: 11 is not an NPS score (a whole number from 0 to 10)"#]].assert_eq(&format!("{score:?}\n{err}"));
}

#[test]
fn overlap_counts_every_intersection() {
    let a = members("xxxx....xx");
    let b = members("..xxxx....");
    let c = members("...x.x.x..");
    let o =
        compare::overlap(&[group("A", &a), group("B", &b), group("C", &c)]).expect("same length");
    expect![[r#"Overlap { names: ["A", "B", "C"], sizes: [6, 4, 3], pairwise: [[6, 2, 1], [2, 4, 2], [1, 2, 3]], jaccard: [[1.0, 0.25, 0.125], [0.25, 1.0, 0.4], [0.125, 0.4, 1.0]], intersections: [Intersection { pattern: 1, groups: [0], count: 4 }, Intersection { pattern: 2, groups: [1], count: 1 }, Intersection { pattern: 3, groups: [0, 1], count: 1 }, Intersection { pattern: 4, groups: [2], count: 1 }, Intersection { pattern: 6, groups: [1, 2], count: 1 }, Intersection { pattern: 7, groups: [0, 1, 2], count: 1 }], in_none: 1 }"#]].assert_eq(&format!("{o:?}"));
}

#[test]
fn nps_side_by_side() {
    let answers: Vec<Option<i64>> = [
        10, 9, 9, 10, 8, 7, 9, 10, 3, 9, 2, 5, 6, 8, 9, 0, 4, 6, 7, 10,
    ]
    .iter()
    .map(|&v| Some(v))
    .chain([None])
    .collect();
    let table = Table::new(vec![int("nps", &answers)]).expect("one column");
    let happy = members("xxxxxxxxxx...........");
    let unhappy = members("..........xxxxxxxxxx.");
    let nobody = members(".....................");
    let c = compare::compare_nps(
        &table,
        "nps",
        &[
            group("Happy", &happy),
            group("Unhappy", &unhappy),
            group("Nobody", &nobody),
        ],
        1,
    )
    .expect("valid scores");
    let lines: Vec<String> = c.differences.iter().map(|d| d.sentence.clone()).collect();
    expect![[r#"
        NPS 60.0 in Happy vs -40.0 in Unhappy (difference +100 points, 95% CI +35.6 to +164; p = 0.00234).
        NPS of Nobody vs Unhappy not compared: no answers in one of them."#]].assert_eq(&lines.join("\n"));
}

#[test]
fn identifiers_and_free_text_are_not_summarised() {
    let ids: Vec<String> = (0..200).map(|i| format!("user-{i:05}")).collect();
    let id_refs: Vec<Option<&str>> = ids.iter().map(|s| Some(s.as_str())).collect();
    let few: Vec<Option<&str>> = (0..200).map(|i| Some(["a", "b", "c"][i % 3])).collect();
    let table = Table::new(vec![
        category("user_id", ColumnType::Id, &id_refs),
        text("note", &id_refs),
        category("plan", ColumnType::Category, &id_refs),
        text("short", &few),
    ])
    .expect("equal lengths");
    let half = Bitset::from_fn(200, |i| i % 2 == 0);
    let c = compare::compare(
        &table,
        &[group("Even", &half)],
        &CompareOptions {
            include_rest: true,
            ..CompareOptions::default()
        },
    )
    .expect("valid");
    let kinds: Vec<String> = c
        .columns
        .iter()
        .map(|col| match &col.summary {
            compare::Summary::Skipped { reason } => format!("{}: skipped, {reason}", col.name),
            compare::Summary::Categorical { values, .. } => {
                format!("{}: {} values shown", col.name, values.len())
            }
            other => format!("{}: {other:?}", col.name),
        })
        .collect();
    expect![[r#"
        user_id: skipped, 200 distinct values in 200 rows: identifiers or free text, not categories
        note: skipped, 200 distinct values in the first 200 rows: identifiers or free text, not categories
        plan: 11 values shown
        short: 3 values shown"#]].assert_eq(&kinds.join("\n"));
}

#[test]
fn date_histograms_stay_small_over_long_spans() {
    let lines: Vec<String> = [
        vec!["2024-11-30", "2025-01-01", "2025-02-28"],
        vec!["1999-12-31", "2025-06-01"],
        vec!["1900-01-01", "2025-06-01", "9999-12-31"],
    ]
    .iter()
    .map(|dates| {
        let cells: Vec<Option<&str>> = dates.iter().map(|d| Some(*d)).collect();
        let table = Table::new(vec![date("when", &cells)]).expect("one column");
        let all = Bitset::full(dates.len());
        let c = compare::compare(&table, &[group("All", &all)], &CompareOptions::default())
            .expect("valid");
        match &c.columns[0].summary {
            compare::Summary::Date { groups, months } => format!(
                "{} bins, {} .. {}, counts sum to {}",
                months.len(),
                months.first().map_or("", String::as_str),
                months.last().map_or("", String::as_str),
                groups[0].histogram.iter().sum::<u64>()
            ),
            other => format!("{other:?}"),
        }
    })
    .collect();
    expect![[r#"
        4 bins, 2024-11 .. 2025-02, counts sum to 3
        27 bins, 1999 .. 2025, counts sum to 2
        162 bins, 1900–1949 .. 9950–9999, counts sum to 3"#]]
    .assert_eq(&lines.join("\n"));
}
