"""The risk-language screen: its rules, a custom phrase list, and its precision and recall."""

import csv
import json
import timeit
from pathlib import Path

import pytest

from facilitator.safety.screening import (
    CATEGORIES,
    DEFAULT_PHRASES_FILE,
    ScreenResult,
    load_phrase_list,
    screen_text,
)

EXAMPLES_FILE = Path(__file__).with_name("risk_examples.csv")
# Floors just below the figures measured on risk_examples.csv (see docs/safety.md). Raise them
# when the list gets better; never lower them to make a change pass without saying why.
RECALL_FLOOR = 0.95
PRECISION_FLOOR = 0.95
CATEGORY_FLOOR = 0.95
MAX_MS_PER_1000_CHARACTERS = 2.0

NOT_FLAGGED = ScreenResult(flagged=False, categories=(), matched=())


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I want to end my life.", "suicide"),
        ("I cut myself again last night.", "self_harm"),
        ("I took a whole bottle of pills.", "overdose"),
        ("I'm going to hurt him.", "harm_to_others"),
    ],
)
def test_each_kind_of_risk_is_flagged_with_its_category(text: str, category: str) -> None:
    result = screen_text(text)
    assert result.flagged
    assert result.categories == (category,)


def test_result_names_every_category_sorted_and_the_entries_that_matched() -> None:
    result = screen_text("I want to kill myself and honestly I want to kill him too")

    assert result.categories == ("harm_to_others", "suicide")
    assert "kill* myself" in result.matched
    assert list(result.matched) == sorted(set(result.matched))


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("I want to kill myself", True),
        ("I skipped the skill session", False),
        ("Skilled nurses helped my mum", False),
        ("The meditation app is a killer app", False),
        ("Let's take it step by step", False),
        ("Self-esteem is my word for the week", False),
    ],
)
def test_phrases_match_whole_words_only(text: str, flagged: bool) -> None:
    assert screen_text(text).flagged is flagged


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I WANT TO DIE", "suicide"),
        ("ＫＩＬＬ ＭＹＳＥＬＦ", "suicide"),
        ("suïcidal thoughts", "suicide"),
        ("I want to k1ll myself", "suicide"),
        ("su1c1dal again", "suicide"),
        ("$uicide", "suicide"),
        ("su!cide", "suicide"),
        ("s u i c i d e", "suicide"),
        ("s.u.i.c.i.d.e", "suicide"),
        ("i k i l l e d myself", "suicide"),
        ("I want to d-i-e", "suicide"),
        ("i wanna dieeee", "suicide"),
        ("killllll    myself", "suicide"),
        ("I don’t want to live anymore", "suicide"),
        ("self-harm", "self_harm"),
        ("0verdose", "overdose"),
        ("I want to k!ll my boss", "harm_to_others"),
    ],
)
def test_text_is_normalised_before_matching(text: str, category: str) -> None:
    assert category in screen_text(text).categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("thinking about sucide", "suicide"),
        ("thinking about suicde", "suicide"),
        ("thinking about suiside", "suicide"),
        ("feeling suicidle", "suicide"),
        ("sewer slide", "suicide"),
        ("I might kil myself", "suicide"),
        ("I want to kill my self", "suicide"),
        ("I want to kill myslef", "suicide"),
        ("I want to overdoes", "overdose"),
        ("I keep thinking about an over dose", "overdose"),
        ("selfharm urges", "self_harm"),
        ("im gonna hurt sombody", "harm_to_others"),
    ],
)
def test_common_misspellings_are_read_as_the_word(text: str, category: str) -> None:
    assert category in screen_text(text).categories


@pytest.mark.parametrize(
    "text",
    ["I overdid it at the gym", "I'm overdoing it again", "The pasta was overdone"],
)
def test_real_words_near_a_risk_word_are_not_taken_for_misspellings(text: str) -> None:
    assert screen_text(text) == NOT_FLAGGED


@pytest.mark.parametrize(
    "text",
    [
        "This workout is killing me",
        "I killed it at my interview!",
        "I'm dying to see my kids",
        "I overdosed on chocolate at the party",
        "I cut myself shaving this morning",
        "Cut myself some slack today",
        "I nearly killed myself laughing",
        "I want to die my hair blue",
        "I'll hit him up later",
        "I don't want to hurt her feelings",
        "We did suicides at basketball practice",
        "We watched Suicide Squad",
        "My dad overdoes it with the garden",
        "I want to cut down on caffeine",
        "I want to end it with my boyfriend",
    ],
)
def test_harmless_idioms_are_not_flagged(text: str) -> None:
    assert screen_text(text) == NOT_FLAGGED


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("This is killing me inside, I want to die.", "suicide"),
        ("I killed myself laughing, but honestly I want to die", "suicide"),
        ("I cut myself shaving, and later I cut myself on purpose", "self_harm"),
        ("I overdosed on chocolate, and last year I overdosed for real", "overdose"),
    ],
)
def test_a_harmless_idiom_hides_only_its_own_words(text: str, category: str) -> None:
    assert category in screen_text(text).categories


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "?!...", "🙂🙂"])
def test_text_without_words_is_not_flagged(text: str) -> None:
    assert screen_text(text) == NOT_FLAGGED


def test_default_phrase_list_is_loaded_once_and_used_when_none_is_given() -> None:
    assert load_phrase_list() is load_phrase_list(DEFAULT_PHRASES_FILE) is load_phrase_list("")
    assert screen_text("I want to die") == screen_text("I want to die", load_phrase_list())


def test_custom_phrase_list_file_replaces_the_default(tmp_path: Path) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text(
        """
        [risk_phrases]
        self_harm = ["pinch* myself"]

        [harmless_phrases]
        dreams = ["pinch* myself to check"]

        [spelling]
        near_miss_words = ["myself"]
        """,
        encoding="utf-8",
    )
    phrases = load_phrase_list(str(path))

    assert screen_text("I pinched myself again", phrases).matched == ("pinch* myself",)
    assert screen_text("I pinched mysefl again", phrases).flagged
    assert not screen_text("I pinched myself to check I was awake", phrases).flagged
    assert not screen_text("I want to die", phrases).flagged


@pytest.mark.parametrize(
    ("phrase", "text", "flagged"),
    [
        ("hurt*", "I keep hurting", True),
        ("hurt*", "I was unhurt", False),
        ("(alone|on my own) tonight", "on my own tonight", True),
        ("take [all] [my] pills", "take pills", True),
        ("take [all] [my] pills", "take all my pills", True),
        ("take [all] [my] pills", "take some pills", False),
        ("want ... gone", "want gone", True),
        ("want ... gone", "want it to be gone", True),
        ("want ... gone", "want it all to be gone", False),
        ("{feeling} again", "feeling hopeless again", True),
        ("{feeling} again", "feeling hopeful again", False),
    ],
)
def test_phrase_syntax(tmp_path: Path, phrase: str, text: str, flagged: bool) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text(
        f'[word_groups]\nfeeling = ["hopeless", "worthless"]\n'
        f"[risk_phrases]\nsuicide = [{json.dumps(phrase)}]\n",
        encoding="utf-8",
    )
    assert screen_text(text, load_phrase_list(path)).flagged is flagged


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('[risk_phrases]\nsadness = ["low"]', "unknown categories ['sadness']"),
        ("[risk_phrases]\nsuicide = []", "no risk phrases"),
        ('[risk_phrases]\nsuicide = "want to die"', "risk_phrases.suicide must be a list"),
        ('[risk_phrases]\nsuicide = ["(want|wish to die"]', "unbalanced brackets"),
        ('[risk_phrases]\nsuicide = ["[really] want to die"]', "cannot start or end"),
        ('[risk_phrases]\nsuicide = ["{nobody} to die"]', "no word group 'nobody'"),
        (
            '[risk_phrases]\nsuicide = ["die"]\n[spelling]\nnear_miss_words = ["die"]',
            "must be one word of 6+ letters",
        ),
        ("[risk_phrases\n", "Expected ']'"),
    ],
)
def test_invalid_phrase_list_is_refused_with_file_and_reason(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(ValueError) as error:
        load_phrase_list(path)

    assert str(path) in str(error.value)
    assert reason in str(error.value)


def _examples() -> list[dict[str, str]]:
    with EXAMPLES_FILE.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_examples_are_labelled_by_the_documented_rule() -> None:
    examples = _examples()
    risky = [row for row in examples if row["risky"] == "1"]

    assert len(examples) >= 150
    assert {row["risky"] for row in examples} == {"0", "1"}
    assert 0.4 <= len(risky) / len(examples) <= 0.6
    assert all(row["category"] in CATEGORIES for row in risky)
    assert all(row["category"] == "" for row in examples if row["risky"] == "0")
    assert len({row["text"] for row in examples}) == len(examples)


def test_precision_and_recall_on_labelled_examples_stay_above_their_floors() -> None:
    examples = _examples()
    missed, false_flags, wrong_category = [], [], []
    caught = 0
    for row in examples:
        result = screen_text(row["text"])
        if row["risky"] == "1" and not result.flagged:
            missed.append(f"  missed ({row['category']}): {row['text']}")
        elif row["risky"] == "0" and result.flagged:
            false_flags.append(f"  false flag {result.matched}: {row['text']}")
        elif result.flagged:
            caught += 1
            if row["category"] not in result.categories:
                wrong_category.append(f"  {row['category']} not in {result.categories}: {row['text']}")
    precision = caught / (caught + len(false_flags))
    recall = caught / (caught + len(missed))
    category_agreement = 1 - len(wrong_category) / caught
    mistakes = "\n".join([*missed, *false_flags, *wrong_category])

    print(
        f"\nrisk screen: precision={precision:.3f} recall={recall:.3f} "
        f"category agreement={category_agreement:.3f} on {len(examples)} examples\n{mistakes}"
    )
    floors = f"floors: precision {PRECISION_FLOOR}, recall {RECALL_FLOOR}, category {CATEGORY_FLOOR}"
    assert recall >= RECALL_FLOOR, f"recall {recall:.3f} below {floors}\n{mistakes}"
    assert precision >= PRECISION_FLOOR, f"precision {precision:.3f} below {floors}\n{mistakes}"
    assert category_agreement >= CATEGORY_FLOOR, f"categories below {floors}\n{mistakes}"


def test_screening_a_thousand_character_text_takes_well_under_two_milliseconds() -> None:
    harmless = " ".join(row["text"] for row in _examples() if row["risky"] == "0")
    risky_sentence = " Honestly some nights I just want to die."
    text = harmless[: 1000 - len(risky_sentence)] + risky_sentence
    assert screen_text(text).flagged

    batch = 50
    fastest = min(timeit.repeat(lambda: screen_text(text), number=batch, repeat=5)) / batch
    print(f"\nrisk screen: {fastest * 1000:.2f} ms for a {len(text)}-character text")
    assert fastest * 1000 < MAX_MS_PER_1000_CHARACTERS
