//! Arbitrary bytes through `read_csv` and, split into arbitrary chunks, through `CsvReader`: neither may
//! panic, and both must give the same table, report or error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seglab_core::ingest::{CsvReader, ReadOptions, read_csv};

fuzz_target!(|data: &[u8]| {
    let Some((&control, body)) = data.split_first() else { return };
    let options = ReadOptions {
        // Small limits, so that long-record errors are reached quickly.
        max_record_bytes: Some(1 << 12),
        date_order: None,
        ..ReadOptions::default()
    };
    let whole = read_csv("fuzz.csv", body, &options);
    if let Ok(loaded) = &whole {
        assert_eq!(loaded.report.rows, loaded.table.rows());
        assert_eq!(loaded.report.columns.len(), loaded.table.columns().len());
    }
    let chunk = usize::from(control % 32) + 1;
    let mut reader = CsvReader::new("fuzz.csv", options);
    let mut fed = Ok(());
    for piece in body.chunks(chunk) {
        if let Err(e) = reader.feed(piece) {
            fed = Err(e);
            break;
        }
    }
    let chunked = fed.and_then(|()| reader.finish());
    match (whole, chunked) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.report, b.report, "report differs with chunks of {chunk}");
            assert_eq!(a.table, b.table, "table differs with chunks of {chunk}");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "error differs with chunks of {chunk}"),
        (a, b) => panic!("whole: {:?}\nchunks of {chunk}: {:?}", a.map(|l| l.report), b.map(|l| l.report)),
    }
});
