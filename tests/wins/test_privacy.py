"""Small wins stay anonymous for real: no column, log line or payload ties one to a person."""

import logging

import pytest
from sqlalchemy import inspect, text

from facilitator.audit.models import AuditEntry
from facilitator.errors import NotAllowed
from facilitator.extensions import db, socketio
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.safety.models import SafetyFlag
from facilitator.sessions import services as session_services
from facilitator.sessions.anonymity import keyed_hash
from facilitator.sessions.models import LiveSession, SocketConnection
from facilitator.wins.models import Win

from ..conftest import drain, emit_ok, walk

WIN_COLUMNS = {
    "id",
    "live_session_id",
    "text",
    "kind",
    "status",
    "held",
    "spotlit",
    "author_key",
    "resend_key",
    "shared_at",
    "release_at",
    "wall_position",
}
REACTION_COLUMNS = {"id", "win_id", "reaction", "reactor_key"}
AUTHOR_FIELDS = {
    "participant_id",
    "participant",
    "author",
    "author_key",
    "resend_key",
    "reactor_key",
    "name",
    "sid",
}


@pytest.fixture
def screen(app, facilitator_client, live_session):
    return socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=facilitator_client,
    )


def run_a_session(console, live_session, join):
    """Two wins by one author, one by another, reactions all round, moderation both ways."""
    author, fan, quiet = (join(live_session, name) for name in ("Author Alpha", "Fan Beta", "Quiet Gamma"))
    ids = [
        emit_ok(
            author.socket,
            PARTICIPANT_NS,
            "share_win",
            {"client_id": f"author-win-{n}", "text": f"Alpha win {n}"},
        )["win"]["id"]
        for n in range(2)
    ]
    ids.append(
        emit_ok(
            fan.socket,
            PARTICIPANT_NS,
            "share_win",
            {"client_id": "fan-win-0", "text": "Beta win", "kind": "said_no"},
        )["win"]["id"]
    )
    emit_ok(
        quiet.socket,
        PARTICIPANT_NS,
        "share_win",
        {"client_id": "quiet-win-0", "text": "i want to end my life"},
    )
    for win_id in ids:
        emit_ok(console, FACILITATOR_NS, "approve_win", {"win_id": win_id})
    emit_ok(console, FACILITATOR_NS, "spotlight_win", {"win_id": ids[0]})
    for phone in (fan, quiet, author):
        for win_id in ids[:2]:
            for reaction in ("clap", "heart"):
                emit_ok(
                    phone.socket, PARTICIPANT_NS, "react_to_win", {"win_id": win_id, "reaction": reaction}
                )
    emit_ok(console, FACILITATOR_NS, "hide_win", {"win_id": ids[2]})
    emit_ok(console, FACILITATOR_NS, "set_wins_approval", {"need_approval": False})
    return [author, fan, quiet], ids


def end(facilitator, live_session) -> None:
    """End the session (what the console's button and POST /sessions/<id>/end both do)."""
    session_services.end_session(facilitator, live_session)
    db.session.commit()


def identifying_values(live_session, phones) -> set[str]:
    """Everything that would name a participant or their connection."""
    rows = db.session.execute(
        db.select(SocketConnection.sid).where(SocketConnection.live_session_id == live_session.id)
    )
    sids = {sid for (sid,) in rows}
    names = {participant.display_name for participant in live_session.participants}
    assert len(sids) >= len(phones) and len(names) == len(phones)
    return sids | names


def all_rows(table: str) -> list[dict]:
    return [dict(row._mapping) for row in db.session.execute(text(f"SELECT * FROM {table}"))]


def test_after_the_session_ends_no_column_ties_a_win_or_reaction_to_anyone(
    facilitator, console, live_session, join
):
    phones, win_ids = run_a_session(console, live_session, join)
    identifying = identifying_values(live_session, phones)
    end(facilitator, live_session)
    db.session.expire_all()

    wins, reactions = all_rows("win"), all_rows("win_reaction")
    assert (len(wins), len(reactions)) == (4, 12)
    # Exactly these columns: a new one that could hold an author must be looked at here first.
    assert set(wins[0]) == WIN_COLUMNS and set(reactions[0]) == REACTION_COLUMNS
    inspector = inspect(db.engine)
    for table in ("win", "win_reaction"):
        assert {fk["referred_table"] for fk in inspector.get_foreign_keys(table)} <= {"live_session", "win"}
    for row in wins + reactions:
        for value in row.values():
            assert not any(str(value) == found or found in str(value) for found in identifying)
    # The keys differ for every win and every (person, win): not even one author's wins group together.
    for column, rows in (("author_key", wins), ("resend_key", wins), ("reactor_key", reactions)):
        keys = [row[column] for row in rows]
        assert len(set(keys)) == len(keys), column
    # Ids are random, so their order says nothing about who shared first.
    assert all(not str(win_id).isdigit() for win_id in win_ids)
    # Times only to the minute; no time at all on reactions.
    for shared_at in db.session.scalars(db.select(Win.shared_at)):
        assert (shared_at.second, shared_at.microsecond) == (0, 0)
    assert all(row["release_at"] is None for row in wins)

    # The key is gone: nobody, this code included, can recompute who a hash stood for.
    assert db.session.execute(text("SELECT anonymity_key FROM live_session")).scalar_one() is None
    live_session = db.session.get(LiveSession, live_session.id)
    with pytest.raises(NotAllowed):
        keyed_hash(live_session, "win-author", phones[0].participant_id, win_ids[0])

    # The held win's safety flag has the words, never the person.
    [flag] = db.session.scalars(db.select(SafetyFlag).where(SafetyFlag.source == "win")).all()
    assert flag.participant_id is None
    # The audit log names the facilitator's actions on wins, never a participant.
    for entry in db.session.scalars(db.select(AuditEntry).where(AuditEntry.action.like("win%"))):
        assert set(entry.detail) <= {"win_id", "need_approval"}


def test_no_log_line_mentions_who_shared_or_reacted(caplog, facilitator, console, live_session, join):
    caplog.set_level(logging.DEBUG)
    phones, _ = run_a_session(console, live_session, join)
    identifying = identifying_values(live_session, phones)
    participant_ids = {f"participant_id={phone.participant_id}" for phone in phones}
    end(facilitator, live_session)
    win_texts = {"Alpha win", "Beta win", "end my life"}
    for record in caplog.records:
        line = record.getMessage() + (record.exc_text or "")
        assert not any(found in line for found in identifying | participant_ids | win_texts), line


def win_payloads(messages) -> list:
    """The wins-related part of every message: win events, and the wins part of snapshots."""
    found = []
    for message in messages:
        payload = message["args"][0] if message["args"] else None
        if message["name"] == "session_state":
            found.append(payload["wins"])
        elif message["name"].startswith("win"):
            found.append(payload)
    return found


def test_no_payload_tells_the_facilitator_or_others_who_shared(
    app, facilitator_client, console, screen, live_session, join
):
    phones, _ = run_a_session(console, live_session, join)
    author, fan, _ = phones
    identifying = identifying_values(live_session, phones)
    fresh_console = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id},
        flask_test_client=facilitator_client,
    )
    observed = {
        "console": drain(console, FACILITATOR_NS) + drain(fresh_console, FACILITATOR_NS),
        "screen": drain(screen, FACILITATOR_NS),
        "fan": drain(fan.socket, PARTICIPANT_NS),
    }
    for viewer, messages in observed.items():
        payloads = win_payloads(messages)
        assert payloads, viewer
        for item in walk(payloads):
            assert item not in AUTHOR_FIELDS, (viewer, item)
            assert not (isinstance(item, str) and any(found in item for found in identifying)), (viewer, item)
    # The author receives exactly what everyone else receives when their win is shown or reacted to.
    broadcast = ("wins_shown", "win_reactions", "win_spotlit", "win_removed")
    author_messages = drain(author.socket, PARTICIPANT_NS)
    assert [m for m in author_messages if m["name"] in broadcast] == [
        m for m in observed["fan"] if m["name"] in broadcast
    ]
