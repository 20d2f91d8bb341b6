"""Small wins: sharing and taking back, moderating, batched release, and reactions.

Nothing here stores or logs who shared or reacted: a person is recognised only through keyed
hashes (facilitator/sessions/anonymity.py) that are different for every win. See docs/privacy.md.
"""

from __future__ import annotations

import hmac
import math
import secrets
from collections import defaultdict
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, select, update

from ..accounts.models import Facilitator
from ..audit.services import record_action
from ..clock import utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..safety.models import SafetyFlag
from ..safety.services import find_risk, flag_text
from ..sessions.anonymity import keyed_hash, to_minute
from ..sessions.limits import check_limits
from ..sessions.models import LiveSession, Participant
from .models import (
    REACTION_LABELS,
    WIN_KIND_LABELS,
    WIN_TEXT_MAX_LENGTH,
    Reaction,
    Win,
    WinReaction,
    WinStatus,
    new_win_id,
)

SHARE_RATE_MESSAGE = "Thank you for sharing so much! Please wait a minute before sharing another win."
REACTION_RATE_MESSAGE = "So much cheering! Please wait a moment before reacting again."
# Words of risk past the limits, again within RISK_BYPASS_INTERVAL_SECONDS.
SHARE_RISK_MESSAGE = (
    "Thank you for sharing this. Please wait a minute before sharing another win. If you're going "
    "through something hard right now, the numbers under “Need urgent help?” at the top of your "
    "screen are there for you, any time, and you can ask the facilitator for support."
)
NOT_FOUND_MESSAGE = "We couldn't find that win. It may have been taken back."
_SLOT_EPOCH = datetime(2000, 1, 1)


def _author_key(live_session: LiveSession, participant: Participant, win_id: str) -> str:
    return keyed_hash(live_session, "win-author", participant.id, win_id)


def _reactor_key(live_session: LiveSession, participant: Participant, win_id: str, reaction: str) -> str:
    return keyed_hash(live_session, "win-reaction", participant.id, win_id, reaction)


def load_win(live_session: LiveSession, win_id: str) -> Win:
    """The win, if it belongs to this session; otherwise (or once taken back) not found."""
    win = db.session.get(Win, win_id)
    if win is None or win.live_session_id != live_session.id:
        raise NotFound(NOT_FOUND_MESSAGE)
    return win


def clean_win(text: str, kind: str | None) -> tuple[str, str | None]:
    """Check a win's words and kind; returns them tidied."""
    text = (text or "").strip()
    if not text:
        raise Invalid("Please write a few words about your win first. Small is perfect.")
    if len(text) > WIN_TEXT_MAX_LENGTH:
        raise Invalid(f"Please keep your win to {WIN_TEXT_MAX_LENGTH} characters. A few words are plenty.")
    if kind and kind not in WIN_KIND_LABELS:
        raise Invalid("We don't know that kind of win. Please pick one from the list, or none.")
    return text, kind or None


def release_slot(now: datetime, batch_seconds: int) -> datetime:
    """When a win shared now appears: at least `batch_seconds` later, at the start of a shared slot.

    Every win shared within the same slot appears at the same moment, in shuffled order.
    """
    elapsed = (now - _SLOT_EPOCH).total_seconds() + batch_seconds
    return _SLOT_EPOCH + timedelta(seconds=math.ceil(elapsed / batch_seconds) * batch_seconds)


class SharedWin(NamedTuple):
    win: Win
    changed: bool  # False for a resend of a win already stored
    flag: SafetyFlag | None  # set when the words matched the risk phrase list


def share_win(
    participant: Participant, live_session: LiveSession, *, client_id: str, text: str, kind: str | None
) -> SharedWin:
    """Store a participant's win with no trace of them, waiting for approval or for its batch.

    A resend with the same client id is the same win. A win the safety net holds always waits
    for a facilitator, flags the words (never the person) to the facilitators, and goes past
    WIN_SHARE_RATE_LIMIT once per RISK_BYPASS_INTERVAL_SECONDS (facilitator/sessions/limits.py).
    """
    resend_key = keyed_hash(live_session, "win-resend", participant.id, client_id)
    existing = db.session.scalar(
        select(Win).where(Win.live_session_id == live_session.id, Win.resend_key == resend_key)
    )
    if existing is not None:
        return SharedWin(existing, changed=False, flag=None)
    text, kind = clean_win(text, kind)
    risk = find_risk(text)
    check_limits(
        live_session,
        participant,
        "win-share",
        "WIN_SHARE_RATE_LIMIT",
        SHARE_RATE_MESSAGE,
        flagged=risk is not None,
        risk_message=SHARE_RISK_MESSAGE,
    )
    flag = flag_text(live_session, text, risk, "win") if risk else None
    now = utcnow()
    win_id = new_win_id()
    win = Win(
        id=win_id,
        live_session_id=live_session.id,
        text=text,
        kind=kind,
        held=flag is not None,
        author_key=_author_key(live_session, participant, win_id),
        resend_key=resend_key,
        shared_at=to_minute(now),
    )
    if live_session.wins_need_approval or flag is not None:
        win.status = WinStatus.PENDING
    else:
        win.status = WinStatus.QUEUED
        win.release_at = release_slot(now, current_app.config["WIN_BATCH_SECONDS"])
    db.session.add(win)
    db.session.flush()
    return SharedWin(win, changed=True, flag=flag)


def take_back_win(participant: Participant, live_session: LiveSession, win_id: str) -> Win:
    """A participant removes their own win, wherever it is; others' wins are not found."""
    win = load_win(live_session, win_id)
    if not hmac.compare_digest(win.author_key, _author_key(live_session, participant, win.id)):
        raise NotFound(NOT_FOUND_MESSAGE)
    db.session.delete(win)
    db.session.flush()
    return win


def _next_wall_position(live_session: LiveSession) -> int:
    highest = db.session.scalar(
        select(func.max(Win.wall_position)).where(Win.live_session_id == live_session.id)
    )
    return (highest or 0) + 1


def _put_on_wall(live_session: LiveSession, win: Win) -> None:
    win.status = WinStatus.SHOWN
    win.release_at = None
    win.wall_position = _next_wall_position(live_session)


def release_due_wins(live_session: LiveSession, now: datetime | None = None) -> list[Win]:
    """Put every queued win whose slot has come on the wall, in shuffled order.

    The conditional UPDATE claims the due wins, so when several workers try at once each win
    is released by exactly one of them. A plain read first keeps the usual case (nothing due)
    from taking a write lock.
    """
    due = (
        Win.live_session_id == live_session.id,
        Win.status == WinStatus.QUEUED,
        Win.release_at <= (now or utcnow()),
    )
    if db.session.scalar(select(Win.id).where(*due).limit(1)) is None:
        return []
    claimed = db.session.scalars(
        update(Win).where(*due).values(status=WinStatus.SHOWN, release_at=None).returning(Win.id)
    ).all()
    if not claimed:
        return []
    wins = list(
        db.session.scalars(select(Win).where(Win.id.in_(claimed)).execution_options(populate_existing=True))
    )
    secrets.SystemRandom().shuffle(wins)
    first = _next_wall_position(live_session)
    for offset, win in enumerate(wins):
        win.wall_position = first + offset
    db.session.flush()
    return wins


def approve_win(actor: Facilitator, live_session: LiveSession, win_id: str) -> Win:
    """Put a waiting (or hidden) win on the wall."""
    win = load_win(live_session, win_id)
    if win.is_shown:
        raise Invalid("This win is already on the wall.")
    _put_on_wall(live_session, win)
    record_action(actor, "win.approved", live_session=live_session, win_id=win.id)
    return win


def hide_win(actor: Facilitator, live_session: LiveSession, win_id: str) -> Win:
    """Keep a win off the wall (it stays in the console's hidden list)."""
    win = load_win(live_session, win_id)
    if win.status == WinStatus.HIDDEN:
        raise Invalid("This win is already hidden.")
    win.status = WinStatus.HIDDEN
    win.release_at = None
    win.wall_position = None
    win.spotlit = False
    record_action(actor, "win.hidden", live_session=live_session, win_id=win.id)
    return win


def spotlight_win(actor: Facilitator, live_session: LiveSession, win_id: str | None) -> Win | None:
    """Show one win large on every screen (putting it on the wall if needed), or none."""
    db.session.execute(
        update(Win).where(Win.live_session_id == live_session.id, Win.spotlit).values(spotlit=False)
    )
    if win_id is None:
        record_action(actor, "win.spotlight_cleared", live_session=live_session)
        return None
    win = load_win(live_session, win_id)
    if not win.is_shown:
        _put_on_wall(live_session, win)
    win.spotlit = True
    record_action(actor, "win.spotlit", live_session=live_session, win_id=win.id)
    return win


def set_wins_approval(actor: Facilitator, live_session: LiveSession, need_approval: bool) -> None:
    """Choose whether wins wait for a facilitator or appear at once, in shuffled batches."""
    live_session.wins_need_approval = need_approval
    record_action(actor, "wins.approval_changed", live_session=live_session, need_approval=need_approval)


def react_to_win(
    participant: Participant, live_session: LiveSession, win_id: str, reaction: str, on: bool
) -> bool:
    """Add (or take away) a participant's reaction of one kind; at most one of each kind per win.

    Returns whether anything changed (pressing an already pressed button changes nothing).
    """
    if reaction not in REACTION_LABELS:
        raise Invalid("We don't know that reaction. Please pick one of the buttons.")
    win = load_win(live_session, win_id)
    if not win.is_shown:
        raise NotFound("This win isn't on the wall any more.")
    key = _reactor_key(live_session, participant, win.id, reaction)
    mine = db.session.scalar(
        select(WinReaction).where(
            WinReaction.win_id == win.id, WinReaction.reaction == reaction, WinReaction.reactor_key == key
        )
    )
    if on == (mine is not None):
        return False
    check_limits(live_session, participant, "win-reaction", "WIN_REACTION_RATE_LIMIT", REACTION_RATE_MESSAGE)
    if on:
        db.session.add(WinReaction(win_id=win.id, reaction=reaction, reactor_key=key))
    else:
        db.session.delete(mine)
    db.session.flush()
    return True


# --- what screens see -------------------------------------------------------------------------


def session_wins(live_session: LiveSession) -> list[Win]:
    """Every win of the session: the wall in its order, then the rest oldest first."""
    return list(
        db.session.scalars(
            select(Win)
            .where(Win.live_session_id == live_session.id)
            .order_by(Win.wall_position.is_(None), Win.wall_position, Win.shared_at, Win.id)
        )
    )


def no_reactions() -> dict[str, int]:
    """Zero of every reaction: a win nobody has reacted to yet."""
    return {reaction.value: 0 for reaction in Reaction}


def reaction_counts(win_ids: list[str]) -> dict[str, dict[str, int]]:
    """Reactions per win, every kind present (zero when nobody chose it)."""
    counts = {win_id: no_reactions() for win_id in win_ids}
    rows = db.session.execute(
        select(WinReaction.win_id, WinReaction.reaction, func.count())
        .where(WinReaction.win_id.in_(win_ids))
        .group_by(WinReaction.win_id, WinReaction.reaction)
    )
    for win_id, reaction, count in rows:
        counts[win_id][reaction] = count
    return counts


def wall_entry(win: Win, reactions: dict[str, int] | None = None) -> dict:
    """A win as everyone sees it on the wall: the words, never who wrote them."""
    return {
        "id": win.id,
        "text": win.text,
        "kind": win.kind,
        "spotlit": win.spotlit,
        "reactions": reactions or no_reactions(),
    }


def console_entry(win: Win, reactions: dict[str, int] | None = None) -> dict:
    """A win as facilitators see it: the wall entry, its status, and whether the safety net held it."""
    return {**wall_entry(win, reactions), "status": win.status, "held": win.held}


def own_entry(win: Win) -> dict:
    """A win as its author sees it in "your wins"."""
    return {"id": win.id, "text": win.text, "kind": win.kind, "status": win.status}


def own_wins(live_session: LiveSession, participant: Participant, wins: list[Win]) -> list[dict]:
    """Which of these wins the participant shared (recognised by the keyed hash alone)."""
    if live_session.anonymity_key is None:
        return []
    return [
        own_entry(win)
        for win in wins
        if hmac.compare_digest(win.author_key, _author_key(live_session, participant, win.id))
    ]


def own_reactions(
    live_session: LiveSession, participant: Participant, wins: list[Win]
) -> dict[str, list[str]]:
    """The reactions the participant gave, per win, so a reload shows their buttons pressed."""
    if live_session.anonymity_key is None or not wins:
        return {}
    keys = {
        _reactor_key(live_session, participant, win.id, reaction): win.id
        for win in wins
        for reaction in Reaction
    }
    mine: dict[str, list[str]] = defaultdict(list)
    for key, reaction in db.session.execute(
        select(WinReaction.reactor_key, WinReaction.reaction)
        .where(WinReaction.reactor_key.in_(keys))
        .order_by(WinReaction.reaction)
    ):
        mine[keys[key]].append(reaction)
    return dict(mine)
