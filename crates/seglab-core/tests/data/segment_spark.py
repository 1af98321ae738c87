"""Runs Seglab's exported Spark SQL in a local Spark: reads a job (JSON) naming CSV files and queries.

Same job and output as segment_duckdb.py. One Spark session serves every dataset (start-up takes seconds).
Input (argv[1]): {"datasets": [{"tables": [{"name", "path", "columns": [[name, duckdb_type]]}], "queries": [sql]}]}
Output (stdout): [[{"keys": [...]} | {"error": "..."} per query] per dataset]
"""
import json
import os
import shutil
import sys

try:
    from pyspark.sql import SparkSession
    from pyspark.sql import types as T
except ImportError as e:  # The Rust test turns this into a failure with this message.
    sys.exit(f"python3 cannot import pyspark ({e}); install it with `pip install pyspark`")

if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    sys.exit("Spark needs Java 17 or later: no `java` on the PATH and JAVA_HOME is not set")

SPARK_TYPES = {
    "BIGINT": T.LongType(),
    "DOUBLE": T.DoubleType(),
    "BOOLEAN": T.BooleanType(),
    "DATE": T.DateType(),
    "TIMESTAMP": T.TimestampType(),
    "VARCHAR": T.StringType(),
}

job = json.load(open(sys.argv[1]))
spark = (
    SparkSession.builder.master("local[1]")
    .appName("seglab-segment-sql")
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.sql.shuffle.partitions", "1")
    .config("spark.ui.enabled", "false")
    .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")

out = []
for dataset in job["datasets"]:
    for table in dataset["tables"]:
        schema = T.StructType([T.StructField(n, SPARK_TYPES[t], True) for n, t in table["columns"]])
        frame = (
            spark.read.option("header", "true")
            .option("quote", '"')
            .option("escape", '"')
            .option("emptyValue", "")
            .option("timestampFormat", "yyyy-MM-dd HH:mm:ss")
            .option("dateFormat", "yyyy-MM-dd")
            .option("mode", "FAILFAST")
            .schema(schema)
            .csv(table["path"])
        )
        # An unquoted empty field is a missing value; a quoted one ("") is empty text.
        frame.cache().count()
        frame.createOrReplaceTempView(table["name"])
    results = []
    for sql in dataset["queries"]:
        try:
            rows = spark.sql(sql).collect()
            results.append({"keys": sorted(r[0] for r in rows)})
        except Exception as e:  # noqa: BLE001 - reported per query
            results.append({"error": str(e).splitlines()[0] if str(e) else repr(e)})
    out.append(results)
spark.stop()
print(json.dumps(out))
