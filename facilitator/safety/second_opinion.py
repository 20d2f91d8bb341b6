"""A statistical second opinion beside the phrase list: a small classifier of risk language.

The phrase list knows the ways of saying it that its writers thought of; people find others
("saturday when my flatmate is away. thats when"). Beside it sits a logistic regression over
TF-IDF character and word n-grams, trained on the labelled data in the repository, the
development set and the spent held-out sets (`make risk-model`, see `model_training`). It is
asked only about texts the list did not flag, and flags a text when its probability of risk
reaches the threshold chosen at training (a higher one where the list read the text's risk
words in a harmless context); its reason is the construct a second model finds likeliest.

The model is stored as plain arrays (`risk_model.npz`, no pickle) and read here with
scikit-learn's own analyzers; scoring is a few numpy operations on the text's known n-grams,
which gives the fitted pipeline's figures (the tests check it) in a tenth of its time. See
docs/safety.md for what it adds and what it costs.
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .screening import URGENT, PhraseList, ScreenResult

DEFAULT_MODEL_FILE = Path(__file__).with_name("risk_model.npz")
FLAGGED_BY = "second opinion"  # the flag's `matched` entry: no phrase of the list matched


@dataclass(frozen=True)
class Features:
    """One TF-IDF vectorizer of the model: its analyzer, vocabulary and weights' offset."""

    analyzer: Callable[[str], list[str]]
    vocabulary: Mapping[str, int]
    idf: np.ndarray
    offset: int  # where its columns start in the model's weights


@dataclass(frozen=True)
class Construct:
    """A risk construct the model can name: as the phrase list it was trained beside names it."""

    name: str
    category: str
    reason: str


@dataclass(frozen=True)
class Opinion:
    probability: float
    construct: Construct  # the likeliest


@dataclass(frozen=True)
class RiskModel:
    """The fitted classifier: is it risk, and if so which construct is likeliest."""

    features: tuple[Features, ...]
    risk_weights: np.ndarray  # (n_features,)
    risk_intercept: float
    constructs: tuple[Construct, ...]
    construct_weights: np.ndarray  # (n_constructs, n_features)
    construct_intercepts: np.ndarray  # (n_constructs,)
    threshold: float
    # For a text whose risk words the list read in a harmless context: the model must be surer.
    context_threshold: float

    def probability(self, text: str) -> float:
        """The probability of risk, as the fitted pipeline's predict_proba gives it."""
        return self._risk(*self._tfidf(text))

    def read(self, text: str, threshold: float | None = None) -> Opinion | None:
        """The opinion on a text, or None when its probability of risk is below the threshold
        (the one chosen at training, unless another is given)."""
        columns, values = self._tfidf(text)
        probability = self._risk(columns, values)
        if probability < (self.threshold if threshold is None else threshold):
            return None
        scores = self.construct_intercepts + self.construct_weights[:, columns] @ values
        return Opinion(probability, self.constructs[int(np.argmax(scores))])

    def _risk(self, columns: np.ndarray, values: np.ndarray) -> float:
        score = self.risk_intercept + float(self.risk_weights[columns] @ values)
        return 1 / (1 + math.exp(-score))

    def _tfidf(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's known n-grams (columns) and their sublinear, l2-normed TF-IDF values."""
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for features in self.features:
            counts = Counter(gram for gram in features.analyzer(text) if gram in features.vocabulary)
            if not counts:
                continue
            index = np.fromiter((features.vocabulary[gram] for gram in counts), np.intp, len(counts))
            weights = (1 + np.log(np.fromiter(counts.values(), float, len(counts)))) * features.idf[index]
            columns.append(index + features.offset)
            values.append(weights / np.linalg.norm(weights))
        if not columns:
            return np.zeros(0, np.intp), np.zeros(0)
        return np.concatenate(columns), np.concatenate(values)


def load_model(path: str | os.PathLike[str] | None = None) -> RiskModel:
    """Load the stored model, cached; None or "" (an unset setting) is the shipped one."""
    return _load_cached(Path(path) if path else DEFAULT_MODEL_FILE)


@functools.lru_cache(maxsize=4)
def _load_cached(path: Path) -> RiskModel:
    # Imported here, with the first model read: scikit-learn takes a second to import, which
    # commands that never screen a text need not pay.
    from sklearn.feature_extraction.text import TfidfVectorizer

    with np.load(path, allow_pickle=False) as stored:
        settings = json.loads(str(stored["settings"]))
        features = []
        offset = 0
        for number, params in enumerate(settings["vectorizers"]):
            vocabulary = stored[f"vocabulary_{number}"].tolist()
            features.append(
                Features(
                    analyzer=TfidfVectorizer(
                        **dict(params, ngram_range=tuple(params["ngram_range"]))
                    ).build_analyzer(),
                    vocabulary={gram: index for index, gram in enumerate(vocabulary)},
                    idf=stored[f"idf_{number}"],
                    offset=offset,
                )
            )
            offset += len(vocabulary)
        return RiskModel(
            features=tuple(features),
            risk_weights=stored["risk_weights"],
            risk_intercept=float(stored["risk_intercept"]),
            constructs=tuple(Construct(**construct) for construct in settings["constructs"]),
            construct_weights=stored["construct_weights"],
            construct_intercepts=stored["construct_intercepts"],
            threshold=float(settings["threshold"]),
            context_threshold=float(settings.get("context_threshold", settings["threshold"])),
        )


def screen_with_second_opinion(
    text: str,
    phrases: PhraseList,
    model: RiskModel | None,
    threshold: float | None = None,
    context_threshold: float | None = None,
) -> ScreenResult:
    """The phrase list's result; for a text it does not flag, the model's opinion, if any.

    Where the list found risk words and read each in a harmless context ("my brother overdosed
    last year", "not thinking of suicide"), the model must reach `context_threshold` to overrule
    it; elsewhere `threshold` (each the model's own unless given). A flag from the model is
    urgent (nothing said it is lower) and gives the likeliest construct's reason and category;
    its `matched` says that no phrase matched.
    """
    result = phrases.screen(text)
    if result.flagged or model is None:
        return result
    if result.in_harmless_context:
        needed = model.context_threshold if context_threshold is None else context_threshold
    else:
        needed = model.threshold if threshold is None else threshold
    opinion = model.read(text, needed)
    if opinion is None:
        return result
    return ScreenResult(
        flagged=True,
        categories=(opinion.construct.category,),
        matched=(FLAGGED_BY,),
        reasons=(opinion.construct.reason,),
        urgency=URGENT,
    )
