//! Guessing a file's encoding and decoding it to UTF-8 chunk by chunk.
//!
//! UTF-8 input passes through without a copy when it is valid; invalid bytes and NUL bytes become
//! U+FFFD, and their positions in the decoded stream are handed on so the parser can name their lines.
//! UTF-16 and Windows-1252 (what the guess can find) have decoders of their own here, which keep their state
//! across chunk boundaries and decode exactly as `encoding_rs` does (a test compares them). Any other
//! encoding, named by the caller, goes through `encoding_rs` with the `all-encodings` feature: without
//! it the decoders and tables of the CJK and other legacy encodings stay out of the binary (the web
//! page's engine), which saves about 150 KB gzipped.

use super::{IngestError, SNIFF_BYTES};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// The encoding of a file from its first bytes: a BOM, the NUL pattern of UTF-16, valid UTF-8, or else
/// Windows-1252 (which also covers Latin-1 text).
pub(crate) fn guess(prefix: &[u8], whole: bool) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(prefix) {
        return encoding;
    }
    if let Some(encoding) = utf16_without_bom(prefix) {
        return encoding;
    }
    utf8_or_legacy(prefix, whole)
}

/// UTF-8, unless most non-ASCII bytes of `prefix` are invalid UTF-8 (then Windows-1252).
fn utf8_or_legacy(prefix: &[u8], whole: bool) -> &'static Encoding {
    let mut rest = prefix;
    let (mut invalid, mut multibyte) = (0usize, 0usize);
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                multibyte += s.bytes().filter(|&b| b >= 0xC0).count();
                break;
            }
            Err(e) => {
                let (valid, tail) = rest.split_at(e.valid_up_to());
                multibyte += valid.iter().filter(|&&b| b >= 0xC0).count();
                match e.error_len() {
                    // A character cut off by the end of the sniffed prefix.
                    None if !whole => break,
                    None => {
                        invalid += 1;
                        break;
                    }
                    Some(n) => {
                        invalid += 1;
                        rest = &tail[n..];
                    }
                }
            }
        }
    }
    // A few stray bytes in a file that is otherwise UTF-8 with accents stay UTF-8 (with replacements);
    // text whose every non-ASCII byte is invalid UTF-8 is a legacy single-byte encoding.
    if invalid == 0 || multibyte >= invalid {
        UTF_8
    } else {
        WINDOWS_1252
    }
}

/// UTF-16 without a BOM shows as NUL in every other byte of ASCII text.
fn utf16_without_bom(prefix: &[u8]) -> Option<&'static Encoding> {
    let sample = &prefix[..prefix.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd * 10 >= pairs * 7 && even * 10 < pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Decodes a prefix in one go, for the sniffer.
pub(crate) fn decode_all(encoding: &'static Encoding, bytes: &[u8], last: bool) -> Vec<u8> {
    let mut decoder = Decoder::new(encoding);
    let mut text = Vec::with_capacity(bytes.len());
    let result: Result<(), IngestError> = decoder.decode(bytes, last, &mut |piece, _| {
        text.extend_from_slice(piece);
        Ok(())
    });
    debug_assert!(result.is_ok());
    text
}

/// A streaming decoder to UTF-8.
pub(crate) struct Decoder {
    inner: Option<Other>,
    /// UTF-8 guessed from a prefix of plain ASCII: the guess is settled at the first non-ASCII byte, from
    /// the [`SNIFF_BYTES`] that start there, held in `held` until they have all arrived.
    provisional: bool,
    held: Vec<u8>,
    /// Whether a provisional guess was settled as Windows-1252.
    switched: bool,
    started: bool,
    /// The first bytes, while fewer than a BOM's three.
    head: Vec<u8>,
    /// The start of a UTF-8 character cut by a chunk boundary.
    carry: Vec<u8>,
    out: Vec<u8>,
    /// Decoded bytes handed on so far.
    offset: u64,
    bad: Vec<u64>,
}

type Sink<'a> = dyn FnMut(&[u8], &[u64]) -> Result<(), IngestError> + 'a;

impl Decoder {
    pub(crate) fn new(encoding: &'static Encoding) -> Self {
        let inner = (encoding != UTF_8).then(|| Other::new(encoding));
        Self {
            inner,
            provisional: false,
            held: Vec::new(),
            switched: false,
            started: false,
            head: Vec::new(),
            carry: Vec::new(),
            out: Vec::new(),
            offset: 0,
            bad: Vec::new(),
        }
    }

    /// A UTF-8 decoder for a file whose first [`SNIFF_BYTES`] are plain ASCII (no BOM), which may still
    /// turn out to be Windows-1252 further on.
    pub(crate) fn provisional() -> Self {
        Self {
            provisional: true,
            started: true,
            ..Self::new(UTF_8)
        }
    }

    /// The encoding the text was finally decoded with, when a provisional guess was changed.
    pub(crate) fn switched_to(&self) -> Option<&'static Encoding> {
        self.switched.then_some(WINDOWS_1252)
    }

    /// Decodes `input` and hands the UTF-8 text to `sink` with the stream offsets of replaced bytes.
    pub(crate) fn decode(
        &mut self,
        input: &[u8],
        last: bool,
        sink: &mut Sink<'_>,
    ) -> Result<(), IngestError> {
        if self.provisional {
            return self.decode_provisional(input, last, sink);
        }
        if self.inner.is_some() {
            return self.decode_other(input, last, sink);
        }
        if !self.started {
            // The BOM may be cut by a chunk boundary: hold the first bytes until there are three.
            if self.head.len() + input.len() < 3 && !last {
                self.head.extend_from_slice(input);
                return Ok(());
            }
            self.started = true;
            if !self.head.is_empty() {
                let mut joined = std::mem::take(&mut self.head);
                joined.extend_from_slice(input);
                let input = joined.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&joined);
                return self.decode_utf8(input, last, sink);
            }
            let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
            return self.decode_utf8(input, last, sink);
        }
        self.decode_utf8(input, last, sink)
    }

    /// ASCII passes on as it is (it reads the same in both encodings); from the first other byte on, the
    /// input is held until the bytes that settle the encoding are in.
    fn decode_provisional(
        &mut self,
        input: &[u8],
        last: bool,
        sink: &mut Sink<'_>,
    ) -> Result<(), IngestError> {
        let mut input = input;
        if self.held.is_empty() {
            let ascii = if input.is_ascii() {
                input.len()
            } else {
                input
                    .iter()
                    .position(|&b| !b.is_ascii())
                    .unwrap_or(input.len())
            };
            self.clean_or_slow(&input[..ascii], sink)?;
            input = &input[ascii..];
            if input.is_empty() && !last {
                return Ok(());
            }
        }
        self.held.extend_from_slice(input);
        if self.held.len() < SNIFF_BYTES && !last {
            return Ok(());
        }
        let window = &self.held[..self.held.len().min(SNIFF_BYTES)];
        let at_end = last && self.held.len() <= SNIFF_BYTES;
        self.provisional = false;
        if utf8_or_legacy(window, at_end) != UTF_8 {
            self.inner = Some(Other::Windows1252);
            self.switched = true;
        }
        let held = std::mem::take(&mut self.held);
        self.decode(&held, last, sink)
    }

    fn decode_utf8(
        &mut self,
        input: &[u8],
        last: bool,
        sink: &mut Sink<'_>,
    ) -> Result<(), IngestError> {
        let mut input = input;
        if !self.carry.is_empty() {
            let width = utf8_width(self.carry[0]);
            let need = width.saturating_sub(self.carry.len());
            let taken = input
                .iter()
                .take(need)
                .take_while(|&&b| b & 0xC0 == 0x80)
                .count();
            self.carry.extend_from_slice(&input[..taken]);
            input = &input[taken..];
            let complete = self.carry.len() >= width;
            let broken = taken < need && !input.is_empty();
            if !(complete || broken || last) {
                return Ok(());
            }
            let carry = std::mem::take(&mut self.carry);
            self.slow(&carry, true, sink)?;
        }
        match std::str::from_utf8(input) {
            Ok(_) => self.clean_or_slow(input, sink),
            Err(e) if e.error_len().is_none() && !last => {
                let (valid, tail) = input.split_at(e.valid_up_to());
                self.clean_or_slow(valid, sink)?;
                self.carry = tail.to_vec();
                Ok(())
            }
            Err(_) => self.slow(input, last, sink),
        }
    }

    /// Valid UTF-8: passed on as is unless it holds NUL bytes.
    fn clean_or_slow(&mut self, text: &[u8], sink: &mut Sink<'_>) -> Result<(), IngestError> {
        if memchr::memchr(0, text).is_some() {
            return self.slow(text, true, sink);
        }
        self.emit(text, sink)
    }

    fn emit(&mut self, text: &[u8], sink: &mut Sink<'_>) -> Result<(), IngestError> {
        self.offset += text.len() as u64;
        sink(text, &[])
    }

    /// Copies `input`, replacing invalid sequences and NUL bytes by U+FFFD.
    fn slow(&mut self, input: &[u8], last: bool, sink: &mut Sink<'_>) -> Result<(), IngestError> {
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        self.bad.clear();
        let mut rest = input;
        loop {
            let (valid, error) = match std::str::from_utf8(rest) {
                Ok(_) => (rest, None),
                Err(e) => (&rest[..e.valid_up_to()], Some(e.error_len())),
            };
            self.copy_replacing_nul(valid, &mut out);
            match error {
                None => break,
                Some(None) if !last => {
                    self.carry = rest[valid.len()..].to_vec();
                    break;
                }
                Some(n) => {
                    self.bad.push(self.offset + out.len() as u64);
                    out.extend_from_slice(REPLACEMENT);
                    let skip = n.unwrap_or(rest.len() - valid.len());
                    rest = &rest[valid.len() + skip..];
                }
            }
        }
        self.offset += out.len() as u64;
        let result = sink(&out, &self.bad);
        self.out = out;
        result
    }

    fn copy_replacing_nul(&mut self, text: &[u8], out: &mut Vec<u8>) {
        let mut rest = text;
        while let Some(i) = memchr::memchr(0, rest) {
            out.extend_from_slice(&rest[..i]);
            self.bad.push(self.offset + out.len() as u64);
            out.extend_from_slice(REPLACEMENT);
            rest = &rest[i + 1..];
        }
        out.extend_from_slice(rest);
    }

    fn decode_other(
        &mut self,
        input: &[u8],
        last: bool,
        sink: &mut Sink<'_>,
    ) -> Result<(), IngestError> {
        let Some(decoder) = self.inner.as_mut() else {
            return Ok(());
        };
        let mut decoded = std::mem::take(&mut self.out);
        decoded.clear();
        let replaced = decoder.decode(input, &mut decoded, last);
        let mut out = Vec::new();
        self.bad.clear();
        let text: &[u8] = if replaced || memchr::memchr(0, &decoded).is_some() {
            for i in memchr::memmem::find_iter(&decoded, REPLACEMENT) {
                self.bad.push(self.offset + i as u64);
            }
            self.copy_replacing_nul(&decoded, &mut out);
            self.bad.sort_unstable();
            &out
        } else {
            &decoded
        };
        self.offset += text.len() as u64;
        let result = sink(text, &self.bad);
        self.out = decoded;
        result
    }
}

/// The encoding named by `label` (WHATWG labels: `latin1` is Windows-1252), when this build decodes it.
pub(crate) fn for_label(label: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(label.trim().as_bytes())?;
    if cfg!(feature = "all-encodings")
        || [UTF_8, UTF_16LE, UTF_16BE, WINDOWS_1252].contains(&encoding)
    {
        Some(encoding)
    } else {
        None
    }
}

/// A decoder for an encoding other than UTF-8.
enum Other {
    Utf16 {
        big_endian: bool,
        /// Whether the start of the input (and its BOM, if any) has been seen.
        started: bool,
        /// A byte of a code unit cut by a chunk boundary.
        odd: Option<u8>,
        /// A high surrogate waiting for its low half.
        high: Option<u16>,
    },
    Windows1252,
    #[cfg(feature = "all-encodings")]
    Any(encoding_rs::Decoder),
}

/// Windows-1252's bytes 0x80 to 0x9F (the rest is Latin-1), as the WHATWG Encoding Standard maps them.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
];

impl Other {
    fn new(encoding: &'static Encoding) -> Self {
        if encoding == UTF_16LE || encoding == UTF_16BE {
            return Self::Utf16 {
                big_endian: encoding == UTF_16BE,
                started: false,
                odd: None,
                high: None,
            };
        }
        #[cfg(feature = "all-encodings")]
        if encoding != WINDOWS_1252 {
            return Self::Any(encoding.new_decoder_with_bom_removal());
        }
        Self::Windows1252
    }

    /// Appends the UTF-8 text of `input` to `out`; returns whether anything was replaced by U+FFFD.
    fn decode(&mut self, input: &[u8], out: &mut Vec<u8>, last: bool) -> bool {
        match self {
            Self::Windows1252 => {
                out.reserve(input.len() * 3);
                let mut buf = [0u8; 4];
                for &b in input {
                    if b < 0x80 {
                        out.push(b);
                    } else {
                        let c = match b {
                            0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)],
                            _ => char::from(b),
                        };
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                }
                false
            }
            Self::Utf16 {
                big_endian,
                started,
                odd,
                high,
            } => {
                out.reserve(input.len() / 2 * 3 + 8);
                let mut replaced = false;
                let mut buf = [0u8; 4];
                let mut push = |c: char, out: &mut Vec<u8>| {
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                };
                let mut bytes = input.iter().copied();
                loop {
                    let (a, b) = match odd.take() {
                        Some(a) => {
                            let Some(b) = bytes.next() else {
                                *odd = Some(a);
                                break;
                            };
                            (a, b)
                        }
                        None => match (bytes.next(), bytes.next()) {
                            (Some(a), Some(b)) => (a, b),
                            (Some(a), None) => {
                                *odd = Some(a);
                                break;
                            }
                            _ => break,
                        },
                    };
                    let unit = if *big_endian {
                        u16::from_be_bytes([a, b])
                    } else {
                        u16::from_le_bytes([a, b])
                    };
                    if !*started {
                        *started = true;
                        if unit == 0xFEFF {
                            continue;
                        }
                    }
                    match unit {
                        0xD800..=0xDBFF => {
                            if high.replace(unit).is_some() {
                                replaced = true;
                                push(char::REPLACEMENT_CHARACTER, out);
                            }
                        }
                        0xDC00..=0xDFFF => {
                            if let Some(h) = high.take() {
                                let c = 0x10000
                                    + ((u32::from(h) - 0xD800) << 10)
                                    + (u32::from(unit) - 0xDC00);
                                push(
                                    char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER),
                                    out,
                                );
                            } else {
                                replaced = true;
                                push(char::REPLACEMENT_CHARACTER, out);
                            }
                        }
                        _ => {
                            if high.take().is_some() {
                                replaced = true;
                                push(char::REPLACEMENT_CHARACTER, out);
                            }
                            push(
                                char::from_u32(u32::from(unit))
                                    .unwrap_or(char::REPLACEMENT_CHARACTER),
                                out,
                            );
                        }
                    }
                }
                if last && (high.take().is_some() || odd.take().is_some()) {
                    replaced = true;
                    push(char::REPLACEMENT_CHARACTER, out);
                }
                replaced
            }
            #[cfg(feature = "all-encodings")]
            Self::Any(decoder) => {
                let start = out.len();
                let needed = decoder
                    .max_utf8_buffer_length(input.len())
                    .unwrap_or(input.len() * 3 + 16);
                out.resize(start + needed, 0);
                let mut read = 0;
                let mut written = start;
                let mut replaced = false;
                loop {
                    let (result, r, w, had) =
                        decoder.decode_to_utf8(&input[read..], &mut out[written..], last);
                    read += r;
                    written += w;
                    replaced |= had;
                    match result {
                        encoding_rs::CoderResult::InputEmpty => break,
                        encoding_rs::CoderResult::OutputFull => out.resize(out.len() * 2 + 16, 0),
                    }
                }
                out.truncate(written);
                replaced
            }
        }
    }
}

fn utf8_width(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_chunks(encoding: &'static Encoding, bytes: &[u8], size: usize) -> (String, usize) {
        let mut decoder = Decoder::new(encoding);
        let mut text = Vec::new();
        let mut bad = 0;
        let mut sink = |piece: &[u8], b: &[u64]| {
            text.extend_from_slice(piece);
            bad += b.len();
            Ok(())
        };
        for chunk in bytes.chunks(size.max(1)) {
            decoder.decode(chunk, false, &mut sink).unwrap();
        }
        decoder.decode(&[], true, &mut sink).unwrap();
        (String::from_utf8(text).unwrap(), bad)
    }

    #[test]
    fn chunk_boundaries_do_not_change_the_text() {
        let input = "\u{feff}å,ä,ö\n€,𝄞,x\0y\n".as_bytes();
        for size in 1..8 {
            assert_eq!(
                decode_in_chunks(UTF_8, input, size),
                ("å,ä,ö\n€,𝄞,x\u{fffd}y\n".to_owned(), 1)
            );
        }
        let mut broken = b"a\xff b\xe2\x82".to_vec();
        broken.extend_from_slice(b",c");
        for size in 1..5 {
            assert_eq!(
                decode_in_chunks(UTF_8, &broken, size),
                ("a\u{fffd} b\u{fffd},c".to_owned(), 2)
            );
        }
    }

    /// The decoders of this module against `encoding_rs`'s, on every byte and on awkward UTF-16 (lone and
    /// reversed surrogates, an odd final byte, a BOM), cut into chunks of every size.
    #[cfg(feature = "all-encodings")]
    #[test]
    fn own_decoders_match_encoding_rs() {
        let all_bytes: Vec<u8> = (0..=255).collect();
        let mut utf16 = Vec::new();
        for unit in [
            0xFEFF_u16, 0x41, 0xE9, 0xD834, 0xDD1E, 0xDC00, 0xD800, 0x42, 0xD800, 0xD801, 0xDC01,
            0x20AC,
        ] {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let mut odd = utf16.clone();
        odd.push(0x41);
        let swapped: Vec<u8> = utf16.chunks(2).flat_map(|p| [p[1], p[0]]).collect();
        let cases: [(&'static Encoding, &[u8]); 6] = [
            (WINDOWS_1252, &all_bytes),
            (UTF_16LE, &utf16),
            (UTF_16LE, &odd),
            (UTF_16BE, &swapped),
            (UTF_16LE, &all_bytes),
            (UTF_16BE, &all_bytes),
        ];
        for (encoding, bytes) in cases {
            let (expected, _) = encoding.decode_with_bom_removal(bytes);
            for size in 1..6 {
                let mut ours = Other::new(encoding);
                let mut text = Vec::new();
                for chunk in bytes.chunks(size) {
                    ours.decode(chunk, &mut text, false);
                }
                ours.decode(&[], &mut text, true);
                assert_eq!(
                    String::from_utf8(text).unwrap(),
                    expected,
                    "{} in chunks of {size}",
                    encoding.name()
                );
            }
        }
    }
}
