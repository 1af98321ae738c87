"""Runs Seglab's exported SQL in DuckDB: reads a job (JSON) naming CSV files and queries, prints results.

Input (argv[1]): {"datasets": [{"tables": [{"name", "path", "columns": [[name, duckdb_type]]}], "queries": [sql]}]}
Output (stdout): [[{"keys": [...]} | {"error": "..."} per query] per dataset]
"""
import json
import sys

try:
    import duckdb
except ImportError as e:  # The Rust test turns this into a failure with this message.
    sys.exit(f"python3 cannot import duckdb ({e}); install it with `pip install duckdb`")

job = json.load(open(sys.argv[1]))
out = []
for dataset in job["datasets"]:
    con = duckdb.connect()
    for table in dataset["tables"]:
        columns = "{" + ", ".join(f"'{n.replace(chr(39), chr(39) * 2)}': '{t}'" for n, t in table["columns"]) + "}"
        con.execute(
            f"CREATE TABLE \"{table['name']}\" AS SELECT * FROM read_csv('{table['path']}', header = true, "
            f"columns = {columns}, nullstr = '', quote = '\"', escape = '\"', allow_quoted_nulls = false, "
            f"auto_detect = false, delim = ',')"
        )
    results = []
    for sql in dataset["queries"]:
        try:
            rows = con.execute(sql).fetchall()
            results.append({"keys": sorted(r[0] for r in rows)})
        except Exception as e:  # noqa: BLE001 - reported per query
            results.append({"error": str(e)})
    out.append(results)
print(json.dumps(out))
