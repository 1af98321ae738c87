//! Experiment statistics against scipy and statsmodels: generated experiments (unequal arms, missing
//! outcomes, unassigned users, two and three segments, a covariate), every number of the result compared
//! with a reference computed independently in one `python3` process (`data/impact_oracle.py`).

mod common;
mod python_oracle;

use common::{Rng, boolean, category, dec};
use seglab_core::Bitset;
use seglab_core::dataset::Dataset;
use seglab_core::impact::{
    Assignment, Correction, Covariate, Cuped, ExperimentResult, ExperimentSpec, Interaction, Lift,
    OutcomeSpec, Selection, experiment,
};
use seglab_core::table::{ColumnType, Table};
use serde_json::{Value, json};

struct Case {
    dataset: Dataset,
    spec: ExperimentSpec,
    input: Value,
}

const ARMS: [&str; 3] = ["A", "B", "control"];

fn generate(seed: u64, users: usize, segments: usize, arms: usize, effect: f64) -> Case {
    let mut rng = Rng(seed);
    let mut arm = Vec::with_capacity(users);
    let mut y_bool = Vec::with_capacity(users);
    let mut y_num = Vec::with_capacity(users);
    let mut x = Vec::with_capacity(users);
    let mut seg = vec![Vec::with_capacity(users); segments];
    for _ in 0..users {
        let a = if rng.below(40) == 0 {
            None
        } else {
            // Unequal arms now and then, so the sample-ratio check has something to find.
            let r = rng.uniform();
            Some(if arms == 2 {
                usize::from(r < 0.5 + effect / 4.0)
            } else {
                (r * 3.0) as usize
            })
        };
        let s = rng.below(segments as u64) as usize;
        for (k, m) in seg.iter_mut().enumerate() {
            m.push(k == s);
        }
        let treated = a.is_some_and(|a| ARMS[a] != "control");
        let lift = if treated {
            effect * (s as f64 - 0.5)
        } else {
            0.0
        };
        let pre = 10.0 + 3.0 * rng.normal();
        x.push(if rng.below(50) == 0 { None } else { Some(pre) });
        let p = (0.3 + lift / 4.0).clamp(0.01, 0.99);
        y_bool.push(if rng.below(30) == 0 {
            None
        } else {
            Some(rng.uniform() < p)
        });
        y_num.push(if rng.below(30) == 0 {
            None
        } else {
            Some(0.8 * pre + lift + 2.0 * rng.normal())
        });
        arm.push(a);
    }
    let arm_names: Vec<Option<&str>> = arm.iter().map(|a| a.map(|a| ARMS[a])).collect();
    let population = Table::new(vec![
        category("variant", ColumnType::Category, &arm_names),
        boolean("converted", &y_bool),
        dec("revenue", &y_num),
        dec("pre_revenue", &x),
    ])
    .expect("columns of equal length");
    let dataset = Dataset::from_table(population);
    let selections: Vec<Selection> = seg
        .iter()
        .enumerate()
        .map(|(k, m)| Selection::new(format!("s{k}"), Bitset::from_fn(users, |u| m[u])))
        .collect();
    let bonferroni = seed.is_multiple_of(3);
    let mut spec = ExperimentSpec::new(
        Assignment::Column("variant".to_owned()),
        vec![
            OutcomeSpec::Column("converted".to_owned()),
            OutcomeSpec::Column("revenue".to_owned()),
        ],
    );
    spec.segments = selections;
    spec.covariate = Some(Covariate::Column("pre_revenue".to_owned()));
    spec.correction = if bonferroni {
        Correction::Bonferroni
    } else {
        Correction::BenjaminiHochberg
    };
    // Arm names sort as A, B, control: the control is found by name.
    let used: Vec<&str> = if arms == 2 {
        vec!["A", "B"]
    } else {
        ARMS.to_vec()
    };
    let control = used.iter().position(|&n| n == "control").unwrap_or(0);
    let input = json!({
        "arm": arm,
        "arms": used.len(),
        "control": control,
        "y_bool": y_bool,
        "y_num": y_num,
        "x": x,
        "segments": seg,
        "bonferroni": bonferroni,
    });
    Case {
        dataset,
        spec,
        input,
    }
}

/// The result as a flat list, in the order the reference script writes it.
fn flatten(result: &ExperimentResult) -> Vec<Option<f64>> {
    let mut out = Vec::new();
    for metric in &result.metrics {
        for segment in &metric.segments {
            for (a, arm) in segment.arms.iter().enumerate() {
                out.push(Some(arm.n as f64));
                out.push(arm.value);
                if a == result.control {
                    continue;
                }
                match &arm.lift {
                    Lift::Measured {
                        absolute,
                        absolute_ci,
                        relative,
                        relative_ci,
                        p_value,
                        adjusted_p,
                        ..
                    } => out.extend([
                        Some(*absolute),
                        Some(absolute_ci.low),
                        Some(absolute_ci.high),
                        *relative,
                        relative_ci.map(|c| c.low),
                        relative_ci.map(|c| c.high),
                        Some(*p_value),
                        Some(*adjusted_p),
                    ]),
                    _ => out.extend([None; 8]),
                }
                match &arm.cuped {
                    Some(Cuped::Measured {
                        theta,
                        absolute,
                        absolute_ci,
                        p_value,
                        variance_reduction,
                        ..
                    }) => out.extend([
                        Some(*theta),
                        Some(*absolute),
                        Some(absolute_ci.low),
                        Some(absolute_ci.high),
                        Some(*p_value),
                        Some(*variance_reduction),
                    ]),
                    _ => out.extend([None; 6]),
                }
            }
        }
        for interaction in &metric.interactions {
            match interaction {
                Interaction::DifferenceZ {
                    statistic, p_value, ..
                }
                | Interaction::CochranQ {
                    statistic, p_value, ..
                } => out.extend([Some(*statistic), Some(*p_value)]),
                Interaction::TooFewToTell { .. } => out.extend([None, None]),
            }
        }
    }
    let srm = result.sample_ratio.as_ref();
    out.push(srm.map(|s| s.statistic));
    out.push(srm.map(|s| s.p_value));
    out
}

fn reference(inputs: &[Value]) -> Vec<Vec<Option<f64>>> {
    python_oracle::run("impact_oracle.py", &inputs)
}

fn close(ours: f64, theirs: f64) -> bool {
    let diff = (ours - theirs).abs();
    diff <= 1e-12 || diff <= 1e-9 * theirs.abs().max(ours.abs())
}

#[test]
fn experiments_match_scipy_and_statsmodels() {
    let cases = [
        generate(1, 600, 2, 3, 0.0),
        generate(2, 2000, 2, 2, 0.6),
        generate(3, 1500, 3, 3, 1.0),
        generate(4, 300, 2, 2, -0.8),
        generate(5, 5000, 4, 3, 0.3),
        generate(6, 40, 2, 3, 0.5),
    ];
    let inputs: Vec<Value> = cases.iter().map(|c| c.input.clone()).collect();
    let expected = reference(&inputs);
    let mut compared = 0;
    for (i, (case, theirs)) in cases.iter().zip(&expected).enumerate() {
        let result = experiment(&case.dataset, &case.spec).expect("the experiment runs");
        let ours = flatten(&result);
        assert_eq!(ours.len(), theirs.len(), "case {i}: result shapes differ");
        for (j, (o, t)) in ours.iter().zip(theirs).enumerate() {
            match (o, t) {
                (Some(o), Some(t)) => {
                    assert!(
                        close(*o, *t),
                        "case {i}, value {j}: ours {o}, reference {t}"
                    );
                    compared += 1;
                }
                (None, None) => {}
                _ => panic!("case {i}, value {j}: ours {o:?}, reference {t:?}"),
            }
        }
    }
    assert!(compared > 500, "only {compared} values compared");
}
