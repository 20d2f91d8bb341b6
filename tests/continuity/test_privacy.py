"""Returning members at database level: after "forget me" no row links a person's seats, and
anonymous rounds and wins stay unlinkable for returning members too."""

from __future__ import annotations

import secrets

from sqlalchemy import inspect, text

from facilitator.continuity import services
from facilitator.continuity.models import ReturningMember, ReturningSeat
from facilitator.extensions import db
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services as session_services

from ..conftest import emit_ok, facilitator_socket
from .test_sockets import end, new_key, next_session


def all_rows(table: str) -> list[dict]:
    return [dict(row._mapping) for row in db.session.execute(text(f'SELECT * FROM "{table}"'))]


def rows_linking(seat_ids: set[int]) -> list[tuple[str, dict]]:
    """Every row of every table whose values hold two or more of these seats' ids, or that refers
    to a returning member at all."""
    linking = []
    inspector = inspect(db.engine)
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        participant_columns = {
            fk["constrained_columns"][0]
            for fk in inspector.get_foreign_keys(table)
            if fk["referred_table"] == "participant"
        }
        member_columns = {
            fk["constrained_columns"][0]
            for fk in inspector.get_foreign_keys(table)
            if fk["referred_table"] == "returning_member"
        }
        for row in all_rows(table):
            seats = {row[column] for column in participant_columns} & seat_ids
            if table == "participant":
                seats |= {row["id"]} & seat_ids
            if len(seats) > 1 or any(row[column] is not None for column in member_columns):
                linking.append((table, row))
    return linking


def test_after_forget_no_row_links_the_persons_seats(
    app, facilitator, facilitator_client, group, live_session, join
):
    key = new_key()
    seats = set()
    for week in range(3):
        current = live_session if week == 0 else next_session(facilitator, group, f"Week {13 + week}")
        console = facilitator_socket(app, facilitator_client, current)
        phone = join(current, "Quiet Heron")
        seats.add(phone.participant_id)
        event = {"key": key}
        emit_ok(phone.socket, PARTICIPANT_NS, "remember_me" if week == 0 else "recognise_me", event)
        opened = emit_ok(console, FACILITATOR_NS, "open_round", {"kind": "checkin"})
        emit_ok(
            phone.socket,
            PARTICIPANT_NS,
            "submit_checkin",
            {"round_id": opened["round_id"], "client_id": secrets.token_hex(8), "mood": 5},
        )
        emit_ok(
            phone.socket,
            PARTICIPANT_NS,
            "submit_next_step",
            {"client_id": f"step-{week:04}", "text": f"Step {week}", "shared": True},
        )
        if week:
            emit_ok(phone.socket, PARTICIPANT_NS, "step_follow_up", {"outcome": "did_it"})
        if week < 2:
            end(facilitator, current)
    assert len(rows_linking(seats)) == 3 + 1  # three seat links and the key's row

    emit_ok(phone.socket, PARTICIPANT_NS, "forget_me")
    db.session.expire_all()
    assert rows_linking(seats) == []
    assert all_rows("returning_member") == all_rows("returning_key") == all_rows("returning_seat") == []
    # What stays is each seat's own: its step and follow-up on that seat alone.
    assert {row["participant_id"] for row in all_rows("next_step")} == seats


def test_anonymous_answers_and_wins_of_a_returning_member_stay_unlinkable(
    app, facilitator, facilitator_client, console, group, live_session, join
):
    phone = join(live_session, "Quiet Heron")
    emit_ok(phone.socket, PARTICIPANT_NS, "remember_me", {"key": new_key()})
    member = db.session.scalars(db.select(ReturningMember)).one()
    opened = emit_ok(console, FACILITATOR_NS, "open_round", {"kind": "custom", "anonymous": True})
    emit_ok(
        phone.socket,
        PARTICIPANT_NS,
        "submit_checkin",
        {"round_id": opened["round_id"], "client_id": "anon-0001", "mood": 3, "note": "heavy week"},
    )
    emit_ok(phone.socket, PARTICIPANT_NS, "share_win", {"client_id": "win-00001", "text": "Went outside"})
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    db.session.expire_all()

    link_values = {
        str(phone.participant_id),
        str(member.id),
        member.phrase_hash,
        *(row["key_hash"] for row in all_rows("returning_key")),
        "Quiet Heron",
    }
    answers, wins = all_rows("checkin_answer"), all_rows("win")
    assert len(answers) == len(wins) == 1
    assert answers[0]["participant_id"] is None
    for row in answers + wins:
        for column, value in row.items():
            if column not in {"id", "round_id", "live_session_id", "mood"}:
                assert str(value) not in link_values, (column, value)
    # The returning member's own history has nothing from the anonymous round.
    seat = db.session.get(session_services.Participant, phone.participant_id)
    assert services.mood_history(seat) == []
    assert db.session.scalars(db.select(ReturningSeat.participant_id)).all() == [phone.participant_id]
