"""Oracle for the model tests: scikit-learn's ROC AUC and pandas' quintiles, and RFM of the sample
recomputed from the CSV files with pandas. Reads one JSON request on stdin, writes one JSON answer."""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

def delong(labels, scores):
    """DeLong's AUC variance, written independently with numpy and scipy's mid-ranks: returns the
    95% interval (clamped to 0-1)."""
    from scipy.stats import norm, rankdata
    x = scores[labels]
    y = scores[~labels]
    m, n = len(x), len(y)
    tz = rankdata(np.concatenate([x, y]))
    tx, ty = rankdata(x), rankdata(y)
    v10 = (tz[:m] - tx) / n
    v01 = 1 - (tz[m:] - ty) / m
    auc = v10.mean()
    s10 = np.var(v10, ddof=1) if m > 1 else 0.0
    s01 = np.var(v01, ddof=1) if n > 1 else 0.0
    half = norm.ppf(0.975) * np.sqrt(s10 / m + s01 / n)
    return [float(max(auc - half, 0.0)), float(min(auc + half, 1.0))]


request = json.load(sys.stdin)
answer = {"auc": [], "delong": [], "qcut": [], "rfm": None}
for case in request["auc"]:
    labels = np.array(case["labels"], dtype=bool)
    scores = np.array(case["scores"], dtype=float)
    answer["auc"].append(float(roc_auc_score(labels, scores)))
    answer["delong"].append(delong(labels, scores))
def quintiles(values):
    s = pd.Series(values, dtype="float64")
    return (pd.qcut(s.rank(method="first"), 5, labels=False) + 1).astype(int).tolist()
for values in request["qcut"]:
    answer["qcut"].append(quintiles(values))
rfm = request.get("rfm")
if rfm:
    users = pd.read_csv(rfm["users"], dtype=str)
    events = pd.read_csv(rfm["events"])
    events["t"] = (pd.to_datetime(events["timestamp"], utc=True) - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
    as_of = rfm["as_of"]
    events = events[events["t"] <= as_of]
    events["amount"] = events["amount"].fillna(0.0)
    g = events.groupby("user_id").agg(last=("t", "max"), frequency=("t", "size"), monetary=("amount", "sum"))
    scored = users[["user_id"]].merge(g, left_on="user_id", right_index=True, how="inner")
    recency = (as_of - scored["last"]) // 86400
    answer["rfm"] = {
        "user_id": scored["user_id"].tolist(),
        "recency": recency.astype(int).tolist(),
        "frequency": scored["frequency"].astype(int).tolist(),
        "monetary": scored["monetary"].astype(float).tolist(),
        "r": quintiles((-recency).tolist()),
        "f": quintiles(scored["frequency"].tolist()),
        "m": quintiles(scored["monetary"].tolist()),
    }
json.dump(answer, sys.stdout)
