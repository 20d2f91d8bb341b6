"""The live channel (Socket.IO): what every capability's socket handlers stand on.

- rooms.py: the two namespaces and the rooms of a session, named from database ids.
- events.py: payload rules and the one wrapper every event goes through (`SocketEvents`).
- callers.py: who sent an event, loaded from the connection's row and checked every time.
- presence.py: open connections in the database, closing them on any worker.
- workers.py: the server processes holding them: heartbeats, dead workers' rows, draining.
- snapshot.py: the `session_state` snapshot, which each capability adds its part to.
- announce.py: telling screens what changed, once it is committed.
- room.py: the room's own handlers (connect, presence, agenda, admitting, removing, ending).

The path of one answer: the phone emits `submit_checkin` on /participant; events.py checks the
rate, the payload and the caller (callers.py); the check-ins handler calls the check-ins
service, which records the answer, and announces `answer_recorded` to the consoles; the wrapper
commits, the announcement goes out (announce.py), and the phone gets its ack.

The foundation (accounts, groups, sessions) never imports this package: it sends signals
(facilitator/signals.py), and `init_app` connects the receivers that close connections and
tell the room.
"""

from __future__ import annotations

from flask import Flask

from .. import signals
from ..jobs import add_periodic_job
from ..sessions.models import LiveSession
from ..summaries.services import take_home_url
from . import room, workers
from .announce import announce_session, announce_to_participant, announce_to_room
from .events import SocketSessionInterface
from .presence import close_facilitator_connections, close_phones_of_session
from .snapshot import session_entry


def init_app(app: Flask) -> None:
    """Register the room's handlers and the workers' heartbeat, and listen for the foundation's signals."""
    room.register(app)
    app.session_interface = SocketSessionInterface()  # no cookie decoded again per socket event
    add_periodic_job(app, "WORKER_HEARTBEAT_SECONDS", workers.keep_workers)
    signals.session_started.connect(_session_started)
    signals.session_ended.connect(_session_ended)
    signals.sign_ins_ended.connect(_sign_ins_ended)
    signals.left_group.connect(_left_group)


def _session_started(live_session: LiveSession) -> None:
    """A scheduled session was opened: consoles already showing it switch to live."""
    announce_session(live_session)


def _session_ended(live_session: LiveSession) -> None:
    """Tell every screen the session ended (with the participants' take-home link), waiting
    phones too, then close the phones' connections."""
    data = {"session": session_entry(live_session), "take_home_url": take_home_url(live_session)}
    announce_to_room(live_session.id, "session_ended", data)
    for participant in live_session.participants:
        if participant.status == "waiting":
            announce_to_participant(participant.id, "session_ended", data)
    close_phones_of_session(live_session)


def _sign_ins_ended(facilitator_id: int, *, sign_in_ids: list[int] | None) -> None:
    """Signed out, a password changed, an account switched off: close the consoles they opened."""
    close_facilitator_connections(facilitator_id, sign_in_ids=sign_in_ids)


def _left_group(facilitator_id: int, *, group_id: int) -> None:
    """No longer one of the group's facilitators: close their consoles on its sessions."""
    close_facilitator_connections(facilitator_id, group_id=group_id)
