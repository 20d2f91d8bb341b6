"""The two namespaces, and the rooms of a session, named by the server from database ids.

A client never names a room. Each name says who is in it, and no two can be mistaken for each
other: they all start with what they belong to and end with who is listening.
"""

from __future__ import annotations

FACILITATOR_NS = "/facilitator"
PARTICIPANT_NS = "/participant"


def consoles_room(live_session_id: int) -> str:
    """Every facilitator's console on a session (not the shared screen)."""
    return f"session:{live_session_id}:consoles"


def facilitator_consoles_room(live_session_id: int, facilitator_id: int) -> str:
    """The consoles one facilitator has open on a session."""
    return f"session:{live_session_id}:facilitator:{facilitator_id}:consoles"


def screen_room(live_session_id: int) -> str:
    """The projected shared screen: only what the whole room may see."""
    return f"session:{live_session_id}:screen"


def admitted_phones_room(live_session_id: int) -> str:
    """The phones of the participants let into the room (not those in the waiting room)."""
    return f"session:{live_session_id}:admitted-phones"


def participant_phones_room(participant_id: int) -> str:
    """Every connection of one participant, for what only they may see."""
    return f"participant:{participant_id}:phones"
