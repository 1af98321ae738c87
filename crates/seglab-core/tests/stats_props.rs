//! Invariants of the statistics, checked on generated inputs: the fast paths agree with naive ones.

use proptest::prelude::*;
use seglab_core::stats;

/// Type 7 quantile by full sort: the naive reference for the selection and bucket paths.
fn naive_quantile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    stats::quantile_sorted(&sorted, p).unwrap_or(f64::NAN)
}

/// Values of several shapes: wide, clustered with ties, and one huge outlier among small numbers.
fn values() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![
        prop::collection::vec(-1e6f64..1e6, 1..20_000),
        prop::collection::vec((0i32..7).prop_map(f64::from), 1..20_000),
        prop::collection::vec(0f64..1.0, 8_192..12_000).prop_map(|mut v| {
            v.push(1e12);
            v
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn quantiles_agree_with_a_full_sort(values in values(), extra in 0f64..1.0) {
        let probs = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, extra];
        let got = stats::quantiles(&mut values.clone(), &probs).expect("non-empty finite values");
        for (&p, &q) in probs.iter().zip(&got) {
            prop_assert_eq!(q.to_bits(), naive_quantile(&values, p).to_bits(), "p = {}", p);
        }
    }

    #[test]
    fn radix_sort_agrees_with_total_cmp(mut values in values(), negatives in prop::collection::vec(-1e300f64..1e-300, 0..5000)) {
        values.extend(negatives);
        values.extend([0.0, -0.0, f64::MIN_POSITIVE, -f64::MIN_POSITIVE, f64::MAX, f64::MIN]);
        let mut expected = values.clone();
        expected.sort_by(f64::total_cmp);
        stats::sort(&mut values);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&values), bits(&expected));
    }

    #[test]
    fn benjamini_hochberg_is_monotone_and_bounded(p in prop::collection::vec(0f64..=1.0, 0..200)) {
        let adjusted = stats::benjamini_hochberg(&p);
        let bonferroni = stats::bonferroni(&p);
        for i in 0..p.len() {
            // p·m/m may round a hair below p.
            prop_assert!(adjusted[i] >= p[i] * (1.0 - 1e-15) && adjusted[i] <= 1.0);
            prop_assert!(adjusted[i] <= bonferroni[i]);
            for j in 0..p.len() {
                if p[i] < p[j] {
                    prop_assert!(adjusted[i] <= adjusted[j]);
                }
            }
        }
    }

    #[test]
    fn fisher_p_values_are_probabilities(a in 0u64..40, b in 0u64..40, c in 0u64..40, d in 0u64..40) {
        let f = stats::fisher_exact([[a, b], [c, d]]);
        prop_assert!(f.p_value > 0.0 && f.p_value <= 1.0, "{:?}", f);
        // Swapping the rows describes the same table.
        let g = stats::fisher_exact([[c, d], [a, b]]);
        prop_assert!((f.p_value - g.p_value).abs() <= 1e-12 * f.p_value.max(1e-300), "{} vs {}", f.p_value, g.p_value);
    }
}
