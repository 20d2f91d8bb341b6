"""A statement run past the ORM session (facilitator/statements.py): committed when it returns,
its values stored as the ORM stores them, nothing left behind when it fails."""

from datetime import datetime

import pytest
from sqlalchemy import bindparam, insert, text
from sqlalchemy.exc import IntegrityError

from facilitator.extensions import db
from facilitator.sessions.models import ServerWorker
from facilitator.statements import DirectStatement


def _build_worker_insert(_dialect: str):
    return (
        insert(ServerWorker)
        .values(id=bindparam("id"), started_at=bindparam("at"), heartbeat_at=bindparam("at"))
        .returning(ServerWorker.id)
    )


record_worker = DirectStatement(_build_worker_insert)
BEAT = datetime(2026, 11, 30, 16, 5, 0)  # no microseconds: the driver's own date format differs there


def test_the_row_is_committed_when_it_returns_and_reads_back_as_the_orm_wrote_it(app):
    assert record_worker.first_value({"id": "worker-a", "at": BEAT}) == "worker-a"
    with db.engine.connect() as elsewhere:  # another connection sees it: committed
        assert elsewhere.execute(text("SELECT id FROM server_worker")).scalars().all() == ["worker-a"]
    stored = db.session.get(ServerWorker, "worker-a")
    assert stored is not None and (stored.started_at, stored.heartbeat_at) == (BEAT, BEAT)


def test_a_failing_statement_writes_nothing_and_the_next_one_works(app):
    record_worker.first_value({"id": "worker-a", "at": BEAT})
    with pytest.raises(IntegrityError):
        record_worker.first_value({"id": "worker-a", "at": BEAT})
    assert record_worker.first_value({"id": "worker-b", "at": BEAT}) == "worker-b"
    assert sorted(db.session.scalars(db.select(ServerWorker.id))) == ["worker-a", "worker-b"]
