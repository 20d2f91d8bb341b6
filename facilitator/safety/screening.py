"""Screen participants' free text for risk language: suicide, self-harm, overdose, harm to others.

A safety net, not a diagnosis (see docs/safety.md). The phrases, grouped by clinical construct,
the words that give them context, harmless idioms and spelling fixes live in a human-editable TOML
file whose header documents the format. A text is read the way the phrases are: cut into
sentences and clauses, folded to plain lower-case words, harmless idioms hidden, spelling slips
fixed. Each phrase found is then weighed in its clause: who it is about (the writer or someone
else), whether it is negated, told as a past the writer has recovered from, or named as a topic
of prevention work, a job or a film. What stays is a flag, with the reasons a facilitator reads
and an urgency; "lower" only when the writer also said they will not act on it, or told of a
distant past.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import string
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal, NamedTuple

CATEGORIES = ("harm_to_others", "overdose", "self_harm", "suicide")
URGENT, LOWER = "urgent", "lower"
# Why a risk word did not count when it only names a subject ("suicide awareness", "the suicide
# scene") and is told of no one now: a subject, not a context read around it.
TOPIC = "topic"
DEFAULT_PHRASES_FILE = Path(__file__).with_name("risk_phrases.toml")
MIN_NEAR_MISS_LENGTH = 6
GAP_WORDS = 3
NEGATION_REACH = 6  # words between a negation and the phrase it governs, all of them fillers
SUBJECT_REACH = 8  # words looked back for who a phrase is about
TITLE_REACH = 5  # words after a quoted span in which a media word ("film", "song") makes it a title
CUES_TOGETHER = 2  # cues of a `cues_together` construct, apart, that count ("cancelled ..., paid off ...")
# The reason a list in the older `[risk_phrases]` form (one list per category) gives its flags.
LEGACY_REASONS = MappingProxyType(
    {
        "suicide": "suicidal thoughts",
        "self_harm": "self-harm",
        "overdose": "overdose",
        "harm_to_others": "harm to others",
    }
)

_APOSTROPHE = "['‘’ʼ`´]"
_APOSTROPHES = re.compile(_APOSTROPHE)
# Letters that Unicode does not split into a base and an accent, as their languages spell them
# without it: "sœur" is "soeur", "Straße" is "strasse".
_LETTERS_WITHOUT_PARTS = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})
_LEET_SYMBOLS, _LEET_DIGITS = "@$!|", "013457"
_SYMBOL_IN_WORD = re.compile(r"(?<=[^\W\d_])[@$!|](?=[^\W_])|[@$](?=[^\W\d_])")
_SYMBOL_LETTERS = str.maketrans(_LEET_SYMBOLS, "asii")
_DIGIT_AND_LETTER_WORD = re.compile(r"(?<![^\W_])(?=[^\W_]*\d)(?=[^\W_]*[^\W\d_])[^\W_]+")
_DIGIT_LETTERS = str.maketrans(_LEET_DIGITS, "oieast")
_WORD = re.compile(r"[^\W_]+")
_SPACED_LETTERS = re.compile(r"(?<!\S)[^\W\d_](?: [^\W\d_]){2,}(?!\S)")
# A letter typed several times, read once; but "noose", whose double letter tells it apart from
# an everyday word (read once, "blew my nose" was a noose), keeps two ("nooose" is "noose"); and
# "odd", which read once is an overdose ("felt odd but fine": held-out 59), stays as it is, while
# "od'd" and "ODd" (overdosed) read as "od".
_OVERDOSED = re.compile(rf"\b(?:[oO][dD]{_APOSTROPHE}e?[dD]|ODd|ODed)\b")
_REPEATED_LETTER = re.compile(r"\b(no)o+(s(?:e|es|ed))\b|\b(odd(?:s|ly|er|est)?)\b|([a-z])\4+")
_PHRASE_PART = re.compile(
    r"\(([^()\[\]{}]*)\)|\[([^()\[\]{}]*)\]|\{(\w+)\}|(\.\.\.)|(<end>)|([^\s()\[\]{}]+)"
)
# Where a written text is cut: sentence ends, clause breaks (a comma, colon or dash before a
# space, an opening bracket unless a short aside closes it: "my daughter (14) is"), and quoted
# spans, which may be titles ("Suicide Squad", 'Better Off Dead', « Le Suicidé », „Die Selbstmörderin“).
_BREAKS = re.compile(
    r"(?P<sentence>[.!?;]+(?=\s|$)|\n+)"
    r"|(?P<clause>[,:]+(?=\s|$)|\s[-–—]+\s|\((?![^()\n]{1,15}\)))"
    r'|(?P<quoted>"[^"\n]{1,80}"|“[^”\n]{1,80}”|„[^“”\n]{1,80}[“”]|«[^»\n]{1,80}»|»[^«\n]{1,80}«|(?<!\w)[\'‘](?:[^\'‘’\n]|(?<=\w)[\'’](?=\w)){1,80}[\'’](?!\w))'
)
_SENTENCE_END = re.compile(r"[.!?;\n]")
_SENTENCE, _CLAUSE, _TITLE_START, _TITLE_END = ".", ",", "<", ">"
_BOUNDARIES = frozenset((_SENTENCE, _CLAUSE, _TITLE_START, _TITLE_END))
_NOT_NOUNS = ("ed", "ing", "al", "aly")  # endings of a verb or an adjective ("aly": "suicidally")
_CLAUSE_WORDS = frozenset(("but", "though", "although", "however", "yet", "whereas", "except"))
_POSSESSIVES = frozenset(("my", "mine"))
_TITLE_WORD = re.compile(r"[^\W\d_][\w'’]*")
_HIDDEN = "#"  # stands in for a harmless idiom; not a word, so no phrase can match across it
_NEVER = re.compile(r"(?!)")
_KINDS = ("phrase", "mention", "cue")
_CLAUSE_END = r"(?= [.,<>]|$)"  # <end>: the clause (or the text) ends here


@dataclass(frozen=True)
class ScreenResult:
    """What the screen found in one text; a flagged text is held and flagged to facilitators.

    `reasons` are short plain phrases a facilitator reads ("wish to be dead", "plan"); `urgency`
    is "urgent", or "lower" when the writer also said they would not act on it or spoke of a
    distant past; both are empty for a text that is not flagged. `in_harmless_context` says of
    a text that is not flagged that the list found risk words in it and read each of them in a
    harmless context (negated, someone else's, a past recovered from, work, fiction, a title).
    """

    flagged: bool
    categories: tuple[str, ...]
    matched: tuple[str, ...]
    reasons: tuple[str, ...] = ()
    urgency: str = ""
    in_harmless_context: bool = False


@dataclass(frozen=True)
class RiskPhrase:
    entry: str
    category: str
    pattern: re.Pattern[str]  # matches the phrase starting exactly where it is asked to look
    words: frozenset[str] = frozenset()  # the words written in the entry and its word groups


@dataclass(frozen=True)
class Construct:
    """One clinical construct of the list: its phrases, its category and the reason it gives."""

    name: str
    category: str
    reason: str
    always_urgent: bool  # negation never lowers it (a method, a plan, preparation ...)
    phrases: tuple[RiskPhrase, ...]  # statements: the writer's own, unless the text says otherwise
    mentions: tuple[RiskPhrase, ...]  # bare topic words: harmless in a context that names them
    cues: tuple[RiskPhrase, ...]  # harmless alone: count when taken up, or beside another risk
    patterns: Mapping[str, _CompiledOnFirstMatch]  # kind (phrase, mention, cue) -> any of them
    cues_together: bool = False  # two or more of its cues, apart, count with nothing else

    def entries(self, kind: str) -> tuple[RiskPhrase, ...]:
        """The phrases, mentions or cues."""
        return {"phrase": self.phrases, "mention": self.mentions, "cue": self.cues}[kind]


@dataclass(frozen=True)
class QuoteCues:
    """The words around a quoted span that decide how it is read (see `_cut`)."""

    titles_before: frozenset[str]  # "watched 'Better Off Dead'": a title
    titles_after: frozenset[str]  # "'Better Off Dead', the 80s film": a title
    speech: frozenset[str]  # "keeps saying 'kms'": someone's words, read in their clause
    voices: frozenset[str]  # "my brain keeps playing 'kill yourself'": never a title


@dataclass(frozen=True)
class Context:
    """The words that weigh a phrase in its clause: person, time, negation, settings, echoes."""

    self_words: frozenset[str]
    other_words: frozenset[str]
    topic_words: frozenset[str]  # "about", "see", "treat": the phrase is a topic, not the writer
    object_prepositions: frozenset[str]  # "to", "for": someone named after one is an object ...
    determiners: frozenset[str]  # ... with one of these between or not ("to my boy") ...
    next_verbs: frozenset[str]  # ... when one of these follows ("to my boy and found ...")
    counted_nouns: frozenset[str]  # "overdoses": a topic word counted as events
    count_words: frozenset[str]  # "three", "several": before a topic word, it counts events
    settings: Mapping[str, re.Pattern[str]]  # prevention_work, professional, fiction_media
    compounds: frozenset[str]  # "prevention", "scene": after a mention, it names a topic
    present: re.Pattern[str]
    recovery: re.Pattern[str]
    turns: re.Pattern[str]  # "... clean and i": the writer turns to their own present
    past: re.Pattern[str]
    past_events: re.Pattern[str]  # "after Mum died": a distant past when the phrase is told in the past
    past_verbs: frozenset[str]  # "was", "wanted", "had": the phrase is told in the past
    past_after: re.Pattern[str]  # "... wanted to die. That was three years ago.": the next sentence
    recovered_now: re.Pattern[str]
    negation_cues: frozenset[str]
    negation_fillers: frozenset[str]
    negation_blockers: re.Pattern[str]
    reassurances: re.Pattern[str]
    questions: re.Pattern[str]  # "asked if i had ...": a phrase asked about, not stated
    answers_yes: re.Pattern[str]  # "i said yes": the writer's own
    answers_no: re.Pattern[str]  # "said no and meant it": negated
    echoes: re.Pattern[str]
    echo_entries: tuple[RiskPhrase, ...]
    quotes: QuoteCues


@dataclass
class _Found:
    """One construct found at one place of a reading, and how its context weighs it."""

    construct: Construct
    entries: tuple[str, ...]
    first: int  # token index of its first word
    last: int  # token index after its last word
    kind: str  # phrase, mention or cue
    written: frozenset[str] = frozenset()  # the words its entries spell out ("dont" in "dont want to live")
    discounted: str = ""  # why it does not count: negated, third_person, past_recovery, ...
    lowered: bool = False  # counts, at lower urgency: a distant past with no recovery told


class _CompiledOnFirstMatch:
    """A regex compiled when it is first matched. A list has some eight hundred combined patterns
    (any of a construct's entries that may start with one word), which took seconds to compile at
    each start of a worker, while a text needs a few of them. After the first match, `match` is
    the compiled pattern's own, so it costs no more than a compiled one."""

    __slots__ = ("match", "regex")

    def __init__(self, regex: str) -> None:
        self.regex = regex
        self.match: Callable[[str, int], re.Match[str] | None] = self._compile_and_match

    def _compile_and_match(self, text: str, position: int) -> re.Match[str] | None:
        self.match = re.compile(self.regex).match
        return self.match(text, position)


class _Start(NamedTuple):
    """The entries of one construct, of one kind, that may start with a given word."""

    construct_number: int  # its place in the list's constructs
    kind: str  # phrase, mention or cue
    pattern: re.Pattern[str] | _CompiledOnFirstMatch  # any of `entries`
    entries: tuple[RiskPhrase, ...]


@dataclass(frozen=True)
class PhraseList:
    """A compiled phrase list: constructs, context words, harmless idioms and spelling fixes."""

    source: Path
    constructs: tuple[Construct, ...]
    # Where to look: for each word a phrase can start with, the entries that may start there,
    # by construct and kind, in list order (so a word tries only its own entries); for each start
    # of such a word (suicid*), the constructs and kinds whose entries may start there.
    first_words: Mapping[str, tuple[_Start, ...]]
    first_prefixes: tuple[tuple[str, tuple[_Start, ...]], ...]
    any_first_prefix: re.Pattern[str]
    context: Context
    harmless: re.Pattern[str]
    fixes: Mapping[str, str]
    fixes_pattern: re.Pattern[str]
    slips: Mapping[str, str]

    @property
    def phrases(self) -> tuple[RiskPhrase, ...]:
        """Every risk phrase and mention, in list order."""
        return tuple(p for c in self.constructs for p in (*c.phrases, *c.mentions, *c.cues))

    def screen(self, text: str) -> ScreenResult:
        """Screen one text: what counts, its categories, entries, reasons and urgency."""
        kept: list[_Found] = []
        urgent = in_context = False
        for reading in {self._without_idioms_or_typos(r) for r in _readings(text, self.context.quotes)}:
            weighed = _Reading(reading, self)
            found, is_urgent = weighed.weigh()
            kept += found
            urgent = urgent or (bool(found) and is_urgent)
            in_context = in_context or any(f.discounted not in ("", TOPIC) for f in weighed.found)
        if not kept:
            return ScreenResult(flagged=False, categories=(), matched=(), in_harmless_context=in_context)
        order = {construct.name: index for index, construct in enumerate(self.constructs)}
        constructs = sorted(
            {f.construct.name: f.construct for f in kept}.values(), key=lambda c: order[c.name]
        )
        return ScreenResult(
            flagged=True,
            categories=tuple(sorted({c.category for c in constructs})),
            matched=tuple(sorted({entry for f in kept for entry in f.entries})),
            reasons=tuple(dict.fromkeys(c.reason for c in constructs)),
            urgency=URGENT if urgent else LOWER,
        )

    def explain(self, text: str) -> list[str]:
        """Each phrase found in text and what its context made of it, for tests and tuning."""
        lines = []
        for reading in {self._without_idioms_or_typos(r) for r in _readings(text, self.context.quotes)}:
            weighed = _Reading(reading, self)
            weighed.weigh()
            for f in weighed.found:
                verdict = f.discounted or ("kept, lower" if f.lowered else "kept")
                lines.append(f"{f.construct.name} {list(f.entries)}: {verdict}")
        return lines

    def _without_idioms_or_typos(self, reading: str) -> str:
        reading = self.harmless.sub(_HIDDEN, reading)
        reading = self.fixes_pattern.sub(lambda match: self.fixes[match[0]], reading)
        return " ".join(self.slips.get(word, word) for word in reading.split(" "))


def load_phrase_list(path: str | os.PathLike[str] | None = None) -> PhraseList:
    """Load and compile a phrase list file, cached; None or "" (an unset setting) is the default."""
    return _load_cached(Path(path) if path else DEFAULT_PHRASES_FILE)


def screen_text(text: str, phrases: PhraseList | None = None) -> ScreenResult:
    """Screen one free text against a phrase list (the shipped default when phrases is None)."""
    return (phrases if phrases is not None else load_phrase_list()).screen(text)


# Weighing what was found ----------------------------------------------------------------------


class _Reading:
    """One reading of a text, cut into words, clauses and sentences, and the phrases found in it."""

    def __init__(self, reading: str, phrases: PhraseList) -> None:
        self.text = reading
        self.phrases = phrases
        self.context = phrases.context
        self.words = reading.split(" ")
        self.offsets: list[int] = []
        self.clause: list[int] = []
        self.sentence: list[int] = []
        self.in_title: list[bool] = []
        offset, clause, sentence, title = 0, 0, 0, False
        for word in self.words:
            if word in _BOUNDARIES:
                clause += 1
                sentence += word == _SENTENCE
                title = word == _TITLE_START
            self.offsets.append(offset)
            self.clause.append(clause)
            self.sentence.append(sentence)
            self.in_title.append(title)
            offset += len(word) + 1
        self.found: list[_Found] = []

    def weigh(self) -> tuple[list[_Found], bool]:
        """The phrases that count, and whether the flag is urgent."""
        self.found = self._find()
        if not self.found:
            return [], False
        for found in self.found:
            found.discounted = self._discount(found)
        kept = [f for f in self.found if not f.discounted and f.kind != "cue"]
        cues = [f for f in self.found if not f.discounted and f.kind == "cue"]
        if kept:  # a means named beside a risk that counts names the method
            kept += cues
        else:  # acts each ordinary alone, several together: "cancelled ..., paid off ..."
            kept += _together(cues)
        discounted = [f for f in self.found if f.discounted or (f.kind == "cue" and f not in kept)]
        echoes = self._echoes(discounted) if discounted else []
        negated = any(f.discounted == "negated" for f in self.found) or bool(
            self.context.reassurances.search(self.text)
        )
        urgent = any(not f.lowered and (f.construct.always_urgent or not negated) for f in kept) or any(
            not negated and echoed.discounted != "negated" for _, echoed in echoes
        )
        return kept + [echo for echo, _ in echoes], urgent

    def _find(self) -> list[_Found]:
        found = []
        constructs = self.phrases.constructs
        first_words, first_prefixes = self.phrases.first_words, self.phrases.first_prefixes
        any_first_prefix = self.phrases.any_first_prefix
        for first, word in enumerate(self.words):
            candidates = first_words.get(word, ())
            if any_first_prefix.match(word):
                for prefix, more in first_prefixes:
                    if word.startswith(prefix):
                        candidates = _with_prefixed(candidates, more)
            position = self.offsets[first]
            for index, kind, pattern, candidate_entries in candidates:
                match = pattern.match(self.text, position)
                if match:
                    entries = [e for e in candidate_entries if e.pattern.match(self.text, position)]
                    last = self._word_at(match.end() - 1) + 1
                    written = frozenset().union(*(e.words for e in entries))
                    found.append(
                        _Found(constructs[index], tuple(e.entry for e in entries), first, last, kind, written)
                    )
        return found

    def _word_at(self, position: int) -> int:
        return bisect.bisect_right(self.offsets, position) - 1

    def _discount(self, found: _Found) -> str:
        """Why a phrase does not count here, or "" when it does."""
        if self.in_title[found.first]:
            return "quoted_title"
        answer = self._answer(found)
        if answer:
            return "" if answer == "yes" else "negated"
        person = self._person(found)
        if person == "other":
            return "third_person"
        if self._negated(found.first) or self._negated_within(found):
            return "negated"
        time = self._time(found)
        if time == "recovered":
            return "past_recovery"
        found.lowered = time == "past"
        is_mention = found.kind == "mention"
        if is_mention and self._compound(found):
            if not self._now(found, writer=False):
                return TOPIC
            # "the overdose scene tonight": a film or a leaflet named in its sentence makes the
            # compound a topic even when told of now, unless the writer is in the clause.
            clause, _, _ = self._clause_text(found)
            if not any(word in self.context.self_words for word in clause.split(" ")):
                setting = self._setting(found, "sentence")
                if setting:
                    return setting
        if person == "self" or (not person and self._now(found) and not self._counted(found)):
            return ""
        if is_mention or person == "topic":
            # A topic word takes its setting from its sentence or, when it is told as a topic (a
            # noun, counted, or after "about") and is not its whole clause, from a frame set
            # earlier in the text ("did my shift on the crisis line. 2 calls about suicide");
            # never an act or a state told without its subject ("overdosed last night.",
            # "suicidal."); a statement, from its clause.
            setting = self._setting(found, "sentence" if is_mention else "clause")
            told_as_topic = person == "topic" or self._counted(found) or self._noun(found)
            if not setting and is_mention and told_as_topic and not self._alone(found):
                setting = self._setting(found, "so far")
            if setting:
                return setting
        return ""

    def _noun(self, found: _Found) -> bool:
        """Whether a topic word is a noun ("suicide", "an od"), not a verb or an adjective told
        without its subject ("overdosed", "self harming", "suicidal", "odd" for OD'd)."""
        word = self.words[found.last - 1]
        return not (word.endswith(_NOT_NOUNS) or word == "odd")

    def _alone(self, found: _Found) -> bool:
        """Whether a phrase is its clause, word for word ("suicidal."): a statement, even bare."""
        clause, _, _ = self._clause_text(found)
        return not clause.replace("_", "").strip(" .,<>")

    def _answer(self, found: _Found) -> str:
        """For a phrase asked about ("the nurse asked if i had thoughts of suicide"), the writer's
        answer anywhere in the text: "yes" (theirs, whoever asked), "no" (negated) or ""."""
        start = self.offsets[self._clause_start(found.first)]
        if not self.context.questions.search(self.text[start : self.offsets[found.first]]):
            return ""
        answers = self.text.replace(f" {_CLAUSE} ", " ")  # "honestly, no" is one answer
        if self.context.answers_yes.search(answers):
            return "yes"
        return "no" if self.context.answers_no.search(answers) else ""

    def _counted(self, found: _Found) -> bool:
        """A topic word counted as events, not the writer's state: "three overdoses", "2 ODs",
        "suicides". Its setting (a job, prevention work, a film) then decides, as for a topic."""
        if found.kind != "mention":
            return False
        last = self.words[found.last - 1]
        before = self.words[found.first - 1] if found.first else ""
        return last in self.context.counted_nouns or before.isdigit() or before in self.context.count_words

    def _compound(self, found: _Found) -> bool:
        """A topic word used as a modifier: "suicide prevention", "overdose awareness"."""
        return found.last < len(self.words) and self.words[found.last] in self.context.compounds

    def _now(self, found: _Found, writer: bool = True) -> bool:
        """Whether the phrase's clause speaks of now (or, with `writer`, of the writer anywhere)."""
        clause, _, _ = self._clause_text(found)
        return bool(self.context.present.search(clause)) or (
            writer and any(word in self.context.self_words for word in clause.split(" "))
        )

    def _person(self, found: _Found) -> str:
        """Who a phrase is about: "self", "other", "topic" (the object of seeing, reading ...) or ""."""
        context = self.context
        words = self.words[found.first : found.last + 1]  # and the word after: "an overdose myself"
        if any(word in context.self_words and word not in _POSSESSIVES for word in words):
            return "self"  # "kill myself"; but in "hurt my kids" the writer is not yet the subject
        topic = False
        for index in range(found.first - 1, max(found.first - SUBJECT_REACH, 0) - 1, -1):
            word = self.words[index]
            if word in _BOUNDARIES:
                break
            if word in context.topic_words:
                topic = True
            elif _is_one_of(word, context.other_words) or (
                index and f"{self.words[index - 1]} {word}" in context.other_words
            ):
                if self._object(index):
                    continue
                return "other"
            elif word in _POSSESSIVES and index < found.first - 2:
                continue  # "my old meeting": the writer owns a word, and is not the subject
            elif word in context.self_words:
                return "topic" if topic else "self"
        return "topic" if topic else ""

    def _object(self, index: int) -> bool:
        """Whether the word at `index` is the object of a preposition that ends its part of the
        clause, a new verb following ("to my boy and found ..."): not who that verb is about.
        ("for a patient after an overdose" is about the patient.)"""
        context = self.context
        if index + 1 >= len(self.words) or self.words[index + 1] not in context.next_verbs:
            return False
        before = index - 1
        if before >= 0 and self.words[before] in context.determiners:
            before -= 1
        return before >= 0 and self.words[before] in context.object_prepositions

    def _negated(self, first: int) -> bool:
        """Whether a negation governs the phrase at `first` ("I'm not going to ...", "no ...")."""
        context = self.context
        for index in range(first - 1, max(first - NEGATION_REACH, 0) - 1, -1):
            word = self.words[index]
            if word in context.negation_cues:
                before = self.text[self.offsets[self._clause_start(first)] : self.offsets[first]]
                return not context.negation_blockers.search(before)
            if word not in context.negation_fillers:
                return False
        return False

    def _negated_within(self, found: _Found) -> bool:
        """A negation inside a phrase's own gap: "I'd never hurt my kids" ("{intent} ... hurt")."""
        return any(
            word in self.context.negation_cues and word not in found.written
            for word in self.words[found.first + 1 : found.last]
        )

    def _clause_start(self, index: int) -> int:
        clause = self.clause[index]
        while index > 0 and self.clause[index - 1] == clause:
            index -= 1
        return index

    def _clause_text(self, found: _Found) -> tuple[str, int, int]:
        """The clause of a phrase, with the phrase's own words blanked out."""
        start = self._clause_start(found.first)
        end = found.last
        while end < len(self.words) and self.clause[end] == self.clause[found.first]:
            end += 1
        words = [
            "_" if found.first <= index < found.last else self.words[index] for index in range(start, end)
        ]
        return " ".join(words), start, end

    def _time(self, found: _Found) -> str:
        """ "recovered", "past" (distant, with no recovery told) or "" (now) for a phrase's clause."""
        clause, _, _ = self._clause_text(found)
        context = self.context
        if context.present.search(clause):
            return ""
        told_in_past = any(
            word in context.past_verbs for word in self.words[max(found.first - 2, 0) : found.last]
        )
        if not told_in_past:
            clause = self._since_the_turn(found, clause)
        if context.recovery.search(clause):
            return "recovered"
        if (
            context.past.search(clause)
            or (context.past_events.search(clause) and told_in_past)
            or context.past_after.match(self._next_sentence(found))
        ):
            return "recovered" if context.recovered_now.search(self.text) else "past"
        return ""

    def _since_the_turn(self, found: _Found, clause: str) -> str:
        """A phrase's clause from the last turn to the writer's own present before the phrase
        ("day 41 clean and honestly i want to die"): a recovery told before it is not this one."""
        start = self._clause_start(found.first)
        before = " ".join(self.words[start : found.first + 1])  # and the phrase's first word: "i want ..."
        turns = list(self.context.turns.finditer(before))
        if not turns:
            return clause
        return " ".join(clause.split(" ")[before.count(" ", 0, turns[-1].start()) :])

    def _next_sentence(self, found: _Found) -> str:
        """The words of the sentence after a phrase's own ("" at the end of the text)."""
        following = self.sentence[found.first] + 1
        words = zip(self.words, self.sentence, strict=True)
        return " ".join(word for word, sentence in words if sentence == following and word != _SENTENCE)

    def _setting(self, found: _Found, scope: Literal["clause", "sentence", "so far"]) -> str:
        """The harmless setting (prevention work, a job, a film) named around a phrase, if any:
        in its clause, its sentence, or its sentence and those before it ("so far")."""
        if scope == "clause":
            text, _, _ = self._clause_text(found)
        else:
            sentence = self.sentence[found.first]
            start = 0 if scope == "so far" else self.sentence.index(sentence)
            end = len(self.sentence) - self.sentence[::-1].index(sentence)
            text = " ".join(self.words[start:end])
        for name, pattern in self.context.settings.items():
            if pattern.search(text):
                return name
        return ""

    def _echoes(self, discounted: list[_Found]) -> list[tuple[_Found, _Found]]:
        """First-person words that take up a discounted phrase ("... and now I keep thinking about
        doing it"), each with the phrase it takes up: they count as that phrase's construct."""
        echoes = []
        for match in self.context.echoes.finditer(self.text):
            first = self._word_at(match.start())
            last = self._word_at(match.end() - 1) + 1
            if self.in_title[first]:
                continue
            probe = _Found(discounted[0].construct, (), first, last, "phrase")
            if self._person(probe) == "other" or self._negated(first):
                continue
            before = [f for f in discounted if f.first < first] or discounted
            echoed = before[-1]
            entries = tuple(
                e.entry for e in self.context.echo_entries if e.pattern.match(self.text, match.start())
            )
            echoes.append((_Found(echoed.construct, entries, first, last, "phrase"), echoed))
        return echoes


def _with_prefixed(candidates: tuple[_Start, ...], prefixed: tuple[_Start, ...]) -> tuple[_Start, ...]:
    """A word's own entries and those of a prefix it starts with, in list order; where both
    name a construct and kind, the prefix's (the construct's every entry of that kind) stands."""
    by_construct = {(start.construct_number, start.kind): start for start in candidates}
    by_construct.update({(start.construct_number, start.kind): start for start in prefixed})
    return tuple(by_construct[key] for key in sorted(by_construct))


def _together(cues: list[_Found]) -> list[_Found]:
    """The cues of each `cues_together` construct with `CUES_TOGETHER` or more of them in a text,
    apart (not overlapping): preparation told as several ordinary acts, a plan as a booking and a
    stay alone."""
    together: list[_Found] = []
    for name in dict.fromkeys(f.construct.name for f in cues if f.construct.cues_together):
        apart: list[_Found] = []
        for found in sorted((f for f in cues if f.construct.name == name), key=lambda f: (f.first, -f.last)):
            if not apart or found.first >= apart[-1].last:
                apart.append(found)
        if len(apart) >= CUES_TOGETHER:
            together += apart
    return together


def _is_one_of(word: str, words: frozenset[str]) -> bool:
    """A word of the set, or its plural or possessive ("brothers" for "brother's")."""
    return word in words or (word.endswith("s") and word[:-1] in words)


# Reading text ----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Plain lower-case words: no accents, apostrophes or punctuation, leetspeak read as letters."""
    text = _OVERDOSED.sub("od", text).casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_LETTERS_WITHOUT_PARTS))
        text = "".join(char for char in text if not unicodedata.combining(char))
    text = _APOSTROPHES.sub("", text)
    if any(symbol in text for symbol in _LEET_SYMBOLS):  # skips a slow pass in most texts
        text = _SYMBOL_IN_WORD.sub(lambda match: match[0].translate(_SYMBOL_LETTERS), text)
    if any(digit in text for digit in _LEET_DIGITS):
        text = _DIGIT_AND_LETTER_WORD.sub(lambda match: match[0].translate(_DIGIT_LETTERS), text)
    return " ".join(_WORD.findall(text))


def _collapse_repeats(text: str) -> str:
    """Read a letter typed several times once: dieee -> die, kill -> kil (phrases alike); nooose
    -> noose."""
    return _REPEATED_LETTER.sub(_read_once, text)


def _read_once(repeated: re.Match[str]) -> str:
    return repeated[3] or repeated[4] or f"{repeated[1]}o{repeated[2]}"


def _cut(text: str, quotes: QuoteCues) -> str:
    """The folded words of a text with its breaks as words of their own: "." between sentences,
    "," between clauses, "<" and ">" around a quoted title.

    A quoted span is a title when it is Title Case, followed by "by" or, within a few words of
    its sentence, by a media word ("'better off dead', the 80s film"), or comes just after a title
    cue ("watched"), unless the writer's own head is what plays or says it ("my brain keeps
    playing 'kill yourself'"). Words someone says ("keeps saying 'kms'") and those of the
    writer's head are read in their clause, so who says them is its subject; any other quoted
    span is a clause of its own."""
    parts: list[str] = []
    position = 0
    for match in _BREAKS.finditer(text):
        parts.append(_fold(text[position : match.start()]))
        position = match.end()
        if match["sentence"]:
            parts.append(_SENTENCE)
        elif match["clause"]:
            parts.append(_CLAUSE)
        else:
            quoted = match[0][1:-1]
            # Read as the cue words are (repeated letters once: "called" is "caled").
            before = _collapse_repeats(" ".join(parts)[-60:]).split(" ")[-4:]
            after = _collapse_repeats(
                _fold(_SENTENCE_END.split(text[match.end() : match.end() + 80], 1)[0])
            ).split(" ")
            voiced = any(w in quotes.voices for w in before)
            if (
                _looks_like_title(quoted)
                or after[0] == "by"
                or any(w in quotes.titles_after for w in after[:TITLE_REACH])
                or (not voiced and any(w in quotes.titles_before for w in before))
            ):
                parts += [_TITLE_START, _fold(quoted), _TITLE_END]
            elif voiced or any(w in quotes.speech for w in before):
                parts += [_fold(quoted), _CLAUSE]
            else:
                parts += [_CLAUSE, _fold(quoted), _CLAUSE]
    parts.append(_fold(text[position:]))
    words: list[str] = []
    for word in " ".join(parts).split():
        if word in _CLAUSE_WORDS:
            words.append(_CLAUSE)
        words.append(word)
    return " ".join(words)


# Prepositions that title case leaves in lower case however long ("Suicide Notes from Beautiful
# Girls", "Dancing with Death").
_TITLE_LOWER_WORDS = frozenset(
    {"from", "with", "into", "onto", "upon", "over", "than", "till", "until", "about", "after", "under"}
)


def _looks_like_title(quoted: str) -> bool:
    """Title Case: the first word and every other word of four letters or more capitalised, but
    for the prepositions title case keeps in lower case."""
    words = _TITLE_WORD.findall(quoted)
    if not words:
        return False
    significant = [words[0]] + [w for w in words[1:] if len(w) >= 4 and w not in _TITLE_LOWER_WORDS]
    return len(words) >= 2 and all(word[0].isupper() for word in significant)


def _readings(text: str, quotes: QuoteCues) -> set[str]:
    """The cut text and, when it has three or more spaced-out letters, them joined too."""
    cut = _cut(text, quotes)
    readings = {cut}
    if _SPACED_LETTERS.search(cut):
        readings.add(_SPACED_LETTERS.sub(_joined_letters, cut))
        readings.add(_SPACED_LETTERS.sub(_joined_letters_after_i_or_a, cut))
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
    constructs = tuple(_constructs(data, word_groups))
    if not any(c.phrases or c.mentions for c in constructs):
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
    groups = {name: _strings(items, name) for name, items in _table(data, "word_groups").items()}
    starts: dict[tuple[str, bool], dict[tuple[int, str], list[RiskPhrase]]] = {}
    for index, construct in enumerate(constructs):
        for kind in _KINDS:
            for phrase in construct.entries(kind):
                for start in _first_words(phrase.entry, groups):
                    starts.setdefault(start, {}).setdefault((index, kind), []).append(phrase)
    return PhraseList(
        source=source,
        constructs=constructs,
        first_words=MappingProxyType(
            {
                word: tuple(
                    _Start(index, kind, _any_of(entries), tuple(entries))
                    for (index, kind), entries in sorted(by_construct.items())
                )
                for (word, is_prefix), by_construct in starts.items()
                if not is_prefix
            }
        ),
        # A prefix tries its constructs' every entry of the kind, as a word may start several.
        first_prefixes=tuple(
            sorted(
                (
                    word,
                    tuple(
                        _Start(index, kind, constructs[index].patterns[kind], constructs[index].entries(kind))
                        for index, kind in sorted(by_construct)
                    ),
                )
                for (word, is_prefix), by_construct in starts.items()
                if is_prefix
            )
        ),
        any_first_prefix=re.compile("|".join(re.escape(w) for w, prefix in starts if prefix) or "(?!)"),
        context=_context(_table(data, "context"), word_groups),
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


def _constructs(data: Mapping[str, object], word_groups: Mapping[str, str]) -> Iterable[Construct]:
    """The constructs of `[constructs.NAME]` tables, then any older `[risk_phrases]` lists."""
    for name, table in _table(data, "constructs").items():
        if not isinstance(table, Mapping):
            raise ValueError(f"[constructs.{name}] must be a table")
        category, reason = table.get("category"), table.get("reason")
        if category not in CATEGORIES:
            raise ValueError(f"constructs.{name}: unknown category {category!r}: use {', '.join(CATEGORIES)}")
        if not isinstance(reason, str) or not reason:
            raise ValueError(f"constructs.{name}: a reason is needed, a short phrase a facilitator reads")
        yield _construct(
            name,
            category,
            reason,
            bool(table.get("always_urgent", False)),
            {kind: _strings(table.get(f"{kind}s", []), f"constructs.{name}.{kind}s") for kind in _KINDS},
            word_groups,
            cues_together=bool(table.get("cues_together", False)),
        )
    legacy = _table(data, "risk_phrases")
    unknown = sorted(set(legacy) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"unknown categories {unknown}: use {', '.join(CATEGORIES)}")
    for category, entries in legacy.items():
        phrases = _strings(entries, f"risk_phrases.{category}")
        yield _construct(
            category, category, LEGACY_REASONS[category], False, {"phrase": phrases}, word_groups
        )


def _construct(
    name: str,
    category: str,
    reason: str,
    always_urgent: bool,
    entries: Mapping[str, list[str]],
    word_groups: Mapping[str, str],
    cues_together: bool = False,
) -> Construct:
    compiled: dict[str, tuple[RiskPhrase, ...]] = {}
    patterns: dict[str, _CompiledOnFirstMatch] = {}
    for kind in _KINDS:
        regexes = [_phrase_regex(entry, word_groups) for entry in entries.get(kind, [])]
        compiled[kind] = tuple(
            RiskPhrase(entry, category, re.compile(rf"(?:{regex})(?!\S)"), _written_words(entry, word_groups))
            for entry, regex in zip(entries.get(kind, []), regexes, strict=True)
        )
        patterns[kind] = _CompiledOnFirstMatch("(?:" + "|".join(regexes or [_NEVER.pattern]) + r")(?!\S)")
    return Construct(
        name,
        category,
        reason,
        always_urgent,
        compiled["phrase"],
        compiled["mention"],
        compiled["cue"],
        MappingProxyType(patterns),
        cues_together,
    )


def _any_of(entries: list[RiskPhrase]) -> re.Pattern[str] | _CompiledOnFirstMatch:
    """One pattern matching where any of the entries matches, trying them in list order."""
    if len(entries) == 1:
        return entries[0].pattern
    return _CompiledOnFirstMatch("|".join(f"(?:{entry.pattern.pattern})" for entry in entries))


def _written_words(entry: str, word_groups: Mapping[str, str]) -> frozenset[str]:
    """The plain words an entry spells out, its word groups' included (from their regexes), each
    read as a text's words are (a letter typed twice read once: "nessun" as "nesun")."""
    text = re.sub(r"\{(\w+)\}", lambda group: word_groups.get(group[1], ""), entry)
    words = re.findall(r"[a-z0-9]+", re.sub(r"[\\()\[\]{}|*?:]", " ", text))
    return frozenset(_collapse_repeats(word) for word in words)


def _context(table: Mapping[str, object], word_groups: Mapping[str, str]) -> Context:
    """The `[context]` tables; every part is optional (a list without them reads every phrase
    as the writer's own, now)."""

    def words(section: str, key: str) -> frozenset[str]:
        entries = _strings(_table(table, section).get(key, []), f"context.{section}.{key}")
        return frozenset(_folded_phrase(entry) for entry in entries)

    def phrases(section: str, key: str) -> re.Pattern[str]:
        entries = _strings(_table(table, section).get(key, []), f"context.{section}.{key}")
        return _whole_words([_phrase_regex(entry, word_groups) for entry in entries])

    settings = _table(table, "settings")
    echo_entries = _strings(_table(table, "echoes").get("phrases", []), "context.echoes.phrases")
    return Context(
        self_words=words("person", "self"),
        other_words=words("person", "others"),
        topic_words=words("person", "topic_words"),
        object_prepositions=words("person", "object_prepositions"),
        determiners=words("person", "determiners"),
        next_verbs=words("person", "next_verbs"),
        counted_nouns=words("person", "counted_nouns"),
        count_words=words("person", "count_words"),
        settings=MappingProxyType(
            {name: phrases("settings", name) for name in settings if name != "compounds"}
        ),
        compounds=words("settings", "compounds") if "compounds" in settings else frozenset(),
        present=phrases("time", "present"),
        recovery=phrases("time", "recovery"),
        turns=phrases("time", "turns"),
        past=phrases("time", "past"),
        past_events=phrases("time", "past_events"),
        past_verbs=words("time", "past_verbs"),
        past_after=phrases("time", "past_after"),
        recovered_now=phrases("time", "recovered_now"),
        negation_cues=words("negation", "cues"),
        negation_fillers=words("negation", "fillers"),
        negation_blockers=phrases("negation", "blockers"),
        reassurances=phrases("negation", "reassurances"),
        questions=phrases("negation", "questions"),
        answers_yes=phrases("negation", "answers_yes"),
        answers_no=phrases("negation", "answers_no"),
        echoes=phrases("echoes", "phrases"),
        echo_entries=tuple(
            RiskPhrase(entry, "", re.compile(rf"(?:{_phrase_regex(entry, word_groups)})(?!\S)"))
            for entry in echo_entries
        ),
        quotes=QuoteCues(
            titles_before=words("titles", "cues"),
            titles_after=words("titles", "after"),
            speech=words("titles", "speech"),
            voices=words("titles", "voices"),
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
    parts: list[tuple[str, bool]] = []  # (regex, optional); a regex starting with " " spaces itself
    position = 0
    for match in _PHRASE_PART.finditer(entry):
        if entry[position : match.start()].strip():
            break
        position = match.end()
        alternatives, optional, group_name, gap, end, word = match.groups()
        if group_name:
            if group_name not in word_groups:
                raise ValueError(f"phrase {entry!r}: no word group {group_name!r}")
            parts.append((word_groups[group_name], False))
        elif gap:
            parts.append((rf"\w+(?: \w+){{0,{GAP_WORDS - 1}}}", True))
        elif end:
            if not parts:
                raise ValueError(f"phrase {entry!r}: <end> must follow a word")
            parts[-1] = (parts[-1][0] + _CLAUSE_END, parts[-1][1])
        elif word:
            parts.append((_words_regex(word, entry), False))
        else:
            choices = [
                choice.strip() for choice in (alternatives if optional is None else optional).split("|")
            ]
            words = [choice for choice in choices if choice != "<end>"]
            regex = "(?:" + "|".join(_choice_regex(choice, entry) for choice in words) + ")"
            if len(words) < len(choices):  # "(again|<end>)": one of them, or the clause ends here
                if not parts or optional is not None:
                    raise ValueError(f"phrase {entry!r}: <end> must follow a word, in (...)")
                regex = f"(?: {regex}|{_CLAUSE_END})"
            parts.append((regex, optional is not None))
    if entry[position:].strip() or not parts:
        raise ValueError(f"phrase {entry!r}: unbalanced brackets or braces")
    if parts[0][1] or parts[-1][1]:
        raise ValueError(f"phrase {entry!r} cannot start or end with [...] or '...'")
    regex = parts[0][0]
    for part, is_optional in parts[1:]:
        spaced = part if part.startswith("(?: ") else f" {part}"
        regex += f"(?:{spaced})?" if is_optional else spaced
    return regex


def _choice_regex(choice: str, entry: str) -> str:
    """One alternative of (...) or [...]: words, perhaps ending the clause ("walk <end>")."""
    words, ends_clause = _clause_end_split(choice)
    return _words_regex(words, entry) + (_CLAUSE_END if ends_clause else "")


def _clause_end_split(choice: str) -> tuple[str, bool]:
    """An alternative's words, and whether the clause ends after them ("walk <end>")."""
    choice = choice.strip()
    if choice.endswith(" <end>"):
        return choice.removesuffix("<end>").rstrip(), True
    return choice, False


def _words_regex(words: str, entry: str) -> str:
    is_prefix = words.strip().endswith("*")
    try:
        folded = _folded_phrase(words.strip().removesuffix("*"))
    except ValueError as error:
        raise ValueError(f"phrase {entry!r}: {error}") from None
    return re.escape(folded) + (r"\w*" if is_prefix else "")


def _first_words(entry: str, word_groups: Mapping[str, list[str]]) -> set[tuple[str, bool]]:
    """The words a phrase can start with, each with whether it is a prefix (suicid*)."""
    match = _PHRASE_PART.match(entry.strip())
    if match is None:
        return set()
    alternatives, _, group_name, _, _, word = match.groups()
    if group_name:
        return {
            start for item in word_groups.get(group_name, []) for start in _first_words(item, word_groups)
        }
    starts = set()
    for choice in [word] if word else (alternatives or "").split("|"):
        choice, _ = _clause_end_split(choice)
        words = _folded_phrase(choice.removesuffix("*")).split(" ")
        starts.add((words[0], choice.endswith("*") and len(words) == 1))
    return starts


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
