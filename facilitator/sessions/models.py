"""Live sessions of a group, the participants in them, and their open connections."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    LargeBinary,
    Select,
    String,
    bindparam,
    exists,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import Model
from ..groups.models import Group

# No 0/O, 1/I/L: a code read off a wall is typed right the first time.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
WORKER_ID_LENGTH = 100


class SessionState(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class ParticipantStatus(StrEnum):
    WAITING = "waiting"  # in the waiting room, not yet admitted
    PRESENT = "present"
    LEFT = "left"
    REMOVED = "removed"


def new_join_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(typed: str) -> str:
    """What a person typed, as stored: capitals, without the spaces and dashes people add."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


class LiveSession(Model):
    """One meeting of a group: scheduled, then live, then ended."""

    __tablename__ = "live_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(12), default=SessionState.SCHEDULED)
    scheduled_for: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    join_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_join_token)
    join_code: Mapped[str | None] = mapped_column(String(JOIN_CODE_LENGTH), unique=True)
    waiting_room: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    current_step: Mapped[int] = mapped_column(default=0)
    # Small wins wait for a facilitator's approval; otherwise they appear in shuffled batches.
    # (The server default is spelled so that one migration works on SQLite and PostgreSQL alike.)
    wins_need_approval: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    # Key for the keyed hashes that stand in for a person in anonymous records; destroyed at the end.
    anonymity_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"))
    # The last facilitator action (see audit.services.record_action): a session left idle ends itself.
    last_activity_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[Group] = relationship()
    participants: Mapped[list[Participant]] = relationship(
        back_populates="live_session", order_by="Participant.joined_at"
    )

    @property
    def is_live(self) -> bool:
        return self.state == SessionState.LIVE

    @property
    def is_ended(self) -> bool:
        return self.state == SessionState.ENDED

    @property
    def display_code(self) -> str | None:
        return f"{self.join_code[:3]}-{self.join_code[3:]}" if self.join_code else None

    def start(self, now: datetime) -> None:
        self.state = SessionState.LIVE
        self.started_at = now
        self.anonymity_key = secrets.token_bytes(32)

    def end(self, now: datetime) -> None:
        """End the session: the join code is freed and the anonymity key destroyed."""
        self.state = SessionState.ENDED
        self.ended_at = now
        self.join_code = None
        self.anonymity_key = None

    def step(self) -> dict | None:
        agenda = self.group.agenda or []
        return agenda[self.current_step] if 0 <= self.current_step < len(agenda) else None


class Participant(Model):
    """Someone in a session, known only by the name they chose. No account, no e-mail."""

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default=ParticipantStatus.PRESENT)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When they were let into the room: on joining, or when admitted from the waiting room (None:
    # never let in). Their time in the session runs from here (attendance receipts).
    admitted_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]
    # The joining browser, as a keyed hash under this session's anonymity key: it cannot link a
    # browser across sessions, and it is cleared when the session ends. It only keeps a browser
    # the facilitator removed from joining this session again.
    device_key: Mapped[str | None] = mapped_column(String(64))

    live_session: Mapped[LiveSession] = relationship(back_populates="participants")

    @property
    def is_removed(self) -> bool:
        return self.status == ParticipantStatus.REMOVED

    @property
    def is_in_room(self) -> bool:
        """Admitted and still here: takes part in rounds and receives what the room receives."""
        return self.status == ParticipantStatus.PRESENT


class ServerWorker(Model):
    """A server process that holds connections. It beats every WORKER_HEARTBEAT_SECONDS; one
    whose beat is older than WORKER_DEAD_AFTER_SECONDS is dead, and a live one removes its
    connections (facilitator/realtime/workers.py)."""

    __tablename__ = "server_worker"

    # Made when the process starts serving: host, process id and a random part.
    id: Mapped[str] = mapped_column(String(WORKER_ID_LENGTH), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)


class SocketConnection(Model):
    """An open Socket.IO connection, kept in the database so any worker can see presence or end it."""

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The server_worker holding it. Not a foreign key: its rows are read, removed and announced
    # after the dead worker's row is claimed (deleted), in the same transaction. Rows written
    # before workers were recorded have none, and count as live.
    worker_id: Mapped[str | None] = mapped_column(String(WORKER_ID_LENGTH), index=True)
    namespace: Mapped[str] = mapped_column(String(20))
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilitator.id", ondelete="CASCADE"), index=True
    )
    # The facilitator's sign-in that opened the connection: ending that sign-in closes it.
    sign_in_id: Mapped[int | None] = mapped_column(ForeignKey("sign_in.id", ondelete="CASCADE"), index=True)
    # A projected shared screen: a facilitator's connection, but nobody is reading alerts on it.
    is_screen: Mapped[bool] = mapped_column(default=False)
    connected_at: Mapped[datetime] = mapped_column(default=utcnow)


def live_worker_ids(dead_before: datetime) -> Select[str]:
    """The workers that beat at or after `dead_before`."""
    return select(ServerWorker.id).where(ServerWorker.heartbeat_at >= dead_before)


def on_live_worker(dead_before: datetime) -> ColumnElement[bool]:
    """Connections held by a live worker (one that beat at or after `dead_before`): a dead
    worker's rows linger until a live worker removes them, and meanwhile they count for nothing."""
    return or_(
        SocketConnection.worker_id.is_(None), SocketConnection.worker_id.in_(live_worker_ids(dead_before))
    )


def still_seated() -> ColumnElement[bool]:
    """SQL for what a participant's event requires, for the statement that writes to check as
    it writes: the connection `:sid` is still open as participant `:participant_id` of session
    `:live_session_id` (a console's connection has no participant), who is in the room, and the
    session is live."""
    connection, participant, live_session = (
        SocketConnection.__table__.c,
        Participant.__table__.c,
        LiveSession.__table__.c,
    )
    return exists().where(
        connection.sid == bindparam("sid"),
        connection.participant_id == bindparam("participant_id"),
        connection.live_session_id == bindparam("live_session_id"),
        participant.id == connection.participant_id,
        participant.status == ParticipantStatus.PRESENT,
        live_session.id == connection.live_session_id,
        live_session.state == SessionState.LIVE,
    )
