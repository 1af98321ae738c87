//! Edge cases of the statistics: ties, zeros, one-element, empty and constant groups. Each must give a
//! finite number or a `NotEnough` reason, never NaN and never a panic.

// expect-test writes its snapshots as r#"..."# whether or not they hold a quote.
#![allow(clippy::needless_raw_string_hashes)]

use expect_test::{Expect, expect};
use seglab_core::stats::{self, NotEnough};

/// Formats a result: finite numbers rounded for the snapshot, or the reason in words.
fn show<T: serde::Serialize>(result: &Result<T, NotEnough>) -> String {
    match result {
        Ok(v) => {
            let json = serde_json::to_value(v).expect("results serialise");
            assert_finite(&json);
            round(&json).to_string()
        }
        Err(e) => format!("not enough data: {e}"),
    }
}

fn assert_finite(v: &serde_json::Value) {
    match v {
        serde_json::Value::Null => panic!("a result holds null (NaN or infinity): {v}"),
        serde_json::Value::Array(items) => items.iter().for_each(assert_finite),
        serde_json::Value::Object(map) => map
            .iter()
            .filter(|(k, _)| k.as_str() != "odds_ratio")
            .for_each(|(_, v)| assert_finite(v)),
        _ => {}
    }
}

fn round(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Number(n) => n.as_f64().map_or(v.clone(), |f| {
            serde_json::json!(format!("{f:.6}").parse::<f64>().unwrap_or(f))
        }),
        serde_json::Value::Array(items) => items.iter().map(round).collect(),
        serde_json::Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), round(v))).collect(),
        _ => v.clone(),
    }
}

fn check(a: &[f64], b: &[f64], expect: &Expect) {
    let lines = [
        format!("mean_ci(a): {}", show(&stats::mean_ci(a))),
        format!("welch: {}", show(&stats::welch_t_test(a, b))),
        format!("mann_whitney: {}", show(&stats::mann_whitney(a, b))),
        format!("cohens_d: {}", show(&stats::cohens_d(a, b))),
        format!("skewness(a): {}", show(&stats::skewness(a))),
        format!(
            "quantiles(a): {}",
            show(&stats::quantiles(&mut a.to_vec(), &[0.5, 0.9]))
        ),
    ];
    expect.assert_eq(&lines.join("\n"));
}

#[test]
fn empty_groups() {
    check(
        &[],
        &[1.0, 2.0],
        &expect![[r#"
            mean_ci(a): not enough data: no values
            welch: not enough data: too few values: needs at least 2, has 0
            mann_whitney: not enough data: no values
            cohens_d: not enough data: no values
            skewness(a): not enough data: too few values: needs at least 3, has 0
            quantiles(a): not enough data: no values"#]],
    );
}

#[test]
fn one_element_groups() {
    check(
        &[4.0],
        &[1.0, 2.0, 3.0],
        &expect![[r#"
            mean_ci(a): not enough data: too few values: needs at least 2, has 1
            welch: not enough data: too few values: needs at least 2, has 1
            mann_whitney: {"common_language":1.0,"p_value":0.371093,"u":3.0,"z":0.894427}
            cohens_d: 2.0
            skewness(a): not enough data: too few values: needs at least 3, has 1
            quantiles(a): [4.0,4.0]"#]],
    );
}

#[test]
fn constant_groups() {
    check(
        &[5.0, 5.0, 5.0],
        &[5.0, 5.0],
        &expect![[r#"
            mean_ci(a): {"ci":{"high":5.0,"low":5.0},"mean":5.0,"n":3.0,"sd":0.0}
            welch: not enough data: the values do not vary within the groups, so there is no spread to measure a difference against
            mann_whitney: not enough data: the values do not vary within the groups, so there is no spread to measure a difference against
            cohens_d: not enough data: the values do not vary within the groups, so there is no spread to measure a difference against
            skewness(a): not enough data: the values do not vary within the groups, so there is no spread to measure a difference against
            quantiles(a): [5.0,5.0]"#]],
    );
}

#[test]
fn constant_but_different_groups() {
    check(
        &[5.0, 5.0, 5.0],
        &[7.0, 7.0, 7.0, 7.0],
        &expect![[r#"
            mean_ci(a): {"ci":{"high":5.0,"low":5.0},"mean":5.0,"n":3.0,"sd":0.0}
            welch: not enough data: the values do not vary within the groups, so there is no spread to measure a difference against
            mann_whitney: {"common_language":0.0,"p_value":0.024745,"u":0.0,"z":2.245366}
            cohens_d: not enough data: the values do not vary within the groups, so there is no spread to measure a difference against
            skewness(a): not enough data: the values do not vary within the groups, so there is no spread to measure a difference against
            quantiles(a): [5.0,5.0]"#]],
    );
}

#[test]
fn heavy_ties() {
    check(
        &[0.0, 0.0, 0.0, 1.0, 1.0, 2.0],
        &[0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0],
        &expect![[r#"
            mean_ci(a): {"ci":{"high":1.523527,"low":-0.190194},"mean":0.666667,"n":6.0,"sd":0.816497}
            welch: {"ci":{"high":0.354358,"low":-1.592453},"df":10.377765,"difference":-0.619048,"p_value":0.187786,"statistic":-1.410048}
            mann_whitney: {"common_language":0.285714,"p_value":0.198073,"u":12.0,"z":1.287061}
            cohens_d: -0.789561
            skewness(a): 0.626099
            quantiles(a): [0.5,1.5]"#]],
    );
}

#[test]
fn values_too_large_to_square() {
    check(
        &[1e300, -1e300, 5.0],
        &[1.0, 2.0, 3.0],
        &expect![[r#"
        mean_ci(a): not enough data: the values are too large to compute with (beyond 1e150); check the column for corrupt numbers
        welch: not enough data: the values are too large to compute with (beyond 1e150); check the column for corrupt numbers
        mann_whitney: {"common_language":0.666667,"p_value":0.662521,"u":6.0,"z":0.436436}
        cohens_d: not enough data: the values are too large to compute with (beyond 1e150); check the column for corrupt numbers
        skewness(a): not enough data: the values are too large to compute with (beyond 1e150); check the column for corrupt numbers
        quantiles(a): [5.0,8e+299]"#]],
    );
}

#[test]
fn non_finite_input_is_refused() {
    check(
        &[1.0, f64::NAN, 2.0],
        &[1.0, 2.0],
        &expect![[r#"
            mean_ci(a): not enough data: the values include something that is not a finite number
            welch: not enough data: the values include something that is not a finite number
            mann_whitney: not enough data: the values include something that is not a finite number
            cohens_d: not enough data: the values include something that is not a finite number
            skewness(a): not enough data: the values include something that is not a finite number
            quantiles(a): not enough data: the values include something that is not a finite number"#]],
    );
}

fn check_proportions(ca: u64, na: u64, cb: u64, nb: u64, expect: &Expect) {
    let lines = [
        format!("wilson(a): {}", show(&stats::wilson(ca, na))),
        format!(
            "z_test: {}",
            show(&stats::two_proportion_z_test(ca, na, cb, nb))
        ),
        format!(
            "difference: {}",
            show(&stats::proportion_difference(ca, na, cb, nb))
        ),
        format!("ratio: {}", show(&stats::proportion_ratio(ca, na, cb, nb))),
        format!(
            "fisher: {}",
            show::<stats::Fisher>(&Ok(stats::fisher_exact([
                [ca, na.saturating_sub(ca)],
                [cb, nb.saturating_sub(cb)]
            ])))
        ),
    ];
    expect.assert_eq(&lines.join("\n"));
}

#[test]
fn proportions_with_zeros() {
    check_proportions(
        0,
        10,
        0,
        12,
        &expect![[r#"
            wilson(a): {"high":0.277533,"low":0.0}
            z_test: not enough data: the values do not vary within the groups, so there is no spread to measure a difference against
            difference: {"ci":{"high":0.277533,"low":-0.242494},"difference":0.0}
            ratio: not enough data: the baseline has no cases, so a ratio to it is undefined
            fisher: {"odds_ratio":null,"p_value":1.0}"#]],
    );
}

#[test]
fn proportions_all_successes() {
    check_proportions(
        10,
        10,
        12,
        12,
        &expect![[r#"
            wilson(a): {"high":1.0,"low":0.722467}
            z_test: not enough data: the values do not vary within the groups, so there is no spread to measure a difference against
            difference: {"ci":{"high":0.242494,"low":-0.277533},"difference":0.0}
            ratio: {"ci":{"high":1.0,"low":1.0},"ratio":1.0}
            fisher: {"odds_ratio":null,"p_value":1.0}"#]],
    );
}

#[test]
fn proportions_empty_group() {
    check_proportions(
        0,
        0,
        3,
        12,
        &expect![[r#"
        wilson(a): not enough data: no values
        z_test: not enough data: no values
        difference: not enough data: no values
        ratio: not enough data: no values
        fisher: {"odds_ratio":null,"p_value":1.0}"#]],
    );
}

#[test]
fn proportions_zero_baseline() {
    check_proportions(
        4,
        10,
        0,
        12,
        &expect![[r#"
            wilson(a): {"high":0.687326,"low":0.16818}
            z_test: {"p_value":0.01543,"statistic":2.42212}
            difference: {"ci":{"high":0.687326,"low":0.064525},"difference":0.4}
            ratio: not enough data: the baseline has no cases, so a ratio to it is undefined
            fisher: {"odds_ratio":null,"p_value":0.028708}"#]],
    );
}

#[test]
fn tables_and_nps() {
    let lines = [
        format!(
            "chi2 empty column: {}",
            show(&stats::chi2_contingency(&[vec![3, 0], vec![4, 0]], false))
        ),
        format!(
            "chi2 one row: {}",
            show(&stats::chi2_contingency(&[vec![3, 4]], false))
        ),
        format!(
            "chi2 ragged: {}",
            show(&stats::chi2_contingency(&[vec![3, 4], vec![1]], false))
        ),
        format!(
            "cramers_v identical rows: {}",
            show(&stats::cramers_v(&[vec![3, 6], vec![3, 6]]))
        ),
        format!(
            "gof zero observed: {}",
            show(&stats::chisquare_goodness_of_fit(&[0, 0], &[0.5, 0.5]))
        ),
        format!(
            "gof zero share: {}",
            show(&stats::chisquare_goodness_of_fit(&[3, 4], &[0.0, 1.0]))
        ),
        format!("nps empty: {}", show(&stats::nps([]))),
        format!(
            "nps all promoters: {}",
            show(&stats::nps([9.0, 10.0, 10.0]))
        ),
        format!("nps one detractor: {}", show(&stats::nps([0.0]))),
        format!("bh empty: {:?}", stats::benjamini_hochberg(&[])),
        format!(
            "bh ties: {:?}",
            stats::benjamini_hochberg(&[0.01, 0.01, 0.04, 1.0])
        ),
    ];
    expect![[r#"
        chi2 empty column: not enough data: a row or column of the table is empty, so there is nothing to compare there
        chi2 one row: not enough data: needs at least two categories and two groups
        chi2 ragged: not enough data: needs at least two categories and two groups
        cramers_v identical rows: 0.0
        gof zero observed: not enough data: no values
        gof zero share: not enough data: a row or column of the table is empty, so there is nothing to compare there
        nps empty: not enough data: no values
        nps all promoters: {"ci":{"high":100.0,"low":100.0},"detractors":0.0,"n":3.0,"passives":0.0,"promoters":3.0,"score":100.0}
        nps one detractor: {"ci":{"high":-100.0,"low":-100.0},"detractors":1.0,"n":1.0,"passives":0.0,"promoters":0.0,"score":-100.0}
        bh empty: []
        bh ties: [0.02, 0.02, 0.05333333333333334, 1.0]"#]].assert_eq(&lines.join("\n"));
}
