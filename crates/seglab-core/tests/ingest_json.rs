//! Columns of JSON objects (an event's properties), checked against Python's `json` module: every key
//! becomes a column, and every row's value in it is what `json.loads` reads from that row's object.

use seglab_core::ingest::{ReadOptions, read_csv};
use seglab_core::table::{ColumnType, Table, Value};
use std::fmt::Write as _;
use std::process::Command;

/// Reads the CSV with Python's `csv` and `json` and prints, per row, every key with the value
/// `json.loads` gave, in the object's order: `[["key", value], ...]`.
const ORACLE: &str = r#"
import csv, io, json, sys
rows = list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))[1:]
out = []
for row in rows:
    cell = row[1].strip()
    out.append(list(json.loads(cell).items()) if cell else [])
json.dump(out, sys.stdout)
"#;

fn python(csv: &str) -> Vec<Vec<(String, serde_json::Value)>> {
    let mut child = Command::new("python3")
        .args(["-c", ORACLE])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is needed for the JSON oracle test: install Python 3");
    {
        use std::io::Write as _;
        let stdin = child.stdin.as_mut().expect("python stdin");
        stdin.write_all(csv.as_bytes()).expect("write the CSV");
    }
    let output = child.wait_with_output().expect("python3 runs");
    assert!(output.status.success(), "the python oracle failed");
    serde_json::from_slice(&output.stdout).expect("the oracle prints JSON")
}

/// A generator of the test's random choices (a linear congruential one, seeded).
struct Random(u64);

impl Random {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// A JSON string literal, with the escapes real exports write: quotes, backslashes, `\n`, `\u00e9`,
/// a surrogate pair, and characters as they are.
fn string_literal(r: &mut Random) -> String {
    let parts = [
        "plan",
        "pro team",
        "a \\\"quoted\\\" word",
        "back\\\\slash",
        "caf\\u00e9",
        "Malmö",
        "emoji \\ud83d\\ude00",
        "two\\nlines",
        "comma, inside",
        "tab\\there",
        "{not an object}",
    ];
    let mut s = String::from("v ");
    for _ in 0..=r.next(3) {
        s.push_str(parts[r.next(parts.len())]);
        s.push(' ');
    }
    s.push('z');
    format!("\"{s}\"")
}

/// Writes one random value of a key's kind as JSON.
type Generate = fn(&mut Random) -> String;

/// One row's JSON object: keys of fixed kinds, each present or not, some `null`; keys in any order.
fn object(r: &mut Random) -> String {
    let mut entries: Vec<String> = Vec::new();
    let keys: [(&str, Generate); 6] = [
        ("browser", string_literal),
        ("seats", |r| format!("{}", r.next(2000) as i64 - 100)),
        ("price", |r| format!("{}.{:02}", r.next(500), r.next(100))),
        ("beta", |r| {
            if r.next(2) == 0 { "true" } else { "false" }.to_owned()
        }),
        ("tags", |r| format!("[\"t{}\", {}]", r.next(5), r.next(9))),
        ("$current url", |r| {
            format!("\"https://example.com/p/{}?q=1\"", r.next(50))
        }),
    ];
    for (key, value) in keys {
        match r.next(6) {
            0 => {}
            1 => entries.push(format!("\"{key}\": null")),
            _ => entries.push(format!("\"{key}\": {}", value(r))),
        }
    }
    // Key order differs between rows, as serialisers do.
    for i in (1..entries.len()).rev() {
        entries.swap(i, r.next(i + 1));
    }
    format!("{{{}}}", entries.join(", "))
}

fn csv_of(rows: usize, seed: u64) -> String {
    let mut r = Random(seed);
    let mut csv = String::from("event_id,properties\r\n");
    for row in 0..rows {
        let cell = match r.next(12) {
            0 => String::new(),
            _ => object(&mut r),
        };
        let quoted = cell.replace('"', "\"\"");
        write!(csv, "{row},\"{quoted}\"\r\n").expect("write to a string");
    }
    csv
}

fn column_of<'t>(table: &'t Table, name: &str) -> &'t seglab_core::table::Column {
    table
        .columns()
        .iter()
        .find(|c| c.name() == name)
        .unwrap_or_else(|| panic!("no column `{name}` in {:?}", names(table)))
}

fn names(table: &Table) -> Vec<&str> {
    table
        .columns()
        .iter()
        .map(seglab_core::table::Column::name)
        .collect()
}

/// Whether Seglab's typed value is what Python read.
fn same(ours: Value<'_>, theirs: Option<&serde_json::Value>) -> bool {
    use serde_json::Value as J;
    match (ours, theirs) {
        (Value::Null, None | Some(J::Null)) => true,
        (Value::Str(s), Some(J::String(t))) => s == t,
        (Value::Integer(i), Some(J::Number(n))) => n.as_i64() == Some(i),
        (Value::Decimal(d), Some(J::Number(n))) => n.as_f64() == Some(d),
        (Value::Boolean(b), Some(J::Bool(t))) => b == *t,
        // A list or an object is kept as its JSON text.
        (Value::Str(s), Some(j @ (J::Array(_) | J::Object(_)))) => {
            serde_json::from_str::<J>(s).ok().as_ref() == Some(j)
        }
        _ => false,
    }
}

#[test]
fn every_key_becomes_a_column_holding_what_python_reads() {
    for (rows, seed) in [(40, 1), (3_000, 2), (20_000, 3)] {
        let csv = csv_of(rows, seed);
        let loaded = read_csv("events.csv", csv.as_bytes(), &ReadOptions::default())
            .expect("the file reads");
        let expected = python(&csv);
        assert_eq!(expected.len(), rows);
        let table = &loaded.table;
        // The keys in the order they first appear, after the file's own columns before them.
        let mut first_seen: Vec<&str> = Vec::new();
        for object in &expected {
            for (key, _) in object {
                if !first_seen.contains(&key.as_str()) {
                    first_seen.push(key);
                }
            }
        }
        let mut keys = names(table);
        assert_eq!(keys.remove(0), "event_id");
        assert_eq!(keys, first_seen, "{rows} rows");
        for (key, ty) in [
            ("seats", ColumnType::Integer),
            ("price", ColumnType::Decimal),
            ("beta", ColumnType::Boolean),
        ] {
            assert_eq!(column_of(table, key).ty(), ty, "{rows} rows, `{key}`");
        }
        for key in ["browser", "seats", "price", "beta", "tags", "$current url"] {
            let column = column_of(table, key);
            for (row, object) in expected.iter().enumerate() {
                let ours = column.value(row);
                let theirs = object.iter().find(|(k, _)| k == key).map(|(_, v)| v);
                assert!(
                    same(ours, theirs),
                    "{rows} rows, row {row}, key `{key}`: Seglab {ours:?}, Python {theirs:?}"
                );
            }
        }
        let warning = loaded
            .report
            .warnings
            .iter()
            .find(|w| w.column.as_deref() == Some("properties"))
            .expect("a warning names the JSON column");
        let (last, rest) = first_seen.split_last().expect("keys");
        let listed: Vec<String> = rest.iter().map(|k| format!("`{k}`")).collect();
        assert_eq!(
            warning.message,
            format!(
                "holds JSON objects: each key read as a column of its own, {} and `{last}`",
                listed.join(", ")
            )
        );
    }
}

fn read(csv: &str, options: &ReadOptions) -> Table {
    read_csv("file.csv", csv.as_bytes(), options)
        .expect("the file reads")
        .table
}

#[test]
fn a_column_is_read_as_json_only_when_every_value_is_an_object() {
    // One value that is not an object: the column stays text.
    let csv = "id,props\n1,\"{\"\"a\"\": 1}\"\n2,\"{\"\"a\"\": 2}\"\n3,{broken\n";
    assert_eq!(names(&read(csv, &ReadOptions::default())), ["id", "props"]);
    // Objects without keys only: nothing to read.
    let csv = "id,props\n1,{}\n2,{}\n";
    assert_eq!(names(&read(csv, &ReadOptions::default())), ["id", "props"]);
    // The user set the column's type: it is kept as it is.
    let csv = "id,props\n1,\"{\"\"a\"\": 1}\"\n2,\"{\"\"a\"\": 2}\"\n";
    let options = ReadOptions {
        type_overrides: vec![("props".to_owned(), ColumnType::Text)],
        ..ReadOptions::default()
    };
    assert_eq!(names(&read(csv, &options)), ["id", "props"]);
    // A key's column can have its type set too.
    let options = ReadOptions {
        type_overrides: vec![("a".to_owned(), ColumnType::Category)],
        ..ReadOptions::default()
    };
    let table = read(csv, &options);
    assert_eq!(names(&table), ["id", "a"]);
    assert_eq!(column_of(&table, "a").ty(), ColumnType::Category);
}

#[test]
fn keys_that_are_taken_or_repeated_are_named_and_read_once() {
    // `id` is the file's own column: the key's column is `props.id`. A key twice in one object: the
    // first counts, as the row has one value for it.
    let csv = "id,props\n1,\"{\"\"id\"\": \"\"x\"\", \"\"a\"\": 1, \"\"a\"\": 9}\"\n2,\"{\"\"id\"\": \"\"y\"\"}\"\n";
    let table = read(csv, &ReadOptions::default());
    assert_eq!(names(&table), ["id", "props.id", "a"]);
    assert_eq!(column_of(&table, "props.id").value(1), Value::Str("y"));
    assert_eq!(column_of(&table, "a").value(0), Value::Integer(1));
    assert_eq!(column_of(&table, "a").value(1), Value::Null);
}

#[test]
fn at_most_64_keys_become_columns_and_the_rest_are_named_in_the_warning() {
    let entries: Vec<String> = (0..70).map(|k| format!("\"\"k{k}\"\": {k}")).collect();
    let csv = format!("id,props\n1,\"{{{}}}\"\n", entries.join(", "));
    let loaded = read_csv("file.csv", csv.as_bytes(), &ReadOptions::default()).expect("reads");
    assert_eq!(loaded.table.columns().len(), 65);
    let warning = &loaded
        .report
        .warnings
        .iter()
        .find(|w| w.column.as_deref() == Some("props"))
        .expect("a warning names the JSON column")
        .message;
    assert!(
        warning.ends_with(
            "`k62` and `k63`; 6 more keys were not read (at most 64 keys become columns)"
        ),
        "{warning}"
    );
}
