//! The exports: a segment's members and a comparison as CSV (read back by Python's csv module, with
//! every text cell that a spreadsheet would run as a formula defused), and the HTML report.

mod common;
mod python_oracle;

use common::{category, int, text};
use seglab_core::compare::{self, CompareOptions, Group};
use seglab_core::report::{Report, comparison_csv, members_csv, render};
use seglab_core::table::ColumnType;
use seglab_core::{Bitset, Table};

/// What a spreadsheet would run as a formula at the start of a cell.
const DANGEROUS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as written, and as Python's csv module must read it back.
fn check(cell: &str, expected: &str) -> (String, String) {
    (cell.to_owned(), expected.to_owned())
}

fn cells() -> Vec<(String, String)> {
    vec![
        check("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        check("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        check("-2+3", "'-2+3"),
        check("@cmd|' /C calc'!A0", "'@cmd|' /C calc'!A0"),
        check("\t=1+1", "'\t=1+1"),
        check("\r=1+1", "'\r=1+1"),
        check(
            "=HYPERLINK(\"http://x\",\"y\")",
            "'=HYPERLINK(\"http://x\",\"y\")",
        ),
        check("plain", "plain"),
        check("a, b", "a, b"),
        check("say \"hi\"", "say \"hi\""),
        check("two\nlines", "two\nlines"),
        check("mid=dle", "mid=dle"),
    ]
}

#[test]
fn members_csv_defuses_formulas_and_quotes_like_python_reads() {
    let cases = cells();
    let n = cases.len();
    let notes: Vec<Option<&str>> = cases.iter().map(|(c, _)| Some(c.as_str())).collect();
    let plans: Vec<Option<&str>> = (0..n)
        .map(|i| Some(if i % 2 == 0 { "=evil()" } else { "pro" }))
        .collect();
    let numbers: Vec<Option<i64>> = (0..n).map(|i| Some(i as i64 - 3)).collect();
    let table = Table::new(vec![
        text("@note", &notes),
        category("plan", ColumnType::Category, &plans),
        int("delta", &numbers),
    ])
    .unwrap();
    let everyone = Bitset::from_fn(n, |_| true);
    let csv = members_csv(&table, &everyone);
    let odd = Bitset::from_fn(n, |i| i % 2 == 1);
    let some = members_csv(&table, &odd);
    let read: Vec<Vec<Vec<String>>> = python_oracle::run("csv_read.py", &vec![csv, some]);
    let (all, odd_rows) = (&read[0], &read[1]);
    assert_eq!(
        all[0],
        ["'@note", "plan", "delta"],
        "the header is defused too"
    );
    assert_eq!(all.len(), n + 1);
    for (i, (row, (_, expected))) in all[1..].iter().zip(&cases).enumerate() {
        assert_eq!(&row[0], expected, "row {i}");
        let plan = if i % 2 == 0 { "'=evil()" } else { "pro" };
        assert_eq!(row[1], plan, "row {i}");
        // Numbers are Seglab's own: a negative number stays a number.
        assert_eq!(row[2], (i as i64 - 3).to_string(), "row {i}");
    }
    assert_eq!(odd_rows.len(), n / 2 + 1, "only the members");
    assert!(odd_rows[1..].iter().all(|r| r[1] == "pro"));
}

#[test]
fn comparison_csv_has_one_figure_per_line_and_no_live_formula() {
    let n = 400;
    let plans: Vec<Option<&str>> = (0..n)
        .map(|i| Some(["=cmd()", "pro", "+free", "basic"][i % 4]))
        .collect();
    let arr: Vec<Option<i64>> = (0..n)
        .map(|i| (i % 7 != 0).then_some((i * 37 % 101) as i64 - 20))
        .collect();
    let table = Table::new(vec![
        category("plan", ColumnType::Category, &plans),
        int("arr", &arr),
    ])
    .unwrap();
    let a = Bitset::from_fn(n, |i| i % 3 == 0);
    let groups = [Group {
        name: "-a segment".into(),
        color: "#2a9d8f".into(),
        members: &a,
    }];
    let options = CompareOptions {
        baseline: 1,
        include_rest: true,
        ..CompareOptions::default()
    };
    let comparison = compare::compare(&table, &groups, &options).unwrap();
    let csv = comparison_csv(&comparison);
    let read: Vec<Vec<Vec<String>>> = python_oracle::run("csv_read.py", &vec![csv]);
    let rows = &read[0];
    assert_eq!(
        rows[0],
        [
            "column",
            "type",
            "segment",
            "statistic",
            "value",
            "ci_low",
            "ci_high",
            "n",
            "p_adjusted",
            "significant",
            "sentence"
        ]
    );
    assert!(
        rows.iter().all(|r| r.len() == 11),
        "every line has 11 cells"
    );
    // Text cells (names, statistics, sentences) never start a formula.
    for row in rows {
        for &c in &[0, 1, 2, 3, 10] {
            assert!(!row[c].starts_with(DANGEROUS), "{row:?}");
        }
    }
    let mean = |segment: &str| {
        rows.iter()
            .find(|r| r[0] == "arr" && r[2] == segment && r[3] == "mean")
            .unwrap_or_else(|| panic!("a mean of arr for {segment}"))[4]
            .parse::<f64>()
            .unwrap()
    };
    let expect = |keep: &dyn Fn(usize) -> bool| {
        let v: Vec<f64> = (0..n)
            .filter(|&i| keep(i))
            .filter_map(|i| arr[i])
            .map(|x| x as f64)
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!((mean("'-a segment") - expect(&|i| i % 3 == 0)).abs() < 1e-9);
    assert!((mean("Everyone else") - expect(&|i| i % 3 != 0)).abs() < 1e-9);
    assert_eq!(
        rows[1..].iter().filter(|r| !r[8].is_empty()).count(),
        comparison
            .findings
            .iter()
            .filter(|f| f.p_adjusted.is_some())
            .count(),
        "one line per tested difference"
    );

    // The same comparison as one self-contained page: escaped, no script, nothing fetched.
    let page = render(&Report {
        comparison: &comparison,
        definitions: &["plan = \"<b>\""],
        left_out: &[],
        notes: &[],
        files: &["users.csv".to_owned()],
    });
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("&lt;b&gt;"));
    for absent in ["<script", "src=", "href=", "<link"] {
        assert!(!page.contains(absent), "{absent}");
    }
}
