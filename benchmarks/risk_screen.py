"""Benchmark the risk-language screen: time per text for notes of 100, 500 and 1,000 characters.

Times the phrase list alone, the statistical second opinion alone, and the whole screen as the
app runs it (the list, then the model for a text the list does not flag). Prints figures;
asserts nothing. The notes are cut from the
development set and the labelled examples, never from the held-out set: harmless notes (no
phrase counts, the common case) and mixed notes (harmless text with risky sentences in it, so
the context of each phrase found is weighed too).

    .venv/bin/python benchmarks/risk_screen.py [--runs 2000] [--phrases PATH] [--model PATH]

Each note is screened once before timing, so the list and the model are loaded, as in the app.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitator.safety.screening import load_phrase_list  # noqa: E402
from facilitator.safety.second_opinion import load_model, screen_with_second_opinion  # noqa: E402

SUPPORT = ROOT / "tests" / "support"
LENGTHS = (100, 500, 1000)
NOTES_PER_KIND = 50


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def sentences() -> tuple[list[str], list[str]]:
    """Harmless and risky sentences of the development set and the labelled examples."""
    harmless, risky = [], []
    with (SUPPORT / "risk_dev.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            (risky if row["label"] == "risk" else harmless).append(row["text"])
    with (SUPPORT / "risk_examples.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            (risky if row["risky"] == "1" else harmless).append(row["text"])
    return harmless, risky


def note(length: int, harmless: list[str], risky: list[str], rng: random.Random, mixed: bool) -> str:
    """A note of whole sentences, as close to `length` characters as they come without passing
    it (a cut sentence would be no note anyone writes); one in three risky if `mixed`."""
    parts: list[str] = []
    while True:
        pool = risky if mixed and len(parts) % 3 == 1 else harmless
        text = rng.choice(pool).strip()
        text = text if text[-1] in ".!?" else text + "."
        if len(" ".join([*parts, text])) > length:
            if len(" ".join(parts)) >= length - 40:
                return " ".join(parts)
            continue
        parts.append(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=2000, help="timed screenings per length and kind")
    parser.add_argument("--phrases", default=None, help="a phrase list file (default: the shipped one)")
    parser.add_argument("--model", default=None, help="a model file (default: the shipped one)")
    args = parser.parse_args()

    phrases, model = load_phrase_list(args.phrases), load_model(args.model)
    screens = {
        "list": phrases.screen,
        "model": model.probability,
        "screen": lambda text: screen_with_second_opinion(text, phrases, model),
    }
    harmless, risky = sentences()
    rng = random.Random(11)
    print(
        f"risk screen: {len(phrases.phrases)} phrases, the model's {len(model.risk_weights)} n-grams; "
        f"{args.runs} timings per row; milliseconds per text"
    )
    for length in LENGTHS:
        for kind in ("harmless", "mixed"):
            notes = [note(length, harmless, risky, rng, kind == "mixed") for _ in range(NOTES_PER_KIND)]
            flagged = sum(screens["screen"](text).flagged for text in notes)
            mean_length = sum(map(len, notes)) / len(notes)
            for name, screen in screens.items():
                timings = []
                for run in range(args.runs):
                    text = notes[run % len(notes)]
                    start = time.perf_counter()
                    screen(text)
                    timings.append((time.perf_counter() - start) * 1000)
                print(
                    f"{length:>5} chars (mean {mean_length:.0f}) {kind:<8} {name:<6} "
                    f"p50={percentile(timings, 0.5):.3f} p95={percentile(timings, 0.95):.3f} "
                    f"p99={percentile(timings, 0.99):.3f} max={max(timings):.3f}  "
                    f"({flagged}/{len(notes)} notes flagged)"
                )


if __name__ == "__main__":
    main()
