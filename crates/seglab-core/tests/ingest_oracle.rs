//! Python's `csv` module as the oracle: for every fixture, it reads the file with the dialect Seglab
//! sniffed, and every cell's text (before typing) must match.
//!
//! Fixed-width files have no `csv` dialect: Python slices their lines at the sniffed column starts, so
//! that part checks line splitting and trimming, not the column guess itself.

use seglab_core::ingest::{CsvReader, RawTable, ReadOptions, read_csv, read_raw};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const ORACLE: &str = r#"
import csv, io, json, re, sys
csv.field_size_limit(1 << 30)
PY_ENCODING = {"utf-8": "utf-8", "utf-16le": "utf-16-le", "utf-16be": "utf-16-be", "windows-1252": "cp1252"}
out = []
for job in json.load(sys.stdin):
    data = open(job["path"], "rb").read()
    text = data.decode(PY_ENCODING[job["encoding"]], errors="replace")
    if text.startswith("\ufeff") and job["encoding"] != "windows-1252":
        text = text[1:]
    text = text.replace("\0", "\ufffd")
    comment = job["comment"]
    if job["fixed_width"] is not None:
        starts = job["fixed_width"]
        rows = []
        for line in re.split(r"\r\n|\r|\n", text):
            if line.strip(" \t") == "" or (comment and line.startswith(comment)):
                continue
            bounds = starts[1:] + [None]
            rows.append([line[a:b].strip(" \t") for a, b in zip(starts, bounds)])
    else:
        lines = (l for l in io.StringIO(text, newline="") if not (comment and l.startswith(comment)))
        reader = csv.reader(lines, delimiter=job["delimiter"], quotechar=job["quote"], doublequote=True,
                            escapechar=job["escape"], strict=False)
        rows = [r for r in reader if r != []][job["preamble"]:]
    out.append(rows)
json.dump(out, sys.stdout)
"#;

fn run_python(jobs: &Value) -> Vec<Vec<Vec<String>>> {
    let mut child = Command::new("python3")
        .args(["-c", ORACLE])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is needed for the CSV oracle test: install Python 3");
    {
        use std::io::Write as _;
        let stdin = child.stdin.as_mut().expect("python stdin");
        stdin
            .write_all(jobs.to_string().as_bytes())
            .expect("write jobs to python");
    }
    let output = child.wait_with_output().expect("python3 runs");
    assert!(
        output.status.success(),
        "the python oracle failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("python prints JSON")
}

fn ch(b: Option<u8>) -> Value {
    b.map_or(Value::Null, |b| Value::String(char::from(b).to_string()))
}

/// Reads each file with Seglab and with Python's `csv` (in one Python run) and compares every cell.
fn check(files: &[(String, PathBuf)]) -> usize {
    let raws: Vec<RawTable> = files
        .iter()
        .map(|(n, path)| {
            let bytes = std::fs::read(path).expect("fixture");
            read_raw(n, &bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{n}: {e}"))
        })
        .collect();
    let jobs: Vec<Value> = files
        .iter()
        .zip(&raws)
        .map(|((_, path), raw)| {
            json!({
                "path": path,
                "encoding": raw.encoding,
                "delimiter": char::from(raw.dialect.delimiter).to_string(),
                "quote": char::from(raw.dialect.quote).to_string(),
                "escape": ch(raw.dialect.escape),
                "comment": ch(raw.dialect.comment),
                "fixed_width": raw.dialect.fixed_width,
                "preamble": raw.preamble,
            })
        })
        .collect();
    let python = run_python(&Value::Array(jobs));
    assert_eq!(python.len(), files.len());
    let mut cells = 0;
    for (((name, _), raw), rows) in files.iter().zip(&raws).zip(python) {
        let mut rows = rows.into_iter();
        if let Some(header) = &raw.header {
            assert_eq!(Some(header), rows.next().as_ref(), "{name}: header");
        }
        let rows: Vec<Vec<String>> = rows.collect();
        assert_eq!(raw.rows.len(), rows.len(), "{name}: row count");
        let width = raw.names.len();
        let (mut short, mut long) = (0, 0);
        for (i, (mine, theirs)) in raw.rows.iter().zip(&rows).enumerate() {
            short += usize::from(theirs.len() < width);
            long +=
                usize::from(theirs.len() > width && theirs[width..].iter().any(|f| !f.is_empty()));
            let mut fitted = theirs.clone();
            fitted.resize(width, String::new());
            assert_eq!(mine, &fitted, "{name}: data row {i}");
            cells += width;
        }
        let reported = |needle: &str| {
            raw.warnings
                .iter()
                .filter(|w| w.message.contains(needle))
                .count()
        };
        assert_eq!(reported("left empty"), short, "{name}: short rows reported");
        assert_eq!(reported("are dropped"), long, "{name}: long rows reported");
    }
    cells
}

#[test]
fn every_fixture_reads_like_python_csv() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/csv");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let extension = Path::new(n).extension().and_then(|e| e.to_str());
            matches!(extension, Some("csv" | "tsv" | "txt"))
        })
        .collect();
    names.sort();
    assert!(
        names.len() >= 20,
        "expected the CSV fixtures in {}",
        dir.display()
    );
    let files: Vec<(String, PathBuf)> = names
        .into_iter()
        .map(|n| (n.clone(), dir.join(n)))
        .collect();
    let cells = check(&files);
    assert!(cells > 1000, "compared only {cells} cells");
}

/// A Windows-1252 export whose first MiB is plain ASCII: the accents further on must not turn into
/// replacement characters, whether the first of them comes just after the first MiB or much later.
#[test]
fn latin1_accents_after_the_first_mib_read_like_python_csv() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let mut files = Vec::new();
    for (name, ascii_rows) in [("latin1_late.csv", 40_000), ("latin1_later.csv", 90_000)] {
        let mut text = String::from("user_id;name;city;mrr\n");
        for i in 0..ascii_rows {
            let _ = writeln!(text, "u{i:06};Anna Berg;Oslo;{},50", i % 1000);
        }
        for (i, (name, city)) in [
            ("Åsa Öberg", "Malmö"),
            ("José Núñez", "Göteborg"),
            ("Zoë Müller", "Umeå"),
        ]
        .iter()
        .enumerate()
        {
            let _ = writeln!(text, "x{i:06};{name};{city};12,5");
        }
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(!unmappable && bytes.len() > 1 << 20);
        let path = dir.join(name);
        std::fs::write(&path, &bytes).expect("write the generated file");
        let raw = read_raw(name, &bytes, &ReadOptions::default()).expect("readable");
        assert_eq!(raw.encoding, "windows-1252", "{name}");
        let last = raw.rows.last().expect("rows");
        assert_eq!(
            last[1..3],
            ["Zoë Müller".to_owned(), "Umeå".to_owned()],
            "{name}"
        );
        assert!(
            raw.warnings
                .iter()
                .any(|w| w.message.contains("read as windows-1252")),
            "{name}: {:?}",
            raw.warnings
        );
        let whole = read_csv(name, &bytes, &ReadOptions::default()).expect("readable");
        for size in [1000, 65_536, 1 << 20] {
            let mut reader = CsvReader::new(name, ReadOptions::default());
            for chunk in bytes.chunks(size) {
                reader.feed(chunk).expect("feed");
            }
            let chunked = reader.finish().expect("readable in chunks");
            assert_eq!(whole.report, chunked.report, "{name} in chunks of {size}");
            assert_eq!(whole.table, chunked.table, "{name} in chunks of {size}");
        }
        files.push((name.to_owned(), path));
    }
    check(&files);
}
