"""Socket.IO handlers for small wins. See docs/protocol.md ("Small wins") and docs/privacy.md."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from flask import current_app
from pydantic import Field, StringConstraints

from ..clock import utcnow
from ..extensions import db
from ..jobs import run_later
from ..realtime.announce import announce_soon, announce_to_consoles, announce_to_room
from ..realtime.callers import FacilitatorCaller, ParticipantCaller
from ..realtime.events import ClientId, Payload, SocketEvents, ok
from ..realtime.snapshot import Viewer
from ..safety.sockets import announce_safety_flag
from ..sessions.models import LiveSession, Participant
from . import services
from .models import WIN_TEXT_MAX_LENGTH, WinStatus

WinId = Annotated[str, StringConstraints(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")]


class SharePayload(Payload):
    client_id: ClientId
    text: str = Field(max_length=WIN_TEXT_MAX_LENGTH)
    kind: str | None = Field(default=None, max_length=30)


class WinRef(Payload):
    win_id: WinId


class SpotlightPayload(Payload):
    win_id: WinId | None


class ReactionPayload(Payload):
    win_id: WinId
    reaction: str = Field(max_length=20)
    on: bool = True


class ApprovalPayload(Payload):
    need_approval: bool


events = SocketEvents()


def wins_state(live_session: LiveSession, viewer: Viewer, participant: Participant | None) -> dict:
    """The wall for everyone; the queue and hidden wins for facilitators; a participant's own wins."""
    wins = services.session_wins(live_session)
    wall = [win for win in wins if win.is_shown]
    counts = services.reaction_counts([win.id for win in wall])
    spotlit = next((win for win in wall if win.spotlit), None)
    state = {
        "need_approval": live_session.wins_need_approval,
        "wall": [services.wall_entry(win, counts[win.id]) for win in wall],
        "spotlight": spotlit.id if spotlit else None,
    }
    if viewer == "facilitator":
        state["queue"] = [services.console_entry(w) for w in wins if w.status == WinStatus.PENDING]
        state["hidden"] = [services.console_entry(w) for w in wins if w.status == WinStatus.HIDDEN]
    elif participant is not None:
        state["yours"] = services.own_wins(live_session, participant, wins)
        state["reacted"] = services.own_reactions(live_session, participant, wall)
    return {"wins": state}


def release_and_announce(live_session: LiveSession) -> None:
    """Release the batches whose time has come, and show them to the room once committed.

    Also run before every snapshot: batches a lost timer left behind are released then, so
    nothing waits past its time."""
    released = services.release_due_wins(live_session)
    if released:
        announce_to_room(live_session.id, "wins_shown", {"wins": [services.wall_entry(w) for w in released]})


def schedule_release(live_session_id: int, release_at: datetime) -> None:
    """Wake up in this process when a batch is due. Shares and connects also release due
    batches, so a timer lost with its process loses no win."""
    if current_app.config["TESTING"]:
        return  # tests call release_due_batches themselves
    delay = max((release_at - utcnow()).total_seconds(), 0)
    run_later(delay, lambda: release_due_batches(live_session_id), "releasing a batch of small wins")


def release_due_batches(live_session_id: int) -> None:
    """What the timer does when it wakes: release the session's due batches, if it is still live."""
    live_session = db.session.get(LiveSession, live_session_id)
    if live_session is not None and live_session.is_live:
        release_and_announce(live_session)
        db.session.commit()


def announce_removed(live_session: LiveSession, win_id: str, reason: str) -> None:
    """Tell every screen a win left the wall: "hidden" by a facilitator or "taken_back" by its author."""
    announce_to_room(live_session.id, "win_removed", {"win_id": win_id, "reason": reason})


# --- participant events -----------------------------------------------------------------------


@events.participant("share_win", SharePayload)
def share_win(caller: ParticipantCaller, payload: SharePayload) -> dict:
    """Participant shares a win, anonymously.

    Facilitators get `win_pending` when it waits for approval; otherwise the room gets it in
    `wins_shown` when its batch is due. A held win also sends the facilitators `safety_flagged`.
    """
    shared = services.share_win(
        caller.participant,
        caller.live_session,
        client_id=payload.client_id,
        text=payload.text,
        kind=payload.kind,
    )
    if shared.flag is not None:
        announce_safety_flag(shared.flag)
    if shared.changed and shared.win.status == WinStatus.PENDING:
        announce_to_consoles(
            caller.live_session.id, "win_pending", {"win": services.console_entry(shared.win)}
        )
    elif shared.changed and shared.win.status == WinStatus.QUEUED and shared.win.release_at is not None:
        schedule_release(caller.live_session.id, shared.win.release_at)
    release_and_announce(caller.live_session)
    return ok(client_id=payload.client_id, win=services.own_entry(shared.win), held=shared.flag is not None)


@events.participant("take_back_win", WinRef)
def take_back_win(caller: ParticipantCaller, payload: WinRef) -> dict:
    """Participant takes back their own win; everyone gets `win_removed`."""
    services.take_back_win(caller.participant, caller.live_session, payload.win_id)
    announce_removed(caller.live_session, payload.win_id, "taken_back")
    return ok()


def announce_reactions(live_session: LiveSession, win_id: str) -> None:
    """Send everyone a win's counts; a burst of reactions costs one count and one broadcast."""
    live_session_id = live_session.id

    def recount() -> None:
        reactions = services.reaction_counts([win_id])[win_id]
        announce_to_room(live_session_id, "win_reactions", {"win_id": win_id, "reactions": reactions})

    announce_soon(f"win-reactions-{win_id}", recount)


@events.participant("react_to_win", ReactionPayload)
def react_to_win(caller: ParticipantCaller, payload: ReactionPayload) -> dict:
    """Participant adds or takes away a reaction; everyone gets the new counts in `win_reactions`."""
    changed = services.react_to_win(
        caller.participant, caller.live_session, payload.win_id, payload.reaction, payload.on
    )
    if changed:
        announce_reactions(caller.live_session, payload.win_id)
    return ok()


# --- facilitator events -----------------------------------------------------------------------


@events.facilitator("approve_win", WinRef)
def approve_win(caller: FacilitatorCaller, payload: WinRef) -> dict:
    """Facilitator puts a waiting or hidden win on the wall; everyone gets `wins_shown`."""
    win = services.approve_win(caller.facilitator, caller.live_session, payload.win_id)
    reactions = services.reaction_counts([win.id])[win.id]
    announce_to_room(caller.live_session.id, "wins_shown", {"wins": [services.wall_entry(win, reactions)]})
    return ok()


@events.facilitator("hide_win", WinRef)
def hide_win(caller: FacilitatorCaller, payload: WinRef) -> dict:
    """Facilitator keeps a win off the wall; everyone gets `win_removed`."""
    services.hide_win(caller.facilitator, caller.live_session, payload.win_id)
    announce_removed(caller.live_session, payload.win_id, "hidden")
    return ok()


@events.facilitator("spotlight_win", SpotlightPayload)
def spotlight_win(caller: FacilitatorCaller, payload: SpotlightPayload) -> dict:
    """Facilitator shows one win large on every screen (or none); everyone gets `win_spotlit`."""
    win = services.spotlight_win(caller.facilitator, caller.live_session, payload.win_id)
    entry = services.wall_entry(win, services.reaction_counts([win.id])[win.id]) if win else None
    announce_to_room(caller.live_session.id, "win_spotlit", {"win": entry})
    return ok()


@events.facilitator("set_wins_approval", ApprovalPayload)
def set_wins_approval(caller: FacilitatorCaller, payload: ApprovalPayload) -> dict:
    """Facilitator chooses approval first or "show at once"; everyone gets `wins_approval_changed`."""
    services.set_wins_approval(caller.facilitator, caller.live_session, payload.need_approval)
    announce_to_room(
        caller.live_session.id, "wins_approval_changed", {"need_approval": payload.need_approval}
    )
    return ok()
