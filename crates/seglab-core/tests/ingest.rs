//! CSV ingestion through the public API: one snapshot per fixture, then the failure cases.
// expect-test writes every snapshot as r#"…"#, whether or not it holds a quote.
#![allow(clippy::needless_raw_string_hashes)]

use expect_test::{Expect, expect};
use seglab_core::ingest::{
    ColumnProfile, CsvReader, DateOrder, FileKind, IngestError, Loaded, ReadOptions, detect_binary,
    read_csv, read_raw,
};
use seglab_core::{ColumnType, Table, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/csv")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = data_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()))
}

/// `(year, month, day)` from days since 1970-01-01.
fn civil(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn show(value: Value<'_>) -> String {
    match value {
        Value::Null => "·".to_owned(),
        Value::Integer(v) => v.to_string(),
        Value::Decimal(v) => v.to_string(),
        Value::Boolean(v) => v.to_string(),
        Value::Date(days) => {
            let (year, month, day) = civil(i64::from(days));
            format!("{year:04}-{month:02}-{day:02}")
        }
        Value::DateTime(secs) => {
            let (year, month, day) = civil(secs.div_euclid(86_400));
            let time = secs.rem_euclid(86_400);
            let (hour, minute, second) = (time / 3600, time / 60 % 60, time % 60);
            format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
        }
        Value::Str(s) => format!("{s:?}"),
    }
}

/// Each column's profile and warnings, a line each.
fn render_columns(out: &mut String, columns: &[ColumnProfile]) {
    for c in columns {
        let _ = writeln!(
            out,
            "{}: {} missing={} distinct={} e.g. {:?}",
            c.name, c.ty, c.missing, c.distinct, c.examples
        );
        for w in &c.warnings {
            let _ = writeln!(out, "  ! {w}");
        }
    }
}

/// The report and the first rows, as text.
fn render(loaded: &Loaded) -> String {
    let r = &loaded.report;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} | {} | {:?} | header: {} | rows: {}",
        r.file, r.encoding, r.delimiter, r.has_header, r.rows
    );
    render_columns(&mut out, &r.columns);
    for w in &r.warnings {
        let line = w.line.map_or(String::new(), |l| format!("line {l}: "));
        let _ = writeln!(out, "- {line}{}", w.message);
    }
    render_rows(&loaded.table, 6, &mut out);
    out
}

fn render_rows(table: &Table, limit: usize, out: &mut String) {
    for row in 0..table.rows().min(limit) {
        let cells: Vec<String> = table.columns().iter().map(|c| show(c.value(row))).collect();
        let _ = writeln!(out, "{}", cells.join(" | "));
    }
}

#[allow(clippy::needless_pass_by_value)] // expect-test's `expect![]` is passed by value
fn check(name: &str, options: &ReadOptions, expect: Expect) {
    let loaded = read_csv(name, &fixture(name), options).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(loaded.report.rows, loaded.table.rows());
    expect.assert_eq(&render(&loaded));
}

#[allow(clippy::needless_pass_by_value)]
fn check_err(name: &str, bytes: &[u8], options: &ReadOptions, expect: Expect) {
    match read_csv(name, bytes, options) {
        Ok(loaded) => panic!("{name} should fail, read {} rows", loaded.table.rows()),
        Err(e) => expect.assert_eq(&e.to_string()),
    }
}

#[test]
fn crm_export_with_commas() {
    check(
        "crm_comma.csv",
        &ReadOptions::default(),
        expect![[r#"
            crm_comma.csv | utf-8 | "," | header: true | rows: 10
            user_id: id missing=0 distinct=10 e.g. ["1001", "1002", "1003"]
            email: id missing=0 distinct=10 e.g. ["anna@example.com", "bo@example.com", "cecilia@example.com"]
              ! (nearly) every value is different and has no spaces: read as an id
            plan: category missing=0 distinct=3 e.g. ["pro", "free", "team"]
            country: category missing=0 distinct=4 e.g. ["SE", "NO", "DK"]
            signup_date: date missing=0 distinct=10 e.g. ["2025-01-15", "2025-01-20", "2025-02-01"]
            last_seen: datetime missing=1 distinct=9 e.g. ["2025-03-01T14:00:00Z", "2025-03-02T09:30:00Z", "2025-03-02T18:45:10Z"]
            mrr: decimal missing=0 distinct=6 e.g. ["1200.50", "0", "350.00"]
            logins: integer missing=0 distinct=10 e.g. ["42", "3", "17"]
            nps: integer missing=2 distinct=7 e.g. ["9", "6", "3"]
            is_trial: boolean missing=0 distinct=2 e.g. ["0", "1"]
            converted: boolean missing=0 distinct=2 e.g. ["yes", "no"]
            "1001" | "anna@example.com" | "pro" | "SE" | 2025-01-15 | 2025-03-01T14:00:00Z | 1200.5 | 42 | 9 | false | true
            "1002" | "bo@example.com" | "free" | "NO" | 2025-01-20 | 2025-03-02T09:30:00Z | 0 | 3 | 6 | true | false
            "1003" | "cecilia@example.com" | "team" | "SE" | 2025-02-01 | 2025-03-02T18:45:10Z | 350 | 17 | · | false | true
            "1004" | "dan@example.com" | "free" | "DK" | 2025-02-03 | · | 0 | 0 | 3 | true | false
            "1005" | "eva@example.com" | "pro" | "SE" | 2025-02-11 | 2025-03-03T06:05:00Z | 980.25 | 55 | 10 | false | true
            "1006" | "frida@example.com" | "free" | "FI" | 2025-02-14 | 2025-03-03T12:00:00Z | 0 | 1 | · | true | false
        "#]],
    );
}

#[test]
fn swedish_excel_semicolons_and_decimal_commas() {
    check(
        "semicolon_decimal_comma.csv",
        &ReadOptions::default(),
        expect![[r#"
        semicolon_decimal_comma.csv | utf-8 | ";" | header: true | rows: 5
        kund_id: id missing=0 distinct=5 e.g. ["1", "2", "3"]
        namn: text missing=0 distinct=5 e.g. ["Åsa AB", "Bolaget HB", "Cykel & Co"]
        omsättning: decimal missing=0 distinct=5 e.g. ["1 234,56", "987,00", "12 500,00"]
        andel: decimal missing=0 distinct=5 e.g. ["12,5%", "3%", "40%"]
          ! percent signs dropped: 12% is read as 12
        konverterad: boolean missing=0 distinct=2 e.g. ["ja", "nej"]
        startdatum: date missing=0 distinct=5 e.g. ["1.3.2025", "15.3.2025", "2.4.2025"]
        senast: datetime missing=0 distinct=5 e.g. ["01.03.2025 14:00", "15.03.2025 09:15", "02.04.2025 17:45"]
        "1" | "Åsa AB" | 1234.56 | 12.5 | true | 2025-03-01 | 2025-03-01T14:00:00Z
        "2" | "Bolaget HB" | 987 | 3 | false | 2025-03-15 | 2025-03-15T09:15:00Z
        "3" | "Cykel & Co" | 12500 | 40 | true | 2025-04-02 | 2025-04-02T17:45:00Z
        "4" | "Dala Trä" | -45.1 | 0.5 | false | 2025-04-30 | 2025-04-30T08:00:00Z
        "5" | "Eken AB" | 0.99 | 100 | true | 2025-05-01 | 2025-05-01T12:30:00Z
    "#]],
    );
}

#[test]
fn tab_separated_events_with_epoch_seconds() {
    check(
        "tab.tsv",
        &ReadOptions::default(),
        expect![[r#"
        tab.tsv | utf-8 | "\t" | header: true | rows: 4
        event: category missing=0 distinct=3 e.g. ["page_view", "click", "signup"]
        user: category missing=0 distinct=3 e.g. ["u1", "u2", "u3"]
        timestamp: datetime missing=0 distinct=4 e.g. ["1740830400", "1740834000", "1740837600"]
          ! integers read as epoch seconds (UTC)
        duration_ms: integer missing=0 distinct=4 e.g. ["1200", "45", "3000"]
        "page_view" | "u1" | 2025-03-01T12:00:00Z | 1200
        "click" | "u2" | 2025-03-01T13:00:00Z | 45
        "signup" | "u1" | 2025-03-01T14:00:00Z | 3000
        "click" | "u3" | 2025-03-01T15:00:00Z | 80
    "#]],
    );
}

#[test]
fn pipe_separated_with_currency() {
    check(
        "pipe.csv",
        &ReadOptions::default(),
        expect![[r#"
        pipe.csv | utf-8 | "|" | header: true | rows: 3
        sku: id missing=0 distinct=3 e.g. ["A-001", "A-002", "A-003"]
        product: text missing=0 distinct=3 e.g. ["Widget", "Gadget", "Doohickey"]
        price: decimal missing=0 distinct=3 e.g. ["$12.99", "$1,299.00", "$0.50"]
          ! currency signs and codes dropped
        in_stock: boolean missing=0 distinct=2 e.g. ["true", "false"]
        "A-001" | "Widget" | 12.99 | true
        "A-002" | "Gadget" | 1299 | false
        "A-003" | "Doohickey" | 0.5 | true
    "#]],
    );
}

#[test]
fn quoted_fields_with_doubled_quotes_and_newlines() {
    check(
        "quotes.csv",
        &ReadOptions::default(),
        expect![[r#"
        quotes.csv | utf-8 | "," | header: true | rows: 6
        id: id missing=0 distinct=6 e.g. ["1", "2", "3"]
        comment: text missing=1 distinct=5 e.g. ["Great, really \"great\" product", "Line one\nline two", "He said \"hi\"; then left"]
        rating: integer missing=0 distinct=5 e.g. ["5", "4", "3"]
        "1" | "Great, really \"great\" product" | 5
        "2" | "Line one\nline two" | 4
        "3" | "He said \"hi\"; then left" | 3
        "4" | "plain text" | 2
        "5" | · | 1
        "6" | "comma, \"quote\" and\na newline, all in one" | 5
    "#]],
    );
}

#[test]
fn single_quoted_fields() {
    check(
        "single_quotes.csv",
        &ReadOptions::default(),
        expect![[r#"
        single_quotes.csv | utf-8 | "," | header: true | rows: 4
        id: id missing=0 distinct=4 e.g. ["1", "2", "3"]
        name: text missing=0 distinct=4 e.g. ["Smith, John", "O'Brien", "Lee, Ann"]
        city: text missing=0 distinct=4 e.g. ["Oslo", "Bergen", "Tromsø"]
        note: text missing=1 distinct=3 e.g. ["said 'hi'", "plain", "two\nlines"]
        - fields are quoted with single quotes ('like this'): read that way
        "1" | "Smith, John" | "Oslo" | "said 'hi'"
        "2" | "O'Brien" | "Bergen" | "plain"
        "3" | "Lee, Ann" | "Tromsø" | ·
        "4" | "Ann" | "Stavanger, Rogaland" | "two\nlines"
    "#]],
    );
}

#[test]
fn dates_with_month_names_and_compact_dates() {
    check(
        "month_names.csv",
        &ReadOptions::default(),
        expect![[r#"
        month_names.csv | utf-8 | "," | header: true | rows: 4
        order_id: id missing=0 distinct=4 e.g. ["A1", "A2", "A3"]
        ordered: date missing=0 distinct=4 e.g. ["1 Mar 2025", "15 Feb 2025", "28-Feb-2025"]
        shipped: date missing=0 distinct=4 e.g. ["March 3, 2025", "February 17, 2025", "Mar 1, 2025"]
        paid_on: date missing=1 distinct=3 e.g. ["20250305", "20250220", "20250301"]
          ! 8-digit numbers read as dates written YYYYMMDD
        invoice_no: integer missing=0 distinct=4 e.g. ["20251399", "20250099", "20250101"]
        amount: decimal missing=0 distinct=4 e.g. ["10.5", "20", "7.25"]
        "A1" | 2025-03-01 | 2025-03-03 | 2025-03-05 | 20251399 | 10.5
        "A2" | 2025-02-15 | 2025-02-17 | 2025-02-20 | 20250099 | 20
        "A3" | 2025-02-28 | 2025-03-01 | 2025-03-01 | 20250101 | 7.25
        "A4" | 2024-01-02 | 2024-01-06 | · | 20251231 | 3
    "#]],
    );
}

#[test]
fn backslash_escaped_quotes() {
    check(
        "backslash_escape.csv",
        &ReadOptions::default(),
        expect![[r#"
        backslash_escape.csv | utf-8 | "," | header: true | rows: 3
        id: id missing=0 distinct=3 e.g. ["1", "2", "3"]
        quote: text missing=0 distinct=3 e.g. ["She said \"yes\" twice", "plain", "a \"quoted\" word, with a comma"]
        score: integer missing=0 distinct=3 e.g. ["10", "20", "30"]
        - quotes inside quoted fields are escaped with a backslash (\"): read that way
        "1" | "She said \"yes\" twice" | 10
        "2" | "plain" | 20
        "3" | "a \"quoted\" word, with a comma" | 30
    "#]],
    );
}

/// A product-analytics export with an event's properties as JSON objects, quotes doubled around JSON's
/// own `\"` escapes (`\""`): read as doubled quotes, not backslash escapes, and each key becomes a
/// column.
#[test]
fn json_event_properties() {
    check(
        "event_properties.csv",
        &ReadOptions::default(),
        expect![[r#"
        event_properties.csv | utf-8 | "," | header: true | rows: 5
        uuid: id missing=0 distinct=5 e.g. ["0190a1b2-0001", "0190a1b2-0002", "0190a1b2-0003"]
        event: category missing=0 distinct=3 e.g. ["$pageview", "Export report", "Invite sent"]
        distinct_id: id missing=0 distinct=3 e.g. ["u1", "u2", "u3"]
        timestamp: datetime missing=0 distinct=5 e.g. ["2025-03-01T10:00:00.000Z", "2025-03-01T10:05:12.250Z", "2025-03-02T08:30:00.000Z"]
        $browser: text missing=3 distinct=2 e.g. ["Chrome", "Firefox"]
        $current_url: text missing=3 distinct=2 e.g. ["https://app.example.com/reports?id=7", "https://app.example.com/"]
        plan: category missing=1 distinct=3 e.g. ["pro", "free", "team"]
        seats: integer missing=2 distinct=2 e.g. ["12", "3"]
        format: text missing=3 distinct=2 e.g. ["pdf", "csv"]
        note: text missing=3 distinct=2 e.g. ["the \"Q1\" board, final", "café — weekly"]
        $set: text missing=4 distinct=1 e.g. ["{\"role\": \"admin\"}"]
        - holds JSON objects: each key read as a column of its own, `$browser`, `$current_url`, `plan`, `seats`, `format`, `note` and `$set`
        "0190a1b2-0001" | "$pageview" | "u1" | 2025-03-01T10:00:00Z | "Chrome" | "https://app.example.com/reports?id=7" | "pro" | 12 | · | · | ·
        "0190a1b2-0002" | "Export report" | "u1" | 2025-03-01T10:05:12Z | · | · | "pro" | 12 | "pdf" | "the \"Q1\" board, final" | "{\"role\": \"admin\"}"
        "0190a1b2-0003" | "$pageview" | "u2" | 2025-03-02T08:30:00Z | "Firefox" | "https://app.example.com/" | "free" | · | · | · | ·
        "0190a1b2-0004" | "Invite sent" | "u2" | 2025-03-02T08:41:09Z | · | · | · | · | · | · | ·
        "0190a1b2-0005" | "Export report" | "u3" | 2025-03-03T17:15:00Z | · | · | "team" | 3 | "csv" | "café — weekly" | ·
    "#]],
    );
}

/// A spreadsheet's report: a title and a "generated" line padded with empty fields, a blank line, then
/// the column names; amounts negative in parentheses, as accounting exports write them.
#[test]
fn report_title_lines_before_the_header() {
    check(
        "report_title.csv",
        &ReadOptions::default(),
        expect![[r#"
        report_title.csv | utf-8 | "," | header: true | rows: 4
        account_id: id missing=0 distinct=4 e.g. ["A-100", "A-101", "A-102"]
        owner: text missing=0 distinct=4 e.g. ["Ann", "Bob", "Cy"]
        amount: decimal missing=0 distinct=4 e.g. ["(1,234.00)", "2,000.50", "0.00"]
          ! numbers in parentheses read as negative, as accounting exports write them: (1,234.00) is -1,234.00
          ! currency signs and codes dropped
        close_date: date missing=0 distinct=4 e.g. ["2026-10-01", "2026-10-15", "2026-11-02"]
        stage: category missing=0 distinct=3 e.g. ["Closed Lost", "Closed Won", "Open"]
        - the 3 lines before the column names ("Opportunities report", …) were skipped: a title, not data
        "A-100" | "Ann" | -1234 | 2026-10-01 | "Closed Lost"
        "A-101" | "Bob" | 2000.5 | 2026-10-15 | "Closed Won"
        "A-102" | "Cy" | 0 | 2026-11-02 | "Open"
        "A-103" | "Dee" | -20 | 2026-11-20 | "Closed Lost"
    "#]],
    );
}

/// A file without column names whose first row has one field filled is not a title: nothing is skipped.
#[test]
fn a_sparse_first_row_is_data_not_a_title() {
    let csv = "1,,\n2,5,3\n3,6,4\n4,7,5\n";
    let loaded = read_csv("sparse.csv", csv.as_bytes(), &ReadOptions::default()).expect("reads");
    assert_eq!(loaded.report.rows, 4);
    assert!(
        loaded
            .report
            .warnings
            .iter()
            .all(|w| !w.message.contains("skipped: a title")),
        "{:?}",
        loaded.report.warnings
    );
}

/// Rows read as data that are not: the column names again, where exports were pasted one after
/// another, and a totals row at the end. Both stay rows, and the warnings say on which lines.
#[test]
fn repeated_column_names_and_a_totals_row_are_pointed_out() {
    let warnings = |csv: &str| -> Vec<String> {
        read_csv("export.csv", csv.as_bytes(), &ReadOptions::default())
            .expect("reads")
            .report
            .warnings
            .into_iter()
            .map(|w| format!("{:?}: {}", w.line, w.message))
            .collect()
    };
    let mut ids = String::from("user_id,plan,seats\n");
    for i in 0..300 {
        writeln!(ids, "U{i:05},pro,{}", i % 7).expect("write to a string");
        if i == 100 || i == 200 {
            ids.push_str("User_ID, plan ,seats\n");
        }
    }
    assert_eq!(
        warnings(&ids)
            .into_iter()
            .filter(|w| w.contains("column names"))
            .collect::<Vec<_>>(),
        [
            "Some(103): repeats the column names, as does 1 more line (exports pasted one after \
          another?): they are read as rows; remove them from the file"
        ]
    );
    // Few values: the first column is a dictionary.
    let plans = "plan,seats\npro,3\nfree,1\nplan,seats\npro,2\n";
    assert!(warnings(plans)[0].starts_with("Some(4): repeats the column names (exports"));
    let totals = "owner,deals,amount\nAnn,3,100\nBob,2,50\nTotal,5,150\n";
    assert_eq!(
        warnings(totals),
        [
            "Some(4): the last row starts with \"Total\" and looks like a totals row: it is read as a \
          row (a user or an event); remove it from the file"
        ]
    );
    // A name that is also a value, in a row that is not the names: nothing to say.
    let fine = "plan,tier\nplan,gold\npro,silver\n";
    assert!(
        warnings(fine).iter().all(|w| !w.contains("column names")),
        "{:?}",
        warnings(fine)
    );
}

#[test]
fn comment_lines_before_the_header() {
    check(
        "comments.csv",
        &ReadOptions::default(),
        expect![[r#"
            comments.csv | utf-8 | "," | header: true | rows: 3
            name: text missing=0 distinct=3 e.g. ["alpha", "beta", "gamma"]
            visits: integer missing=0 distinct=3 e.g. ["3", "5", "8"]
            - the file starts with a `#` line: lines starting with `#` are skipped as comments
            "alpha" | 3
            "beta" | 5
            "gamma" | 8
        "#]],
    );
}

#[test]
fn trailing_blank_lines_are_not_rows() {
    check(
        "trailing_blank_lines.csv",
        &ReadOptions::default(),
        expect![[r#"
        trailing_blank_lines.csv | utf-8 | "," | header: true | rows: 2
        a: integer missing=0 distinct=2 e.g. ["1", "4"]
        b: integer missing=0 distinct=2 e.g. ["2", "5"]
        c: integer missing=0 distinct=2 e.g. ["3", "6"]
        1 | 2 | 3
        4 | 5 | 6
    "#]],
    );
}

#[test]
fn space_aligned_fixed_width() {
    check(
        "fixed_width.txt",
        &ReadOptions::default(),
        expect![[r#"
        fixed_width.txt | utf-8 | "fixed-width" | header: true | rows: 4
        name: text missing=0 distinct=4 e.g. ["Alice", "Bob", "Carl Gustaf"]
        country: text missing=0 distinct=4 e.g. ["SE", "NO", "DK"]
        revenue: decimal missing=0 distinct=4 e.g. ["1200.5", "0.0", "350.25"]
        signup: date missing=0 distinct=4 e.g. ["2025-01-15", "2025-02-01", "2025-02-11"]
        "Alice" | "SE" | 1200.5 | 2025-01-15
        "Bob" | "NO" | 0 | 2025-02-01
        "Carl Gustaf" | "DK" | 350.25 | 2025-02-11
        "Dörte" | "DE" | 99.99 | 2025-03-01
    "#]],
    );
}

#[test]
fn line_ends_crlf_and_cr_only() {
    check(
        "crlf.csv",
        &ReadOptions::default(),
        expect![[r#"
        crlf.csv | utf-8 | "," | header: true | rows: 4
        user_id: id missing=0 distinct=4 e.g. ["u001", "u002", "u003"]
        name: text missing=0 distinct=4 e.g. ["Åsa Öberg", "José Núñez", "Zoë Müller"]
        city: text missing=0 distinct=4 e.g. ["Malmö", "Göteborg", "Umeå"]
        plan: category missing=0 distinct=3 e.g. ["pro", "free", "team"]
        mrr: decimal missing=0 distinct=4 e.g. ["1200.50", "0", "350.00"]
        "u001" | "Åsa Öberg" | "Malmö" | "pro" | 1200.5
        "u002" | "José Núñez" | "Göteborg" | "free" | 0
        "u003" | "Zoë Müller" | "Umeå" | "team" | 350
        "u004" | "François Lefèvre" | "Västerås" | "pro" | 980.25
    "#]],
    );
    check(
        "cr_only.csv",
        &ReadOptions::default(),
        expect![[r#"
        cr_only.csv | utf-8 | "," | header: true | rows: 4
        user_id: id missing=0 distinct=4 e.g. ["u001", "u002", "u003"]
        name: text missing=0 distinct=4 e.g. ["Åsa Öberg", "José Núñez", "Zoë Müller"]
        city: text missing=0 distinct=4 e.g. ["Malmö", "Göteborg", "Umeå"]
        plan: category missing=0 distinct=3 e.g. ["pro", "free", "team"]
        mrr: decimal missing=0 distinct=4 e.g. ["1200.50", "0", "350.00"]
        "u001" | "Åsa Öberg" | "Malmö" | "pro" | 1200.5
        "u002" | "José Núñez" | "Göteborg" | "free" | 0
        "u003" | "Zoë Müller" | "Umeå" | "team" | 350
        "u004" | "François Lefèvre" | "Västerås" | "pro" | 980.25
    "#]],
    );
}

#[test]
fn encodings() {
    check(
        "utf8_bom.csv",
        &ReadOptions::default(),
        expect![[r#"
        utf8_bom.csv | utf-8 | "," | header: true | rows: 4
        user_id: id missing=0 distinct=4 e.g. ["u001", "u002", "u003"]
        name: text missing=0 distinct=4 e.g. ["Åsa Öberg", "José Núñez", "Zoë Müller"]
        city: text missing=0 distinct=4 e.g. ["Malmö", "Göteborg", "Umeå"]
        plan: category missing=0 distinct=3 e.g. ["pro", "free", "team"]
        mrr: decimal missing=0 distinct=4 e.g. ["1200.50", "0", "350.00"]
        "u001" | "Åsa Öberg" | "Malmö" | "pro" | 1200.5
        "u002" | "José Núñez" | "Göteborg" | "free" | 0
        "u003" | "Zoë Müller" | "Umeå" | "team" | 350
        "u004" | "François Lefèvre" | "Västerås" | "pro" | 980.25
    "#]],
    );
    check(
        "utf16le_bom.csv",
        &ReadOptions::default(),
        expect![[r#"
        utf16le_bom.csv | utf-16le | "," | header: true | rows: 4
        user_id: id missing=0 distinct=4 e.g. ["u001", "u002", "u003"]
        name: text missing=0 distinct=4 e.g. ["Åsa Öberg", "José Núñez", "Zoë Müller"]
        city: text missing=0 distinct=4 e.g. ["Malmö", "Göteborg", "Umeå"]
        plan: category missing=0 distinct=3 e.g. ["pro", "free", "team"]
        mrr: decimal missing=0 distinct=4 e.g. ["1200.50", "0", "350.00"]
        "u001" | "Åsa Öberg" | "Malmö" | "pro" | 1200.5
        "u002" | "José Núñez" | "Göteborg" | "free" | 0
        "u003" | "Zoë Müller" | "Umeå" | "team" | 350
        "u004" | "François Lefèvre" | "Västerås" | "pro" | 980.25
    "#]],
    );
    check(
        "utf16be_bom.csv",
        &ReadOptions::default(),
        expect![[r#"
        utf16be_bom.csv | utf-16be | "," | header: true | rows: 4
        user_id: id missing=0 distinct=4 e.g. ["u001", "u002", "u003"]
        name: text missing=0 distinct=4 e.g. ["Åsa Öberg", "José Núñez", "Zoë Müller"]
        city: text missing=0 distinct=4 e.g. ["Malmö", "Göteborg", "Umeå"]
        plan: category missing=0 distinct=3 e.g. ["pro", "free", "team"]
        mrr: decimal missing=0 distinct=4 e.g. ["1200.50", "0", "350.00"]
        "u001" | "Åsa Öberg" | "Malmö" | "pro" | 1200.5
        "u002" | "José Núñez" | "Göteborg" | "free" | 0
        "u003" | "Zoë Müller" | "Umeå" | "team" | 350
        "u004" | "François Lefèvre" | "Västerås" | "pro" | 980.25
    "#]],
    );
    check(
        "utf16le_no_bom.csv",
        &ReadOptions::default(),
        expect![[r#"
        utf16le_no_bom.csv | utf-16le | "," | header: true | rows: 4
        user_id: id missing=0 distinct=4 e.g. ["u001", "u002", "u003"]
        name: text missing=0 distinct=4 e.g. ["Åsa Öberg", "José Núñez", "Zoë Müller"]
        city: text missing=0 distinct=4 e.g. ["Malmö", "Göteborg", "Umeå"]
        plan: category missing=0 distinct=3 e.g. ["pro", "free", "team"]
        mrr: decimal missing=0 distinct=4 e.g. ["1200.50", "0", "350.00"]
        "u001" | "Åsa Öberg" | "Malmö" | "pro" | 1200.5
        "u002" | "José Núñez" | "Göteborg" | "free" | 0
        "u003" | "Zoë Müller" | "Umeå" | "team" | 350
        "u004" | "François Lefèvre" | "Västerås" | "pro" | 980.25
    "#]],
    );
    check(
        "windows1252.csv",
        &ReadOptions::default(),
        expect![[r#"
        windows1252.csv | windows-1252 | ";" | header: true | rows: 4
        user_id: id missing=0 distinct=4 e.g. ["u001", "u002", "u003"]
        name: text missing=0 distinct=4 e.g. ["Åsa Öberg", "José Núñez", "Zoë Müller"]
        city: text missing=0 distinct=4 e.g. ["Malmö", "Göteborg", "Umeå"]
        plan: category missing=0 distinct=3 e.g. ["pro", "free", "team"]
        mrr: decimal missing=0 distinct=4 e.g. ["1200,50", "0", "350,00"]
        "u001" | "Åsa Öberg" | "Malmö" | "pro" | 1200.5
        "u002" | "José Núñez" | "Göteborg" | "free" | 0
        "u003" | "Zoë Müller" | "Umeå" | "team" | 350
        "u004" | "François Lefèvre" | "Västerås" | "pro" | 980.25
    "#]],
    );
}

#[test]
fn nul_bytes_and_invalid_utf8_are_replaced_and_reported() {
    check(
        "nul_and_invalid.csv",
        &ReadOptions::default(),
        expect![[r#"
        nul_and_invalid.csv | utf-8 | "," | header: true | rows: 5
        id: id missing=0 distinct=5 e.g. ["1", "2", "3"]
        comment: text missing=0 distinct=5 e.g. ["fine", "bad�byte", "stray � byte"]
        score: integer missing=0 distinct=5 e.g. ["3", "4", "5"]
        - line 3: a NUL byte or bytes invalid in the file's encoding were replaced by �
        - line 4: a NUL byte or bytes invalid in the file's encoding were replaced by �
        "1" | "fine" | 3
        "2" | "bad�byte" | 4
        "3" | "stray � byte" | 5
        "4" | "café" | 6
        "5" | "ok" | 7
    "#]],
    );
}

#[test]
fn no_header() {
    check(
        "no_header.csv",
        &ReadOptions::default(),
        expect![[r#"
        no_header.csv | utf-8 | "," | header: false | rows: 4
        column_1: integer missing=0 distinct=4 e.g. ["1", "2", "3"]
        column_2: decimal missing=0 distinct=4 e.g. ["2.5", "3.5", "4.25"]
        column_3: date missing=0 distinct=4 e.g. ["2025-01-01", "2025-01-02", "2025-01-03"]
        - the first line looks like data, not column names: columns are named column_1, column_2, …
        1 | 2.5 | 2025-01-01
        2 | 3.5 | 2025-01-02
        3 | 4.25 | 2025-01-03
        4 | 5 | 2025-01-04
    "#]],
    );
}

#[test]
fn empty_and_repeated_header_names() {
    check(
        "header_names.csv",
        &ReadOptions::default(),
        expect![[r#"
        header_names.csv | utf-8 | "," | header: true | rows: 3
        id: id missing=0 distinct=3 e.g. ["1", "2", "3"]
        column_2: text missing=0 distinct=3 e.g. ["a", "c", "e"]
        plan: category missing=0 distinct=2 e.g. ["x", "y"]
        plan_2: category missing=0 distinct=2 e.g. ["y", "z"]
        column_5: text missing=0 distinct=3 e.g. ["b", "d", "f"]
        score: integer missing=0 distinct=3 e.g. ["3", "4", "5"]
        - line 1: column 2 has no name in the header: named `column_2`
        - line 1: column 4 repeats the name `plan`: renamed `plan_2`
        - line 1: column 5 has no name in the header: named `column_5`
        "1" | "a" | "x" | "y" | "b" | 3
        "2" | "c" | "x" | "z" | "d" | 4
        "3" | "e" | "y" | "y" | "f" | 5
    "#]],
    );
}

#[test]
fn ragged_rows_are_kept_and_reported() {
    check(
        "ragged.csv",
        &ReadOptions::default(),
        expect![[r#"
        ragged.csv | utf-8 | "," | header: true | rows: 5
        id: id missing=0 distinct=5 e.g. ["1", "2", "3"]
        name: text missing=0 distinct=5 e.g. ["alpha", "beta", "gamma"]
        score: integer missing=1 distinct=4 e.g. ["10", "30", "40"]
        - line 3: 2 fields instead of 3: the missing ones are left empty
        - line 4: 5 fields instead of 3: the extra ones are dropped (extra, more)
        - 1 line(s) end with an extra delimiter; the empty field after it is ignored
        "1" | "alpha" | 10
        "2" | "beta" | ·
        "3" | "gamma" | 30
        "4" | "delta" | 40
        "5" | "epsilon" | 50
    "#]],
    );
}

#[test]
fn column_types() {
    check(
        "types.csv",
        &ReadOptions::default(),
        expect![[r#"
        types.csv | utf-8 | "," | header: true | rows: 5
        order_id: id missing=0 distinct=5 e.g. ["00017", "00018", "00019"]
        zip: id missing=0 distinct=5 e.g. ["01234", "02139", "90210"]
        amount: decimal missing=0 distinct=5 e.g. ["1,234.56", "$99.00", "12,000"]
          ! currency signs and codes dropped
        discount: integer missing=1 distinct=4 e.g. ["12%", "0%", "5%"]
          ! percent signs dropped: 12% is read as 12
        paid: boolean missing=0 distinct=2 e.g. ["Yes", "No", "yes"]
        has_coupon: boolean missing=0 distinct=2 e.g. ["1", "0"]
        quantity: integer missing=0 distinct=2 e.g. ["1", "0"]
        ordered: date missing=0 distinct=5 e.g. ["01/02/2025", "02/03/2025", "05/04/2025"]
          ! 01/02/2025 could be 1 Feb or 2 Jan: read as day-first; choose month-first if that is wrong
        shipped_at: datetime missing=0 distinct=5 e.g. ["2025-03-01 14:00", "2025-03-01 15:30:00", "2025-03-02T09:00:00Z"]
        us_date: date missing=0 distinct=5 e.g. ["03/13/2025", "04/01/2025", "12/25/2025"]
        eu_date: date missing=0 distinct=5 e.g. ["13/03/2025", "01/04/2025", "25/12/2025"]
        created_ts: datetime missing=0 distinct=5 e.g. ["1740830400", "1740834000", "1740837600"]
          ! integers read as epoch seconds (UTC)
        event_ms: datetime missing=0 distinct=5 e.g. ["1740830400123", "1740834000456", "1740837600789"]
          ! integers read as epoch milliseconds (UTC)
        account_no: id missing=0 distinct=5 e.g. ["12345678901234567890", "12345678901234567891", "12345678901234567892"]
          ! numbers with more than 15 digits: kept as an id
        segment: category missing=0 distinct=3 e.g. ["enterprise", "smb", "mid-market"]
        note: text missing=2 distinct=3 e.g. ["Called twice about the invoice", "Wants a demo", "Happy customer"]
        "00017" | "01234" | 1234.56 | 12 | true | true | 1 | 2025-02-01 | 2025-03-01T14:00:00Z | 2025-03-13 | 2025-03-13 | 2025-03-01T12:00:00Z | 2025-03-01T12:00:00Z | "12345678901234567890" | "enterprise" | "Called twice about the invoice"
        "00018" | "02139" | 99 | 0 | false | false | 0 | 2025-03-02 | 2025-03-01T15:30:00Z | 2025-04-01 | 2025-04-01 | 2025-03-01T13:00:00Z | 2025-03-01T13:00:00Z | "12345678901234567891" | "smb" | ·
        "00019" | "90210" | 12000 | 5 | true | true | 1 | 2025-04-05 | 2025-03-02T09:00:00Z | 2025-12-25 | 2025-12-25 | 2025-03-01T14:00:00Z | 2025-03-01T14:00:00Z | "12345678901234567892" | "smb" | "Wants a demo"
        "00020" | "10001" | 0.5 | · | false | false | 0 | 2025-07-06 | 2025-03-02T10:00:00Z | 2025-01-02 | 2025-01-02 | 2025-03-01T15:00:00Z | 2025-03-01T15:00:00Z | "12345678901234567893" | "enterprise" | ·
        "00021" | "73301" | 7 | 50 | true | false | 1 | 2025-09-08 | 2025-03-03T11:11:00Z | 2025-07-04 | 2025-07-04 | 2025-03-01T16:00:00Z | 2025-03-01T16:00:00Z | "12345678901234567894" | "mid-market" | "Happy customer"
    "#]],
    );
}

#[test]
fn missing_markers() {
    check(
        "missing.csv",
        &ReadOptions::default(),
        expect![[r#"
        missing.csv | utf-8 | "," | header: true | rows: 12
        id: id missing=0 distinct=12 e.g. ["1", "2", "3"]
        score: integer missing=10 distinct=2 e.g. ["10", "12"]
        label: text missing=0 distinct=12 e.g. ["a", "b", "c"]
        "1" | 10 | "a"
        "2" | · | "b"
        "3" | · | "c"
        "4" | · | "d"
        "5" | · | "e"
        "6" | · | "f"
    "#]],
    );
}

#[test]
fn one_stray_value_among_thousands_of_numbers() {
    check(
        "stray_value.csv",
        &ReadOptions::default(),
        expect![[r#"
        stray_value.csv | utf-8 | "," | header: true | rows: 2000
        order_id: id missing=0 distinct=2000 e.g. ["o00000", "o00001", "o00002"]
        amount: decimal missing=1 distinct=1953 e.g. ["162.59", "198.02", "37.15"]
          ! 1 value(s) are not a number and were read as missing (line 1236)
        status: category missing=0 distinct=3 e.g. ["paid", "open", "refunded"]
        - line 1236: `n/k` in column `amount` is not a number: read as missing
        "o00000" | 162.59 | "paid"
        "o00001" | 198.02 | "paid"
        "o00002" | 37.15 | "open"
        "o00003" | 47.97 | "open"
        "o00004" | 29.94 | "open"
        "o00005" | 108.13 | "paid"
    "#]],
    );
}

#[test]
fn header_only() {
    check(
        "header_only.csv",
        &ReadOptions::default(),
        expect![[r#"
        header_only.csv | utf-8 | "," | header: true | rows: 0
        user_id: text missing=0 distinct=0 e.g. []
        plan: text missing=0 distinct=0 e.g. []
        mrr: text missing=0 distinct=0 e.g. []
        - the file has a header line but no data rows
    "#]],
    );
}

#[test]
fn a_lone_line_of_numbers_is_data() {
    check(
        "one_data_line.csv",
        &ReadOptions::default(),
        expect![[r#"
        one_data_line.csv | utf-8 | "," | header: false | rows: 1
        column_1: integer missing=0 distinct=1 e.g. ["1"]
        column_2: decimal missing=0 distinct=1 e.g. ["2.5"]
        column_3: date missing=0 distinct=1 e.g. ["2025-03-01"]
        - the first line looks like data, not column names: columns are named column_1, column_2, …
        1 | 2.5 | 2025-03-01
    "#]],
    );
}

#[test]
fn options_override_the_guesses() {
    let options = ReadOptions {
        date_order: Some(DateOrder::MonthFirst),
        type_overrides: vec![
            ("amount".to_owned(), ColumnType::Text),
            ("SEGMENT".to_owned(), ColumnType::Text),
            ("note".to_owned(), ColumnType::Integer),
            ("nonexistent".to_owned(), ColumnType::Date),
        ],
        ..ReadOptions::default()
    };
    check(
        "types.csv",
        &options,
        expect![[r#"
        types.csv | utf-8 | "," | header: true | rows: 5
        order_id: id missing=0 distinct=5 e.g. ["00017", "00018", "00019"]
        zip: id missing=0 distinct=5 e.g. ["01234", "02139", "90210"]
        amount: text missing=0 distinct=5 e.g. ["1,234.56", "$99.00", "12,000"]
          ! type set to text by the user
        discount: integer missing=1 distinct=4 e.g. ["12%", "0%", "5%"]
          ! percent signs dropped: 12% is read as 12
        paid: boolean missing=0 distinct=2 e.g. ["Yes", "No", "yes"]
        has_coupon: boolean missing=0 distinct=2 e.g. ["1", "0"]
        quantity: integer missing=0 distinct=2 e.g. ["1", "0"]
        ordered: date missing=0 distinct=5 e.g. ["01/02/2025", "02/03/2025", "05/04/2025"]
          ! 01/02/2025 could be 1 Feb or 2 Jan: read as month-first; choose day-first if that is wrong
        shipped_at: datetime missing=0 distinct=5 e.g. ["2025-03-01 14:00", "2025-03-01 15:30:00", "2025-03-02T09:00:00Z"]
        us_date: date missing=0 distinct=5 e.g. ["03/13/2025", "04/01/2025", "12/25/2025"]
        eu_date: date missing=0 distinct=5 e.g. ["13/03/2025", "01/04/2025", "25/12/2025"]
        created_ts: datetime missing=0 distinct=5 e.g. ["1740830400", "1740834000", "1740837600"]
          ! integers read as epoch seconds (UTC)
        event_ms: datetime missing=0 distinct=5 e.g. ["1740830400123", "1740834000456", "1740837600789"]
          ! integers read as epoch milliseconds (UTC)
        account_no: id missing=0 distinct=5 e.g. ["12345678901234567890", "12345678901234567891", "12345678901234567892"]
          ! numbers with more than 15 digits: kept as an id
        segment: text missing=0 distinct=3 e.g. ["enterprise", "smb", "mid-market"]
          ! type set to text by the user
        note: integer missing=5 distinct=0 e.g. ["Called twice about the invoice", "Wants a demo", "Happy customer"]
          ! type set to integer by the user
          ! 3 value(s) are not a number and were read as missing (line 2, 4, 6)
        - line 2: `Called twice about the invoice` in column `note` is not a number: read as missing
        - line 4: `Wants a demo` in column `note` is not a number: read as missing
        - line 6: `Happy customer` in column `note` is not a number: read as missing
        - type override for `nonexistent`: the file has no such column
        "00017" | "01234" | "1,234.56" | 12 | true | true | 1 | 2025-01-02 | 2025-03-01T14:00:00Z | 2025-03-13 | 2025-03-13 | 2025-03-01T12:00:00Z | 2025-03-01T12:00:00Z | "12345678901234567890" | "enterprise" | ·
        "00018" | "02139" | "$99.00" | 0 | false | false | 0 | 2025-02-03 | 2025-03-01T15:30:00Z | 2025-04-01 | 2025-04-01 | 2025-03-01T13:00:00Z | 2025-03-01T13:00:00Z | "12345678901234567891" | "smb" | ·
        "00019" | "90210" | "12,000" | 5 | true | true | 1 | 2025-05-04 | 2025-03-02T09:00:00Z | 2025-12-25 | 2025-12-25 | 2025-03-01T14:00:00Z | 2025-03-01T14:00:00Z | "12345678901234567892" | "smb" | ·
        "00020" | "10001" | "0.5" | · | false | false | 0 | 2025-06-07 | 2025-03-02T10:00:00Z | 2025-01-02 | 2025-01-02 | 2025-03-01T15:00:00Z | 2025-03-01T15:00:00Z | "12345678901234567893" | "enterprise" | ·
        "00021" | "73301" | "7" | 50 | true | false | 1 | 2025-08-09 | 2025-03-03T11:11:00Z | 2025-07-04 | 2025-07-04 | 2025-03-01T16:00:00Z | 2025-03-01T16:00:00Z | "12345678901234567894" | "mid-market" | ·
    "#]],
    );
    let options = ReadOptions {
        has_header: Some(false),
        delimiter: Some(b';'),
        ..ReadOptions::default()
    };
    check(
        "trailing_blank_lines.csv",
        &options,
        expect![[r#"
        trailing_blank_lines.csv | utf-8 | ";" | header: false | rows: 3
        column_1: text missing=0 distinct=3 e.g. ["a,b,c", "1,2,3", "4,5,6"]
        "a,b,c"
        "1,2,3"
        "4,5,6"
    "#]],
    );
    let options = ReadOptions {
        encoding: Some("latin1".to_owned()),
        ..ReadOptions::default()
    };
    check(
        "utf8_bom.csv",
        &options,
        expect![[r#"
        utf8_bom.csv | windows-1252 | "," | header: true | rows: 4
        ï»¿user_id: id missing=0 distinct=4 e.g. ["u001", "u002", "u003"]
        name: text missing=0 distinct=4 e.g. ["Ã…sa Ã–berg", "JosÃ© NÃºÃ±ez", "ZoÃ« MÃ¼ller"]
        city: text missing=0 distinct=4 e.g. ["MalmÃ¶", "GÃ¶teborg", "UmeÃ¥"]
        plan: category missing=0 distinct=3 e.g. ["pro", "free", "team"]
        mrr: decimal missing=0 distinct=4 e.g. ["1200.50", "0", "350.00"]
        "u001" | "Ã…sa Ã–berg" | "MalmÃ¶" | "pro" | 1200.5
        "u002" | "JosÃ© NÃºÃ±ez" | "GÃ¶teborg" | "free" | 0
        "u003" | "ZoÃ« MÃ¼ller" | "UmeÃ¥" | "team" | 350
        "u004" | "FranÃ§ois LefÃ¨vre" | "VÃ¤sterÃ¥s" | "pro" | 980.25
    "#]],
    );
}

/// Feeding the file in chunks of any size gives exactly what reading it whole gives.
#[test]
fn chunked_reading_matches_whole_reading() {
    for name in csv_fixtures() {
        let bytes = fixture(&name);
        let whole = read_csv(&name, &bytes, &ReadOptions::default()).map(|l| render(&l));
        for size in [1, 2, 3, 7, 64, 4096] {
            let mut reader = CsvReader::new(&name, ReadOptions::default());
            let mut result = Ok(());
            for chunk in bytes.chunks(size) {
                if let Err(e) = reader.feed(chunk) {
                    result = Err(e);
                    break;
                }
            }
            let chunked = result.and_then(|()| reader.finish()).map(|l| render(&l));
            assert_eq!(whole, chunked, "{name} in chunks of {size}");
        }
    }
}

/// Every text fixture (the ones the Python oracle reads too).
pub fn csv_fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(data_dir())
        .expect("fixture folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let extension = Path::new(n).extension().and_then(|e| e.to_str());
            matches!(extension, Some("csv" | "tsv" | "txt"))
        })
        .collect();
    names.sort();
    names
}

#[test]
fn not_csv_files_are_named_by_their_magic_bytes() {
    let cases = [
        ("bad/book.xlsx", Some(FileKind::Xlsx)),
        ("bad/sheet.numbers", Some(FileKind::Numbers)),
        ("bad/archive.zip", Some(FileKind::Zip)),
        ("bad/old.xls", Some(FileKind::Xls)),
        ("bad/report.pdf", Some(FileKind::Pdf)),
        ("bad/users.csv.gz", Some(FileKind::Gzip)),
        ("bad/random.bin", Some(FileKind::Binary)),
        ("utf16le_bom.csv", None),
        ("nul_and_invalid.csv", None),
        ("crm_comma.csv", None),
    ];
    for (name, kind) in cases {
        let bytes = fixture(name);
        assert_eq!(
            detect_binary(&bytes[..bytes.len().min(512)]),
            kind,
            "{name}"
        );
    }
    let messages: Vec<String> = [
        "bad/book.xlsx",
        "bad/old.xls",
        "bad/sheet.numbers",
        "bad/random.bin",
    ]
    .iter()
    .map(|name| {
        read_csv(name, &fixture(name), &ReadOptions::default())
            .map(|_| ())
            .unwrap_err()
            .to_string()
    })
    .collect();
    expect![[r#"
        [
            "bad/book.xlsx is an Excel workbook (.xlsx), not CSV: open it in Excel and save it as CSV",
            "bad/old.xls is an old-style Excel workbook (.xls), not CSV: open it in Excel and save it as CSV",
            "bad/sheet.numbers is an Apple Numbers document, not CSV: export it from Numbers as CSV",
            "bad/random.bin is a binary file, not text: choose the CSV export of the data",
        ]
    "#]]
    .assert_debug_eq(&messages);
}

#[test]
fn empty_files() {
    check_err(
        "empty.csv",
        &fixture("bad/empty.csv"),
        &ReadOptions::default(),
        expect!["empty.csv is empty: export the data again, with at least one row"],
    );
    check_err(
        "blank.csv",
        &fixture("bad/blank_lines.csv"),
        &ReadOptions::default(),
        expect!["blank.csv is empty: export the data again, with at least one row"],
    );
    let mut reader = CsvReader::new("nothing.csv", ReadOptions::default());
    assert_eq!(reader.feed(&[]).map(|p| p.bytes), Ok(0));
    assert!(matches!(reader.finish(), Err(IngestError::Empty { .. })));
}

#[test]
fn over_the_memory_budget() {
    let options = ReadOptions {
        max_bytes: Some(1000),
        ..ReadOptions::default()
    };
    check_err(
        "stray_value.csv",
        &fixture("stray_value.csv"),
        &options,
        expect![
            "stray_value.csv is larger than the memory budget of 1000 bytes (read 40219 bytes so far): split the file, or use the seglab command line"
        ],
    );
    let mut reader = CsvReader::new("stray_value.csv", options);
    let bytes = fixture("stray_value.csv");
    let mut chunks = bytes.chunks(600);
    assert!(reader.feed(chunks.next().unwrap_or_default()).is_ok());
    assert!(matches!(
        reader.feed(chunks.next().unwrap_or_default()),
        Err(IngestError::TooLarge { size: 1200, .. })
    ));
}

#[test]
fn a_100_mb_line_is_an_error_with_its_line_number() {
    let mut bytes = b"id,comment\n1,short\n2,".to_vec();
    bytes.resize(bytes.len() + (100 << 20), b'x');
    bytes.extend_from_slice(b"\n3,after\n");
    check_err(
        "huge_line.csv",
        &bytes,
        &ReadOptions::default(),
        expect![[
            r#"huge_line.csv, line 3: a record longer than 16777216 bytes; is a quote (") left open on that line?"#
        ]],
    );
    // The same with an unclosed quote, fed in 4 MiB chunks as the browser does.
    let mut bytes = b"id,comment\n1,short\n2,\"open quote\n".to_vec();
    bytes.resize(bytes.len() + (20 << 20), b'y');
    let mut reader = CsvReader::new("open_quote.csv", ReadOptions::default());
    let error = bytes
        .chunks(4 << 20)
        .map(|c| reader.feed(c))
        .find_map(Result::err);
    expect![[r#"open_quote.csv, line 3: a record longer than 16777216 bytes; is a quote (") left open on that line?"#]].assert_eq(&error.map(|e| e.to_string()).unwrap_or_default());
    // A smaller limit, and one field per byte.
    let options = ReadOptions {
        max_record_bytes: Some(1000),
        ..ReadOptions::default()
    };
    let mut bytes = b"a,b\n1,2\n".to_vec();
    bytes.resize(bytes.len() + 300_000, b',');
    check_err(
        "commas.csv",
        &bytes,
        &options,
        expect![
            "commas.csv, line 3: a record with more than 100000 fields; is the delimiter right?"
        ],
    );
}

#[test]
fn bad_options() {
    let options = ReadOptions {
        encoding: Some("klingon".to_owned()),
        ..ReadOptions::default()
    };
    check_err(
        "crm_comma.csv",
        &fixture("crm_comma.csv"),
        &options,
        expect!["crm_comma.csv: unknown encoding `klingon`; try utf-8, windows-1252 or utf-16le"],
    );
    let options = ReadOptions {
        delimiter: Some(b'"'),
        ..ReadOptions::default()
    };
    check_err(
        "crm_comma.csv",
        &fixture("crm_comma.csv"),
        &options,
        expect![[
            r#"crm_comma.csv: the delimiter '"' cannot be used (a quote, a line end or a non-ASCII byte)"#
        ]],
    );
}

#[test]
fn raw_cells_keep_the_text_as_written() {
    let raw = read_raw(
        "quotes.csv",
        &fixture("quotes.csv"),
        &ReadOptions::default(),
    )
    .expect("quotes.csv");
    assert_eq!(
        raw.header.as_deref(),
        Some(&["id".to_owned(), "comment".to_owned(), "rating".to_owned()][..])
    );
    assert_eq!(raw.rows[1][1], "Line one\nline two");
    assert_eq!(
        raw.rows[5][1],
        "comma, \"quote\" and\na newline, all in one"
    );
}

#[test]
fn report_serialises_to_json() {
    let loaded = read_csv(
        "crm_comma.csv",
        &fixture("crm_comma.csv"),
        &ReadOptions::default(),
    )
    .expect("crm");
    let json = serde_json::to_string(&loaded.report).expect("json");
    let back: seglab_core::ingest::FileReport = serde_json::from_str(&json).expect("parse back");
    assert_eq!(back, loaded.report);
    let options: ReadOptions =
        serde_json::from_str(r#"{"delimiter":59,"date_order":"MonthFirst"}"#).expect("options");
    assert_eq!(options.delimiter, Some(b';'));
}

/// A one-column file of `rows` values, `late` replacing the value at row 15 000: past the rows scanned
/// to guess the type, so the whole-column check has to catch it.
fn late_surprise(header: &str, rows: usize, value: impl Fn(usize) -> String, late: &str) -> String {
    let mut text = format!("{header}\n");
    for i in 0..rows {
        if i == 15_000 {
            text.push_str(late);
        } else {
            text.push_str(&value(i));
        }
        text.push('\n');
    }
    let loaded = read_csv("late.csv", text.as_bytes(), &ReadOptions::default()).expect("late.csv");
    let column = &loaded.report.columns[0];
    let mut out = format!(
        "{}: {} missing={}\n",
        column.name, column.ty, column.missing
    );
    for w in &column.warnings {
        let _ = writeln!(out, "  ! {w}");
    }
    for w in &loaded.report.warnings {
        let _ = writeln!(
            out,
            "- {}{}",
            w.line.map_or(String::new(), |l| format!("line {l}: ")),
            w.message
        );
    }
    out
}

#[test]
fn values_late_in_a_large_file_count_as_much_as_early_ones() {
    let numbers = |i: usize| format!("{}.{}", i % 500, i % 10);
    expect![[r#"
        amount: decimal missing=1
          ! 1 value(s) are not a number and were read as missing (line 15002)
        - line 15002: `n/k` in column `amount` is not a number: read as missing
    "#]]
    .assert_eq(&late_surprise("amount", 20_000, numbers, "n/k"));
    expect![[r#"
        amount: decimal missing=0
    "#]]
    .assert_eq(&late_surprise(
        "amount",
        20_000,
        |i| (i % 97).to_string(),
        "2.5",
    ));
    let dates = |i: usize| format!("{:02}/{:02}/2025", i % 12 + 1, i % 12 + 1);
    expect![[r#"
        day: date missing=0
    "#]]
    .assert_eq(&late_surprise("day", 20_000, dates, "12/13/2025"));
    expect![[r#"
        day: datetime missing=0
    "#]]
    .assert_eq(&late_surprise("day", 20_000, dates, "2025-03-01 10:00"));
    let flags = |i: usize| (i % 2).to_string();
    expect![[r#"
        flag: boolean missing=0
    "#]]
    .assert_eq(&late_surprise("flag", 20_000, flags, "yes"));
    let missing_then = |i: usize| {
        if i < 12_000 {
            String::new()
        } else {
            i.to_string()
        }
    };
    expect![[r#"
        visits: integer missing=0
        - 12000 blank or comment line(s) between rows were skipped (a file of one column writes a missing value as a blank line: use NA instead)
    "#]].assert_eq(&late_surprise("visits", 20_000, missing_then, "7"));
    let words = |i: usize| format!("word{}", i % 7);
    expect![[r#"
        label: category missing=0
    "#]]
    .assert_eq(&late_surprise("label", 20_000, words, "12"));
}

/// A file of 30 000 rows whose columns change character part-way: `ref` repeats three values, then every
/// value is new; `day` fits both date orders until one value, late, fits only month-first; `amount` has
/// one stray value late; `team` is mostly distinct over its first 10 000 values, then repeats them. A
/// quoted value over two lines early on shifts every later row's line by one.
#[test]
fn columns_that_change_character_late_in_the_file() {
    const ROWS: usize = 30_000;
    let reference = |i: usize| {
        if i < 6000 {
            format!("r{}", i % 3)
        } else {
            format!("ref-{i}")
        }
    };
    // Day and month both from 1 to 12 until row 25 000.
    let day = |i: usize| {
        if i == 25_000 {
            (2, 13)
        } else {
            (i % 12 + 1, (i / 12) % 12 + 1)
        }
    };
    let amount = |i: usize| {
        if i == 20_000 {
            "n/k".to_owned()
        } else {
            (i % 700).to_string()
        }
    };
    let team = |i: usize| format!("t{}", i % 8000);
    let mut text = String::from("ref,day,amount,team,note\n");
    for i in 0..ROWS {
        let (month, day_of_month) = day(i);
        let note = if i == 100 { "\"two\nlines\"" } else { "" };
        let _ = writeln!(
            text,
            "{},{month:02}/{day_of_month:02}/2025,{},{},{note}",
            reference(i),
            amount(i),
            team(i)
        );
    }
    let loaded = read_csv("late.csv", text.as_bytes(), &ReadOptions::default()).expect("late.csv");
    let mut out = String::new();
    render_columns(&mut out, &loaded.report.columns);
    for w in &loaded.report.warnings {
        let line = w.line.map_or(String::new(), |l| format!("line {l}: "));
        let _ = writeln!(out, "- {line}{}", w.message);
    }
    expect![[r#"
        ref: text missing=0 distinct=24003 e.g. ["r0", "r1", "r2"]
        day: date missing=0 distinct=145 e.g. ["01/01/2025", "02/01/2025", "03/01/2025"]
        amount: integer missing=1 distinct=700 e.g. ["0", "1", "2"]
          ! 1 value(s) are not a number and were read as missing (line 20003)
        team: category missing=0 distinct=8000 e.g. ["t0", "t1", "t2"]
        note: text missing=29999 distinct=1 e.g. ["two\nlines"]
        - line 20003: `n/k` in column `amount` is not a number: read as missing
    "#]]
    .assert_eq(&out);
    // Every cell against what was written.
    let table = &loaded.table;
    let column = |name: &str| {
        table
            .columns()
            .iter()
            .find(|c| c.name() == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let raw = read_raw("late.csv", text.as_bytes(), &ReadOptions::default()).expect("raw");
    for i in 0..ROWS {
        assert_eq!(raw.rows[i][0], reference(i), "raw ref, row {i}");
        assert_eq!(show(column("ref").value(i)), format!("{:?}", reference(i)));
        let (month, day_of_month) = day(i);
        assert_eq!(
            show(column("day").value(i)),
            format!("2025-{month:02}-{day_of_month:02}"),
            "day, row {i}"
        );
        let written = amount(i);
        let read = show(column("amount").value(i));
        assert_eq!(
            read,
            if i == 20_000 {
                "·".to_owned()
            } else {
                written
            }
        );
        assert_eq!(show(column("team").value(i)), format!("{:?}", team(i)));
    }
}
