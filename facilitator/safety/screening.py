"""Screen participants' free text for risk language: suicide, self-harm, overdose, harm to others.

A safety net, not a diagnosis (see docs/safety.md). The phrases, harmless idioms and spelling
fixes live in a human-editable TOML file whose header documents the format. A text is read the
way the phrases are: folded to plain lower-case words, harmless idioms hidden, spelling slips
fixed; then it is searched for whole-word phrases with regular expressions compiled once.
"""

import functools
import os
import re
import string
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

CATEGORIES = ("harm_to_others", "overdose", "self_harm", "suicide")
DEFAULT_PHRASES_FILE = Path(__file__).with_name("risk_phrases.toml")
MIN_NEAR_MISS_LENGTH = 6
GAP_WORDS = 3

_APOSTROPHES = re.compile(r"['‘’ʼ`´]")
_LEET_SYMBOLS, _LEET_DIGITS = "@$!|", "013457"
_SYMBOL_IN_WORD = re.compile(r"(?<=[^\W\d_])[@$!|](?=[^\W_])|[@$](?=[^\W\d_])")
_SYMBOL_LETTERS = str.maketrans(_LEET_SYMBOLS, "asii")
_DIGIT_AND_LETTER_WORD = re.compile(r"(?<![^\W_])(?=[^\W_]*\d)(?=[^\W_]*[^\W\d_])[^\W_]+")
_DIGIT_LETTERS = str.maketrans(_LEET_DIGITS, "oieast")
_WORD = re.compile(r"[^\W_]+")
_SPACED_LETTERS = re.compile(r"(?<!\S)[^\W\d_](?: [^\W\d_]){2,}(?!\S)")
_REPEATED_LETTER = re.compile(r"([a-z])\1+")
_PHRASE_PART = re.compile(r"\(([^()\[\]{}]*)\)|\[([^()\[\]{}]*)\]|\{(\w+)\}|(\.\.\.)|([^\s()\[\]{}]+)")
_HIDDEN = "#"  # stands in for a harmless idiom; not a word, so no phrase can match across it
_NEVER = re.compile(r"(?!)")


@dataclass(frozen=True)
class ScreenResult:
    """What the screen found in one text; a flagged text is held and flagged to facilitators."""

    flagged: bool
    categories: tuple[str, ...]
    matched: tuple[str, ...]


@dataclass(frozen=True)
class RiskPhrase:
    entry: str
    category: str
    pattern: re.Pattern[str]  # matches the phrase starting exactly where it is asked to look


@dataclass(frozen=True)
class PhraseList:
    """A compiled phrase list: risk phrases by category, harmless idioms and spelling fixes."""

    source: Path
    phrases: tuple[RiskPhrase, ...]
    phrase_starts: re.Pattern[str]  # finds, without consuming, each word where any phrase starts
    harmless: re.Pattern[str]
    fixes: Mapping[str, str]
    fixes_pattern: re.Pattern[str]
    slips: Mapping[str, str]

    def matching_phrases(self, text: str) -> tuple[RiskPhrase, ...]:
        """The risk phrases found in text, in list order; empty for a harmless text."""
        starts = [
            (reading, start.start())
            for reading in map(self._without_idioms_or_typos, _readings(text))
            for start in self.phrase_starts.finditer(reading)
        ]
        return tuple(
            phrase
            for phrase in self.phrases
            if any(phrase.pattern.match(reading, position) for reading, position in starts)
        )

    def _without_idioms_or_typos(self, reading: str) -> str:
        reading = self.harmless.sub(_HIDDEN, reading)
        reading = self.fixes_pattern.sub(lambda match: self.fixes[match[0]], reading)
        return " ".join(self.slips.get(word, word) for word in reading.split(" "))


def load_phrase_list(path: str | os.PathLike[str] | None = None) -> PhraseList:
    """Load and compile a phrase list file, cached; None or "" (an unset setting) is the default."""
    return _load_cached(Path(path) if path else DEFAULT_PHRASES_FILE)


def screen_text(text: str, phrases: PhraseList | None = None) -> ScreenResult:
    """Screen one free text against a phrase list (the shipped default when phrases is None)."""
    found = (phrases if phrases is not None else load_phrase_list()).matching_phrases(text)
    return ScreenResult(
        flagged=bool(found),
        categories=tuple(sorted({phrase.category for phrase in found})),
        matched=tuple(sorted({phrase.entry for phrase in found})),
    )


# Reading text ----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Plain lower-case words: no accents, apostrophes or punctuation, leetspeak read as letters."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    text = _APOSTROPHES.sub("", text)
    if any(symbol in text for symbol in _LEET_SYMBOLS):  # skips a slow pass in most texts
        text = _SYMBOL_IN_WORD.sub(lambda match: match[0].translate(_SYMBOL_LETTERS), text)
    if any(digit in text for digit in _LEET_DIGITS):
        text = _DIGIT_AND_LETTER_WORD.sub(lambda match: match[0].translate(_DIGIT_LETTERS), text)
    return " ".join(_WORD.findall(text))


def _collapse_repeats(text: str) -> str:
    """Read a letter typed several times once: dieee -> die, kill -> kil (phrases alike)."""
    return _REPEATED_LETTER.sub(r"\1", text)


def _readings(text: str) -> set[str]:
    """The folded text and, when it has three or more spaced-out letters, them joined too."""
    folded = _fold(text)
    readings = {folded}
    if _SPACED_LETTERS.search(folded):
        readings.add(_SPACED_LETTERS.sub(_joined_letters, folded))
        readings.add(_SPACED_LETTERS.sub(_joined_letters_after_i_or_a, folded))
    return {_collapse_repeats(reading) for reading in readings}


def _joined_letters(spaced: re.Match[str]) -> str:
    return spaced[0].replace(" ", "")


def _joined_letters_after_i_or_a(spaced: re.Match[str]) -> str:
    """Keep a leading "i" or "a" a word of its own: "i k i l l" -> "i kill"."""
    first, rest = spaced[0].split(" ", 1)
    if first in ("i", "a") and rest.count(" ") >= 2:
        return f"{first} {rest.replace(' ', '')}"
    return _joined_letters(spaced)


# Compiling a phrase list -----------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path) -> PhraseList:
    try:
        with path.open("rb") as file:
            return _compile(tomllib.load(file), path)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from error


def _compile(data: Mapping[str, object], source: Path) -> PhraseList:
    word_groups = {
        name: _word_group_regex(_strings(items, f"word_groups.{name}"))
        for name, items in _table(data, "word_groups").items()
    }
    risk_phrases = _table(data, "risk_phrases")
    unknown = sorted(set(risk_phrases) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"unknown categories {unknown}: use {', '.join(CATEGORIES)}")
    phrase_regexes = {
        (entry, category): _phrase_regex(entry, word_groups)
        for category, entries in risk_phrases.items()
        for entry in _strings(entries, f"risk_phrases.{category}")
    }
    if not phrase_regexes:
        raise ValueError("no risk phrases: an empty list would let every text through")
    harmless = [
        _phrase_regex(entry, word_groups)
        for theme, entries in _table(data, "harmless_phrases").items()
        for entry in _strings(entries, f"harmless_phrases.{theme}")
    ]
    spelling = _table(data, "spelling")
    fixes = {
        _folded_phrase(written): _folded_phrase(word)
        for word, written_forms in _table(spelling, "fixes").items()
        for written in _strings(written_forms, f"spelling.fixes.{word}")
    }
    written_fixes = sorted(map(re.escape, fixes), key=len, reverse=True)
    return PhraseList(
        source=source,
        phrases=tuple(
            RiskPhrase(entry, category, re.compile(rf"(?:{regex})(?!\S)"))
            for (entry, category), regex in phrase_regexes.items()
        ),
        phrase_starts=re.compile(r"(?<!\S)(?=(?:" + "|".join(phrase_regexes.values()) + r")(?!\S))"),
        harmless=_whole_words(harmless),
        fixes=MappingProxyType(fixes),
        fixes_pattern=_whole_words(written_fixes),
        slips=MappingProxyType(
            _one_slip_readings(
                _strings(spelling.get("near_miss_words", []), "spelling.near_miss_words"),
                _strings(spelling.get("real_words", []), "spelling.real_words"),
            )
        ),
    )


def _table(data: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ValueError(f"[{key}] must be a table")
    return value


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{where} must be a list of strings")
    return value


def _folded_phrase(text: str) -> str:
    folded = _collapse_repeats(_fold(text))
    if not folded:
        raise ValueError(f"{text!r} has no words")
    return folded


def _whole_words(regexes: list[str]) -> re.Pattern[str]:
    """One pattern matching any of the regexes as whole words of a folded text."""
    if not regexes:
        return _NEVER
    return re.compile(r"(?<!\S)(?:" + "|".join(regexes) + r")(?!\S)")


def _word_group_regex(items: list[str]) -> str:
    return "(?:" + "|".join(_phrase_regex(item, {}) for item in items) + ")"


def _phrase_regex(entry: str, word_groups: Mapping[str, str]) -> str:
    """Translate one phrase of the documented syntax into a regular expression."""
    parts: list[tuple[str, bool]] = []  # (regex, optional)
    position = 0
    for match in _PHRASE_PART.finditer(entry):
        if entry[position : match.start()].strip():
            break
        position = match.end()
        alternatives, optional, group_name, gap, word = match.groups()
        if group_name:
            if group_name not in word_groups:
                raise ValueError(f"phrase {entry!r}: no word group {group_name!r}")
            parts.append((word_groups[group_name], False))
        elif gap:
            parts.append((rf"\w+(?: \w+){{0,{GAP_WORDS - 1}}}", True))
        elif word:
            parts.append((_words_regex(word, entry), False))
        else:
            choices = (alternatives if optional is None else optional).split("|")
            regex = "(?:" + "|".join(_words_regex(choice, entry) for choice in choices) + ")"
            parts.append((regex, optional is not None))
    if entry[position:].strip() or not parts:
        raise ValueError(f"phrase {entry!r}: unbalanced brackets or braces")
    if parts[0][1] or parts[-1][1]:
        raise ValueError(f"phrase {entry!r} cannot start or end with [...] or '...'")
    regex = parts[0][0]
    for part, is_optional in parts[1:]:
        regex += f"(?: {part})?" if is_optional else f" {part}"
    return regex


def _words_regex(words: str, entry: str) -> str:
    is_prefix = words.strip().endswith("*")
    try:
        folded = _folded_phrase(words.strip().removesuffix("*"))
    except ValueError as error:
        raise ValueError(f"phrase {entry!r}: {error}") from None
    return re.escape(folded) + (r"\w*" if is_prefix else "")


def _one_slip_readings(near_miss_words: list[str], real_words: list[str]) -> dict[str, str]:
    """Map each one-letter slip of a near-miss word to that word, sparing the real words."""
    targets = [_folded_phrase(word) for word in near_miss_words]
    for word, target in zip(near_miss_words, targets, strict=True):
        if len(target) < MIN_NEAR_MISS_LENGTH or not target.isalpha():
            raise ValueError(f"near-miss word {word!r} must be one word of {MIN_NEAR_MISS_LENGTH}+ letters")
    spared = set(targets) | {_folded_phrase(word) for word in real_words}
    slips: dict[str, str] = {}
    for target in targets:
        for slip in map(_collapse_repeats, _one_letter_edits(target)):
            if slip not in spared:
                slips.setdefault(slip, target)
    return slips


def _one_letter_edits(word: str) -> set[str]:
    """Every word one letter missing, added, changed, or two neighbours swapped away from word."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    letters = string.ascii_lowercase
    return (
        {left + right[1:] for left, right in splits if right}
        | {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
        | {left + letter + right[1:] for left, right in splits if right for letter in letters}
        | {left + letter + right for left, right in splits for letter in letters}
    )
