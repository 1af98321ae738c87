"""The shipped sample in the shape seglab-core's DuckDB oracle (tests/data/impact_duckdb.py) reads, then
that oracle's reference tables, plus the sample-ratio test (scipy) and each arm's two-proportion z-test
against the control (statsmodels) for the event outcomes. One process: the oracle runs in-process.

argv[1]: {"sample": dir, "core_oracle": path, "segment": SQL over users.csv, "requests": [...]}.
Prints {"tables": [[...] per request], "srm": [statistic, p], "z": [[arm, p] per outcome request]}."""
import contextlib
import io
import json
import runpy
import sys
import tempfile

import duckdb
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

spec = json.loads(sys.argv[1])
sample = spec["sample"]
with tempfile.TemporaryDirectory() as tmp:
    con = duckdb.connect()
    con.execute(f"""
        copy (select user_id as uid, signup_date, ({spec['segment']}) as grp, plan as variant,
                     null::bigint as exposed_at
              from read_csv('{sample}/users.csv')) to '{tmp}/users.csv' (header);
        copy (select user_id as uid, event, epoch("timestamp")::bigint as t
              from read_csv('{sample}/events.csv')) to '{tmp}/events.csv' (header);
    """)
    plans = con.execute(f"select plan, count(*) from read_csv('{sample}/users.csv') group by 1 order by 1").fetchall()
    srm = stats.chisquare([n for _, n in plans])
    requests = [dict(r, dir=tmp) for r in spec["requests"]]
    out = io.StringIO()
    sys.argv = [spec["core_oracle"], json.dumps(requests)]
    with contextlib.redirect_stdout(out):
        runpy.run_path(spec["core_oracle"], run_name="__main__")
    tables = json.loads(out.getvalue())

z = []
for request, table in zip(spec["requests"], tables):
    if request["kind"] != "outcome":
        continue
    # Arms in sorted order, as [n, mean] pairs; the control is the first (no arm is named "control").
    arms = [(name, int(table[2 * i]), table[2 * i + 1]) for i, (name, _) in enumerate(plans)]
    _, n0, m0 = arms[0]
    z.append([[name, proportions_ztest([round(m * n), round(m0 * n0)], [n, n0])[1]] for name, n, m in arms[1:]])
print(json.dumps({"tables": tables, "srm": [srm.statistic, srm.pvalue], "z": z}))
