"""Anonymous answers wait for the end of their slot. Here slots last an hour, so that none ends by
itself in the middle of a test; `after_the_slot()` is the moment the background timer wakes."""

from datetime import timedelta

import pytest

from facilitator.clock import utcnow

BATCH_SECONDS = 3600


@pytest.fixture(autouse=True)
def hour_long_batches(app):
    app.config["ANONYMOUS_BATCH_SECONDS"] = BATCH_SECONDS


def after_the_slot():
    """A moment after the current slot (and any answer given in it) has ended."""
    return utcnow() + timedelta(seconds=BATCH_SECONDS + 1)
