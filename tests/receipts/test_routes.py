"""The receipt from the take-home page, the public /verify page, and the published keys."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.receipts import keys, services
from facilitator.summaries.formatting import long_day

from ..conftest import csrf_token, post_form
from .conftest import EARLY_START, START, code_in


def download(seat, name: str = "", *, time_zone: str = "", client=None):
    # The CSRF token comes from /verify, whose form is always there: the take-home page may have
    # no form at all (no receipt offered, and the late pulse closed PULSE_LATE_HOURS after the end).
    return post_form(
        client or seat.phone.client,
        seat.receipt_url,
        {"name": name, "time_zone": time_zone},
        form_url="/verify",
    )


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def verify(client, data: dict, **kwargs):
    page = client.get("/verify")
    return client.post(
        "/verify", data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data}, **kwargs
    )


# --- the take-home page -----------------------------------------------------------------------


def test_the_take_home_page_offers_the_phone_that_attended_a_receipt(attended):
    page = attended.phone.client.get(attended.take_home_url).get_data(as_text=True)
    assert 'id="attendance-receipt"' in page
    assert "you were here for about <strong>1 h 30 min</strong>" in page
    assert 'name="name"' in page and 'maxlength="60"' in page
    assert 'name="time_zone"' in page
    # The name used in the room is not filled in.
    assert "Quiet Heron" not in page


def test_another_device_is_told_where_receipts_are_made(client, attended):
    page = client.get(attended.take_home_url).get_data(as_text=True)
    assert "on the phone you joined with, within 12 hours of joining" in page
    assert 'name="name"' not in page


def test_nothing_is_said_of_receipts_where_the_group_offers_none(attend, group):
    seat = attend(group)
    assert not group.attendance_receipts
    page = seat.phone.client.get(seat.take_home_url).get_data(as_text=True)
    assert "attendance-receipt" not in page and "receipt" not in page.lower()
    response = download(seat, client=seat.phone.client)
    assert response.status_code == 403
    assert "This group doesn't offer attendance receipts." in html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("admitted", "left", "waiting_room"),
    [(None, 30, True), (None, None, True), (0, 2, False)],
    ids=["left-the-waiting-room", "still-waiting-at-the-end", "two-minutes"],
)
def test_someone_who_did_not_attend_is_offered_nothing_and_refused(
    attend, receipts_group, admitted, left, waiting_room
):
    seat = attend(receipts_group, admitted=admitted, left=left, waiting_room=waiting_room)
    page = seat.phone.client.get(seat.take_home_url).get_data(as_text=True)
    assert "attendance-receipt" not in page
    response = download(seat)
    assert response.status_code == 403
    assert "No receipt this time" in response.get_data(as_text=True)


def test_someone_removed_from_the_waiting_room_gets_no_receipt(app, facilitator, join, receipts_group):
    from facilitator.sessions import services as session_services

    from .conftest import end_with_times, take_home_token

    live_session = session_services.create_session(facilitator, receipts_group, title="W", waiting_room=True)
    db.session.commit()
    phone = join(live_session, "Waiting", connect=False)
    session_services.remove_participant(facilitator, live_session, phone.participant_id)
    db.session.commit()
    end_with_times(facilitator, live_session, {})
    response = post_form(
        phone.client,
        f"/take-home/{take_home_token(live_session)}/receipt",
        {"name": ""},
        form_url="/verify",
    )
    assert response.status_code == 403


# --- the receipt ------------------------------------------------------------------------------


def test_the_receipt_is_a_pdf_saying_what_it_signs(attended):
    response = download(attended, "Sam Lee")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="attendance-receipt-{START.date().isoformat()}.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    pdf = response.get_data()
    text = pdf_text(pdf)
    for expected in (
        "Attendance receipt",
        "Group Tuesday Recovery Circle",
        f"Date {long_day(START)}",
        "Time attended 1 h 30 min (to the nearest 5 minutes)",
        "Name Sam Lee",
        "http://localhost/verify",
        "http://localhost/receipts/public-keys",
        "Stepwise keeps no copy of this receipt",
    ):
        assert expected in text, expected
    code = code_in(pdf)
    # The printed code, lines joined, is the one in the file's keywords.
    assert code in text.replace(" ", "")
    checked = services.verify_code(code)
    assert (checked.receipt.group, checked.receipt.minutes, checked.receipt.name) == (
        "Tuesday Recovery Circle",
        90,
        "Sam Lee",
    )


def test_without_a_typed_name_the_receipt_has_none_and_never_the_room_name(attended):
    pdf = download(attended).get_data()
    assert "Name No name: none was given." in pdf_text(pdf)
    assert "Quiet Heron" not in pdf_text(pdf)
    assert services.verify_code(code_in(pdf)).receipt.name is None


def test_the_phone_s_time_zone_sets_the_date(attend, receipts_group):
    seat = attend(receipts_group, start=EARLY_START)
    evening_before = EARLY_START - timedelta(days=1)
    late = download(seat, time_zone="America/Los_Angeles")
    assert late.headers["Content-Disposition"].endswith(f'attendance-receipt-{evening_before.date()}.pdf"')
    assert long_day(evening_before) in pdf_text(late.get_data())
    odd = download(seat, time_zone="Not/A_Zone")
    assert long_day(EARLY_START) in pdf_text(odd.get_data())


def test_a_name_too_long_is_refused_kindly(attended):
    response = download(attended, "x" * 61)
    assert response.status_code == 400
    assert "Please keep the name to 60 characters or fewer." in response.get_data(as_text=True)


def test_the_form_needs_its_csrf_token(app, attended):
    app.config["WTF_CSRF_ENABLED"] = True
    response = attended.phone.client.post(attended.receipt_url, data={"name": ""})
    assert response.status_code == 400
    assert "This form had expired" in response.get_data(as_text=True)


def test_a_closed_or_unknown_take_home_link_makes_no_receipt(attended):
    attended.live_session.ended_at = utcnow() - timedelta(days=8)
    attended.live_session.started_at = attended.live_session.ended_at - timedelta(hours=2)
    db.session.commit()
    closed = post_form(attended.phone.client, attended.receipt_url, {}, form_url="/verify")
    assert closed.status_code == 410
    response = post_form(attended.phone.client, "/take-home/not-a-real-link/receipt", {}, form_url="/verify")
    assert response.status_code == 404


def test_receipts_are_rate_limited(app, attended):
    app.config["RECEIPT_RATE_LIMIT"] = "2 per minute"
    assert [download(attended).status_code for _ in range(3)] == [200, 200, 429]


# --- /verify ----------------------------------------------------------------------------------


def test_the_verify_page_shows_what_the_receipt_says_and_nothing_of_the_person(client, attended):
    code = code_in(download(attended, "Sam Lee").get_data())
    response = verify(client, {"code": code})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This receipt is genuine" in page
    assert re.search(r'id="receipt-group">Tuesday Recovery Circle<', page)
    assert f'id="receipt-date">{long_day(START)}<' in page
    assert "about 1 h 30 min, to the nearest 5 minutes" in page
    assert "Sam Lee" in page  # it is in the receipt itself
    participant, live_session = attended.participant, attended.live_session
    for private in (
        participant.display_name,
        live_session.title,
        live_session.join_token,
        attended.token,
        f"/sessions/{live_session.id}",
        participant.joined_at.strftime("%H:%M"),
        participant.left_at.strftime("%H:%M"),
    ):
        assert private not in page, private


def test_a_changed_receipt_is_not_confirmed(client, attended):
    code = code_in(download(attended).get_data())
    changed = code[:-1] + ("A" if code[-1] != "A" else "B")
    page = verify(client, {"code": changed}).get_data(as_text=True)
    assert "We couldn't confirm this receipt" in html.unescape(page)
    assert "Tuesday Recovery Circle" not in page


def test_the_receipt_s_file_can_be_chosen_instead(client, attended):
    pdf = download(attended).get_data()
    response = verify(
        client,
        {"receipt_file": (io.BytesIO(pdf), "attendance-receipt.pdf")},
        content_type="multipart/form-data",
    )
    assert "This receipt is genuine" in response.get_data(as_text=True)
    other = verify(
        client,
        {"receipt_file": (io.BytesIO(b"%PDF-1.4 nothing here"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert "We couldn't find a receipt code in that." in html.unescape(other.get_data(as_text=True))


def test_an_empty_check_is_asked_for_a_code(client, facilitator):
    response = verify(client, {"code": "  "})
    assert response.status_code == 400
    assert "Please paste a receipt's code, or choose its file." in html.unescape(
        response.get_data(as_text=True)
    )


def test_the_verify_form_needs_its_csrf_token(app, client, facilitator):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/verify", data={"code": "SWR1.a.b"}).status_code == 400


def test_checks_are_rate_limited(app, client, facilitator):
    app.config["RECEIPT_RATE_LIMIT"] = "2 per minute"
    assert [verify(client, {"code": "not one"}).status_code for _ in range(3)] == [200, 200, 429]


# --- the published keys -------------------------------------------------------------------------


def test_the_public_keys_are_published(app, client, attended):
    current = client.get("/receipts/public-keys").get_json()
    assert current["algorithm"] == "Ed25519"
    assert [(key["kid"], key["current"]) for key in current["keys"]] == [(keys.public_keys(app)[0].kid, True)]
    pem = client.get("/receipts/public-key.pem")
    assert pem.mimetype == "text/plain"
    assert pem.get_data(as_text=True) == current["keys"][0]["public_key_pem"]
    assert pem.get_data(as_text=True).startswith("-----BEGIN PUBLIC KEY-----")
    old_kid = current["keys"][0]["kid"]
    keys.rotate(app)
    rotated = client.get("/receipts/public-keys").get_json()["keys"]
    assert [key["current"] for key in rotated] == [True, False]
    assert rotated[1]["kid"] == old_kid
    assert "PRIVATE" not in client.get("/receipts/public-keys").get_data(as_text=True)
