"""Telling screens what changed: every announcement is sent once the change is committed.

Each function names who hears it; rooms come from facilitator/realtime/rooms.py. Sending waits
for the commit of the current transaction (`after_commit`): a socket event's wrapper commits
after its handler, so a handler announces as it goes and nothing leaves before it is stored.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from flask import current_app
from limits.storage import Storage, storage_from_string

from ..extensions import socketio
from ..jobs import run_later
from ..sessions.models import LiveSession, Participant
from ..transactions import after_commit
from .presence import is_online
from .rooms import (
    FACILITATOR_NS,
    PARTICIPANT_NS,
    admitted_phones_room,
    consoles_room,
    facilitator_consoles_room,
    participant_phones_room,
    screen_room,
)
from .snapshot import participant_entry, session_entry, step_entry


def _emit(event: str, data: dict, to: str | list[str], namespace: str) -> None:
    after_commit(socketio.emit, event, data, to=to, namespace=namespace)


def announce_to_consoles(live_session_id: int, event: str, data: dict) -> None:
    """To every facilitator's console on the session (never the shared screen)."""
    _emit(event, data, consoles_room(live_session_id), FACILITATOR_NS)


def announce_to_facilitator(live_session_id: int, facilitator_id: int, event: str, data: dict) -> None:
    """To the consoles one facilitator has open on the session."""
    _emit(event, data, facilitator_consoles_room(live_session_id, facilitator_id), FACILITATOR_NS)


def announce_to_screen(live_session_id: int, event: str, data: dict) -> None:
    """To the session's shared screens only (what the whole room may see)."""
    _emit(event, data, screen_room(live_session_id), FACILITATOR_NS)


def announce_to_room(live_session_id: int, event: str, data: dict) -> None:
    """To the admitted participants, the consoles and the shared screen of a session."""
    _emit(event, data, admitted_phones_room(live_session_id), PARTICIPANT_NS)
    _emit(event, data, [consoles_room(live_session_id), screen_room(live_session_id)], FACILITATOR_NS)


def announce_to_participant(participant_id: int, event: str, data: dict) -> None:
    """To every connection of one participant (what only they may see)."""
    _emit(event, data, participant_phones_room(participant_id), PARTICIPANT_NS)


_due_soon: set[str] = set()
# Claims shared by every worker, in RATELIMIT_STORAGE_URI's store (Redis when scaling out).
_shared_claims: dict[str, Storage] = {}


def announce_soon(
    key: str,
    announce: Callable[[], None],
    *,
    interval_setting: str = "LIVE_UPDATE_INTERVAL",
    across_workers: bool = False,
) -> None:
    """Run `announce` in a moment, once for however many calls with this key arrive meanwhile.

    A burst of changes then costs one recount and one broadcast per interval
    (`app.config[interval_setting]`, in seconds; 0 announces at once). With `across_workers`,
    the workers share it too: the first to claim the key in the shared store
    (RATELIMIT_STORAGE_URI, Redis when scaling out) announces, the others leave it to that one.
    What is announced is read from the database, so a worker that misses its moment loses
    nothing: the next change or reconnect shows it.
    """
    interval = current_app.config[interval_setting]
    if interval <= 0:
        announce()
        return
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    shared = across_workers and not uri.startswith("memory")
    if shared:
        # The store's expiry is in whole seconds; the announcement waits a little past it, so
        # whatever another worker committed before the claim ran out is counted in it.
        interval = max(1, math.ceil(interval))

    def announce_now() -> None:
        _due_soon.discard(key)  # changes from here on wait for the next moment
        announce()

    def schedule() -> None:
        if key in _due_soon:
            return
        if shared and _claims(uri).incr(f"stepwise/announce-soon/{key}", interval) != 1:
            return  # another worker (or this one) has it in hand
        _due_soon.add(key)
        run_later(interval + (SHARED_CLAIM_MARGIN if shared else 0), announce_now, f"announcing {key}")

    after_commit(schedule)


# How long past a shared claim's expiry its announcement waits (clocks and the store's latency).
SHARED_CLAIM_MARGIN = 0.1


def _claims(uri: str) -> Storage:
    if uri not in _shared_claims:
        storage = storage_from_string(uri)
        assert isinstance(storage, Storage)  # not the asyncio kind, for an async:// URI
        _shared_claims[uri] = storage
    return _shared_claims[uri]


def announce_participant(participant: Participant) -> None:
    """Tell the consoles a participant's presence or status changed."""
    entry = participant_entry(participant, is_online(participant.id))
    announce_to_consoles(participant.live_session_id, "participant_updated", entry)


def announce_step(live_session: LiveSession) -> None:
    announce_to_room(live_session.id, "step_changed", {"step": step_entry(live_session)})


def announce_session(live_session: LiveSession) -> None:
    """Settings that every screen shows (title, lock) changed."""
    announce_to_room(live_session.id, "session_updated", {"session": session_entry(live_session)})
