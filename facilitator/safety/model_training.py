"""Train the statistical second opinion (`second_opinion`) from the labelled data in the repository.

One command, `make risk-model` (`flask --app wsgi train-risk-model`), reads the development
set and batches, the older examples and the spent held-out sets that a fresh set judged it with (2 to 41 and
the first eight everyday sets in five languages: scored and read, so no longer honest measures;
held-out 1, the English everyday sets and the newer sets stay out, and so does any training text
one of them also holds: docs/safety.md, held-outs 21 to 71), and fits two scikit-learn pipelines
that share their features, TF-IDF of character 2-5-grams and word 1-2-grams:

- is it risk: a logistic regression with balanced classes, on every labelled text;
- which construct: a multinomial logistic regression on the risky texts.

A threshold is chosen at first sight: each batch (one writer, one voice; a spent held-out set
is one batch) is scored by a model fitted on the others, and the threshold is the lowest at which
"phrase list or model" keeps `TARGET_PRECISION` on the batches the list was not tuned on. The
command writes that one unless `--threshold` names another: `make risk-model` passes the
operating point that docs/safety.md explains. The arrays are written to `risk_model.npz`;
the figures are printed.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline, make_union

from .screening import Construct, PhraseList

LABELLED = Path(__file__).resolve().parents[2] / "tests" / "support"
DEVELOPMENT_FILES = (
    LABELLED / "risk_dev.csv",
    LABELLED / "risk_examples.csv",
    LABELLED / "risk_dev_batch_ag.csv",  # risky and harmless, in batch AE's five languages
    LABELLED / "risk_dev_batch_ah.csv",  # ordinary English, many of them messages asking for a chat
)
# Spent held-out sets teach the model (docs/safety.md, held-outs 21 to 42); the others measure it.
SPENT_HELDOUT_FILES = (
    *(LABELLED / f"risk_heldout_{number}.csv" for number in range(2, 37)),
    *(LABELLED / f"risk_heldout_everyday_ae{suffix}.csv" for suffix in ("", "_2", "_3")),
    # since held-out 42
    *(LABELLED / f"risk_heldout_{number}.csv" for number in range(37, 42)),
    *(LABELLED / f"risk_heldout_everyday_ae_{number}.csv" for number in range(4, 9)),
)
# Development batches in batch AE's five languages that joined the training at held-out 42,
# batch AJ, ordinary English texts, at held-out 53, batch AK, ordinary English texts about
# being away, leaving and letting go, at held-out 56, batch AM, risky and harmless texts in
# dialects and regional languages of the five languages, at held-out 67, and batch AN, more of
# them and English mixed with South Asian languages, at held-out 69.
LATER_DEVELOPMENT_FILES = (
    LABELLED / "risk_dev_batch_af.csv",
    LABELLED / "risk_dev_batch_ai.csv",
    LABELLED / "risk_dev_batch_aj.csv",
    LABELLED / "risk_dev_batch_ak.csv",
    LABELLED / "risk_dev_batch_am.csv",
    LABELLED / "risk_dev_batch_an.csv",
)
# Batch AL (risk_dev_batch_al.csv: short everyday messages, written after held-out 59) stays out:
# the model trained also on it broke its guard at held-out 60 (docs/safety.md).
# Batch AO (risk_dev_batch_ao.csv: street and regional varieties of the five languages, regional
# and world Englishes, English mixed with other languages; written with held-out 70) stays out too:
# the model trained also on it caught more of held-out 70 but broke its guard (docs/safety.md).
# In the order each joined, which the fitted model depends on to the last bit.
TRAINING_FILES = DEVELOPMENT_FILES + SPENT_HELDOUT_FILES + LATER_DEVELOPMENT_FILES
HELDOUT_FILES = "risk_heldout*.csv"  # in LABELLED: those not in TRAINING_FILES measure the model
VECTORIZERS = (
    {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2, "sublinear_tf": True},
    {"analyzer": "word", "ngram_range": (1, 2), "sublinear_tf": True},
)
REGULARISATION = 10.0  # logistic regression's C
# Fit the risk model's logistic regression to convergence: at scikit-learn's default tolerance
# (1e-4) it stopped after some fifty iterations, and leaving 20 texts out of the training flipped
# 368 of 62,794 decisions on the measuring sets; at 1e-6 (about 140 iterations) 2 (held-out 67).
TOLERANCE = 1e-6
MAX_ITERATIONS = 20_000
# The batches the phrase list was tuned on (docs/safety.md): out of fold, the list is near
# perfect on them, so they would flatter any threshold. The threshold is chosen on the others.
LIST_TUNED_ON = frozenset(("batch A", "batch B", "batch C", "batch D", "batch E", "examples"))
TARGET_PRECISION = 0.90
# Most of what people write is ordinary ("ok", "walked the dog"): the share of such texts the
# screen may flag, at first sight, on the development set's batches of them (category "ordinary").
MAX_ORDINARY_FLAGGED = 0.02
THRESHOLDS = tuple(round(0.3 + step * 0.025, 3) for step in range(27))  # 0.3 .. 0.95


@dataclass(frozen=True)
class Labelled:
    text: str
    is_risk: bool
    construct: str  # a risk construct of the phrase list, or "" (harmless, or not one construct)
    batch: str  # the development set's `note` up to ";" ("batch A"), "examples", or a held-out file's name
    ordinary: bool = False  # an everyday text with no risk words at all (category "ordinary")


def labelled_texts(files: Sequence[Path] = TRAINING_FILES) -> list[Labelled]:
    """Every text of the labelled files: `label` risk/harmless with a construct as `category`
    (the development and held-out sets), or `risky` 1/0 (the older examples, whose categories
    are not constructs)."""
    texts = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                is_risk = (row.get("label") or row.get("risky")) in ("risk", "1")
                construct = row.get("category", "") if "label" in row and is_risk else ""
                batch = (row.get("note") or "").split(";")[0].strip() if "label" in row else "examples"
                if not batch.startswith("batch ") and batch != "examples":
                    batch = path.stem  # a held-out set, one batch however many wrote it
                ordinary = row.get("category") == "ordinary"
                texts.append(Labelled(row["text"], is_risk, construct, batch, ordinary))
    return texts


def _same_text(text: str) -> str:
    return " ".join(text.lower().split())


def training_texts() -> list[Labelled]:
    """The texts of TRAINING_FILES less any that a measuring set (a held-out file not trained
    on) also holds, case and spacing aside: writers sometimes echo an example of their brief, and
    a set cannot measure the model on what the model was taught."""
    measuring = [path for path in sorted(LABELLED.glob(HELDOUT_FILES)) if path not in TRAINING_FILES]
    measured = {_same_text(t.text) for t in labelled_texts(measuring)}
    return [t for t in labelled_texts(TRAINING_FILES) if _same_text(t.text) not in measured]


def features() -> FeatureUnion:
    return make_union(*(TfidfVectorizer(**params) for params in VECTORIZERS))


def risk_pipeline() -> Pipeline:
    return make_pipeline(
        features(),
        LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=MAX_ITERATIONS, tol=TOLERANCE),
    )


def probabilities_at_first_sight(texts: Sequence[Labelled]) -> np.ndarray:
    """Each text's probability of risk from a model fitted on every other batch (leave one
    batch out): what the model would say of a new writer's words."""
    words = np.array([t.text for t in texts], dtype=object)
    truth = np.array([t.is_risk for t in texts])
    batches = np.array([t.batch for t in texts])
    probability = np.zeros(len(texts))
    for batch in sorted(set(batches)):
        held = batches == batch
        model = risk_pipeline().fit(list(words[~held]), truth[~held])
        probability[held] = model.predict_proba(list(words[held]))[:, 1]
    return probability


def precision_recall(flagged: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    caught = int((flagged & truth).sum())
    return caught / max(int(flagged.sum()), 1), caught / max(int(truth.sum()), 1)


def choose_threshold(texts: Sequence[Labelled], phrases: PhraseList) -> float:
    """The lowest threshold at which "list or model", at first sight on the batches the list was
    not tuned on, keeps TARGET_PRECISION and flags at most MAX_ORDINARY_FLAGGED of ordinary texts."""
    fresh = [t for t in texts if t.batch not in LIST_TUNED_ON]
    truth = np.array([t.is_risk for t in fresh])
    ordinary = np.array([t.ordinary for t in fresh])
    listed = np.array([phrases.screen(t.text).flagged for t in fresh])
    probability = probabilities_at_first_sight(texts)[[t.batch not in LIST_TUNED_ON for t in texts]]
    batches = sorted({t.batch for t in fresh})
    print(f"{len(texts)} texts; at first sight (leave one batch out) on {', '.join(batches)}:")
    precision, recall = precision_recall(listed, truth)
    print(f"  list alone:              precision {precision:.3f} recall {recall:.3f}")
    chosen = THRESHOLDS[-1]
    for threshold in reversed(THRESHOLDS):
        flagged = listed | (probability >= threshold)
        precision, recall = precision_recall(flagged, truth)
        ordinary_flagged = flagged[ordinary].mean() if ordinary.any() else 0.0
        print(
            f"  list or model >= {threshold:.3f}: precision {precision:.3f} recall {recall:.3f}"
            f" ordinary texts flagged {ordinary_flagged:.3f}"
        )
        if precision >= TARGET_PRECISION and ordinary_flagged <= MAX_ORDINARY_FLAGGED:
            chosen = threshold
    return chosen


def train(
    phrases: PhraseList,
    output: Path,
    texts: Sequence[Labelled] | None = None,
    threshold: float | None = None,
    context_threshold: float | None = None,
) -> float:
    """Fit both models on every labelled text and write them with `threshold`, or with the one
    chosen at first sight when it is None, and `context_threshold` (the same when None); the
    threshold written."""
    texts = training_texts() if texts is None else texts
    chosen = choose_threshold(texts, phrases)
    if threshold is None:
        threshold = chosen
    else:
        print(f"operating threshold {threshold:.3f} as asked (at first sight the rule chose {chosen:.3f})")
    risk_model = risk_pipeline().fit([t.text for t in texts], [t.is_risk for t in texts])
    constructs = {c.name: c for c in phrases.constructs}
    risky = [t for t in texts if t.construct in constructs]
    construct_model = LogisticRegression(C=REGULARISATION, max_iter=3000).fit(
        risk_model[0].transform([t.text for t in risky]), [t.construct for t in risky]
    )
    save(
        output,
        risk_model,
        construct_model,
        [constructs[name] for name in construct_model.classes_],
        threshold,
        threshold if context_threshold is None else context_threshold,
    )
    print(f"threshold {threshold:.3f}; {len(risky)} texts for the constructs; wrote {output}")
    return threshold


def save(
    output: Path,
    risk_model: Pipeline,
    construct_model: LogisticRegression,
    constructs: Sequence[Construct],
    threshold: float,
    context_threshold: float,
) -> None:
    """Write the fitted models as the arrays `second_opinion.load_model` reads (no pickle).

    `risk_model` is `risk_pipeline()` fitted; `construct_model` was fitted on its features, with
    `constructs` in the order of its classes.
    """
    vectorizers = [vectorizer for _, vectorizer in risk_model[0].transformer_list]
    arrays: dict[str, Any] = {
        f"{kind}_{number}": array
        for number, vectorizer in enumerate(vectorizers)
        for kind, array in (
            ("vocabulary", np.array(sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get))),
            ("idf", vectorizer.idf_),
        )
    }
    settings = {
        "vectorizers": VECTORIZERS,
        "constructs": [{"name": c.name, "category": c.category, "reason": c.reason} for c in constructs],
        "threshold": threshold,
        "context_threshold": context_threshold,
    }
    arrays.update(
        settings=np.array(json.dumps(settings)),
        risk_weights=risk_model[-1].coef_[0],
        risk_intercept=risk_model[-1].intercept_[0],
        construct_weights=construct_model.coef_,
        construct_intercepts=construct_model.intercept_,
    )
    np.savez_compressed(output, **arrays)
