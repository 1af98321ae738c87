"""Reference for tests/compare_oracle.rs. Reads {"data": ..., "comparison": ...} on stdin: the raw columns
and group memberships, and the comparison Seglab computed. Recomputes every summary figure and every test
from the raw data with numpy/scipy/statsmodels, choosing tests by the documented rules, and prints a JSON
list of [label, ours, reference] for the Rust side to compare."""
import json
import sys
import warnings

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                          proportions_ztest)

warnings.simplefilter("ignore")

inp = json.load(sys.stdin)
data, comp = inp["data"], inp["comparison"]
rows = data["rows"]
groups = [np.array(g, dtype=int) for g in data["groups"]]
if data["include_rest"]:
    inside = np.zeros(rows, bool)
    for g in groups:
        inside[g] = True
    groups.append(np.nonzero(~inside)[0])
baseline = comp["baseline"]
out = []


def emit(label, ours, ref):
    if ref is None or (isinstance(ref, float) and np.isnan(ref)):
        out.append([label, ours, None])
    else:
        out.append([label, ours, float(ref)])


def values(col, g):
    v = data["columns"][col]["values"]
    return [v[i] for i in groups[g] if v[i] is not None]


def skewed(x):
    x = np.asarray(x, float)
    if len(x) < 3 or x.min() == x.max():
        return False
    return abs(stats.skew(x, bias=True)) > 1


def top_values(col, k):
    v = data["columns"][col]["values"]
    first = {}
    for s in v:
        if s is not None and s not in first:
            first[s] = len(first)
    totals = {}
    for g in range(len(groups)):
        for s in values(col, g):
            totals[s] = totals.get(s, 0) + 1
    order = sorted(totals, key=lambda s: (-totals[s], first[s]))
    return order[:k], len(order) > k


p_refs = []
for ci, column in enumerate(comp["columns"]):
    name = column["name"]
    s = column["summary"]
    if s["kind"] == "numeric":
        for g, gs in enumerate(s["groups"]):
            x = np.asarray(values(name, g), float)
            emit(f"{name}[{g}].n", gs["n"], len(x))
            if len(x) == 0:
                continue
            emit(f"{name}[{g}].mean", gs["mean"], x.mean())
            q = np.quantile(x, [0.1, 0.25, 0.5, 0.75, 0.9])
            for key, ref in zip(["p10", "p25", "median", "p75", "p90"], q):
                emit(f"{name}[{g}].{key}", gs[key], ref)
            h, _ = np.histogram(x, bins=np.array(s["edges"]))
            for b, (o, r) in enumerate(zip(gs["histogram"], h)):
                emit(f"{name}[{g}].histogram[{b}]", o, r)
            if len(x) > 1:
                emit(f"{name}[{g}].sd", gs["sd"], x.std(ddof=1))
                lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=x.std(ddof=1) / np.sqrt(len(x)))
                emit(f"{name}[{g}].mean_ci.low", gs["mean_ci"]["low"], lo)
                emit(f"{name}[{g}].mean_ci.high", gs["mean_ci"]["high"], hi)
    if s["kind"] == "categorical":
        shown, other = top_values(name, data["max_categories"])
        emit(f"{name}.values", len(s["values"]), len(shown) + int(other))
        for g, gs in enumerate(s["groups"]):
            x = values(name, g)
            counts = [sum(1 for v in x if v == val) for val in shown]
            if other:
                counts.append(len(x) - sum(counts))
            for i, c in enumerate(counts):
                emit(f"{name}[{g}].counts[{i}]", gs["counts"][i], c)
                if len(x) > 0:
                    lo, hi = proportion_confint(c, len(x), method="wilson")
                    emit(f"{name}[{g}].share[{i}].low", gs["shares"][i]["ci"]["low"], lo)
                    emit(f"{name}[{g}].share[{i}].high", gs["shares"][i]["ci"]["high"], hi)
    if s["kind"] == "boolean":
        for g, gs in enumerate(s["groups"]):
            x = values(name, g)
            emit(f"{name}[{g}].count", gs["count"], sum(1 for v in x if v))
            emit(f"{name}[{g}].n", gs["n"], len(x))

# The findings, recomputed one by one.
for i, f in enumerate(comp["findings"]):
    name, g, b = f["column"], f["group"], f["baseline"]
    kind = data["columns"][name]["type"]
    label = f"finding {i} {name} {g} vs {b}"
    eff = f["effect"] or {}
    if f["p_value"] is None:
        p_refs.append(None)
        continue
    if kind in ("integer", "decimal", "date"):
        x, y = np.asarray(values(name, g), float), np.asarray(values(name, b), float)
        use_mw = skewed(x) or skewed(y)
        emit(label + " uses Mann-Whitney", int(f["test"] == "mann_whitney_u"), int(use_mw))
        if use_mw:
            r = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
            p = r.pvalue
            emit(label + " P(greater)", eff["probability_greater"], r.statistic / (len(x) * len(y)))
            emit(label + " median", eff["median"], np.median(x))
        else:
            r = stats.ttest_ind(x, y, equal_var=False)
            p = r.pvalue
            ci = r.confidence_interval(0.95)
            emit(label + " difference.low", eff["difference"]["low"], ci.low)
            emit(label + " difference.high", eff["difference"]["high"], ci.high)
            pooled = np.sqrt(((len(x) - 1) * x.var(ddof=1) + (len(y) - 1) * y.var(ddof=1)) / (len(x) + len(y) - 2))
            emit(label + " cohens_d", eff["cohens_d"], (x.mean() - y.mean()) / pooled)
    elif eff.get("kind") == "mix":
        shown, other = top_values(name, data["max_categories"])
        table = []
        for grp in (g, b):
            x = values(name, grp)
            counts = [sum(1 for v in x if v == val) for val in shown]
            if other:
                counts.append(len(x) - sum(counts))
            table.append(counts)
        t = np.array(table).T
        t = t[t.sum(axis=1) > 0]
        r = stats.chi2_contingency(t, correction=False)
        emit(label + " uses chi-square", int(f["test"] == "chi_square"), int(r.expected_freq.min() >= 5))
        p = r.pvalue
        emit(label + " cramers_v", eff["cramers_v"], stats.contingency.association(t, method="cramer"))
    else:
        if kind == "boolean":
            xa, xb = values(name, g), values(name, b)
            ca, cb = sum(1 for v in xa if v), sum(1 for v in xb if v)
        else:
            xa, xb = values(name, g), values(name, b)
            ca, cb = sum(1 for v in xa if v == eff["value"]), sum(1 for v in xb if v == eff["value"])
        na, nb = len(xa), len(xb)
        t = np.array([[ca, na - ca], [cb, nb - cb]])
        expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / t.sum()
        use_fisher = expected.min() < 5
        emit(label + " uses Fisher", int(f["test"] == "fisher_exact"), int(use_fisher))
        p = stats.fisher_exact(t).pvalue if use_fisher else proportions_ztest([ca, cb], [na, nb])[1]
        lo, hi = confint_proportions_2indep(ca, na, cb, nb, compare="diff")
        emit(label + " difference.low", eff["difference"]["low"], lo)
        emit(label + " difference.high", eff["difference"]["high"], hi)
        if cb > 0:
            lo, hi = confint_proportions_2indep(ca, na, cb, nb, compare="ratio")
            emit(label + " ratio.low", eff["ratio"]["low"], lo)
            emit(label + " ratio.high", eff["ratio"]["high"], hi)
    emit(label + " p", f["p_value"], p)
    p_refs.append(p)

tested = [i for i, p in enumerate(p_refs) if p is not None]
adjusted = multipletests([p_refs[i] for i in tested], method="fdr_bh")[1]
for i, q in zip(tested, adjusted):
    emit(f"finding {i} p_adjusted", comp["findings"][i]["p_adjusted"], q)
json.dump(out, sys.stdout)
