"""The seat cookie: a signed note on the phone that brings it back to the same participant."""

from __future__ import annotations

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .models import LiveSession, Participant

_SALT = "stepwise.participant-seat"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def cookie_name(live_session_id: int) -> str:
    return f"stepwise_seat_{live_session_id}"


def give_seat(response: Response, participant: Participant) -> None:
    """Remember this phone's participant for this session in an HttpOnly cookie."""
    token = _serializer().dumps({"p": participant.id, "s": participant.live_session_id})
    response.set_cookie(
        cookie_name(participant.live_session_id),
        token,
        max_age=current_app.config["SEAT_COOKIE_MAX_AGE"],
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def seat_participant_id(request: Request, live_session: LiveSession) -> int | None:
    """The participant id the phone's cookie holds for this session, if the signature is good."""
    token = request.cookies.get(cookie_name(live_session.id))
    if not token:
        return None
    try:
        data = _serializer().loads(token, max_age=current_app.config["SEAT_COOKIE_MAX_AGE"])
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != live_session.id or not isinstance(data.get("p"), int):
        return None
    return data["p"]
