"""The statistical second opinion beside the phrase list: its scores, its flags, its training."""

import csv
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from facilitator.safety import model_training
from facilitator.safety import services as safety_services
from facilitator.safety.screening import URGENT, load_phrase_list
from facilitator.safety.second_opinion import FLAGGED_BY, load_model, screen_with_second_opinion

DEV_FILE = Path(__file__).with_name("risk_dev.csv")


def _dev_rows() -> list[dict[str, str]]:
    with DEV_FILE.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _missed_by_the_list(label: str) -> list[str]:
    phrases = load_phrase_list()
    return [r["text"] for r in _dev_rows() if r["label"] == label and not phrases.screen(r["text"]).flagged]


@pytest.fixture(scope="module")
def small_model(tmp_path_factory) -> tuple[object, Path]:
    """A pipeline fitted on two batches of the development set, and the arrays saved from it."""
    texts = [t for t in model_training.labelled_texts() if t.batch in ("batch A", "batch F")]
    pipeline = model_training.risk_pipeline().fit([t.text for t in texts], [t.is_risk for t in texts])
    constructs = {c.name: c for c in load_phrase_list().constructs}
    risky = [t for t in texts if t.construct in constructs]
    construct_model = LogisticRegression(max_iter=2000).fit(
        pipeline[0].transform([t.text for t in risky]), [t.construct for t in risky]
    )
    path = tmp_path_factory.mktemp("model") / "model.npz"
    classes = [constructs[name] for name in construct_model.classes_]
    model_training.save(path, pipeline, construct_model, classes, threshold=0.5, context_threshold=0.7)
    return (pipeline, construct_model), path


def test_the_stored_model_scores_exactly_as_the_fitted_pipeline(small_model) -> None:
    (pipeline, construct_model), path = small_model
    model = load_model(path)
    texts = [row["text"] for row in _dev_rows()[::37]] + ["", "!!!", "zzzz qqqq", "ok " * 200]
    expected = pipeline.predict_proba(texts)[:, 1]
    assert np.allclose([model.probability(text) for text in texts], expected, atol=1e-9)
    risky = [text for text, p in zip(texts, expected, strict=True) if p >= 0.5]
    assert risky
    expected_constructs = construct_model.predict(pipeline[0].transform(risky))
    assert [model.read(text).construct.name for text in risky] == list(expected_constructs)


def test_below_the_threshold_there_is_no_opinion(small_model) -> None:
    _, path = small_model
    model = load_model(path)
    assert model.read("had a lovely walk with my dog this morning") is None


def test_it_flags_most_of_what_the_list_misses_in_the_data_it_learnt_from() -> None:
    missed = _missed_by_the_list("risk")
    phrases, model = load_phrase_list(), load_model()
    caught = [text for text in missed if screen_with_second_opinion(text, phrases, model).flagged]
    assert len(missed) > 500
    assert len(caught) / len(missed) > 0.9


def test_a_flag_from_the_second_opinion_is_urgent_names_a_construct_and_says_no_phrase_matched() -> None:
    phrases, model = load_phrase_list(), load_model()
    reasons = {(c.reason, c.category) for c in phrases.constructs}
    flagged = [
        result
        for text in _missed_by_the_list("risk")[:200]
        if (result := screen_with_second_opinion(text, phrases, model)).flagged
    ]
    assert flagged
    for result in flagged:
        assert result.urgency == URGENT
        assert result.matched == (FLAGGED_BY,)
        ((reason,), (category,)) = result.reasons, result.categories
        assert (reason, category) in reasons


def test_it_never_changes_what_the_list_flags() -> None:
    phrases, model = load_phrase_list(), load_model()
    for row in _dev_rows()[::5]:
        listed = phrases.screen(row["text"])
        if listed.flagged:
            assert screen_with_second_opinion(row["text"], phrases, model) == listed


def _read_in_a_harmless_context(in_context: bool, every: int = 3) -> list[str]:
    """Development texts (every `every`th) the list does not flag, whose risk words it read in a
    harmless context (or, with False, that it read no context in)."""
    phrases = load_phrase_list()
    return [
        row["text"]
        for row in _dev_rows()[::every]
        if not (result := phrases.screen(row["text"])).flagged and result.in_harmless_context is in_context
    ]


@pytest.mark.parametrize("in_context", [True, False])
def test_where_the_list_read_a_harmless_context_the_model_must_reach_the_context_threshold(
    in_context: bool,
) -> None:
    """ "my brother overdosed last year" has risk words the list read as someone else's: only a
    surer model overrules that reading. Each text is flagged or not by the threshold for its kind."""
    phrases, model = load_phrase_list(), load_model()
    texts = _read_in_a_harmless_context(in_context)[:40]
    assert len(texts) == 40
    for text in texts:
        by_threshold = screen_with_second_opinion(text, phrases, model, threshold=0.0, context_threshold=1.0)
        by_context = screen_with_second_opinion(text, phrases, model, threshold=1.0, context_threshold=0.0)
        assert (by_threshold.flagged, by_context.flagged) == (not in_context, in_context), text


def test_the_stored_model_keeps_its_context_threshold(small_model) -> None:
    _, path = small_model
    model = load_model(path)
    assert (model.threshold, model.context_threshold) == (0.5, 0.7)


@pytest.mark.parametrize(
    "text",
    [
        "took my meds on time every day this week",
        "tired and a bit low, going to have an early night",
        "my sister came round and we watched a film",
        "I'm proud I went to the shop on my own",
    ],
)
def test_everyday_notes_stay_unflagged(text: str) -> None:
    assert not screen_with_second_opinion(text, load_phrase_list(), load_model()).flagged


# Risky texts in the languages of development batch AE (Dutch, German, French, Italian,
# Portuguese), written for this test, in none of the labelled files. The list knows only
# English, so these are the model's: before batch AE it flagged 1 of them.
RISKY_IN_BATCH_AE_LANGUAGES = (
    "ik wil niet meer leven, echt niet",
    "ik heb een touw gekocht en weet waar",
    "ich will einfach nicht mehr aufwachen",
    "ich hab heute alle meine tabletten genommen",
    "je veux mourir, je n'en peux plus",
    "j'ai pris toutes mes pilules ce soir",
    "voglio farla finita stanotte",
    "ho comprato una corda",
    "quero morrer, não aguento mais",
    "tomei todos os comprimidos da caixa",
    "heute nacht bin ich nicht sicher mit mir",
    "ik ga mezelf iets aandoen vannacht",
)


def test_most_risky_texts_in_the_languages_of_batch_ae_are_flagged() -> None:
    phrases, model = load_phrase_list(), load_model()
    flagged = [
        t for t in RISKY_IN_BATCH_AE_LANGUAGES if screen_with_second_opinion(t, phrases, model).flagged
    ]
    assert len(flagged) >= 9, sorted(set(RISKY_IN_BATCH_AE_LANGUAGES) - set(flagged))


def test_the_app_asks_for_a_second_opinion_unless_it_is_off(app) -> None:
    text = next(
        t for t in _missed_by_the_list("risk") if load_model().read(t) is not None and "kill" not in t
    )
    with app.app_context():
        assert safety_services.find_risk(text).matched == (FLAGGED_BY,)
        app.config["RISK_MODEL_THRESHOLD"] = 1.0  # RISK_MODEL_THRESHOLD: no probability reaches it
        assert safety_services.find_risk(text) is None
        app.config["RISK_MODEL_THRESHOLD"] = None
        app.config["RISK_MODEL_FILE"] = "off"
        assert safety_services.find_risk(text) is None


def test_the_app_asks_the_model_to_be_surer_where_the_list_read_a_harmless_context(app) -> None:
    """By default a text read in a harmless context that the model scores between its two
    thresholds is not flagged; RISK_MODEL_CONTEXT_THRESHOLD moves the bar for such texts only."""
    model = load_model()
    text = next(
        t
        for t in _read_in_a_harmless_context(True, every=1)
        if model.threshold <= model.probability(t) < model.context_threshold
    )
    with app.app_context():
        assert safety_services.find_risk(text) is None
        app.config["RISK_MODEL_CONTEXT_THRESHOLD"] = model.threshold
        assert safety_services.find_risk(text).matched == (FLAGGED_BY,)
        app.config["RISK_MODEL_CONTEXT_THRESHOLD"] = None
        app.config["RISK_MODEL_THRESHOLD"] = 0.0  # the other threshold does not apply to this text
        assert safety_services.find_risk(text) is None


@pytest.mark.parametrize(("threshold", "context_threshold"), [(None, None), (0.42, None), (0.42, 0.77)])
def test_the_training_command_writes_a_model_the_app_can_load(
    app, tmp_path, monkeypatch, threshold: float | None, context_threshold: float | None
) -> None:
    """One command retrains it from the labelled data (here two small batches, to be quick),
    with the threshold chosen at first sight or the one asked for, and the context threshold
    asked for (the same as the threshold when none is)."""
    rows = [row for row in _dev_rows() if row["note"].split(";")[0] in ("batch E", "batch L")]
    data = tmp_path / "dev.csv"
    with data.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=["text", "label", "category", "note"])
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setattr(model_training, "TRAINING_FILES", (data,))
    output = tmp_path / "model.npz"

    asked = [] if threshold is None else ["--threshold", str(threshold)]
    if context_threshold is not None:
        asked += ["--context-threshold", str(context_threshold)]

    result = app.test_cli_runner().invoke(args=["train-risk-model", "--output", str(output), *asked])

    assert result.exit_code == 0, result.output
    assert "at first sight (leave one batch out) on batch L" in result.output
    model = load_model(output)
    if threshold is None:
        assert 0.3 <= model.threshold <= 0.95
    else:
        assert model.threshold == threshold
        assert "operating threshold 0.420 as asked (at first sight the rule chose" in result.output
    assert model.context_threshold == (model.threshold if context_threshold is None else context_threshold)
    assert {c.name for c in model.constructs} <= {c.name for c in load_phrase_list().constructs}


def test_the_shipped_model_holds_the_thresholds_make_risk_model_writes() -> None:
    """`make risk-model` and the model in the repository agree (docs/safety.md says why 0.65, and
    0.8 where the list read a harmless context)."""
    makefile = (Path(__file__).parents[2] / "Makefile").read_text(encoding="utf-8")
    asked = re.search(r"train-risk-model --threshold ([0-9.]+) --context-threshold ([0-9.]+)", makefile)
    assert asked, "make risk-model names no --threshold and --context-threshold"
    model = load_model()
    assert (model.threshold, model.context_threshold) == (float(asked.group(1)), float(asked.group(2)))
    assert (model.threshold, model.context_threshold) == (0.7, 0.8)


def test_the_model_learns_from_the_spent_held_out_sets_and_never_from_the_unspent_ones() -> None:
    """Held-outs 2 to 41 and the first eight five-language everyday sets were scored and read, so
    they teach the model (37 to 41 and the fourth to eighth since held-out 42 judged it, with
    development batches AF and AI, since held-out 53 batch AJ, since held-out 56 batch AK, since
    held-out 67 batch AM, since held-out 69 batch AN; batch AO, written with held-out 70, stays out);
    held-out 1, the English everyday sets, the ninth to thirty-eighth five-language ones and
    held-outs 42 to 71 still measure it (docs/safety.md), so they stay out of its training."""
    support = Path(__file__).parent
    spent = (
        *(support / f"risk_heldout_{number}.csv" for number in range(2, 37)),
        *(support / f"risk_heldout_everyday_ae{suffix}.csv" for suffix in ("", "_2", "_3")),
        *(support / f"risk_heldout_{number}.csv" for number in range(37, 42)),
        *(support / f"risk_heldout_everyday_ae_{number}.csv" for number in range(4, 9)),
    )
    english = ("", *(f"_{n}" for n in range(2, 37)))
    everyday = (f"_everyday{suffix}" for suffix in (*english, *(f"_ae_{n}" for n in range(9, 39))))
    measuring = ("", *(f"_{number}" for number in range(42, 72)), *everyday)
    unspent = {support / f"risk_heldout{name}.csv" for name in measuring}
    training = model_training.TRAINING_FILES
    later_batches = (
        support / "risk_dev_batch_af.csv",
        support / "risk_dev_batch_ai.csv",
        support / "risk_dev_batch_aj.csv",
        support / "risk_dev_batch_ak.csv",
        support / "risk_dev_batch_am.csv",
        support / "risk_dev_batch_an.csv",
    )
    assert training == (*model_training.DEVELOPMENT_FILES, *spent, *later_batches)
    assert not unspent & set(training)
    batches = {t.batch for t in model_training.labelled_texts()}
    assert {path.stem for path in spent} <= batches  # each spent set is a batch of its own
    assert not {path.stem for path in unspent} & batches


def test_a_text_a_measuring_set_holds_is_left_out_of_the_training() -> None:
    """Writers echo the brief's examples: "this commute is killing me" is in spent held-outs 2, 28
    to 30 and 37 and in held-out 1, which measures the model, so it must not learn it."""
    echoed = "this commute is killing me"
    assert echoed in {t.text.lower() for t in model_training.labelled_texts(model_training.TRAINING_FILES)}
    training = model_training.training_texts()
    assert echoed not in {t.text.lower() for t in training}
    assert 40_000 < len(training) < len(model_training.labelled_texts())
