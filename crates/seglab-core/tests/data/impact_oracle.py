"""Reference values for tests/impact_oracle.rs: reads generated experiments as JSON on stdin and writes, per
experiment, the flat list of numbers the Rust test flattens its result into (null where there is none)."""
import json
import sys
import warnings

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

warnings.simplefilter("ignore")
Z = stats.norm.isf(0.025)


def lift(y_t, y_c, rate):
    nt, nc = len(y_t), len(y_c)
    if min(nt, nc) < 2:
        return None
    if rate:
        ct, cc = int(y_t.sum()), int(y_c.sum())
        pooled = (ct + cc) / (nt + nc)
        if pooled * (1 - pooled) <= 0:
            return None
        _, p = proportions_ztest([ct, cc], [nt, nc])
        lo, hi = confint_proportions_2indep(ct, nt, cc, nc, compare="diff", method="newcomb")
        pt, pc = ct / nt, cc / nc
        se = np.sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc)
        if cc > 0:
            rlo, rhi = confint_proportions_2indep(ct, nt, cc, nc, compare="ratio")
            rel = [pt / pc - 1, rlo - 1, rhi - 1]
        else:
            rel = [None, None, None]
        return dict(values=[pt - pc, lo, hi] + rel, p=p, se=se)
    if y_t.std(ddof=1) == 0 and y_c.std(ddof=1) == 0:
        return None
    r = stats.ttest_ind(y_t, y_c, equal_var=False)
    ci = r.confidence_interval(0.95)
    mt, mc = y_t.mean(), y_c.mean()
    vt, vc = y_t.var(ddof=1) / nt, y_c.var(ddof=1) / nc
    if mc != 0:
        rs = np.sqrt(vt / mc**2 + mt**2 * vc / mc**4)
        rel = [mt / mc - 1, mt / mc - 1 - Z * rs, mt / mc - 1 + Z * rs]
    else:
        rel = [None, None, None]
    return dict(values=[mt - mc, ci.low, ci.high] + rel, p=r.pvalue, se=np.sqrt(vt + vc))


def cuped(arm, y, x, members, arms, control):
    keep = members & ~np.isnan(y) & ~np.isnan(x) & (arm >= 0)
    if keep.sum() < 3:
        return [None] * arms
    yy, xx, aa = y[keep], x[keep], arm[keep]
    if np.var(xx) == 0 or np.var(yy) == 0:
        return [None] * arms
    theta = np.cov(yy, xx)[0, 1] / np.var(xx, ddof=1)
    adj = yy - theta * (xx - xx.mean())
    vr = np.corrcoef(yy, xx)[0, 1] ** 2
    out = []
    for a in range(arms):
        t, c = adj[aa == a], adj[aa == control]
        if min(len(t), len(c)) < 2:
            out.append(None)
            continue
        r = stats.ttest_ind(t, c, equal_var=False)
        ci = r.confidence_interval(0.95)
        out.append([theta, t.mean() - c.mean(), ci.low, ci.high, r.pvalue, vr])
    return out


def case(c):
    arm = np.array([-1 if a is None else a for a in c["arm"]])
    arms, control = c["arms"], c["control"]
    x = np.array([np.nan if v is None else v for v in c["x"]], float)
    segs = [np.ones(len(arm), bool)] + [np.array(s, bool) for s in c["segments"]]
    rows, pvals, slots = [], [], []
    for key, rate in (("y_bool", True), ("y_num", False)):
        y = np.array([np.nan if v is None else float(v) for v in c[key]], float)
        effects = []
        for s, members in enumerate(segs):
            have = members & ~np.isnan(y) & (arm >= 0)
            cup = cuped(arm, y, x, members, arms, control)
            per_arm = []
            for a in range(arms):
                ya = y[have & (arm == a)]
                rows.append(len(ya))
                rows.append(ya.mean() if len(ya) else None)
                if a == control:
                    continue
                l = lift(ya, y[have & (arm == control)], rate)
                if l is None:
                    rows.extend([None] * 8)
                else:
                    rows.extend(l["values"] + [l["p"], None])
                    pvals.append(l["p"])
                    slots.append(len(rows) - 1)
                rows.extend(cup[a] if cup[a] is not None else [None] * 6)
                per_arm.append(l)
            effects.append(per_arm)
        if len(segs) > 2:
            for i in range(arms - 1):
                es = [effects[s][i] for s in range(1, len(segs))]
                if any(e is None or e["se"] <= 0 for e in es):
                    rows.extend([None, None])
                elif len(es) == 2:
                    z = (es[0]["values"][0] - es[1]["values"][0]) / np.hypot(es[0]["se"], es[1]["se"])
                    rows.extend([z, min(1.0, 2 * stats.norm.sf(abs(z)))])
                else:
                    e = np.array([v["values"][0] for v in es])
                    w = 1 / np.array([v["se"] for v in es]) ** 2
                    q = float((w * (e - (w * e).sum() / w.sum()) ** 2).sum())
                    rows.extend([q, stats.chi2.sf(q, len(es) - 1)])
    method = "bonferroni" if c["bonferroni"] else "fdr_bh"
    if pvals:
        adjusted = multipletests(pvals, method=method)[1]
        for slot, p in zip(slots, adjusted):
            rows[slot] = p
    sizes = [int((arm == a).sum()) for a in range(arms)]
    r = stats.chisquare(sizes)
    rows.extend([r.statistic, r.pvalue])
    return [None if v is None else float(v) for v in rows]


print(json.dumps([case(c) for c in json.load(sys.stdin)]))
