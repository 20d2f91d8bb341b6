"""The safety net: every free text a participant writes passes through `screen_participant_text`
(or, where limits decide first whether the text is stored at all, `find_risk` then `flag_text`).

A text the risk screen flags is held from the group by the caller, and the session's facilitators
get a private safety flag with the text, the reasons and the urgency. See docs/safety.md.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..accounts.models import Facilitator
from ..audit.services import record_action
from ..clock import isoformat, utcnow
from ..errors import NotFound
from ..extensions import db
from ..sessions.models import LiveSession, Participant
from .models import SafetyFlag
from .screening import URGENT, ScreenResult, load_phrase_list
from .second_opinion import RiskModel, load_model, screen_with_second_opinion


def screen_participant_text(
    live_session: LiveSession, text: str | None, source: str, participant: Participant | None = None
) -> SafetyFlag | None:
    """Screen a participant's text; on a match, add (flush) a safety flag and return it.

    Pass `participant` only where the text is not anonymous.
    """
    risk = find_risk(text)
    return flag_text(live_session, text, risk, source, participant) if risk and text else None


def find_risk(text: str | None) -> ScreenResult | None:
    """What the risk screen found in a participant's text, or None; stores nothing."""
    if not text:
        return None
    config = current_app.config
    phrases = load_phrase_list(config["RISK_PHRASES_FILE"] or None)
    result = screen_with_second_opinion(
        text, phrases, risk_model(), config["RISK_MODEL_THRESHOLD"], config["RISK_MODEL_CONTEXT_THRESHOLD"]
    )
    return result if result.flagged else None


def risk_model() -> RiskModel | None:
    """The statistical second opinion the settings ask for, or None when RISK_MODEL_FILE is "off"."""
    setting = current_app.config["RISK_MODEL_FILE"]
    return None if setting == "off" else load_model(setting or None)


def flag_text(
    live_session: LiveSession,
    text: str,
    risk: ScreenResult,
    source: str,
    participant: Participant | None = None,
) -> SafetyFlag:
    """Add (flush) the safety flag for a text the screen matched; `participant` only if not anonymous."""
    flag = SafetyFlag(
        live_session_id=live_session.id,
        participant_id=participant.id if participant else None,
        source=source,
        text=text,
        categories=list(risk.categories),
        matched=list(risk.matched),
        reasons=list(risk.reasons),
        urgency=risk.urgency or URGENT,
    )
    db.session.add(flag)
    db.session.flush()
    return flag


def flag_entry(flag: SafetyFlag) -> dict:
    """A safety flag as the console shows it."""
    participant = db.session.get(Participant, flag.participant_id) if flag.participant_id else None
    return {
        "id": flag.id,
        "source": flag.source,
        "text": flag.text,
        "categories": flag.categories,
        "matched": flag.matched,
        "reasons": flag.reasons,
        "urgency": flag.urgency,
        # So the console can group one person's flags; null when the text was anonymous.
        "participant_id": flag.participant_id,
        "name": participant.display_name if participant else None,
        "created_at": isoformat(flag.created_at),
        "acknowledged": flag.acknowledged_at is not None,
    }


def acknowledge_flag(actor: Facilitator, live_session: LiveSession, flag_id: int) -> SafetyFlag:
    """Mark a safety flag as read; acknowledging twice changes nothing."""
    flag = db.session.get(SafetyFlag, flag_id)
    if flag is None or flag.live_session_id != live_session.id:
        raise NotFound("We couldn't find that flag.")
    if flag.acknowledged_at is None:
        flag.acknowledge(actor.id, utcnow())
        record_action(actor, "safety_flag.acknowledged", live_session=live_session, flag_id=flag_id)
    return flag


def session_flags(live_session: LiveSession) -> list[SafetyFlag]:
    """Every safety flag of the session, oldest first."""
    return list(
        db.session.scalars(
            select(SafetyFlag)
            .where(SafetyFlag.live_session_id == live_session.id)
            .order_by(SafetyFlag.created_at, SafetyFlag.id)
        )
    )
