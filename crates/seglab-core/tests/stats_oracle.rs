//! Oracle test: every statistic in `seglab_core::stats` against scipy.stats and statsmodels.
//!
//! Cases are generated from fixed seeds, sent as JSON to one `python3` process running
//! `tests/data/stats_oracle.py`, and compared to a relative 1e-9 (absolute 1e-12 near zero).

mod python_oracle;

use seglab_core::stats::{self, dist};
use serde_json::{Value, json};

/// splitmix64: a small deterministic generator, so the cases are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    /// A sample of `n` values of one of several shapes: normal, skewed, or small integers (many ties).
    fn sample(&mut self, n: usize, shape: u64, shift: f64) -> Vec<f64> {
        (0..n)
            .map(|_| match shape {
                0 => 10.0 + 3.0 * self.normal() + shift,
                1 => (self.normal() + shift).exp(),
                _ => (self.below(6) as f64 + (shift * 2.0).round()).max(0.0),
            })
            .collect()
    }
}

/// One case: its kind and arguments for the reference, and the values computed here.
struct Case {
    kind: &'static str,
    args: Value,
    ours: Vec<f64>,
}

fn case(kind: &'static str, args: Value, ours: Vec<f64>) -> Case {
    Case { kind, args, ours }
}

fn ok<T>(result: Result<T, stats::NotEnough>, what: &str) -> T {
    match result {
        Ok(v) => v,
        Err(e) => panic!("{what}: unexpected NotEnough: {e}"),
    }
}

fn reference(cases: &[Case]) -> Vec<Vec<Option<f64>>> {
    let input: Vec<Value> = cases
        .iter()
        .map(|c| json!({"kind": c.kind, "args": c.args}))
        .collect();
    python_oracle::run("stats_oracle.py", &input)
}

fn close(ours: f64, theirs: f64) -> bool {
    // Infinities (quantiles of p = 0 or 1) must match exactly.
    if ours.is_infinite() || theirs.is_infinite() {
        return ours.is_infinite() && theirs.is_infinite() && ours.signum() == theirs.signum();
    }
    let diff = (ours - theirs).abs();
    diff <= 1e-12 || diff <= 1e-9 * theirs.abs().max(ours.abs())
}

/// Runs all cases through the oracle and reports every mismatch at once.
fn check(cases: &[Case]) {
    let theirs = reference(cases);
    assert_eq!(theirs.len(), cases.len());
    let mut failures = Vec::new();
    for (c, t) in cases.iter().zip(&theirs) {
        if c.ours.len() != t.len() {
            failures.push(format!(
                "{} {}: {} values here, {} in the reference",
                c.kind,
                c.args,
                c.ours.len(),
                t.len()
            ));
            continue;
        }
        for (i, (&o, r)) in c.ours.iter().zip(t).enumerate() {
            match r {
                Some(r) if close(o, *r) => {}
                Some(r) => failures.push(format!(
                    "{} [{i}] {}: ours {o:e}, reference {r:e}, rel {:e}",
                    c.kind,
                    short(&c.args),
                    ((o - r) / r).abs()
                )),
                None => failures.push(format!(
                    "{} [{i}] {}: ours {o:e}, reference NaN",
                    c.kind,
                    short(&c.args)
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from scipy/statsmodels:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("{} cases agree with the reference", cases.len());
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 200 {
        format!("{}…", &s[..200])
    } else {
        s
    }
}

#[test]
fn distributions_match_scipy() {
    let mut cases = Vec::new();
    for &x in &[
        -40.0, -8.5, -3.0, -1.96, -0.5, 0.0, 1e-8, 0.7, 1.645, 2.5, 6.0, 12.0, 37.0,
    ] {
        cases.push(case(
            "norm",
            json!({"x": x}),
            vec![dist::normal_cdf(x), dist::normal_sf(x)],
        ));
    }
    for &p in &[
        1e-300, 1e-20, 1e-6, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999_999,
    ] {
        cases.push(case("norm_ppf", json!({"p": p}), vec![dist::normal_ppf(p)]));
    }
    for &df in &[1.0, 2.0, 2.5, 4.7, 10.0, 29.3, 100.0, 1234.5, 1e5, 2e6] {
        for &x in &[-50.0, -4.0, -1.0, -0.01, 0.0, 0.3, 1.5, 2.0, 3.3, 8.0, 40.0] {
            cases.push(case(
                "t",
                json!({"x": x, "df": df}),
                vec![dist::t_cdf(x, df), dist::t_sf(x, df)],
            ));
        }
        for &p in &[1e-12, 1e-5, 0.025, 0.2, 0.5, 0.9, 0.975, 0.999] {
            cases.push(case(
                "t_ppf",
                json!({"p": p, "df": df}),
                vec![dist::t_ppf(p, df)],
            ));
        }
    }
    for &df in &[1.0, 2.0, 3.0, 7.0, 20.0, 99.0, 999.0] {
        for &x in &[0.001, 0.5, 1.0, 3.84, 10.0, 50.0, 300.0, 1100.0] {
            cases.push(case(
                "chi2",
                json!({"x": x, "df": df}),
                vec![dist::chi2_cdf(x, df), dist::chi2_sf(x, df)],
            ));
        }
    }
    let mut rng = Rng(7);
    for _ in 0..150 {
        let scale = [20, 200, 5000, 1_000_000][rng.below(4) as usize];
        let total = 1 + rng.below(scale);
        let successes = rng.below(total + 1);
        let draws = rng.below(total + 1);
        let h = dist::Hypergeometric {
            total,
            successes,
            draws,
        };
        let (lo, hi) = h.support();
        let k = lo + rng.below(hi - lo + 1);
        cases.push(case(
            "hypergeom",
            json!({"total": total, "successes": successes, "draws": draws, "k": k}),
            vec![h.pmf(k), h.cdf(k), h.sf(k)],
        ));
    }
    check(&cases);
}

#[test]
fn proportion_statistics_match_statsmodels() {
    let mut rng = Rng(11);
    let mut cases = Vec::new();
    for i in 0..200u64 {
        let scale = [10, 100, 3000, 500_000][(i % 4) as usize];
        let na = 1 + rng.below(scale);
        let nb = 1 + rng.below(scale);
        let ca = if i % 17 == 0 { 0 } else { rng.below(na + 1) };
        let cb = if i % 13 == 0 { nb } else { rng.below(nb + 1) };
        let w = ok(stats::wilson(ca, na), "wilson");
        cases.push(case(
            "wilson",
            json!({"count": ca, "n": na}),
            vec![w.low, w.high],
        ));
        if let Ok(z) = stats::two_proportion_z_test(ca, na, cb, nb) {
            cases.push(case(
                "ztest",
                json!({"ca": ca, "na": na, "cb": cb, "nb": nb}),
                vec![z.statistic, z.p_value],
            ));
        }
        let d = ok(stats::proportion_difference(ca, na, cb, nb), "difference");
        cases.push(case(
            "diff",
            json!({"ca": ca, "na": na, "cb": cb, "nb": nb}),
            vec![d.difference, d.ci.low, d.ci.high],
        ));
        if cb > 0 {
            let r = ok(stats::proportion_ratio(ca, na, cb, nb), "ratio");
            cases.push(case(
                "ratio",
                json!({"ca": ca, "na": na, "cb": cb, "nb": nb}),
                vec![r.ratio, r.ci.low, r.ci.high],
            ));
        }
    }
    for i in 0..300u64 {
        let scale = [8, 40, 300, 20_000][(i % 4) as usize];
        let table = [
            [rng.below(scale), rng.below(scale)],
            [rng.below(scale / 2 + 1), rng.below(scale)],
        ];
        let f = stats::fisher_exact(table);
        cases.push(case("fisher", json!({"table": table}), vec![f.p_value]));
    }
    // Tables with tiny cells in huge populations: the case the comparison hands to Fisher.
    for _ in 0..40 {
        let table = [
            [rng.below(6), 1 + rng.below(900_000)],
            [rng.below(9), 1 + rng.below(900_000)],
        ];
        let f = stats::fisher_exact(table);
        cases.push(case("fisher", json!({"table": table}), vec![f.p_value]));
    }
    for i in 0..60usize {
        let n = 1 + rng.below([5, 50, 5000][i % 3]) as usize;
        let scores: Vec<f64> = (0..n).map(|_| rng.below(11) as f64).collect();
        let r = ok(stats::nps(scores.iter().copied()), "nps");
        cases.push(case(
            "nps",
            json!({"scores": scores}),
            vec![r.score, r.ci.low, r.ci.high],
        ));
        let other: Vec<f64> = (0..=rng.below(300)).map(|_| rng.below(11) as f64).collect();
        let b = ok(stats::nps(other.iter().copied()), "nps");
        if let Ok(d) = stats::nps_difference(&r, &b) {
            cases.push(case(
                "nps_diff",
                json!({"a": scores, "b": other}),
                vec![d.difference, d.ci.low, d.ci.high, d.p_value],
            ));
        }
    }
    check(&cases);
}

#[test]
fn tables_match_scipy() {
    let mut rng = Rng(23);
    let mut cases = Vec::new();
    for i in 0..200usize {
        let rows = 2 + rng.below(if i % 5 == 0 { 30 } else { 5 }) as usize;
        let cols = 2 + rng.below(3) as usize;
        let scale = [3, 20, 1000, 100_000][i % 4];
        let table: Vec<Vec<u64>> = (0..rows)
            .map(|_| (0..cols).map(|_| 1 + rng.below(scale)).collect())
            .collect();
        for yates in [false, true] {
            let c = ok(stats::chi2_contingency(&table, yates), "chi2");
            cases.push(case(
                "chi2_contingency",
                json!({"table": table, "yates": yates}),
                vec![c.statistic, c.df as f64, c.p_value, c.min_expected],
            ));
        }
        cases.push(case(
            "cramers_v",
            json!({"table": table}),
            vec![ok(stats::cramers_v(&table), "cramer")],
        ));
        let observed: Vec<u64> = table.iter().map(|r| r[0]).collect();
        let shares: Vec<f64> = (0..rows).map(|_| 0.1 + rng.uniform()).collect();
        let g = ok(stats::chisquare_goodness_of_fit(&observed, &shares), "gof");
        cases.push(case(
            "gof",
            json!({"observed": observed, "shares": shares}),
            vec![g.statistic, g.p_value],
        ));
    }
    check(&cases);
}

#[test]
fn numeric_statistics_match_scipy() {
    let mut rng = Rng(31);
    let mut cases = Vec::new();
    for i in 0..240u64 {
        let shape = i % 3;
        let size = [2usize, 3, 7, 25, 400, 20_000][(i / 3 % 6) as usize];
        let na = 2 + rng.below(size as u64) as usize;
        let nb = 2 + rng.below(size as u64) as usize;
        let shift = if i % 4 == 0 { 0.0 } else { rng.uniform() };
        let a = rng.sample(na, shape, shift);
        let b = rng.sample(nb, shape, 0.0);
        let (aj, bj) = (json!(a), json!(b));
        if let Ok(w) = stats::welch_t_test(&a, &b) {
            cases.push(case(
                "welch",
                json!({"a": aj, "b": bj}),
                vec![w.statistic, w.df, w.p_value, w.ci.low, w.ci.high],
            ));
        }
        if let Ok(m) = stats::mann_whitney(&a, &b) {
            cases.push(case("mwu", json!({"a": aj, "b": bj}), vec![m.u, m.p_value]));
        }
        if let Ok(d) = stats::cohens_d(&a, &b) {
            cases.push(case("cohens_d", json!({"a": aj, "b": bj}), vec![d]));
        }
        if let Ok(m) = stats::mean_ci(&a)
            && m.sd > 0.0
        {
            cases.push(case(
                "mean_ci",
                json!({"x": aj}),
                vec![m.mean, m.sd, m.ci.low, m.ci.high],
            ));
        }
        if let Ok(s) = stats::skewness(&a) {
            cases.push(case("skew", json!({"x": aj}), vec![s]));
        }
        let probs = [0.9, 0.1, 0.25, 0.5, 0.75, 0.0, 1.0, 0.333];
        let mut scratch = a.clone();
        cases.push(case(
            "quantiles",
            json!({"x": aj, "p": probs}),
            ok(stats::quantiles(&mut scratch, &probs), "quantiles"),
        ));
    }
    for i in 0..50usize {
        let m = 1 + rng.below([3, 20, 400][i % 3]) as usize;
        let p: Vec<f64> = (0..m)
            .map(|_| match rng.below(4) {
                0 => rng.uniform() * 1e-6,
                1 => 0.05,
                _ => rng.uniform(),
            })
            .collect();
        cases.push(case("bh", json!({"p": p}), stats::benjamini_hochberg(&p)));
        cases.push(case("bonferroni", json!({"p": p}), stats::bonferroni(&p)));
    }
    check(&cases);
}
