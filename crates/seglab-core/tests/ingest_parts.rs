//! Reading a file in two parts (a `CsvReader` for the beginning, a `PartReader` from a line start on)
//! gives exactly what reading it whole gives: the same table and the same report, warnings and their
//! lines included. A part that cannot follow (its first byte lies inside a quoted field, or the two
//! parts decoded differently) is refused, and reading on from there gives the same result again.

use seglab_core::ingest::{CsvReader, Loaded, PartReader, ReadOptions, SNIFF_BYTES, read_csv};

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// How the generated file is encoded past its first MiB and a half.
#[derive(Clone, Copy, Debug)]
enum Tail {
    Ascii,
    Utf8,
    Latin1,
    /// UTF-8 from the first line on, with a few invalid bytes later.
    Utf8Broken,
}

/// A messy export of a little over 2 MiB: quoted fields with delimiters, quotes and line ends, blank
/// lines, ragged rows, CRLF line ends when `crlf`. Returns the bytes and the offsets of line starts
/// that do not start a record (inside a quoted field).
fn export(seed: u64, tail: Tail, crlf: bool) -> (Vec<u8>, Vec<usize>) {
    let mut rng = Rng(seed);
    let end = if crlf { "\r\n" } else { "\n" };
    let mut out: Vec<u8> = format!("user_id,plan,visits,signup,note{end}").into_bytes();
    let mut inside = Vec::new();
    let plans = ["free", "pro", "team", "enterprise"];
    let mut row = 0;
    while out.len() < 2 * SNIFF_BYTES + SNIFF_BYTES / 4 {
        row += 1;
        let late = out.len() > SNIFF_BYTES + SNIFF_BYTES / 2;
        let plan = plans[rng.below(4) as usize];
        let visits = rng.below(500);
        let signup = format!("2025-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
        let mut note = match rng.below(40) {
            0 => format!("\"line one{end}line two, \"\"quoted\"\"\""),
            1 => "\"a, b\"".to_owned(),
            2..=20 => String::new(),
            _ => format!("note {}", rng.below(10_000)),
        };
        if note.contains(end) {
            let start = out.len()
                + format!("U{row:06},{plan},{visits},{signup},").len()
                + note.find(end).unwrap_or(0)
                + end.len();
            inside.push(start);
        }
        let special = rng.below(200);
        let mut bytes = Vec::new();
        match (tail, special) {
            (Tail::Utf8 | Tail::Utf8Broken, 0..=2) if late => note.push_str(" café"),
            (Tail::Utf8Broken, 3) if late => bytes.push(0xFF),
            (Tail::Latin1, 0..=2) if late => bytes.extend_from_slice(b" caf\xE9"),
            (Tail::Utf8Broken, 4..=6) if row < 50 => note.push_str(" naïve"),
            _ => {}
        }
        out.extend_from_slice(format!("U{row:06},{plan},{visits},{signup},{note}").as_bytes());
        out.extend_from_slice(&bytes);
        match rng.below(300) {
            0 => out.extend_from_slice(",extra".as_bytes()),
            1 => {
                out.extend_from_slice(end.as_bytes());
                out.extend_from_slice(format!("U{row:06}b,pro").as_bytes());
            }
            _ => {}
        }
        out.extend_from_slice(end.as_bytes());
        if rng.below(150) == 0 {
            out.extend_from_slice(end.as_bytes());
        }
    }
    (out, inside)
}

/// Reads `bytes` in two parts split at `split`, in chunks of `chunk` bytes; `None` when the beginning
/// could not hand out a part there (it had not started reading yet). Returns the result and whether
/// the part was taken over.
fn read_in_parts(bytes: &[u8], split: usize, chunk: usize) -> Option<(Loaded, bool)> {
    let mut reader = CsvReader::new("export.csv", ReadOptions::default());
    reader.size_hint(bytes.len() as u64);
    // As in the page: the part is handed out after the first chunk.
    let mut pieces = bytes[..split].chunks(chunk);
    reader
        .feed(pieces.next().expect("a first chunk"))
        .expect("the beginning reads");
    let spec = reader.part_spec()?;
    for piece in pieces {
        reader.feed(piece).expect("the beginning reads");
    }
    let mut part_reader = PartReader::new(&spec);
    part_reader.size_hint(&spec, (bytes.len() - split) as u64);
    for piece in bytes[split..].chunks(chunk) {
        part_reader.feed(piece).expect("the part reads");
    }
    let part = part_reader.finish().expect("the part ends");
    let taken = reader.append_part(&part).expect("the part is readable");
    if !taken {
        for piece in bytes[split..].chunks(chunk) {
            reader.feed(piece).expect("the rest reads");
        }
    }
    Some((reader.finish().expect("the file reads"), taken))
}

fn check(seed: u64, tail: Tail, crlf: bool) {
    let (bytes, inside) = export(seed, tail, crlf);
    let whole = read_csv("export.csv", &bytes, &ReadOptions::default()).expect("the file reads");
    assert!(whole.table.rows() > 10_000);
    let line_starts: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
        .filter(|&i| i > SNIFF_BYTES + 1 && i < bytes.len())
        .collect();
    let mut splits: Vec<usize> = (1..8)
        .map(|k| line_starts[k * line_starts.len() / 8])
        .collect();
    splits.push(line_starts[0]);
    splits.push(*line_starts.last().expect("lines"));
    splits.extend(inside.iter().filter(|&&i| i > SNIFF_BYTES + 1).take(3));
    // After a blank line.
    splits.extend(
        line_starts
            .windows(2)
            .filter(|w| w[1] - w[0] <= 2)
            .map(|w| w[1])
            .take(2),
    );
    let mut taken_count = 0;
    for (i, &split) in splits.iter().enumerate() {
        // A first chunk that ends before the split and one that reaches it, in turn.
        for chunk in [[SNIFF_BYTES + 4096, 3 << 20][i % 2]] {
            // No part is handed out while the beginning holds bytes back to settle the encoding.
            let Some((parts, taken)) = read_in_parts(&bytes, split, chunk) else {
                continue;
            };
            let in_quotes = inside.contains(&split);
            if in_quotes {
                assert!(
                    !taken,
                    "{tail:?}: a part inside a quoted field was taken at {split}"
                );
            }
            taken_count += usize::from(taken);
            assert_eq!(
                parts.report, whole.report,
                "{tail:?}, crlf {crlf}: report differs, split at {split} (taken {taken})"
            );
            assert!(
                parts.table == whole.table,
                "{tail:?}, crlf {crlf}: table differs, split at {split} (taken {taken})"
            );
        }
    }
    assert!(taken_count > 0, "{tail:?}: no part was ever taken over");
}

#[test]
fn ascii_parts_read_as_the_whole_file() {
    check(1, Tail::Ascii, false);
    check(2, Tail::Ascii, true);
}

#[test]
fn utf8_met_first_in_the_part_settles_the_encoding_as_reading_on_would() {
    check(3, Tail::Utf8, false);
}

#[test]
fn windows_1252_met_first_in_the_part_switches_as_reading_on_would() {
    check(4, Tail::Latin1, false);
}

#[test]
fn replaced_bytes_in_the_part_are_reported_on_their_lines() {
    check(5, Tail::Utf8Broken, false);
}

/// Plain ASCII rows from line 2 until `bytes` is `until` bytes long.
fn ascii_rows(bytes: &mut Vec<u8>, until: usize) {
    let mut i = 0;
    while bytes.len() < until {
        bytes.extend_from_slice(format!("{i},plain\n").as_bytes());
        i += 1;
    }
}

/// A part is refused when the beginning still holds bytes back to settle its encoding, and when the
/// two settled on different encodings; reading on then gives what reading the whole file gives.
#[test]
fn a_part_decoded_differently_is_refused() {
    // The beginning meets UTF-8 just before the split, and is still waiting for the bytes that settle it.
    let mut held = b"id,name\n".to_vec();
    ascii_rows(&mut held, SNIFF_BYTES + 1000);
    held.extend_from_slice("0,na\u{ef}ve\n".as_bytes());
    let held_split = held.len();
    held.extend_from_slice(b"1,caf\xE9\n2,x\n");
    // The beginning settled on UTF-8 well before the split; the part, starting on ASCII, meets a byte
    // that is not UTF-8 and would switch to Windows-1252.
    let mut settled = b"id,name\n".to_vec();
    ascii_rows(&mut settled, SNIFF_BYTES + 1000);
    settled.extend_from_slice("0,na\u{ef}ve\n".as_bytes());
    let more = settled.len() + SNIFF_BYTES + 1000;
    ascii_rows(&mut settled, more);
    let settled_split = settled.len();
    settled.extend_from_slice(b"1,caf\xE9\n2,x\n");
    for (bytes, split) in [(held, held_split), (settled, settled_split)] {
        let whole = read_csv("export.csv", &bytes, &ReadOptions::default()).expect("reads");
        let (parts, taken) = read_in_parts(&bytes, split, SNIFF_BYTES + 10).expect("a part");
        assert!(!taken, "a part decoded differently was taken at {split}");
        assert_eq!(parts.report, whole.report);
        assert!(parts.table == whole.table);
    }
}
