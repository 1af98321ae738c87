"""Reference tables for tests/impact_duckdb.rs: retention, funnels, event outcomes and before/after computed
in DuckDB SQL (and scipy/statsmodels for the tests) over the CSV files the test wrote. Reads a JSON list of
requests as the first argument; writes one flat list of numbers per request (null where there is none)."""
import json
import sys
import warnings

import duckdb
import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

warnings.simplefilter("ignore")
DAY = 86400
con = duckdb.connect()
loaded = None


def load(d):
    global loaded
    if loaded == d:
        return
    con.execute(f"""
        create or replace table users as select * from read_csv('{d}/users.csv', header=true,
            columns={{'uid':'varchar','signup_date':'date','grp':'boolean','variant':'varchar','exposed_at':'bigint'}});
        create or replace table events as select * from read_csv('{d}/events.csv', header=true,
            columns={{'uid':'varchar','event':'varchar','t':'bigint'}});
    """)
    loaded = d


def q(sql, *params):
    return con.execute(sql, list(params)).fetchall()


def retention(r):
    load(r["dir"])
    as_of = r["as_of"]
    length = (7 if r["by"] == "week" else 30) * DAY
    unit = r["by"]
    if r["cohort"] == "signup_date":
        start = "select uid, date_diff('day', DATE '1970-01-01', signup_date) * 86400 as s from users where signup_date is not null"
    else:
        cond = "" if r["start"] is None else f"and event = '{r['start']}'"
        start = f"select uid, min(t) as s from events where true {cond} group by uid"
    con.execute(f"""
        create or replace temp table starts as
        select uid, s, date_diff('day', DATE '1970-01-01', date_trunc('{unit}', make_timestamp(s * 1000000))::date) as cohort,
               floor(({as_of} + 1 - s) / {length})::bigint as ended
        from ({start}) where s <= {as_of}
    """)
    users = q("select count(*) from users")[0][0]
    have = q("select count(*) from starts")[0][0]
    most = q("select coalesce(max(ended), 0) from starts")[0][0]
    periods = r["periods"] if r["periods"] is not None else max(1, min(most, 52))
    cohorts = [c for (c,) in q("select distinct cohort from starts order by cohort")]
    ret = "" if r["return"] is None else f"and e.event = '{r['return']}'"
    con.execute(f"""
        create or replace temp table hits as
        select distinct st.uid, floor((e.t - st.s) / {length})::bigint as k
        from starts st join events e on e.uid = st.uid
        where e.t >= st.s and e.t <= {as_of} {ret}
    """)
    out = [periods, users - have] + cohorts
    for grp in ("true", "grp"):
        sizes = dict(q(f"select cohort, count(*) from starts join users using (uid) where {grp} group by cohort"))
        elig = {(c, k): n for c, k, n in q(f"""
            select cohort, k, count(*) from starts join users using (uid), range(0, {periods}) p(k)
            where {grp} and k < ended group by all""")}
        kept = {(c, k): n for c, k, n in q(f"""
            select cohort, k, count(*) from starts join users using (uid) join hits using (uid)
            where {grp} and k < ended and k < {periods} group by all""")}
        for c in cohorts:
            out.append(sizes.get(c, 0))
            for k in range(periods):
                out.append(elig.get((c, k), 0))
                out.append(kept.get((c, k), 0))
    return out


def funnel(r):
    load(r["dir"])
    as_of, steps, within = r["as_of"], r["steps"], r["within"]
    sql = [f"s1 as (select uid, min(t) as t1 from events where event = '{steps[0]}' and t <= {as_of} group by uid)"]
    for i in range(2, len(steps) + 1):
        prev = ", ".join(f"s.t{j}" for j in range(1, i))
        sql.append(f"""s{i} as (select s.uid, {prev}, min(e.t) as t{i} from s{i-1} s join events e
            on e.uid = s.uid and e.event = '{steps[i-1]}' and e.t > s.t{i-1} and e.t <= s.t1 + {within}
            and e.t <= {as_of} group by all)""")
    with_ = "with " + ", ".join(sql)
    groups = ["true", "grp", "not grp"]
    reached, medians, sizes = {}, {}, {}
    for g in groups:
        sizes[g] = q(f"select count(*) from users where {g}")[0][0]
        for i in range(1, len(steps) + 1):
            gap = f"median(t{i} - t{i-1})" if i > 1 else "null"
            n, m = q(f"{with_} select count(*), {gap} from s{i} join users using (uid) where {g}")[0]
            reached[g, i], medians[g, i] = n, m
    pvals, slots, out = [], [], []
    for g in groups:
        out.append(sizes[g])
        for i in range(1, len(steps) + 1):
            out.extend([reached[g, i], None if medians[g, i] is None else float(medians[g, i]), None, None])
            tested = g != "true" and i > 1 and not (r["baseline"] == "first" and g == "grp")
            if not tested:
                continue
            if r["baseline"] == "rest":
                cb = reached["true", i] - reached[g, i]
                nb = reached["true", 1] - reached[g, 1]
            else:
                cb, nb = reached["grp", i], reached["grp", 1]
            ca, na = reached[g, i], reached[g, 1]
            pooled = (ca + cb) / (na + nb) if na and nb else 0
            if na == 0 or nb == 0 or pooled * (1 - pooled) <= 0:
                continue
            p = proportions_ztest([ca, cb], [na, nb])[1]
            out[-2] = p
            pvals.append(p)
            slots.append(len(out) - 1)
    if pvals:
        for slot, p in zip(slots, multipletests(pvals, method="fdr_bh")[1]):
            out[slot] = p
    return out


def outcome(r):
    load(r["dir"])
    as_of, w, event = r["as_of"], r["days"] * DAY, r["event"]
    if r["exposure"] == "first":
        x = f"select uid, min(t) as x from events where t <= {as_of} group by uid"
    else:
        x = "select uid, exposed_at as x from users where exposed_at is not null"
    value = "(count(e.t) > 0)::int" if r["any"] else "count(e.t)"
    con.execute(f"""
        create or replace temp table v as
        with x as ({x})
        select x.uid, {value}::double as y,
          (select count(*) from events p where p.uid = x.uid and p.event = '{event}'
             and p.t >= x.x - {w} and p.t < x.x)::double as pre
        from x left join events e
          on e.uid = x.uid and e.event = '{event}' and e.t > x.x and e.t <= x.x + {w}
        where x.x + {w} <= {as_of} group by x.uid, x.x""")
    rows = q("select u.variant, count(*), avg(v.y) from v join users u using (uid) group by 1 order by 1")
    out = []
    for _, n, mean in rows:
        out.extend([n, mean])
    if r["cuped"]:
        data = q("select u.variant = 'control', v.y, v.pre from v join users u using (uid)")
        c = np.array([d[0] for d in data])
        y = np.array([d[1] for d in data])
        xx = np.array([d[2] for d in data])
        theta = np.cov(y, xx)[0, 1] / np.var(xx, ddof=1)
        adj = y - theta * (xx - xx.mean())
        t = stats.ttest_ind(adj[~c], adj[c], equal_var=False)
        ci = t.confidence_interval(0.95)
        out.extend([theta, adj[~c].mean() - adj[c].mean(), ci.low, ci.high, t.pvalue,
                    np.corrcoef(y, xx)[0, 1] ** 2])
    return out


def before_after(r):
    load(r["dir"])
    at, w = r["at"], r["days"] * DAY
    rows = q(f"""
        select u.grp,
          count(e.t) filter (where e.t >= {at - w} and e.t < {at})::double as before,
          count(e.t) filter (where e.t >= {at} and e.t < {at + w})::double as after
        from users u left join events e on e.uid = u.uid and e.event = 'Login'
        group by u.uid, u.grp""")
    g = np.array([r[0] for r in rows])
    b = np.array([r[1] for r in rows])
    a = np.array([r[2] for r in rows])
    d = a - b
    out = [int(g.sum()), int((~g).sum()), b[g].mean(), a[g].mean(), b[~g].mean(), a[~g].mean()]
    t = stats.ttest_ind(d[g], d[~g], equal_var=False)
    ci = t.confidence_interval(0.95)
    out.extend([d[g].mean() - d[~g].mean(), t.statistic, t.df, t.pvalue, ci.low, ci.high])
    return out


KINDS = dict(retention=retention, funnel=funnel, outcome=outcome, before_after=before_after)
result = [[None if v is None else float(v) for v in KINDS[r["kind"]](r)] for r in json.loads(sys.argv[1])]
print(json.dumps(result))
