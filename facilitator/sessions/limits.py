"""Limits on what one participant does, counted across all their connections.

Every capability that limits a person (support requests, wins, reactions) calls `check_limits`,
so one rule decides, for all of them, how counting works and when words of risk go past a limit.
Counters live in RATELIMIT_STORAGE_URI (shared by every worker when it points at Redis; per
process with the default memory://) under keyed hashes (facilitator/sessions/anonymity.py), never a
participant id: the counter store cannot tell who acted, and once the session's key is destroyed
nobody can. See docs/privacy.md and docs/safety.md.
"""

from __future__ import annotations

from flask import current_app
from limits import RateLimitItem, RateLimitItemPerSecond, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from ..errors import NotAllowed
from .anonymity import keyed_hash
from .models import LiveSession, Participant

# Fixed windows, as for socket events: a moving window's in-memory storage rescans every key's
# events every 10 ms, which a room of thousands feels.
_limiters: dict[str, FixedWindowRateLimiter] = {}


def _limiter() -> FixedWindowRateLimiter:
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    if uri not in _limiters:
        _limiters[uri] = FixedWindowRateLimiter(storage_from_string(uri))
    return _limiters[uri]


def _count(
    live_session: LiveSession, participant: Participant, purpose: str, limits: list[RateLimitItem]
) -> bool:
    """Count one action against every limit; False, counting nothing, once any is reached.

    A refused action is not counted, so someone who keeps trying is not kept out for longer.
    """
    limiter = _limiter()
    key = keyed_hash(live_session, f"{purpose}-rate", participant.id)
    if not all(limiter.test(limit, purpose, key) for limit in limits):
        return False
    # Another worker may count between test and hit: each hit still says whether it fitted.
    return all([limiter.hit(limit, purpose, key) for limit in limits])


def within_limits(live_session: LiveSession, participant: Participant, purpose: str, setting: str) -> bool:
    """Count one `purpose` action of the participant against the limits in config[setting]."""
    return _count(live_session, participant, purpose, parse_many(current_app.config[setting]))


def risk_may_pass(live_session: LiveSession, participant: Participant, purpose: str) -> bool:
    """Whether words of risk may go past the limits now: once per RISK_BYPASS_INTERVAL_SECONDS."""
    once = RateLimitItemPerSecond(1, max(1, current_app.config["RISK_BYPASS_INTERVAL_SECONDS"]))
    return _count(live_session, participant, f"{purpose}-risk-bypass", [once])


def check_limits(
    live_session: LiveSession,
    participant: Participant,
    purpose: str,
    setting: str,
    message: str,
    *,
    flagged: bool = False,
    risk_message: str = "",
    over_cap: str | None = None,
) -> None:
    """Count one action of a participant, or refuse it with a kind `message`.

    `over_cap` is a capability's own reason to refuse (e.g. too many open requests), checked
    first. A text the risk screen flagged (`flagged`) goes past both, at most once per
    RISK_BYPASS_INTERVAL_SECONDS per participant and purpose; past that it goes through only
    within the limits, and otherwise is refused with `risk_message`, which points to the
    crisis numbers on the participant's screen.
    """
    if over_cap is None and within_limits(live_session, participant, purpose, setting):
        return
    if flagged and risk_may_pass(live_session, participant, purpose):
        return
    raise NotAllowed(risk_message if flagged and risk_message else over_cap or message)
