"""Would a small statistical classifier help the risk phrase list? Measure it; change nothing.

A scikit-learn pipeline (TF-IDF of character 2-5-grams and word 1-2-grams, logistic regression
with balanced classes) is cross-validated on the development set and the labelled examples, the
data in the repo (never the held-out set). It is compared with the phrase list alone and with
"list OR classifier" at several probability thresholds, and timed per text. Prints figures;
writes nothing. The classifier is not part of the app (see docs/safety.md for the decision).

scikit-learn is not a project dependency. To run this, install it in a scratch environment
that also has the project's requirements, e.g.:

    python3 -m venv /tmp/clf && /tmp/clf/bin/pip install -r requirements.txt scikit-learn
    /tmp/clf/bin/python benchmarks/risk_classifier.py
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline, make_union

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitator.safety.screening import screen_text  # noqa: E402

SUPPORT = ROOT / "tests" / "support"
THRESHOLDS = (0.5, 0.7, 0.8, 0.9)
REPEATS, FOLDS = 5, 5


def labelled() -> tuple[list[str], np.ndarray, list[str]]:
    """Texts, labels (True = risk) and batch (the dev set's batch, or "examples")."""
    texts, labels, batches = [], [], []
    with (SUPPORT / "risk_dev.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            texts.append(row["text"])
            labels.append(row["label"] == "risk")
            batches.append(row["note"].split(";")[0])
    with (SUPPORT / "risk_examples.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            texts.append(row["text"])
            labels.append(row["risky"] == "1")
            batches.append("examples")
    return texts, np.array(labels), batches


def model():  # a scikit-learn Pipeline
    return make_pipeline(
        make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
        ),
        LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000),
    )


def figures(predicted: np.ndarray, truth: np.ndarray) -> tuple[float, float, int, int]:
    """Precision, recall, false flags, misses."""
    caught = int((predicted & truth).sum())
    false_flags = int((predicted & ~truth).sum())
    misses = int((~predicted & truth).sum())
    return caught / max(caught + false_flags, 1), caught / max(caught + misses, 1), false_flags, misses


def main() -> None:
    texts, truth, batches = labelled()
    listed = np.array([screen_text(text).flagged for text in texts])
    print(f"{len(texts)} texts ({int(truth.sum())} risk); {REPEATS}x{FOLDS}-fold CV, means over repeats")
    rows: dict[str, list[tuple[float, float, int, int]]] = {"list": []}
    for seed in range(REPEATS):
        probability = np.zeros(len(texts))
        for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(texts, truth):
            fitted = model().fit([texts[i] for i in train], truth[train])
            probability[test] = fitted.predict_proba([texts[i] for i in test])[:, 1]
        rows["list"].append(figures(listed, truth))
        for threshold in THRESHOLDS:
            rows.setdefault(f"classifier >= {threshold}", []).append(figures(probability >= threshold, truth))
            rows.setdefault(f"list or classifier >= {threshold}", []).append(
                figures(listed | (probability >= threshold), truth)
            )
    for name, measured in rows.items():
        precision, recall, false_flags, misses = (statistics.fmean(m[i] for m in measured) for i in range(4))
        print(
            f"  {name:<28} precision {precision:.3f} recall {recall:.3f} "
            f"false flags {false_flags:5.1f} misses {misses:5.1f}"
        )

    print("leave one batch out (the classifier trained on the others):")
    for batch in sorted(set(batches)):
        test = np.array([b == batch for b in batches])
        fitted = model().fit([t for t, out in zip(texts, test, strict=True) if not out], truth[~test])
        probability = fitted.predict_proba([t for t, out in zip(texts, test, strict=True) if out])[:, 1]
        cells = [
            f"list {figures(listed[test], truth[test])[0]:.3f}/{figures(listed[test], truth[test])[1]:.3f}"
        ]
        for threshold in (0.5, 0.8):
            alone = figures(probability >= threshold, truth[test])
            both = figures(listed[test] | (probability >= threshold), truth[test])
            cells.append(f"clf>={threshold} {alone[0]:.3f}/{alone[1]:.3f}")
            cells.append(f"list|clf>={threshold} {both[0]:.3f}/{both[1]:.3f}")
        print(f"  {batch:<9} n={int(test.sum()):<4} (precision/recall) " + "  ".join(cells))

    fitted = model().fit(texts, truth)
    note = "Work was fine and dinner was nice, but at night I keep thinking about not being around."
    timings = []
    for _ in range(500):
        start = time.perf_counter()
        fitted.predict_proba([note])
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(f"classifier time per text: p50 {timings[250]:.2f} ms, p95 {timings[475]:.2f} ms")


if __name__ == "__main__":
    main()
