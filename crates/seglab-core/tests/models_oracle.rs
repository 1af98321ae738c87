//! Model figures against reference implementations, in one python3 process: ROC AUC against
//! scikit-learn's `roc_auc_score`, quintile scores against pandas' `qcut(x.rank(method='first'), 5)`,
//! and RFM of the shipped sample against the same computed with pandas from the CSV files.

mod models_support;
mod python_oracle;

use models_support::sample;
use seglab_core::models::{self, RfmOptions, ScoreDefinition};
use serde_json::{Value, json};

/// A fixed-seed generator for the cases.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn oracle(request: &Value) -> Value {
    python_oracle::run("models_oracle.py", request)
}

#[test]
fn auc_quintiles_and_rfm_match_the_reference() {
    let mut rng = Lcg(7);
    // AUC cases: continuous scores, heavy ties, tiny groups, a perfect and an inverted score.
    let mut auc_cases: Vec<(Vec<f64>, Vec<bool>)> = Vec::new();
    for (n, levels) in [
        (2, 0),
        (5, 3),
        (40, 0),
        (200, 4),
        (1000, 0),
        (1000, 10),
        (3000, 2),
    ] {
        let mut scores = Vec::new();
        let mut labels = Vec::new();
        for i in 0..n {
            let x = if levels == 0 {
                (rng.next() % 1_000_000) as f64 / 1000.0
            } else {
                (rng.next() % levels) as f64
            };
            scores.push(x);
            labels.push(if n == 2 {
                i == 1
            } else {
                (rng.next() % 1000) as f64 / 1000.0 < 0.2 + x / (x + 50.0)
            });
        }
        if labels.iter().all(|&l| l) || labels.iter().all(|&l| !l) {
            labels[0] = !labels[0];
        }
        auc_cases.push((scores, labels));
    }
    auc_cases.push((vec![1.0, 2.0, 3.0, 4.0], vec![false, false, true, true]));
    auc_cases.push((vec![1.0, 2.0, 3.0, 4.0], vec![true, true, false, false]));
    // The health score of the sample against conversion.
    let data = sample();
    let def: ScoreDefinition =
        "count(Login, 30d):+:2;active_days:+:1;latest(nps.score):+:1;days_since_last_seen:-:1"
            .parse()
            .expect("parses");
    let scored = models::score(&data, &def, None).expect("scores");
    let converted = data.population.column("converted").expect("column");
    let rows: Vec<usize> = converted.valid().iter().collect();
    let seglab_core::ColumnData::Boolean(yes) = converted.data() else {
        panic!("converted is yes/no")
    };
    auc_cases.push((
        rows.iter().map(|&r| scored.scores[r]).collect(),
        rows.iter().map(|&r| yes.get(r)).collect(),
    ));

    // Quintile cases: distinct values, counts with many ties, tiny n.
    let mut qcut_cases: Vec<Vec<f64>> = Vec::new();
    for n in [
        2, 3, 4, 5, 6, 7, 9, 10, 11, 13, 16, 21, 26, 99, 100, 101, 1234,
    ] {
        qcut_cases.push((0..n).map(|_| (rng.next() % 1000) as f64).collect());
        qcut_cases.push((0..n).map(|_| (rng.next() % 4) as f64).collect());
    }

    let rfm = models::rfm(
        &data,
        &RfmOptions {
            value: "amount".into(),
            event: None,
        },
    )
    .expect("RFM runs");
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/sample/");
    let request = json!({
        "auc": auc_cases.iter().map(|(s, l)| json!({"scores": s, "labels": l})).collect::<Vec<_>>(),
        "qcut": qcut_cases,
        "rfm": {"users": format!("{root}users.csv"), "events": format!("{root}events.csv"), "as_of": rfm.as_of},
    });
    let answer = oracle(&request);

    let mut failures = Vec::new();
    for (i, ((scores, labels), reference)) in auc_cases
        .iter()
        .zip(answer["auc"].as_array().expect("list"))
        .enumerate()
    {
        let reference = reference.as_f64().expect("a number");
        let (ours, ci) = models::auc(scores, labels).expect("both classes present");
        if (ours - reference).abs() > 1e-12 {
            failures.push(format!(
                "AUC case {i}: ours {ours}, scikit-learn {reference}"
            ));
        }
        assert!(ci.low <= ours && ours <= ci.high && ci.low >= 0.0 && ci.high <= 1.0);
        let (again, delong) = models::auc_delong(scores, labels).expect("both classes present");
        let expected = &answer["delong"][i];
        let (low, high) = (
            expected[0].as_f64().expect("a number"),
            expected[1].as_f64().expect("a number"),
        );
        if (again - ours).abs() > 1e-12
            || (delong.low - low).abs() > 1e-9
            || (delong.high - high).abs() > 1e-9
        {
            failures.push(format!(
                "DeLong case {i}: ours {again} ({}–{}), numpy {reference} ({low}–{high})",
                delong.low, delong.high
            ));
        }
    }
    for (i, (values, reference)) in qcut_cases
        .iter()
        .zip(answer["qcut"].as_array().expect("list"))
        .enumerate()
    {
        let ours: Vec<u64> = models::quintiles(values)
            .iter()
            .map(|&q| u64::from(q))
            .collect();
        let reference: Vec<u64> = serde_json::from_value(reference.clone()).expect("integers");
        if ours != reference {
            failures.push(format!(
                "qcut case {i} (n={}): ours {ours:?}, pandas {reference:?}",
                values.len()
            ));
        }
    }
    let reference = &answer["rfm"];
    let ids: Vec<String> = serde_json::from_value(reference["user_id"].clone()).expect("ids");
    assert_eq!(ids.len(), rfm.scored, "the same users have events");
    let key = data.population.column("user_id").expect("key");
    let scored_rows: Vec<usize> = (0..data.users()).filter(|&u| rfm.r[u] > 0).collect();
    for (field, ours) in [
        (
            "r",
            scored_rows
                .iter()
                .map(|&u| f64::from(rfm.r[u]))
                .collect::<Vec<_>>(),
        ),
        (
            "f",
            scored_rows.iter().map(|&u| f64::from(rfm.f[u])).collect(),
        ),
        (
            "m",
            scored_rows.iter().map(|&u| f64::from(rfm.m[u])).collect(),
        ),
        (
            "recency",
            scored_rows
                .iter()
                .map(|&u| rfm.recency_days[u].unwrap_or(-1) as f64)
                .collect(),
        ),
        (
            "frequency",
            scored_rows
                .iter()
                .map(|&u| rfm.frequency[u] as f64)
                .collect(),
        ),
        (
            "monetary",
            scored_rows.iter().map(|&u| rfm.monetary[u]).collect(),
        ),
    ] {
        let theirs: Vec<f64> = serde_json::from_value(reference[field].clone()).expect("numbers");
        let differ: Vec<String> = ours
            .iter()
            .zip(&theirs)
            .zip(&scored_rows)
            .filter(|((o, t), _)| (*o - *t).abs() > 1e-9 * t.abs().max(1.0))
            .take(3)
            .map(|((o, t), &u)| format!("{:?}: ours {o}, pandas {t}", key.value(u)))
            .collect();
        if !differ.is_empty() {
            failures.push(format!("RFM {field}: {differ:?}"));
        }
    }
    for (u, id) in scored_rows.iter().zip(&ids) {
        assert_eq!(
            key.value(*u),
            seglab_core::Value::Str(id),
            "the users are in the same order"
        );
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
