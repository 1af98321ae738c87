//! The page state as readable, versioned URL query parameters, so a link reproduces the same segments and
//! comparison on a colleague's own copy of the files. The link carries definitions, never data.
//!
//! ```text
//! v=1&asof=2025-06-30&type=zip:id&type=crm.csv~signup:date&key=events.csv~user_id
//!   &s=Trials~2a9d8f~plan+%3D+%22trial%22&s=Converted~e76f51~converted+%3D+yes
//!   &cmp=Trials,Converted&base=Trials
//! ```
//!
//! * `v`: format version (1). A link without it is read as version 1.
//! * `s`: one per segment, `name~colour~definition`; the colour is `#rrggbb` without its `#`.
//! * `asof`: the as-of date (`2025-06-30`) or date-time (`2025-06-30T12:00:00`, UTC).
//! * `type`: a column type override, `column:type` or `file~column:type`.
//! * `key`: the user key column of a file, `file~column`, optionally with the file's role:
//!   `file~column~events` (`entity`, `events` or `linked`).
//! * `cmp`: the segments being compared, comma-separated; `base`: the one the others are compared with.
//! * `score`: the health score's definition in the text form of
//!   [`ScoreDefinition`](crate::models::ScoreDefinition), `measure:+:weight;measure:-:weight;…` with
//!   `bands:25:50:75` last when the bands are not the default ones.
//! * `rfm`: the RFM model's value property, and its event when one is chosen: `amount` or
//!   `amount~Purchase`.
//! * `clu`: the columns the clusters are drawn on, comma-separated.
//!
//! The three model parameters make model outputs (`health_score`, `rfm_r`/`rfm_f`/`rfm_m`, `cluster`)
//! columns on the recipient's copy of the files, so segments over them evaluate there too.
//!
//! Fields are percent-encoded (space as `+`); `~` and `,` inside a field are encoded, so they only
//! ever separate fields. Decoding is forgiving: a malformed parameter is reported by name and skipped,
//! and everything else still loads.

use crate::join::FileKind;
use crate::segment::Segment;
use crate::segment::time::{civil_from_days, days_from_civil};
use crate::table::ColumnType;
use serde::{Deserialize, Serialize};

/// The version `encode` writes.
pub const VERSION: u32 = 1;
/// The longest parameter (key and value, encoded) that `decode` reads.
pub const MAX_PARAMETER_BYTES: usize = 32 * 1024;
/// The longest query `decode` reads at all.
pub const MAX_QUERY_BYTES: usize = 1024 * 1024;

/// Everything a shared link restores.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageState {
    pub segments: Vec<Segment>,
    /// "Now" for relative windows, seconds since the epoch (UTC).
    pub as_of: Option<i64>,
    pub types: Vec<TypeOverride>,
    pub keys: Vec<JoinKey>,
    /// Names of the segments being compared, in order.
    pub compare: Vec<String>,
    /// The segment the others are compared with.
    pub base: Option<String>,
    /// The health score's definition, in the canonical text form of
    /// [`ScoreDefinition`](crate::models::ScoreDefinition) (decoding checks that it reads).
    #[serde(default)]
    pub score: Option<String>,
    /// The RFM model's settings.
    #[serde(default)]
    pub rfm: Option<RfmSetting>,
    /// The columns (or measures) the clusters are drawn on; empty when there is no clustering.
    #[serde(default)]
    pub cluster: Vec<String>,
}

/// What an RFM model is computed from: a numeric event property summed as value, over one event or all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfmSetting {
    pub value: String,
    pub event: Option<String>,
}

/// A column type the user chose over the inferred one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeOverride {
    /// The file the column is in, when the name alone is ambiguous.
    pub file: Option<String>,
    pub column: String,
    pub ty: ColumnType,
}

/// The column of a file that holds the user key, and what the file was taken for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinKey {
    pub file: String,
    pub column: String,
    /// The file's role chosen by the user; `None` keeps the guessed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<FileKind>,
}

impl JoinKey {
    /// A key column that keeps the file's guessed role.
    pub fn new(file: impl Into<String>, column: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            column: column.into(),
            kind: None,
        }
    }
}

fn kind_name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Entity => "entity",
        FileKind::Events => "events",
        FileKind::Linked => "linked",
    }
}

fn kind_from_name(name: &str) -> Option<FileKind> {
    [FileKind::Entity, FileKind::Events, FileKind::Linked]
        .into_iter()
        .find(|k| kind_name(*k) == name)
}

/// A parameter of a link that could not be read; the rest of the link still loads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShareError {
    #[error(
        "the link parameter `{parameter}` is {bytes} bytes long (the limit is {limit}); it was skipped"
    )]
    TooLong {
        parameter: String,
        bytes: usize,
        limit: usize,
    },
    #[error("the link is {bytes} bytes long (the limit is {limit}); nothing was loaded")]
    QueryTooLong { bytes: usize, limit: usize },
    #[error("the link parameter `{parameter}` has a broken %-escape or is not UTF-8: {detail}")]
    BadEncoding { parameter: String, detail: String },
    #[error(
        "the link parameter `{parameter}` should look like {expected}, but is `{value}`; it was skipped"
    )]
    Malformed {
        parameter: String,
        value: String,
        expected: String,
    },
    #[error("the link parameter `{parameter}` names the unknown type `{value}`; types are {known}")]
    UnknownType {
        parameter: String,
        value: String,
        known: String,
    },
    #[error(
        "the link was made by a newer Seglab (format version {found}; this one reads {VERSION}); parts may be missing"
    )]
    NewerVersion { found: String },
    #[error("the link parameter `{parameter}` appears more than once; the first one is used")]
    Duplicate { parameter: String },
    #[error("the link parameter `{parameter}` is not one Seglab knows; it was ignored")]
    Unknown { parameter: String },
}

impl ShareError {
    /// The parameter the error is about.
    pub fn parameter(&self) -> Option<&str> {
        match self {
            ShareError::TooLong { parameter, .. }
            | ShareError::BadEncoding { parameter, .. }
            | ShareError::Malformed { parameter, .. }
            | ShareError::UnknownType { parameter, .. }
            | ShareError::Duplicate { parameter }
            | ShareError::Unknown { parameter } => Some(parameter),
            ShareError::NewerVersion { .. } => Some("v"),
            ShareError::QueryTooLong { .. } => None,
        }
    }
}

/// Characters written as they are: unreserved ones and the readable delimiters that mean nothing special
/// inside a query value. `~` and `,` separate fields, so they are escaped inside one.
fn is_plain(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'!'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b':'
                | b'/'
                | b'@'
                | b'$'
                | b';'
        )
}

/// Percent-encodes one field (space as `+`).
pub fn encode_field(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        match b {
            b' ' => out.push('+'),
            b if is_plain(b) => out.push(char::from(b)),
            b => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
    out
}

/// Decodes one percent-encoded field (`+` as space).
pub fn decode_field(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) else {
                    let shown: String = text[i..].chars().take(3).collect();
                    return Err(format!(
                        "`{shown}` at byte {i} is not % followed by two hex digits"
                    ));
                };
                out.push(value);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "the decoded text is not valid UTF-8".to_owned())
}

fn color_field(color: &str) -> String {
    match color.strip_prefix('#') {
        Some(hex) if is_hex_color(hex) => hex.to_owned(),
        _ => encode_field(color),
    }
}

fn is_hex_color(hex: &str) -> bool {
    hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

fn format_as_of(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400) as i32;
    let (y, m, d) = civil_from_days(days);
    let rem = seconds.rem_euclid(86_400);
    if rem == 0 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            rem / 60 % 60,
            rem % 60
        )
    }
}

fn parse_as_of(text: &str) -> Option<i64> {
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let days = days_from_civil(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?;
    let mut seconds = i64::from(days) * 86_400;
    if let Some(time) = time {
        let time = time.strip_suffix('Z').unwrap_or(time);
        let fields: Vec<&str> = time.split(':').collect();
        let [h, mi, s] = fields.as_slice() else {
            return None;
        };
        let (h, mi, s): (i64, i64, i64) = (h.parse().ok()?, mi.parse().ok()?, s.parse().ok()?);
        if !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0..60).contains(&s) {
            return None;
        }
        seconds += h * 3600 + mi * 60 + s;
    }
    Some(seconds)
}

/// The query string (without `?`) for `state`.
pub fn encode(state: &PageState) -> String {
    let mut params = vec![format!("v={VERSION}")];
    if let Some(as_of) = state.as_of {
        params.push(format!("asof={}", format_as_of(as_of)));
    }
    for t in &state.types {
        let column = encode_field(&t.column);
        match &t.file {
            Some(file) => params.push(format!(
                "type={}~{column}:{}",
                encode_field(file),
                t.ty.name()
            )),
            None => params.push(format!("type={column}:{}", t.ty.name())),
        }
    }
    for k in &state.keys {
        let mut param = format!("key={}~{}", encode_field(&k.file), encode_field(&k.column));
        if let Some(kind) = k.kind {
            param.push('~');
            param.push_str(kind_name(kind));
        }
        params.push(param);
    }
    for s in &state.segments {
        params.push(format!(
            "s={}~{}~{}",
            encode_field(&s.name),
            color_field(&s.color),
            encode_field(&s.definition)
        ));
    }
    if !state.compare.is_empty() {
        let names: Vec<String> = state.compare.iter().map(|n| encode_field(n)).collect();
        params.push(format!("cmp={}", names.join(",")));
    }
    if let Some(base) = &state.base {
        params.push(format!("base={}", encode_field(base)));
    }
    if let Some(score) = &state.score {
        params.push(format!("score={}", encode_field(score)));
    }
    if let Some(rfm) = &state.rfm {
        match &rfm.event {
            Some(event) => params.push(format!(
                "rfm={}~{}",
                encode_field(&rfm.value),
                encode_field(event)
            )),
            None => params.push(format!("rfm={}", encode_field(&rfm.value))),
        }
    }
    if !state.cluster.is_empty() {
        let names: Vec<String> = state.cluster.iter().map(|n| encode_field(n)).collect();
        params.push(format!("clu={}", names.join(",")));
    }
    params.join("&")
}

/// Reads a query string (with or without the leading `?`). Parameters that cannot be read are reported
/// and skipped; the state holds everything else.
pub fn decode(query: &str) -> (PageState, Vec<ShareError>) {
    let mut state = PageState::default();
    let mut errors = Vec::new();
    if query.len() > MAX_QUERY_BYTES {
        errors.push(ShareError::QueryTooLong {
            bytes: query.len(),
            limit: MAX_QUERY_BYTES,
        });
        return (state, errors);
    }
    let query = query.strip_prefix('?').unwrap_or(query);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let mut seen: Vec<&str> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = match decode_field(raw_key) {
            Ok(k) => k,
            Err(detail) => {
                errors.push(ShareError::BadEncoding {
                    parameter: raw_key.chars().take(40).collect(),
                    detail,
                });
                continue;
            }
        };
        if pair.len() > MAX_PARAMETER_BYTES {
            errors.push(ShareError::TooLong {
                parameter: key,
                bytes: pair.len(),
                limit: MAX_PARAMETER_BYTES,
            });
            continue;
        }
        let single = matches!(
            key.as_str(),
            "v" | "asof" | "cmp" | "base" | "score" | "rfm" | "clu"
        );
        if single {
            if seen.contains(&raw_key) {
                errors.push(ShareError::Duplicate { parameter: key });
                continue;
            }
            seen.push(raw_key);
        }
        if let Err(e) = read_parameter(&mut state, &key, raw_value) {
            errors.push(e);
        }
    }
    (state, errors)
}

fn decode_value(parameter: &str, raw: &str) -> Result<String, ShareError> {
    decode_field(raw).map_err(|detail| ShareError::BadEncoding {
        parameter: parameter.to_owned(),
        detail,
    })
}

fn malformed(parameter: &str, raw: &str, expected: &str) -> ShareError {
    let value: String = decode_field(raw)
        .unwrap_or_else(|_| raw.to_owned())
        .chars()
        .take(80)
        .collect();
    ShareError::Malformed {
        parameter: parameter.to_owned(),
        value,
        expected: expected.to_owned(),
    }
}

fn read_parameter(state: &mut PageState, key: &str, raw: &str) -> Result<(), ShareError> {
    match key {
        "v" => {
            let version = decode_value(key, raw)?;
            match version.parse::<u32>() {
                Ok(v) if v <= VERSION => Ok(()),
                Ok(_) => Err(ShareError::NewerVersion { found: version }),
                Err(_) => Err(malformed(key, raw, "a version number such as 1")),
            }
        }
        "asof" => {
            let text = decode_value(key, raw)?;
            let seconds = parse_as_of(&text)
                .ok_or_else(|| malformed(key, raw, "a date such as 2025-06-30"))?;
            state.as_of = Some(seconds);
            Ok(())
        }
        "s" => {
            let mut fields = raw.splitn(3, '~');
            let (Some(name), Some(color), Some(definition)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(malformed(
                    key,
                    raw,
                    "name~colour~definition (e.g. Trials~2a9d8f~plan+%3D+%22trial%22)",
                ));
            };
            let name = decode_value(key, name)?;
            let color = decode_value(key, color)?;
            let color = if is_hex_color(&color) {
                format!("#{color}")
            } else if color.strip_prefix('#').is_some_and(is_hex_color) {
                color
            } else {
                return Err(malformed(
                    key,
                    raw,
                    "a colour of six hex digits such as 2a9d8f in name~colour~definition",
                ));
            };
            let definition = decode_value(key, definition)?;
            state.segments.push(Segment {
                name,
                color,
                definition,
            });
            Ok(())
        }
        "type" => {
            let (column_part, ty) = raw
                .rsplit_once(':')
                .ok_or_else(|| malformed(key, raw, "column:type (e.g. signup:date)"))?;
            let ty_name = decode_value(key, ty)?;
            let ty = ColumnType::from_name(&ty_name).ok_or_else(|| ShareError::UnknownType {
                parameter: key.to_owned(),
                value: ty_name.clone(),
                known: ColumnType::ALL.map(ColumnType::name).join(", "),
            })?;
            let (file, column) = match column_part.split_once('~') {
                Some((file, column)) => {
                    (Some(decode_value(key, file)?), decode_value(key, column)?)
                }
                None => (None, decode_value(key, column_part)?),
            };
            state.types.push(TypeOverride { file, column, ty });
            Ok(())
        }
        "key" => {
            const EXPECTED: &str =
                "file~column or file~column~role (e.g. events.csv~user_id~events)";
            let mut fields = raw.splitn(3, '~');
            let (Some(file), Some(column)) = (fields.next(), fields.next()) else {
                return Err(malformed(key, raw, EXPECTED));
            };
            let kind = match fields.next() {
                None => None,
                Some(role) => Some(
                    kind_from_name(&decode_value(key, role)?)
                        .ok_or_else(|| malformed(key, raw, EXPECTED))?,
                ),
            };
            state.keys.push(JoinKey {
                file: decode_value(key, file)?,
                column: decode_value(key, column)?,
                kind,
            });
            Ok(())
        }
        "cmp" => {
            let names = raw
                .split(',')
                .map(|n| decode_value(key, n))
                .collect::<Result<Vec<_>, _>>()?;
            state.compare = names;
            Ok(())
        }
        "base" => {
            state.base = Some(decode_value(key, raw)?);
            Ok(())
        }
        "score" => {
            // A `+` typed into a link reads as a space: `active_days:+:1` arrives as `active_days: :1`.
            let text = decode_value(key, raw)?.replace(": :", ":+:");
            let definition = text
                .parse::<crate::models::ScoreDefinition>()
                .map_err(|e| ShareError::Malformed {
                    parameter: key.to_owned(),
                    value: text.chars().take(80).collect(),
                    expected: format!("measure:+:weight;measure:-:weight;… ({e})"),
                })?;
            state.score = Some(definition.to_string());
            Ok(())
        }
        "rfm" => {
            let (value, event) = match raw.split_once('~') {
                Some((value, event)) => (value, Some(decode_value(key, event)?)),
                None => (raw, None),
            };
            let value = decode_value(key, value)?;
            if value.trim().is_empty() || event.as_deref().is_some_and(|e| e.trim().is_empty()) {
                return Err(malformed(
                    key,
                    raw,
                    "value or value~event (e.g. amount~Purchase)",
                ));
            }
            state.rfm = Some(RfmSetting { value, event });
            Ok(())
        }
        "clu" => {
            let names = raw
                .split(',')
                .map(|n| decode_value(key, n))
                .collect::<Result<Vec<_>, _>>()?;
            if names.iter().any(|n| n.trim().is_empty()) {
                return Err(malformed(
                    key,
                    raw,
                    "column names, comma-separated (e.g. plan,seats)",
                ));
            }
            state.cluster = names;
            Ok(())
        }
        other => Err(ShareError::Unknown {
            parameter: other.to_owned(),
        }),
    }
}
