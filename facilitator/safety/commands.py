"""The safety net's command, `flask --app wsgi train-risk-model` (`make risk-model`).

The training code (model_training, and scikit-learn's estimators with it) is imported when the
command runs, so that the server and every other command start without it.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from .screening import load_phrase_list
from .second_opinion import DEFAULT_MODEL_FILE


@click.command("train-risk-model")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_MODEL_FILE,
    show_default=True,
    help="Where to write the model's arrays.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="The probability at which the model flags, written into the model (default: the "
    "lowest that keeps the precision and ordinary-text rules at first sight).",
)
@click.option(
    "--context-threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="The probability it must reach to flag a text whose risk words the phrase list read in a "
    "harmless context (default: the threshold).",
)
def train_command(output: Path, threshold: float | None, context_threshold: float | None) -> None:
    """Train the risk screen's statistical second opinion from the labelled development data."""
    from .model_training import train

    train(
        load_phrase_list(current_app.config["RISK_PHRASES_FILE"] or None),
        output,
        threshold=threshold,
        context_threshold=context_threshold,
    )
