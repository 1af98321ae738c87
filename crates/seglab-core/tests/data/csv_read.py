# Reads CSV texts with Python's csv module: the oracle for the CSV exports' quoting.
# stdin: a JSON list of CSV texts; stdout: for each, its rows as lists of cells.
import csv, io, json, sys

texts = json.load(sys.stdin)
print(json.dumps([list(csv.reader(io.StringIO(t, newline=''))) for t in texts]))
