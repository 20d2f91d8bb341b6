"""Socket.IO handlers for returning members and next small steps. See docs/protocol.md
("Returning members and next steps") and docs/privacy.md."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints, model_validator

from ..realtime.announce import announce_to_consoles
from ..realtime.callers import ParticipantCaller
from ..realtime.events import ClientId, Empty, Payload, SocketEvents, ok
from ..realtime.snapshot import Viewer
from ..sessions.models import LiveSession, Participant
from . import services
from .models import STEP_MAX_LENGTH

# The phone's private key for this group: 256 random bits, as 64 hex digits.
PhoneKey = Annotated[str, StringConstraints(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$")]


class RememberPayload(Payload):
    key: PhoneKey


class RecognisePayload(Payload):
    """The phone's key for this group, or the typed recovery phrase (with the phone's new key)."""

    key: PhoneKey | None = None
    phrase: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> RecognisePayload:
        if not self.key and not self.phrase:
            raise ValueError("Please send the phone's key or the recovery words.")
        return self


class StepPayload(Payload):
    client_id: ClientId
    text: Annotated[str, StringConstraints(max_length=STEP_MAX_LENGTH)]
    shared: bool = False


class FollowUpPayload(Payload):
    outcome: Literal["did_it", "partly", "not_this_time", "skip"]


events = SocketEvents()


def continuity_state(live_session: LiveSession, viewer: Viewer, participant: Participant | None) -> dict:
    """A phone: what is remembered about its own person. Consoles: returning badges and counts."""
    if viewer == "facilitator":
        return {"continuity": services.console_view(live_session)}
    if viewer == "participant" and participant is not None:
        return {"continuity": services.phone_view(participant)}
    return {}


def _announce(live_session: LiveSession) -> None:
    announce_to_consoles(live_session.id, "continuity_changed", services.console_view(live_session))


@events.participant("remember_me", RememberPayload)
def remember_me(caller: ParticipantCaller, payload: RememberPayload) -> dict:
    """ "Remember me in this group": the ack carries the recovery phrase, shown once."""
    phrase = services.remember(caller.participant, caller.live_session, payload.key)
    _announce(caller.live_session)
    return ok(phrase=phrase, continuity=services.phone_view(caller.participant))


@events.participant("recognise_me", RecognisePayload)
def recognise_me(caller: ParticipantCaller, payload: RecognisePayload) -> dict:
    """A returning phone (or the recovery phrase) links this seat to the person's earlier ones."""
    services.recognise(caller.participant, caller.live_session, payload.key, payload.phrase)
    _announce(caller.live_session)
    return ok(continuity=services.phone_view(caller.participant))


@events.participant("forget_me", Empty)
def forget_me(caller: ParticipantCaller, _payload: Empty) -> dict:
    """ "Forget me": every link between this person's seats is deleted for good."""
    services.forget(caller.participant)
    _announce(caller.live_session)
    return ok(continuity=services.phone_view(caller.participant))


@events.participant("submit_next_step", StepPayload)
def submit_next_step(caller: ParticipantCaller, payload: StepPayload) -> dict:
    """One small step for the coming week (an empty text removes it)."""
    services.write_step(caller.participant, caller.live_session, payload.text, payload.shared)
    _announce(caller.live_session)
    return ok(client_id=payload.client_id, continuity=services.phone_view(caller.participant))


@events.participant("step_follow_up", FollowUpPayload)
def step_follow_up(caller: ParticipantCaller, payload: FollowUpPayload) -> dict:
    """How the last step went: did it, partly, not this time, or skip. All fine."""
    services.follow_up(caller.participant, caller.live_session, payload.outcome)
    _announce(caller.live_session)
    return ok(continuity=services.phone_view(caller.participant))
