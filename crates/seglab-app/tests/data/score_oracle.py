"""The health score of the shipped sample computed independently with pandas, and its ROC AUC with
scikit-learn: the oracle for the engine test and the Models e2e test.

argv: users.csv, then measures as name:+:weight or name:-:weight (users.csv columns). Prints JSON:
{"auc": ..., "bands": [at risk, needs attention, healthy, champion], "n": users with a known outcome}.
"""
import json
import sys

import pandas as pd
from sklearn.metrics import roc_auc_score

users = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
total = 0.0
weights = 0.0
for spec in sys.argv[2:]:
    name, sign, weight = spec.rsplit(":", 2)
    raw = users[name].replace("", None)
    try:
        values = pd.to_numeric(raw)
    except ValueError:
        values = pd.to_datetime(raw).map(lambda t: t.value if pd.notna(t) else None).astype(float)
    known = values.notna()
    ranks = values[known].rank(method="average")
    pct = (ranks - 0.5) / known.sum()
    if sign == "-":
        pct = 1 - pct
    rank = pd.Series(0.5, index=users.index)
    rank[known] = pct
    total = total + float(weight) * rank
    weights += float(weight)
score = 100 * total / weights
outcome = users["converted"].str.strip().str.lower()
known = outcome.isin(["yes", "no"])
auc = roc_auc_score(outcome[known] == "yes", score[known])
bands = [
    int((score < 25).sum()),
    int(((score >= 25) & (score < 50)).sum()),
    int(((score >= 50) & (score < 75)).sum()),
    int((score >= 75).sum()),
]
print(json.dumps({"auc": auc, "bands": bands, "n": int(known.sum())}))
