"""Who may have a receipt, how long it says they stayed, and signing and checking it."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from facilitator.errors import Invalid, NotAllowed
from facilitator.extensions import db
from facilitator.receipts import keys, services
from facilitator.receipts.services import Receipt
from facilitator.sessions import services as session_services

from .conftest import EARLY_START, START

# --- rounding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [
        (0, 0),
        (149, 0),  # 2 min 29 s: under half of 5 minutes
        (150, 5),  # 2 min 30 s: halves go up
        (7 * 60 + 29, 5),
        (7 * 60 + 30, 10),
        (44 * 60, 45),
        (87 * 60 + 29, 85),
        (87 * 60 + 30, 90),
        (92 * 60, 90),
        (-30, 0),
    ],
)
def test_time_attended_is_rounded_to_the_nearest_5_minutes(seconds, minutes):
    assert services.rounded_minutes(seconds) == minutes


@pytest.mark.parametrize(
    ("admitted", "left", "minutes"),
    [
        (0, None, 120),  # let in at the start, stayed to the end of a 120-minute session
        (0, 92, 90),  # left after 92 minutes
        (30, None, 90),  # let in from the waiting room after half an hour
        (30, 32.4, 0),  # 2 min 24 s
        (10, 12.5, 5),  # 2 min 30 s
        (None, 60, 0),  # never let in (waiting room only, or removed from it)
        (0, 500, 120),  # a time past the end counts until the end
    ],
)
def test_attended_minutes_run_from_being_let_in_until_leaving_or_the_end(
    attend, receipts_group, admitted, left, minutes
):
    seat = attend(receipts_group, admitted=admitted, left=left, minutes=120)
    assert services.attended_minutes(seat.participant, seat.live_session) == minutes


def test_joining_lets_in_at_once_without_a_waiting_room_and_on_admission_with_one(
    app, facilitator, receipts_group
):
    open_room = session_services.create_session(facilitator, receipts_group, title="Open", waiting_room=False)
    walked_in = session_services.join_session(open_room, "Ana")
    assert walked_in.admitted_at is not None
    waiting_room = session_services.create_session(
        facilitator, receipts_group, title="Wait", waiting_room=True
    )
    waiting = session_services.join_session(waiting_room, "Bo")
    others = [session_services.join_session(waiting_room, name) for name in ("Cy", "Di")]
    db.session.flush()
    assert waiting.admitted_at is None
    session_services.admit_participant(facilitator, waiting_room, waiting.id)
    assert waiting.admitted_at is not None
    session_services.admit_everyone(facilitator, waiting_room)
    assert all(other.admitted_at is not None for other in others)


# --- who may have one ---------------------------------------------------------------------------


def test_a_seat_that_attended_gets_the_rounded_minutes(attended):
    assert services.check_can_have_receipt(attended.participant, attended.live_session) == 90


def test_no_receipt_when_the_group_turned_them_off(attended):
    attended.live_session.group.attendance_receipts = False
    with pytest.raises(NotAllowed, match="doesn't offer attendance receipts"):
        services.issue_receipt(attended.participant, attended.live_session)


@pytest.mark.parametrize(("admitted", "left"), [(None, 40), (None, None), (0, 2.4)])
def test_no_receipt_for_someone_never_let_in_or_there_under_2_and_a_half_minutes(
    attend, receipts_group, admitted, left
):
    seat = attend(receipts_group, admitted=admitted, left=left)
    with pytest.raises(NotAllowed, match="time spent in the session"):
        services.issue_receipt(seat.participant, seat.live_session)


def test_no_receipt_for_a_phone_without_a_seat_or_with_another_session_s(attend, receipts_group):
    first, second = attend(receipts_group), attend(receipts_group)
    with pytest.raises(NotAllowed, match="on the phone you joined with, within 12 hours"):
        services.issue_receipt(None, first.live_session)
    with pytest.raises(NotAllowed, match="on the phone you joined with"):
        services.issue_receipt(second.participant, first.live_session)


def test_no_receipt_before_the_session_ends(app, facilitator, receipts_group):
    live_session = session_services.create_session(
        facilitator, receipts_group, title="Now", waiting_room=False
    )
    participant = session_services.join_session(live_session, "Ana")
    participant.admitted_at = datetime(2026, 3, 3, 18, 0)
    with pytest.raises(NotAllowed):
        services.issue_receipt(participant, live_session)


def test_the_name_is_only_what_was_typed(attended):
    plain = services.issue_receipt(attended.participant, attended.live_session)
    assert plain.receipt.name is None
    assert "name" not in plain.receipt.payload()
    assert "Quiet Heron" not in plain.code and "Quiet Heron" not in json.dumps(plain.receipt.payload())
    named = services.issue_receipt(attended.participant, attended.live_session, name="  Sam   Lee ")
    assert named.receipt.name == "Sam Lee"
    with pytest.raises(Invalid, match="60 characters"):
        services.issue_receipt(attended.participant, attended.live_session, name="x" * 61)


def test_the_date_is_the_session_s_start_in_the_phone_s_time_zone(attend, receipts_group):
    # 02:00 UTC is the evening before in Los Angeles.
    seat = attend(receipts_group, start=EARLY_START)
    assert services.issue_receipt(seat.participant, seat.live_session).receipt.day == EARLY_START.date()
    los_angeles = services.time_zone("America/Los_Angeles")
    assert los_angeles == ZoneInfo("America/Los_Angeles")
    signed = services.issue_receipt(seat.participant, seat.live_session, zone=los_angeles)
    assert signed.receipt.day == EARLY_START.date() - timedelta(days=1)


@pytest.mark.parametrize("name", ["", None, "Not/A_Zone", "../../etc/passwd", "/etc/localtime", "x" * 65])
def test_an_unknown_time_zone_means_utc(name):
    assert services.time_zone(name) is None


# --- signing and checking -------------------------------------------------------------------------


def test_a_receipt_s_signature_verifies(app, attended):
    signed = services.issue_receipt(attended.participant, attended.live_session, name="Sam Lee")
    checked = services.verify_code(signed.code)
    assert checked.receipt == signed.receipt
    assert checked.current_key
    assert checked.receipt.group == "Tuesday Recovery Circle"
    assert checked.receipt.day == START.date()
    assert checked.receipt.minutes == 90


def test_the_code_is_canonical_json_and_an_ed25519_signature_of_exactly_it(app, attended):
    signed = services.issue_receipt(attended.participant, attended.live_session, name="Zoë")
    prefix, body, signature = signed.code.split(".")
    assert prefix == "SWR1"
    payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    assert (
        payload
        == json.dumps(
            {
                "date": START.date().isoformat(),
                "group": "Tuesday Recovery Circle",
                "kid": keys.public_keys(app)[0].kid,
                "minutes": 90,
                "name": "Zoë",
                "type": "stepwise-attendance",
                "v": 1,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
    )
    # Checked with the published key alone, as anyone can offline.
    keys.public_keys(app)[0].key.verify(base64.urlsafe_b64decode(signature + "=="), payload)


def test_every_changed_character_fails(app, attended):
    code = services.issue_receipt(attended.participant, attended.live_session).code
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    start = len("SWR1.")
    for position in range(start, len(code)):
        if code[position] == ".":
            continue
        replacement = alphabet[(alphabet.index(code[position]) + 1) % len(alphabet)]
        changed = code[:position] + replacement + code[position + 1 :]
        with pytest.raises(Invalid):
            services.verify_code(changed)


def test_a_changed_byte_of_the_payload_fails_even_when_well_formed(app, attended):
    code = services.issue_receipt(attended.participant, attended.live_session).code
    _, body, signature = code.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["minutes"] = 120
    forged = base64.urlsafe_b64encode(services.canonical_json(payload)).rstrip(b"=").decode()
    with pytest.raises(Invalid, match="could not be confirmed"):
        services.verify_code(f"SWR1.{forged}.{signature}")


def test_a_receipt_signed_by_another_key_fails_even_with_this_server_s_key_id(app, attended):
    genuine = services.issue_receipt(attended.participant, attended.live_session)
    other = Ed25519PrivateKey.generate()
    body = services.canonical_json(genuine.receipt.payload())
    signature = base64.urlsafe_b64encode(other.sign(body)).rstrip(b"=").decode()
    encoded = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
    with pytest.raises(Invalid, match="could not be confirmed"):
        services.verify_code(f"SWR1.{encoded}.{signature}")


@pytest.mark.parametrize(
    "change",
    [
        {"minutes": 7},
        {"minutes": 0},
        {"minutes": "90"},
        {"minutes": True},
        {"type": "something-else"},
        {"v": 2},
        {"date": "yesterday"},
        {"group": ""},
        {"name": ""},
        {"extra": "field"},
    ],
)
def test_a_well_signed_payload_of_the_wrong_shape_fails(app, change):
    """Only receipts this code makes are shown, even if the key signed something else."""
    kid = keys.public_keys(app)[0].kid
    payload = {**Receipt("Group", date(2026, 3, 3), 90, None, kid).payload(), **change}
    body = services.canonical_json(payload)
    signature = keys.signing_key(app).sign(body)
    code = ".".join(
        ["SWR1", *(base64.urlsafe_b64encode(part).rstrip(b"=").decode() for part in (body, signature))]
    )
    with pytest.raises(Invalid, match="could not be confirmed"):
        services.verify_code(code)


@pytest.mark.parametrize(
    "text", ["", "hello", "SWR1.", "SWR1.abc.def", "SWR2." + "a" * 200, "SWR1.%%%." + "a" * 86]
)
def test_text_without_a_code_is_told_so(app, text):
    with pytest.raises(Invalid, match="couldn't find a receipt code"):
        services.verify_code(text)


def test_a_code_is_found_across_line_breaks_and_beside_other_words(app, attended):
    code = services.issue_receipt(attended.participant, attended.live_session).code
    pasted = (
        "Receipt code\n" + "\n".join(code[i : i + 64] for i in range(0, len(code), 64)) + "\nStepwise keeps"
    )
    assert services.find_code(pasted) == code
    assert services.verify_code(pasted).receipt.minutes == 90


def test_receipts_made_before_a_key_rotation_still_verify(app, attended):
    before = services.issue_receipt(attended.participant, attended.live_session)
    old_kid = keys.public_keys(app)[0].kid
    retired, _ = keys.rotate(app)
    assert retired.kid == old_kid
    after = services.issue_receipt(attended.participant, attended.live_session)
    assert after.receipt.kid != old_kid
    assert not services.verify_code(before.code).current_key
    assert services.verify_code(after.code).current_key
    # Without the retired key, the old receipt is no longer this server's.
    (keys.key_dir(app) / keys.RETIRED_DIR / f"{old_kid}.pem").unlink()
    with pytest.raises(Invalid):
        services.verify_code(before.code)


def test_attendance_never_exceeds_a_day(attend, receipts_group):
    seat = attend(receipts_group, minutes=26 * 60)
    assert services.attended_minutes(seat.participant, seat.live_session) == 24 * 60
    assert seat.live_session.ended_at - seat.live_session.started_at == timedelta(hours=26)
