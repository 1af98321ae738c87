//! Share links: the page state as URL parameters, read back exactly, with bad parameters reported by name.

// expect-test writes every snapshot as r#"…"#.
#![allow(clippy::needless_raw_string_hashes)]

use expect_test::{Expect, expect};
use proptest::prelude::*;
use seglab_core::ColumnType;
use seglab_core::join::FileKind;
use seglab_core::models::{Bands, Direction, ScoreDefinition, ScoreMeasure};
use seglab_core::segment::Segment;
use seglab_core::share::{self, JoinKey, PageState, RfmSetting, TypeOverride};
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
        score: Some(
            "count(Login, 30d):+:2;seats_used:+:1;days_since_last_seen:-:1;bands:20:45:80"
                .to_owned(),
        ),
        rfm: Some(RfmSetting {
            value: "amount".to_owned(),
            event: Some("Purchase".to_owned()),
        }),
        cluster: vec!["plan".to_owned(), "seats, used".to_owned()],
    }
}

#[test]
fn links_are_readable() {
    let query = share::encode(&example());
    expect!["v=1&asof=2025-06-30&type=zip:id&type=crm.csv~signup:+first:date&key=events.csv~user_id&key=nps.csv~e%7Email~linked&s=Trials~2a9d8f~plan+%3D+%22trial%22&s=Converted%2C+2025~E76F51~in+segment+%22Trials%22+and+converted+%3D+yes+%7E+100%25&cmp=Trials,Converted%2C+2025&base=Trials&score=count(Login%2C+30d):%2B:2;seats_used:%2B:1;days_since_last_seen:-:1;bands:20:45:80&rfm=amount~Purchase&clu=plan,seats%2C+used"].assert_eq(&query);
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
              "base": "Big",
              "score": null,
              "rfm": null,
              "cluster": []
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
              "base": "A",
              "score": null,
              "rfm": null,
              "cluster": []
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
              "base": null,
              "score": null,
              "rfm": null,
              "cluster": []
            }
            error (v): the link was made by a newer Seglab (format version 2; this one reads 1); parts may be missing"##]],
    );
}

#[test]
fn model_settings_load_from_a_hand_written_link() {
    // Written by hand: `count(Login,30d)` without its space, a weight of `2.0`, default bands given.
    check(
        "score=count(Login,30d):%2B:2.0;active_days:+:1;days_since_last_seen:-:1;bands:25:50:75&rfm=amount&clu=plan,seats",
        &expect![[r#"
            {
              "segments": [],
              "as_of": null,
              "types": [],
              "keys": [],
              "compare": [],
              "base": null,
              "score": "count(Login,30d):+:2;active_days:+:1;days_since_last_seen:-:1",
              "rfm": {
                "value": "amount",
                "event": null
              },
              "cluster": [
                "plan",
                "seats"
              ]
            }"#]],
    );
    check(
        "score=active_days:*:1&rfm=~Purchase&clu=plan,,seats&s=A~111111~x",
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
              "base": null,
              "score": null,
              "rfm": null,
              "cluster": []
            }
            error (score): the link parameter `score` should look like measure:+:weight;measure:-:weight;… (score definition, part 1 `active_days:*:1`: the direction is + (higher is better) or - (lower is better)), but is `active_days:*:1`; it was skipped
            error (rfm): the link parameter `rfm` should look like value or value~event (e.g. amount~Purchase), but is `~Purchase`; it was skipped
            error (clu): the link parameter `clu` should look like column names, comma-separated (e.g. plan,seats), but is `plan,,seats`; it was skipped"##]],
    );
}

#[test]
fn links_from_before_the_model_parameters_still_load() {
    let old = "v=1&s=Trials~2a9d8f~plan+%3D+%22trial%22&cmp=Trials";
    let (state, errors) = share::decode(old);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(state.score, None);
    assert_eq!(state.rfm, None);
    assert!(state.cluster.is_empty());
    assert_eq!(share::encode(&state), old);
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
        models(),
    )
        .prop_map(
            |(segments, as_of, types, keys, compare, base, (score, rfm, cluster))| PageState {
                segments,
                as_of,
                types,
                keys,
                compare,
                base,
                score,
                rfm,
                cluster,
            },
        )
}

/// A name the model parameters accept: not blank, and (for score measures) without `;`, which
/// separates measures.
fn model_name() -> impl Strategy<Value = String> {
    "[a-z_(),~&=+%# ]{0,10}[a-z]".prop_map(|s| s)
}

/// Model settings as a page would hold them: the score in its canonical text form.
fn models() -> impl Strategy<Value = (Option<String>, Option<RfmSetting>, Vec<String>)> {
    let measure =
        (model_name(), any::<bool>(), 0.01f64..100.0).prop_map(|(name, up, weight)| ScoreMeasure {
            name,
            direction: if up {
                Direction::HigherIsBetter
            } else {
                Direction::LowerIsBetter
            },
            weight,
        });
    let bands = prop_oneof![
        Just(Bands::default()),
        (1.0f64..30.0, 31.0f64..60.0, 61.0f64..99.0).prop_map(|(a, b, c)| Bands {
            at_risk: a,
            needs_attention: b,
            healthy: c,
        }),
    ];
    let score = (prop::collection::vec(measure, 1..7), bands)
        .prop_map(|(measures, bands)| ScoreDefinition { measures, bands }.to_string());
    let rfm = (model_name(), prop::option::of(model_name()))
        .prop_map(|(value, event)| RfmSetting { value, event });
    (
        prop::option::of(score),
        prop::option::of(rfm),
        prop::collection::vec(model_name(), 0..4),
    )
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
