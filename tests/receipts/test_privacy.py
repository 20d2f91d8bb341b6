"""The server keeps nothing that links a receipt to a participant: making one and checking it
leaves every table exactly as it was, and no log line names the person or holds the code."""

from __future__ import annotations

import logging

from sqlalchemy import select

from facilitator.extensions import db
from facilitator.receipts import services

from ..conftest import csrf_token, post_form
from .conftest import code_in


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table the models know, as plain values."""
    db.session.expire_all()
    return {
        table.name: sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
        for table in db.metadata.sorted_tables
    }


def test_making_and_checking_a_receipt_writes_nothing(app, client, attended, caplog):
    before = every_row()
    assert before["participant"], "the participant is in the database"
    caplog.set_level(logging.DEBUG)
    pdf = post_form(
        attended.phone.client, attended.receipt_url, {"name": "Sam Lee"}, form_url=attended.take_home_url
    ).get_data()
    code = code_in(pdf)
    page = client.get("/verify").get_data(as_text=True)
    checked = client.post("/verify", data={"csrf_token": csrf_token(page), "code": code})
    assert "This receipt is genuine" in checked.get_data(as_text=True)
    assert every_row() == before
    for record in caplog.records:
        message = record.getMessage()
        assert code not in message and "Sam Lee" not in message and "Quiet Heron" not in message


def test_two_people_s_receipts_for_the_same_time_are_the_same(attend, receipts_group, facilitator, join):
    """Nothing in a receipt tells its holder apart from another who stayed as long: no seat, no
    session id, no serial number, no time of making."""
    from facilitator.sessions import services as session_services

    from .conftest import end_with_times

    live_session = session_services.create_session(facilitator, receipts_group, title="W", waiting_room=False)
    db.session.commit()
    ana, bo = join(live_session, "Ana", connect=False), join(live_session, "Bo", connect=False)
    end_with_times(facilitator, live_session, {ana.participant_id: (0, 62), bo.participant_id: (1, 61)})
    participants = [session_services.find_seat(live_session, phone.participant_id) for phone in (ana, bo)]
    codes = {services.issue_receipt(participant, live_session).code for participant in participants}
    assert len(codes) == 1
    payload = services.verify_code(codes.pop()).receipt.payload()
    assert set(payload) == {"type", "v", "kid", "group", "date", "minutes"}
