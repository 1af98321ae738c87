"""Join coverage and per-user measures computed independently with DuckDB SQL, for tests/model_duckdb.rs.

Usage: join_oracle.py DIR AS_OF... where DIR holds users.csv, accounts.csv, events.csv, nps.csv (each with an
`rn` column numbering its rows from 0) and each AS_OF is epoch seconds or `default` (the latest kept event).
Prints one JSON object: {"coverage": ..., "population": ..., "runs": [{"as_of": ..., "measures": {...}}]}.
Semantics mirror the join module's documentation: keys trimmed (e-mail also lower-cased), the first row of
a repeated key wins, events need a matched key, a time and a name; measures see rows at or before as-of.
"""

import json
import sys

import duckdb

directory, as_ofs = sys.argv[1], sys.argv[2:]
db = duckdb.connect()


def load(name):
    db.execute(
        f"create table raw_{name} as select * from read_csv('{directory}/{name}.csv', header=true, "
        "all_varchar=true, quote='\"', escape='\"')"
    )


for name in ["users", "accounts", "events", "nps"]:
    load(name)

db.execute("""
create table u as select cast(rn as int) rn,
  nullif(trim(user_id), '') k, nullif(lower(trim(email)), '') em, nullif(trim(account_id), '') acc
from raw_users;
create table umap as select k, min(rn) rn from u where k is not null group by k;
create table emap as select em, min(rn) rn from u where em is not null group by em;

create table a as select cast(rn as int) rn, nullif(trim(account_id), '') k, plan,
  try_cast(nullif(seats, '') as bigint) seats from raw_accounts;
create table amap as select k, min(rn) rn from a where k is not null group by k;
create table ua as select u.rn, amap.rn arow from u left join amap on u.acc = amap.k;

create table e as select cast(rn as int) rn, nullif(trim(user_id), '') k, nullif(event, '') event,
  cast(epoch(cast(replace(replace(nullif(timestamp, ''), 'T', ' '), 'Z', '') as timestamp)) as bigint) t,
  try_cast(nullif(amount, '') as double) amount from raw_events;
create table ej as select e.*, umap.rn urow from e left join umap on e.k = umap.k;
create table kept as select * from ej where urow is not null and t is not null and event is not null;

create table n as select cast(rn as int) rn, nullif(lower(trim(email)), '') k,
  cast(epoch(cast(nullif(date, '') as date)) as bigint) d, try_cast(nullif(score, '') as bigint) score from raw_nps;
create table nj as select n.*, emap.rn urow from n left join emap on n.k = emap.em;
create table nkept as select * from nj where urow is not null and d is not null;
""")


def one(sql):
    return db.execute(sql).fetchone()


def key_report(table):
    missing, dup_keys, dup_rows = one(f"""
      select (select count(*) from {table} where k is null),
             (select count(*) from (select k from {table} where k is not null group by k having count(*) > 1)),
             (select count(*) - count(distinct k) from {table} where k is not null)""")
    return {"missing_keys": missing, "duplicate_keys": dup_keys, "duplicate_rows": dup_rows}


population_rows = one("select count(*) from u")[0]
users_report = key_report("u")
accounts_report = key_report("a")
acc_rows = one("select count(*) from a")[0]
acc_matched = one("select count(distinct arow) from ua where arow is not null")[0]
acc_pop_matched = one("select count(*) from ua where arow is not null")[0]
coverage = {
    "accounts.csv": {
        "rows": acc_rows,
        "matched_rows": acc_matched,
        "missing_key_rows": accounts_report["missing_keys"],
        "duplicate_keys": accounts_report["duplicate_keys"],
        "duplicate_rows": accounts_report["duplicate_rows"],
        "unmatched_rows": acc_rows - acc_matched - accounts_report["missing_keys"] - accounts_report["duplicate_rows"],
        "dropped_rows": 0,
        "population_matched": acc_pop_matched,
    }
}
for file, joined, time, extra in [("events.csv", "ej", "t", "and event is not null"), ("nps.csv", "nj", "d", "")]:
    rows, missing, unmatched, dropped, matched, pop_matched = one(f"""
      select count(*), count(*) filter (where k is null),
        count(*) filter (where k is not null and urow is null),
        count(*) filter (where urow is not null and not ({time} is not null {extra})),
        count(*) filter (where urow is not null and {time} is not null {extra}),
        count(distinct urow) filter (where urow is not null and {time} is not null {extra})
      from {joined}""")
    coverage[file] = {
        "rows": rows,
        "matched_rows": matched,
        "missing_key_rows": missing,
        "unmatched_rows": unmatched,
        "dropped_rows": dropped,
        "duplicate_keys": 0,
        "duplicate_rows": 0,
        "population_matched": pop_matched,
    }

gathered = db.execute("""
  select ua.rn, a.plan, a.seats from ua left join a on a.rn = ua.arow order by ua.rn""").fetchall()
names = [r[0] for r in db.execute("select distinct event from kept order by event").fetchall()]
default_as_of = one("select max(t) from kept")[0]

runs = []
for as_of in as_ofs:
    A = default_as_of if as_of == "default" else int(as_of)
    W = A - 30 * 86400
    db.execute(f"create or replace table f as select * from kept where t <= {A}")
    db.execute(f"create or replace table nf as select * from nkept where d <= {A}")
    cols = [
        ('"count(*)"', "count(f.rn)"),
        ('"count(*, 30d)"', f"count(f.rn) filter (where f.t > {W})"),
        ("first_seen", "min(f.t)"),
        ("last_seen", "max(f.t)"),
        ("days_since_last_seen", f"floor(({A} - max(f.t)) / 86400)"),
        ("active_days", "count(distinct floor(f.t / 86400))"),
        ('"sum(amount)"', "coalesce(sum(f.amount), 0)"),
        ('"avg(amount)"', "avg(f.amount)"),
    ]
    for name in names:
        quoted = name.replace("'", "''")
        cols.append((f'"count({name})"', f"count(f.rn) filter (where f.event = '{quoted}')"))
        cols.append((f'"count({name}, 30d)"', f"count(f.rn) filter (where f.event = '{quoted}' and f.t > {W})"))
    select = ", ".join(f"{expr} as {alias}" for alias, expr in cols)
    result = db.execute(f"select u.rn, {select} from u left join f on f.urow = u.rn group by u.rn order by u.rn")
    header = [d[0] for d in result.description]
    rows = result.fetchall()
    measures = {h: [r[i] for r in rows] for i, h in enumerate(header) if h != "rn"}
    nps_rows = db.execute("""
      select u.rn,
        (select score from nf where nf.urow = u.rn and score is not null order by d desc, rn desc limit 1),
        (select avg(score) from nf where nf.urow = u.rn and score is not null)
      from u order by u.rn""").fetchall()
    measures["latest(nps.score)"] = [r[1] for r in nps_rows]
    measures["avg(nps.score)"] = [r[2] for r in nps_rows]
    measures["accounts.plan"] = [r[1] for r in gathered]
    measures["seats"] = [r[2] for r in gathered]
    runs.append({"as_of": A, "measures": measures})

print(json.dumps({
    "population": dict(users_report, rows=population_rows),
    "coverage": coverage,
    "event_names": names,
    "runs": runs,
}))
