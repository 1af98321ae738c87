"""Reference values for tests/stats_oracle.rs: reads a JSON list of cases on stdin, writes a JSON list of
lists of numbers (null where the reference is NaN) on stdout."""
import json
import sys
import warnings

import numpy as np
from scipy import stats
from scipy.stats import contingency
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                          proportions_ztest)

warnings.simplefilter("ignore")


def mean_ci(x):
    x = np.asarray(x, float)
    n = len(x)
    m = x.mean()
    sd = x.std(ddof=1)
    lo, hi = stats.t.interval(0.95, n - 1, loc=m, scale=sd / np.sqrt(n))
    return [m, sd, lo, hi]


def welch(a, b):
    r = stats.ttest_ind(a, b, equal_var=False)
    ci = r.confidence_interval(0.95)
    return [r.statistic, r.df, r.pvalue, ci.low, ci.high]


def cohens_d(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    na, nb = len(a), len(b)
    va = a.var(ddof=1) if na > 1 else 0.0
    vb = b.var(ddof=1) if nb > 1 else 0.0
    pooled = np.sqrt(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2))
    return [(a.mean() - b.mean()) / pooled]


def nps(scores):
    s = np.asarray(scores, float)
    n = len(s)
    pp = np.mean(s >= 9)
    pd = np.mean(s <= 6)
    score = pp - pd
    se = np.sqrt((pp + pd - score ** 2) / n)
    z = stats.norm.ppf(0.975)
    return [100 * score, 100 * (score - z * se), 100 * (score + z * se)]


def run(case):
    k, a = case["kind"], case["args"]
    if k == "norm":
        x = a["x"]
        return [stats.norm.cdf(x), stats.norm.sf(x)]
    if k == "norm_ppf":
        return [stats.norm.ppf(a["p"])]
    if k == "t":
        return [stats.t.cdf(a["x"], a["df"]), stats.t.sf(a["x"], a["df"])]
    if k == "t_ppf":
        return [stats.t.ppf(a["p"], a["df"])]
    if k == "chi2":
        return [stats.chi2.cdf(a["x"], a["df"]), stats.chi2.sf(a["x"], a["df"])]
    if k == "hypergeom":
        M, n, N, x = a["total"], a["successes"], a["draws"], a["k"]
        return [stats.hypergeom.pmf(x, M, n, N), stats.hypergeom.cdf(x, M, n, N), stats.hypergeom.sf(x, M, n, N)]
    if k == "wilson":
        lo, hi = proportion_confint(a["count"], a["n"], alpha=0.05, method="wilson")
        return [lo, hi]
    if k == "ztest":
        z, p = proportions_ztest([a["ca"], a["cb"]], [a["na"], a["nb"]])
        return [z, p]
    if k == "fisher":
        r = stats.fisher_exact(a["table"])
        return [r.pvalue]
    if k == "diff":
        lo, hi = confint_proportions_2indep(a["ca"], a["na"], a["cb"], a["nb"], compare="diff")
        return [a["ca"] / a["na"] - a["cb"] / a["nb"], lo, hi]
    if k == "ratio":
        lo, hi = confint_proportions_2indep(a["ca"], a["na"], a["cb"], a["nb"], compare="ratio")
        return [(a["ca"] / a["na"]) / (a["cb"] / a["nb"]), lo, hi]
    if k == "chi2_contingency":
        r = stats.chi2_contingency(np.array(a["table"]), correction=a["yates"])
        return [r.statistic, r.dof, r.pvalue, r.expected_freq.min()]
    if k == "cramers_v":
        return [contingency.association(np.array(a["table"]), method="cramer")]
    if k == "gof":
        obs = np.array(a["observed"], float)
        sh = np.array(a["shares"], float)
        r = stats.chisquare(obs, sh / sh.sum() * obs.sum())
        return [r.statistic, r.pvalue]
    if k == "welch":
        return welch(a["a"], a["b"])
    if k == "mwu":
        r = stats.mannwhitneyu(a["a"], a["b"], alternative="two-sided", method="asymptotic")
        return [r.statistic, r.pvalue]
    if k == "cohens_d":
        return cohens_d(a["a"], a["b"])
    if k == "mean_ci":
        return mean_ci(a["x"])
    if k == "quantiles":
        return list(np.quantile(np.asarray(a["x"], float), a["p"]))
    if k == "skew":
        return [stats.skew(a["x"], bias=True)]
    if k == "bh":
        return list(multipletests(a["p"], method="fdr_bh")[1])
    if k == "bonferroni":
        return list(multipletests(a["p"], method="bonferroni")[1])
    if k == "nps":
        return nps(a["scores"])
    if k == "nps_diff":
        # Independent groups: the variances of the two scores add.
        def parts(scores):
            s = np.asarray(scores, float)
            pp, pd = np.mean(s >= 9), np.mean(s <= 6)
            return 100 * (pp - pd), (pp + pd - (pp - pd) ** 2) / len(s)
        sa, va = parts(a["a"])
        sb, vb = parts(a["b"])
        se = 100 * np.sqrt(va + vb)
        d = sa - sb
        z = stats.norm.ppf(0.975)
        return [d, d - z * se, d + z * se, 2 * stats.norm.sf(abs(d / se))]
    raise ValueError(f"unknown case kind {k}")


def clean(v):
    v = float(v)
    return None if np.isnan(v) else v


cases = json.load(sys.stdin)
json.dump([[clean(v) for v in run(c)] for c in cases], sys.stdout)
