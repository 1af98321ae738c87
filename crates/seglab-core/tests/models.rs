//! Segments from models on the shipped sample: health score bands, RFM groups, discovered rules and
//! clusters, each checked against the segment language and the relationships planted in the sample
//! (`web/sample/README.md`).

mod models_support;

use models_support::{assert_definition, sample};
use seglab_core::Dataset;
use seglab_core::models::{
    self, Bands, ClusterOptions, Direction, DiscoverOptions, Discovery, ModelError, Outcome,
    RfmOptions, ScoreDefinition, Target,
};

fn keep_going() -> impl FnMut(f64) -> bool {
    |_| true
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

/// Discovers rules for `target` and checks every rule: its definition selects exactly its members on a
/// dataset with the measures it uses, and its figures add up.
fn check_discovery(data: &Dataset, target: &Target, options: &DiscoverOptions) -> Discovery {
    let found = models::discover(data, target, options, &mut keep_going()).expect("discovery runs");
    let augmented = models::with_columns(data, models::measure_columns(data, &found.measures_used));
    assert!(!found.rules.is_empty(), "some rule is found");
    for rule in &found.rules {
        assert_definition(&augmented, &rule.definition, &rule.members);
        assert_eq!(rule.size, rule.members.count());
        assert!(
            rule.ci.low <= rule.rate + 1e-12 && rule.rate <= rule.ci.high + 1e-12,
            "{rule:?}"
        );
        assert!((rule.lift - rule.rate / found.overall_rate).abs() < 1e-12);
        assert!(rule.depth >= 1 && rule.depth <= options.max_depth);
    }
    let json = serde_json::to_string(&found).expect("serialises");
    let back: Discovery = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, found);
    found
}

/// Everything a trial's conversion follows from by construction (plan, revenue, the Upgrade event).
fn consequences_of_converting() -> Vec<String> {
    strings(&[
        "plan",
        "arr",
        "renewal_date",
        "count(Upgrade)",
        "count(Upgrade, 30d)",
        "count(Purchase)",
        "count(Purchase, 30d)",
        "sum(amount)",
        "avg(amount)",
    ])
}

#[test]
fn discovery_finds_the_industries_that_convert_better() {
    let data = sample();
    let options = DiscoverOptions {
        features: Some(strings(&[
            "industry",
            "country",
            "role",
            "employees",
            "annual_revenue_band",
            "crm_vendor",
            "language",
        ])),
        ..DiscoverOptions::default()
    };
    let target = Target {
        column: "converted".into(),
        threshold: None,
    };
    let found = check_discovery(&data, &target, &options);
    assert_eq!(
        (found.known, found.positives),
        (2868, 626),
        "README: 626 of 2,868 converted"
    );
    let software = found
        .rules
        .iter()
        .find(|r| r.definition == "industry = \"Software\"")
        .expect("Software is split off at the root");
    assert!(software.lift > 1.2 && software.notable, "{software:?}");
    assert!(
        found
            .rules
            .iter()
            .any(|r| r.definition.contains("industry = \"Retail\"") && r.lift < 0.8),
        "Retail converts worse"
    );
    assert!(found.notes.is_empty());
    assert!(found.measures_used.is_empty());
}

#[test]
fn discovery_finds_the_feature_usage_of_converted_trials() {
    let data = sample();
    let options = DiscoverOptions {
        exclude: consequences_of_converting(),
        ..DiscoverOptions::default()
    };
    let target = Target {
        column: "converted".into(),
        threshold: None,
    };
    let found = check_discovery(&data, &target, &options);
    let key_features = ["Create report", "Export report", "Invite teammate"];
    let top = &found.rules[0];
    assert!(
        key_features.iter().any(|f| top.definition.contains(f)),
        "the best rule is about a key feature: {}",
        top.definition
    );
    assert!(top.lift > 3.0 && top.notable, "{top:?}");
    let root: Vec<_> = found.rules.iter().filter(|r| r.depth == 1).collect();
    assert_eq!(root.len(), 2);
    assert!(
        root.iter()
            .all(|r| key_features.iter().any(|f| r.definition.contains(f))),
        "the first split is on a key feature: {root:?}"
    );
}

#[test]
fn discovery_warns_about_columns_that_follow_from_the_target() {
    let data = sample();
    let target = Target {
        column: "converted".into(),
        threshold: None,
    };
    let found = check_discovery(&data, &target, &DiscoverOptions::default());
    assert_eq!(found.notes.len(), 2, "{:?}", found.notes);
    assert!(found.notes[0].contains("plan"), "{:?}", found.notes);
}

#[test]
fn discovery_of_a_numeric_target_above_a_threshold() {
    let data = sample();
    let options = DiscoverOptions {
        features: Some(strings(&[
            "plan",
            "employees",
            "signup_date",
            "converted",
            "industry",
        ])),
        max_depth: 2,
        min_leaf: Some(30),
        ..DiscoverOptions::default()
    };
    let target = Target {
        column: "arr".into(),
        threshold: Some(20_000.0),
    };
    let found = check_discovery(&data, &target, &options);
    assert_eq!(found.threshold, Some(20_000.0));
    assert!(
        found.rules[0].definition.contains("enterprise"),
        "{:?}",
        found.rules[0]
    );
    // Median threshold by default.
    let median = models::discover(
        &data,
        &Target {
            column: "employees".into(),
            threshold: None,
        },
        &DiscoverOptions {
            features: Some(strings(&["plan", "signup_date", "industry"])),
            ..DiscoverOptions::default()
        },
        &mut keep_going(),
    )
    .expect("runs");
    assert!(median.threshold.is_some());
    // A measure as the target, with the default features (which include that measure).
    let logins = check_discovery(
        &data,
        &Target {
            column: "count(Login, 30d)".into(),
            threshold: Some(0.0),
        },
        &DiscoverOptions {
            exclude: strings(&["count(*, 30d)", "days_since_last_seen", "last_seen"]),
            max_depth: 2,
            ..DiscoverOptions::default()
        },
    );
    assert!(!logins.features.iter().any(|f| f == "count(Login, 30d)"));
    assert!(
        logins
            .rules
            .iter()
            .all(|r| !r.definition.contains("count(Login, 30d)"))
    );
    assert!((median.overall_rate - 0.5).abs() < 0.05);
}

#[test]
fn discovery_reports_progress_and_can_be_cancelled() {
    let data = sample();
    let target = Target {
        column: "converted".into(),
        threshold: None,
    };
    let mut seen = Vec::new();
    let mut record = |p: f64| {
        seen.push(p);
        true
    };
    models::discover(&data, &target, &DiscoverOptions::default(), &mut record).expect("runs");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "progress only grows");
    assert_eq!(seen.last(), Some(&1.0));
    let mut calls = 0;
    let mut cancel = |_| {
        calls += 1;
        calls < 5
    };
    let cancelled = models::discover(&data, &target, &DiscoverOptions::default(), &mut cancel);
    assert_eq!(cancelled.err(), Some(ModelError::Cancelled));
}

#[test]
fn discovery_errors_name_the_problem() {
    let data = sample();
    let run = |column: &str, features: Option<Vec<String>>| {
        models::discover(
            &data,
            &Target {
                column: column.into(),
                threshold: None,
            },
            &DiscoverOptions {
                features,
                ..DiscoverOptions::default()
            },
            &mut keep_going(),
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    };
    let unknown = run("convertd", None).unwrap_err();
    assert!(
        unknown.starts_with("there is no column or measure `convertd` (did you mean `converted`?)"),
        "{unknown}"
    );
    let text = run("industry", None).unwrap_err();
    assert_eq!(
        text,
        "`industry` is category; the target must be a yes/no or numeric column"
    );
    let feature = run("converted", Some(strings(&["nope"]))).unwrap_err();
    assert!(feature.contains("`nope`"), "{feature}");
}

fn health() -> ScoreDefinition {
    "count(Login, 30d):+:2;active_days:+:1;latest(nps.score):+:1;days_since_last_seen:-:1"
        .parse()
        .expect("the definition parses")
}

#[test]
fn score_bands_are_segments_and_the_score_predicts_conversion() {
    let data = sample();
    let outcome = Outcome {
        column: "converted".into(),
        threshold: None,
    };
    let result = models::score(&data, &health(), Some(&outcome)).expect("scores");
    assert_eq!(result.scores.len(), 3000);
    assert!(result.scores.iter().all(|s| (0.0..=100.0).contains(s)));
    let augmented = models::with_columns(&data, vec![result.to_column()]);
    let mut total = 0;
    for band in &result.bands {
        assert_definition(&augmented, &band.definition, &band.members);
        total += band.size;
    }
    assert_eq!(total, 3000, "the bands cover everyone once");
    assert_eq!(
        result
            .bands
            .iter()
            .map(|b| b.definition.as_str())
            .collect::<Vec<_>>(),
        [
            "health_score < 25",
            "health_score >= 25 and health_score < 50",
            "health_score >= 50 and health_score < 75",
            "health_score >= 75"
        ]
    );
    // About a third answered the survey; the rest are scored at the median rank.
    let nps = &result.measures[2];
    assert!(nps.missing > 1500 && nps.missing < 2500, "{nps:?}");
    let test = result.backtest.as_ref().expect("back-tested");
    assert_eq!((test.n, test.positives), (2868, 626));
    assert!(test.auc > 0.7, "active users convert: {test:?}");
    assert!(test.ci.low < test.auc && test.auc < test.ci.high);
    assert_eq!(test.deciles.len(), 10);
    assert!(
        test.deciles[9].rate > 3.0 * test.deciles[0].rate,
        "{:?}",
        test.deciles
    );
    assert_eq!(test.deciles.iter().map(|d| d.n).sum::<usize>(), 2868);
    assert_eq!(test.influence.len(), 4);
    let json = serde_json::to_string(&result).expect("serialises");
    assert_eq!(
        serde_json::from_str::<models::ScoreResult>(&json).expect("reads"),
        result
    );
    // Edited thresholds with decimals are segments too.
    let mut edited = health();
    edited.bands = Bands {
        at_risk: 30.5,
        needs_attention: 41.25,
        healthy: 60.125,
    };
    let result = models::score(&data, &edited, None).expect("scores");
    let augmented = models::with_columns(&data, vec![result.to_column()]);
    for band in &result.bands {
        assert_definition(&augmented, &band.definition, &band.members);
    }
    assert_eq!(result.bands[3].definition, "health_score >= 60.125");
}

#[test]
fn score_text_form() {
    let def = health();
    assert_eq!(def.measures.len(), 4);
    assert_eq!(def.measures[3].direction, Direction::LowerIsBetter);
    assert!((def.measures[0].weight - 2.0).abs() < f64::EPSILON);
    assert_eq!(
        def.to_string(),
        "count(Login, 30d):+:2;active_days:+:1;latest(nps.score):+:1;days_since_last_seen:-:1"
    );
    let mut edited = def.clone();
    edited.bands = Bands {
        at_risk: 20.0,
        needs_attention: 40.0,
        healthy: 80.5,
    };
    assert!(edited.to_string().ends_with(";bands:20:40:80.5"));
    assert_eq!(edited.to_string().parse::<ScoreDefinition>(), Ok(edited));
    // A name without the space after its comma is found too.
    let data = sample();
    let compact: ScoreDefinition = "count(Login,30d):+:2;active_days:+:1;days_since_last_seen:-:1"
        .parse()
        .expect("parses");
    models::score(&data, &compact, None).expect("scores");
    for (text, message) in [
        (
            "a:+:1;b:x:1",
            "score definition, part 2 `b:x:1`: the direction is + (higher is better) or - (lower is better)",
        ),
        (
            "a:+:one",
            "score definition, part 1 `a:+:one`: the weight is a number, e.g. 2 or 0.5",
        ),
        (
            "a+1",
            "score definition, part 1 `a+1`: expected NAME:+:WEIGHT or NAME:-:WEIGHT",
        ),
        (
            ":+:1",
            "score definition, part 1 `:+:1`: the measure name is missing",
        ),
    ] {
        assert_eq!(
            text.parse::<ScoreDefinition>().unwrap_err().to_string(),
            message
        );
    }
}

#[test]
fn score_errors_say_how_to_fix_the_request() {
    let data = sample();
    let run = |text: &str| {
        let def: ScoreDefinition = text.parse().expect("parses");
        models::score(&data, &def, None)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        run("arr:+:1;employees:+:1").unwrap_err(),
        "a health score takes 3 to 6 measures; 2 given"
    );
    assert!(
        run("arr:+:1;employees:+:1;revenue:+:1")
            .unwrap_err()
            .starts_with("there is no column or measure `revenue`")
    );
    assert_eq!(
        run("arr:+:1;employees:+:1;industry:+:1").unwrap_err(),
        "`industry` is category; a number, date or yes/no column is needed"
    );
    assert_eq!(
        run("arr:+:1;employees:+:0;active_days:+:1").unwrap_err(),
        "measure `employees`: the weight 0 must be a positive number"
    );
    assert!(
        run("arr:+:1;employees:+:1;active_days:+:1;bands:50:40:80")
            .unwrap_err()
            .starts_with("the band thresholds must rise")
    );
    assert_eq!(
        run("arr:+:1;employees:+:1;renewal_date:+:1").map_err(|e| e.len()),
        Ok(()),
        "a date column with values is a measure"
    );
    let empty = seglab_core::table::Column::new(
        "empty",
        seglab_core::ColumnType::Integer,
        seglab_core::ColumnData::Integer(vec![0; 3000]),
        seglab_core::Bitset::new(3000),
    );
    let with_empty = models::with_columns(&data, vec![empty]);
    let def: ScoreDefinition = "arr:+:1;employees:+:1;empty:+:1".parse().expect("parses");
    assert_eq!(
        models::score(&with_empty, &def, None)
            .unwrap_err()
            .to_string(),
        "`empty` has no values: every user is missing it, so it cannot rank anyone"
    );
    let def = health();
    let one_class = models::score(
        &data,
        &def,
        Some(&Outcome {
            column: "employees".into(),
            threshold: Some(1e12),
        }),
    );
    assert!(matches!(one_class, Err(ModelError::OneClass { .. })));
}

#[test]
fn rfm_groups_are_segments_over_the_scores() {
    let data = sample();
    let result = models::rfm(
        &data,
        &RfmOptions {
            value: "amount".into(),
            event: None,
        },
    )
    .expect("RFM runs");
    assert_eq!(result.scored + result.unscored, 3000);
    assert_eq!(result.as_of, data.as_of.expect("the sample has events"));
    let augmented = models::with_columns(&data, result.to_columns());
    let mut covered = 0;
    for group in &result.groups {
        assert_definition(&augmented, &group.definition, &group.members);
        covered += group.size;
    }
    assert_eq!(
        covered, result.scored,
        "the groups cover every scored user once"
    );
    for scores in [&result.r, &result.f, &result.m] {
        let mut counts = [0usize; 6];
        for &s in scores {
            counts[s as usize] += 1;
        }
        assert_eq!(counts[0], result.unscored);
        for c in &counts[1..] {
            assert!(
                c.abs_diff(result.scored / 5) <= 1,
                "quintiles are equal in size: {counts:?}"
            );
        }
    }
    // Recent users score 5 on recency.
    let most_recent = (0..3000)
        .filter(|&u| result.r[u] == 5)
        .map(|u| result.recency_days[u])
        .max();
    let least_recent = (0..3000)
        .filter(|&u| result.r[u] == 1)
        .map(|u| result.recency_days[u])
        .min();
    assert!(most_recent <= least_recent);
    // Converted users (who keep coming back) are Champions far more often than the others.
    let champions = &result.groups[0];
    assert_eq!(champions.name, "Champions");
    let converted = seglab_core::segment::evaluate(
        &seglab_core::segment::parse("converted = yes").expect("parses"),
        &data,
        &seglab_core::segment::SegmentSet::new(),
    )
    .expect("evaluates");
    let share = champions.members.intersection_count(&converted) as f64 / champions.size as f64;
    assert!(share > 0.5, "{share}");
    let json = serde_json::to_string(&result).expect("serialises");
    assert_eq!(
        serde_json::from_str::<models::RfmResult>(&json).expect("reads"),
        result
    );
}

#[test]
fn rfm_of_one_event_and_of_a_linked_file() {
    let data = sample();
    let purchases = models::rfm(
        &data,
        &RfmOptions {
            value: "amount".into(),
            event: Some("Upgrade".into()),
        },
    )
    .expect("runs");
    let upgraded = seglab_core::join::measure(&data, "count(Upgrade)").expect("a measure");
    let seglab_core::ColumnData::Integer(counts) = upgraded.data() else {
        panic!("counts are integers")
    };
    assert_eq!(purchases.scored, counts.iter().filter(|&&c| c > 0).count());
    assert!(
        purchases.frequency.iter().all(|&f| f <= 1),
        "one Upgrade per converted user"
    );
    let linked = models::rfm(
        &data,
        &RfmOptions {
            value: "nps.score".into(),
            event: None,
        },
    )
    .expect("runs");
    assert!(matches!(linked.source, models::RfmSource::Linked { .. }));
    assert!(linked.scored > 500 && linked.scored < 1500);
    let errors = [
        (
            RfmOptions {
                value: "price".into(),
                event: None,
            },
            "the event log has no numeric property `price`; its properties are: `duration_s`, `amount`",
        ),
        (
            RfmOptions {
                value: "amount".into(),
                event: Some("Buy".into()),
            },
            "there is no event `Buy` in the event log",
        ),
        (
            RfmOptions {
                value: "amount".into(),
                event: Some("Purchse".into()),
            },
            "there is no event `Purchse` in the event log; did you mean `Purchase`?",
        ),
    ];
    for (options, message) in errors {
        assert_eq!(
            models::rfm(&data, &options).unwrap_err().to_string(),
            message
        );
    }
    let no_events = Dataset::from_table(data.population.clone());
    assert_eq!(
        models::rfm(
            &no_events,
            &RfmOptions {
                value: "amount".into(),
                event: None
            }
        )
        .unwrap_err()
        .to_string(),
        "there is no event log: RFM needs events (load a product-analytics export)"
    );
}

#[test]
fn rfm_rules_cover_the_grid_once() {
    let rules = models::standard_rules();
    assert_eq!(rules.len(), 11);
    for r in 1..=5u8 {
        for f in 1..=5u8 {
            let matching: Vec<_> = rules
                .iter()
                .filter(|x| {
                    (x.recency.0..=x.recency.1).contains(&r)
                        && (x.frequency.0..=x.frequency.1).contains(&f)
                })
                .map(|x| x.name.as_str())
                .collect();
            assert_eq!(matching.len(), 1, "R{r} F{f}: {matching:?}");
        }
    }
}

#[test]
fn clusters_are_deterministic_and_described() {
    let data = sample();
    let options = ClusterOptions {
        columns: strings(&["employees", "arr", "plan", "active_days", "industry"]),
        ..ClusterOptions::default()
    };
    let first = models::cluster(&data, &options, &mut keep_going()).expect("clusters");
    let second = models::cluster(&data, &options, &mut keep_going()).expect("clusters");
    assert_eq!(
        first, second,
        "the same data and seed give the same clusters"
    );
    assert!((2..=8).contains(&first.k));
    assert_eq!(first.choices.len(), 7);
    assert_eq!(first.clusters.len(), first.k);
    assert_eq!(first.clusters.iter().map(|c| c.size).sum::<usize>(), 3000);
    let mut all = seglab_core::Bitset::new(3000);
    for c in &first.clusters {
        assert_eq!(
            all.intersection_count(&c.members),
            0,
            "clusters do not overlap"
        );
        all.or_inplace(&c.members);
        assert_eq!(c.prototype.len(), 5);
    }
    assert!(first.clusters.iter().any(|c| !c.distinguishing.is_empty()));
    assert!(
        first
            .choices
            .iter()
            .all(|c| (-1.0..=1.0).contains(&c.silhouette))
    );
    let mut calls = 0;
    let mut cancel = |_| {
        calls += 1;
        calls < 3
    };
    assert_eq!(
        models::cluster(&data, &options, &mut cancel).err(),
        Some(ModelError::Cancelled)
    );
    assert_eq!(
        models::cluster(&data, &ClusterOptions::default(), &mut keep_going()).err(),
        Some(ModelError::NoColumns)
    );
    let json = serde_json::to_string(&first).expect("serialises");
    assert_eq!(
        serde_json::from_str::<models::Clustering>(&json).expect("reads"),
        first
    );
}
