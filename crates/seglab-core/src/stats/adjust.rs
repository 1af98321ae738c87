//! Multiple-comparison correction: Benjamini–Hochberg and Bonferroni adjusted p-values.

/// Benjamini–Hochberg adjusted p-values (statsmodels `multipletests(method="fdr_bh")`), in input order.
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    crate::sorting::sort_by(&mut order, |&a, &b| p_values[a].total_cmp(&p_values[b]));
    let mut adjusted = vec![0.0; m];
    let mut running = 1.0_f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        let candidate = p_values[i] * m as f64 / (rank + 1) as f64;
        running = running.min(candidate);
        adjusted[i] = running.min(1.0);
    }
    adjusted
}

/// Bonferroni adjusted p-values (statsmodels `multipletests(method="bonferroni")`).
pub fn bonferroni(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len() as f64;
    p_values.iter().map(|p| (p * m).min(1.0)).collect()
}
