//! Share links: the page state as URL parameters, read back exactly, with bad parameters reported by name.

// expect-test writes every snapshot as r#"…"#.
#![allow(clippy::needless_raw_string_hashes)]

use expect_test::{Expect, expect};
use proptest::prelude::*;
use seglab_core::ColumnType;
use seglab_core::join::FileKind;
use seglab_core::segment::Segment;
use seglab_core::share::{self, JoinKey, PageState, TypeOverride};
use std::fmt::Write as _;

/// Decodes `query` and shows the state and errors.
fn check(query: &str, expected: &Expect) {
    let (state, errors) = share::decode(query);
    let mut out = serde_json::to_string_pretty(&state).unwrap();
    for e in &errors {
        write!(out, "\nerror ({}): {e}", e.parameter().unwrap_or("-")).unwrap();
    }
    expected.assert_eq(&out);
}

fn example() -> PageState {
    PageState {
        segments: vec![
            Segment::new("Trials", "#2a9d8f", r#"plan = "trial""#),
            Segment::new(
                "Converted, 2025",
                "#E76F51",
                "in segment \"Trials\" and converted = yes ~ 100%",
            ),
        ],
        as_of: Some(20_269 * 86_400),
        types: vec![
            TypeOverride {
                file: None,
                column: "zip".to_owned(),
                ty: ColumnType::Id,
            },
            TypeOverride {
                file: Some("crm.csv".to_owned()),
                column: "signup: first".to_owned(),
                ty: ColumnType::Date,
            },
        ],
        keys: vec![
            JoinKey::new("events.csv", "user_id"),
            JoinKey {
                file: "nps.csv".to_owned(),
                column: "e~mail".to_owned(),
                kind: Some(FileKind::Linked),
            },
        ],
        compare: vec!["Trials".to_owned(), "Converted, 2025".to_owned()],
        base: Some("Trials".to_owned()),
    }
}

#[test]
fn links_are_readable() {
    let query = share::encode(&example());
    expect!["v=1&asof=2025-06-30&type=zip:id&type=crm.csv~signup:+first:date&key=events.csv~user_id&key=nps.csv~e%7Email~linked&s=Trials~2a9d8f~plan+%3D+%22trial%22&s=Converted%2C+2025~E76F51~in+segment+%22Trials%22+and+converted+%3D+yes+%7E+100%25&cmp=Trials,Converted%2C+2025&base=Trials"].assert_eq(&query);
    assert_eq!(share::decode(&query), (example(), vec![]));
}

#[test]
fn hand_written_links_load() {
    check(
        "?asof=2025-06-30T12:00:00&s=Trials~%232a9d8f~plan%20%3D%20%22trial%22&s=Big~264653~seats >= 10&cmp=Trials,Big&base=Big",
        &expect![[r##"
            {
              "segments": [
                {
                  "name": "Trials",
                  "color": "#2a9d8f",
                  "definition": "plan = \"trial\""
                },
                {
                  "name": "Big",
                  "color": "#264653",
                  "definition": "seats >= 10"
                }
              ],
              "as_of": 1751284800,
              "types": [],
              "keys": [],
              "compare": [
                "Trials",
                "Big"
              ],
              "base": "Big"
            }"##]],
    );
}

#[test]
fn bad_parameters_are_named_and_the_rest_loads() {
    check(
        "v=1&s=Trials~zzzzzz~plan&s=OnlyName&asof=2025-02-30&type=zip:number&type=nocolon&key=nofile&key=nps.csv~id~survey&s=Ok~000000~seats+%3E+1&cmp=%E0%A4&base=A&base=B&utm_source=mail&s=Bad~112233~50%zz",
        &expect![[r##"
            {
              "segments": [
                {
                  "name": "Ok",
                  "color": "#000000",
                  "definition": "seats > 1"
                }
              ],
              "as_of": null,
              "types": [],
              "keys": [],
              "compare": [],
              "base": "A"
            }
            error (s): the link parameter `s` should look like a colour of six hex digits such as 2a9d8f in name~colour~definition, but is `Trials~zzzzzz~plan`; it was skipped
            error (s): the link parameter `s` should look like name~colour~definition (e.g. Trials~2a9d8f~plan+%3D+%22trial%22), but is `OnlyName`; it was skipped
            error (asof): the link parameter `asof` should look like a date such as 2025-06-30, but is `2025-02-30`; it was skipped
            error (type): the link parameter `type` names the unknown type `number`; types are integer, decimal, boolean, date, datetime, category, text, id
            error (type): the link parameter `type` should look like column:type (e.g. signup:date), but is `nocolon`; it was skipped
            error (key): the link parameter `key` should look like file~column or file~column~role (e.g. events.csv~user_id~events), but is `nofile`; it was skipped
            error (key): the link parameter `key` should look like file~column or file~column~role (e.g. events.csv~user_id~events), but is `nps.csv~id~survey`; it was skipped
            error (cmp): the link parameter `cmp` has a broken %-escape or is not UTF-8: the decoded text is not valid UTF-8
            error (base): the link parameter `base` appears more than once; the first one is used
            error (utm_source): the link parameter `utm_source` is not one Seglab knows; it was ignored
            error (s): the link parameter `s` has a broken %-escape or is not UTF-8: `%zz` at byte 2 is not % followed by two hex digits"##]],
    );
    check(
        "v=2&s=A~111111~x",
        &expect![[r##"
        {
          "segments": [
            {
              "name": "A",
              "color": "#111111",
              "definition": "x"
            }
          ],
          "as_of": null,
          "types": [],
          "keys": [],
          "compare": [],
          "base": null
        }
        error (v): the link was made by a newer Seglab (format version 2; this one reads 1); parts may be missing"##]],
    );
}

#[test]
fn oversized_parameters_are_refused_clearly() {
    let huge = format!(
        "s=Big~111111~{}&s=Small~222222~seats+%3E+1",
        "a".repeat(100 * 1024)
    );
    let (state, errors) = share::decode(&huge);
    assert_eq!(state.segments.len(), 1);
    expect!["the link parameter `s` is 102413 bytes long (the limit is 32768); it was skipped"]
        .assert_eq(
            &errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        );
    let (state, errors) = share::decode(&"x".repeat(2 * 1024 * 1024));
    assert_eq!(state, PageState::default());
    expect!["the link is 2097152 bytes long (the limit is 1048576); nothing was loaded"]
        .assert_eq(&errors[0].to_string());
}

#[test]
fn errors_serialize_for_the_page() {
    let (_, errors) = share::decode("type=zip:number");
    expect![[r#"[{"kind":"unknown_type","parameter":"type","value":"number","known":"integer, decimal, boolean, date, datetime, category, text, id"}]"#]].assert_eq(&serde_json::to_string(&errors).unwrap());
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof!["\\PC{0,12}", "[~,&=+%# :a-z]{0,8}", ".{0,6}"]
}

fn state() -> impl Strategy<Value = PageState> {
    let segment =
        (any_text(), "#[0-9a-fA-F]{6}", any_text()).prop_map(|(n, c, d)| Segment::new(n, c, d));
    let ty = prop::sample::select(ColumnType::ALL.to_vec());
    let types = prop::collection::vec((prop::option::of(any_text()), any_text(), ty), 0..3)
        .prop_map(|v| {
            v.into_iter()
                .map(|(file, column, ty)| TypeOverride { file, column, ty })
                .collect()
        });
    let kind = prop::option::of(prop::sample::select(vec![
        FileKind::Entity,
        FileKind::Events,
        FileKind::Linked,
    ]));
    let keys = prop::collection::vec((any_text(), any_text(), kind), 0..3).prop_map(|v| {
        v.into_iter()
            .map(|(file, column, kind)| JoinKey { file, column, kind })
            .collect()
    });
    (
        prop::collection::vec(segment, 0..4),
        prop::option::of(-62_135_596_800i64..253_402_300_799),
        types,
        keys,
        prop::collection::vec(any_text(), 0..3),
        prop::option::of(any_text()),
    )
        .prop_map(|(segments, as_of, types, keys, compare, base)| PageState {
            segments,
            as_of,
            types,
            keys,
            compare,
            base,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn decode_inverts_encode(s in state()) {
        let query = share::encode(&s);
        let (decoded, errors) = share::decode(&query);
        prop_assert!(errors.is_empty(), "{query}: {errors:?}");
        prop_assert_eq!(decoded, s);
    }

    #[test]
    fn decode_never_panics(query in "\\PC{0,60}") {
        let _ = share::decode(&query);
    }

    #[test]
    fn fields_round_trip(text in "\\PC{0,30}") {
        prop_assert_eq!(share::decode_field(&share::encode_field(&text)), Ok(text));
    }
}
