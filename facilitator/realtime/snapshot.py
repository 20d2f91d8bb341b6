"""The `session_state` snapshot: everything a screen needs to show the session as it is now.

A console, a phone or the shared screen gets it on connect (and a phone again on `sync`), so
late joiners, reloads, reconnects and restarts all land on the right screen. Each capability adds
its part in its own init_app (`add_state_part`). Building a snapshot only reads: what is due
(a batch of wins or answers whose time has come) is released first by the capabilities'
catch-ups (`add_catch_up`), which the connect handlers run before building it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from flask import Flask, current_app

from ..clock import isoformat
from ..sessions.models import LiveSession, Participant, ParticipantStatus
from .presence import online_participant_ids

# Who a snapshot is for: a facilitator's console, a participant's phone, or the projected screen.
Viewer = Literal["facilitator", "participant", "screen"]
StateBuilder = Callable[[LiveSession, Viewer, Participant | None], dict]
CatchUp = Callable[[LiveSession], None]


@dataclass(frozen=True)
class StatePart:
    """A capability's part of the snapshot; `while_waiting` parts also go to the waiting room."""

    name: str
    build: StateBuilder
    while_waiting: bool = False


def _registry(app: Flask) -> dict:
    return app.extensions.setdefault("stepwise.snapshot", {"parts": [], "catch_ups": []})


def add_state_part(app: Flask, name: str, build: StateBuilder, *, while_waiting: bool = False) -> None:
    """Add a capability's part to every snapshot (once per name)."""
    parts = _registry(app)["parts"]
    if all(part.name != name for part in parts):
        parts.append(StatePart(name, build, while_waiting))


def add_catch_up(app: Flask, catch_up: CatchUp) -> None:
    """Run `catch_up(live_session)` before a snapshot is built, to release what is due."""
    catch_ups = _registry(app)["catch_ups"]
    if catch_up not in catch_ups:
        catch_ups.append(catch_up)


def state_parts(app: Flask) -> list[StatePart]:
    return list(_registry(app)["parts"])


def catch_ups(app: Flask) -> list[CatchUp]:
    return list(_registry(app)["catch_ups"])


def catch_up(live_session: LiveSession) -> None:
    """Release whatever the capabilities hold back and whose time has come (writes, announces)."""
    if live_session.is_live:
        for release in catch_ups(current_app):
            release(live_session)


def participant_entry(participant: Participant, online: bool) -> dict:
    """A roster line, for facilitators only."""
    return {
        "id": participant.id,
        "name": participant.display_name,
        "status": participant.status,
        "online": online,
        "joined_at": isoformat(participant.joined_at),
    }


def roster(live_session: LiveSession) -> list[dict]:
    online_ids = online_participant_ids(live_session)
    return [participant_entry(p, p.id in online_ids) for p in live_session.participants]


def step_entry(live_session: LiveSession) -> dict | None:
    step = live_session.step()
    if step is None:
        return None
    return {**step, "index": live_session.current_step, "count": len(live_session.group.agenda)}


def session_entry(live_session: LiveSession) -> dict:
    return {
        "id": live_session.id,
        "title": live_session.title,
        "state": live_session.state,
        "locked": live_session.locked,
        "waiting_room": live_session.waiting_room,
    }


def participant_self(participant: Participant) -> dict:
    """What a phone knows of its own participant."""
    return {"id": participant.id, "name": participant.display_name, "status": participant.status}


def session_state(live_session: LiveSession, viewer: Viewer, participant: Participant | None = None) -> dict:
    """The whole current state for this viewer (read only).

    A participant in the waiting room gets only the step's title and their own things.
    """
    parts = state_parts(current_app)
    if participant is not None and participant.status == ParticipantStatus.WAITING:
        step = step_entry(live_session)
        state: dict = {
            "session": session_entry(live_session),
            "step": {"title": step["title"]} if step else None,
            "you": participant_self(participant),
        }
        parts = [part for part in parts if part.while_waiting]
    else:
        state = {"session": session_entry(live_session), "step": step_entry(live_session)}
        if viewer == "facilitator":
            state["roster"] = roster(live_session)
            state["agenda"] = live_session.group.agenda
        elif participant is not None:
            state["you"] = participant_self(participant)
    for part in parts:
        state.update(part.build(live_session, viewer, participant))
    return state
