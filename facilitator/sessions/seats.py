"""The phone's cookies: the seat, a signed note that brings it back to the same participant, and
the device marker, a random id that lets a session recognise a browser its facilitator removed."""

from __future__ import annotations

import secrets

from flask import Request, Response, after_this_request, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response as BaseResponse

from .models import LiveSession, Participant

_SALT = "stepwise.participant-seat"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def cookie_name(live_session_id: int) -> str:
    return f"stepwise_seat_{live_session_id}"


def give_seat(response: BaseResponse, participant: Participant) -> None:
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


# --- the device marker ------------------------------------------------------------------------

DEVICE_COOKIE = "stepwise_device"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600
_DEVICE_SALT = "stepwise.device"


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_DEVICE_SALT)


def _device_id_of(request: Request) -> str | None:
    token = request.cookies.get(DEVICE_COOKIE)
    if not token:
        return None
    try:
        device_id = _device_serializer().loads(token, max_age=DEVICE_COOKIE_MAX_AGE)
    except BadSignature:
        return None
    return device_id if isinstance(device_id, str) and 16 <= len(device_id) <= 64 else None


def this_device(request: Request) -> str:
    """This browser's device id, from its cookie or newly made; the cookie is (re)set on the
    response, so it lasts a year from the last visit to a join page.

    The id itself is never stored: a session keeps only a keyed hash of it (services.device_key).
    """
    device_id = _device_id_of(request) or secrets.token_urlsafe(24)

    @after_this_request
    def remember_device(response: Response) -> Response:
        response.set_cookie(
            DEVICE_COOKIE,
            _device_serializer().dumps(device_id),
            max_age=DEVICE_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
        return response

    return device_id
