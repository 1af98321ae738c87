//! Property: any table written as CSV (quoting what needs quoting, any line end, fed in any chunks)
//! reads back cell for cell.

use proptest::prelude::*;
use seglab_core::ingest::{CsvReader, ReadOptions, read_raw};

fn cell() -> impl Strategy<Value = String> {
    // Delimiters, quotes, line ends, spaces and multi-byte characters, the things that break parsers.
    proptest::string::string_regex("[a-c0-9 ,;\"\r\n\t.é€-]{0,8}").expect("valid regex")
}

fn write_csv(rows: &[Vec<String>], line_end: &str) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|f| {
                if f.is_empty() || f.contains([',', '"', '\r', '\n']) {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.clone()
                }
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push_str(line_end);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn written_tables_read_back(
        (width, rows) in (1usize..5).prop_flat_map(|w| (Just(w), proptest::collection::vec(proptest::collection::vec(cell(), w), 1..20))),
        line_end in prop_oneof![Just("\n"), Just("\r\n")],
        chunk in 1usize..40,
    ) {
        let text = write_csv(&rows, line_end);
        // A file of nothing but whitespace is reported as empty, by design.
        prop_assume!(!text.bytes().all(|b| b.is_ascii_whitespace()));
        let options = ReadOptions { delimiter: Some(b','), has_header: Some(false), ..ReadOptions::default() };
        let raw = read_raw("table.csv", text.as_bytes(), &options).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(raw.names.len(), width);
        prop_assert_eq!(&raw.rows, &rows);
        // The typed read agrees on the shape, whole or in chunks.
        let mut reader = CsvReader::new("table.csv", options);
        for piece in text.as_bytes().chunks(chunk) {
            reader.feed(piece).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let loaded = reader.finish().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(loaded.table.rows(), rows.len());
        prop_assert_eq!(loaded.table.columns().len(), width);
    }
}
