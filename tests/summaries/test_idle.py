"""A session left open ends by itself, once, and gets its summary."""

from datetime import timedelta

from facilitator import jobs
from facilitator.audit.models import AuditEntry
from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.sessions import services as session_services
from facilitator.sessions.models import ServerWorker, SessionState, SocketConnection
from facilitator.summaries import idle
from facilitator.summaries.models import SessionSummary

THREE_HOURS = timedelta(hours=3)


def left_open(live_session, ago=THREE_HOURS):
    """Make the session look as if its last activity was `ago`."""
    live_session.started_at = live_session.last_activity_at = utcnow() - ago
    db.session.commit()
    return live_session


def test_a_session_left_open_ends_by_itself_with_its_summary(live_session):
    left_open(live_session)
    assert idle.end_idle_sessions(utcnow()) == [live_session]
    db.session.expire_all()
    assert live_session.state == SessionState.ENDED
    assert live_session.join_code is None and live_session.anonymity_key is None
    summary = db.session.get(SessionSummary, live_session.id)
    assert summary.data["session"]["ended_by_itself"] is True
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "session.ended")).one()
    assert entry.facilitator_id is None


def test_the_idle_time_is_a_setting(app, live_session):
    left_open(live_session, ago=timedelta(minutes=119))
    assert idle.end_idle_sessions(utcnow()) == []
    app.config["IDLE_SESSION_MINUTES"] = 60
    assert idle.end_idle_sessions(utcnow()) == [live_session]


def test_a_session_with_someone_connected_stays_open(live_session, console):
    left_open(live_session)
    assert idle.end_idle_sessions(utcnow()) == []
    assert live_session.is_live


def test_a_recent_join_keeps_the_session_open(live_session, join):
    left_open(live_session)
    join(live_session, "Ana", connect=False)
    assert idle.end_idle_sessions(utcnow()) == []


def test_a_facilitator_action_keeps_the_session_open(live_session, facilitator):
    left_open(live_session)
    session_services.set_locked(facilitator, live_session, True)
    db.session.commit()
    assert live_session.last_activity_at > utcnow() - timedelta(minutes=1)
    assert idle.end_idle_sessions(utcnow()) == []


def test_each_session_is_claimed_once_however_many_processes_scan(live_session):
    left_open(live_session)
    now = utcnow()
    since = now - timedelta(minutes=120)
    assert idle.claim_idle_sessions(since, now) == [live_session]
    assert idle.claim_idle_sessions(since, now) == []  # another process, a moment later


def test_scheduled_and_ended_sessions_are_left_alone(group, facilitator, live_session):
    scheduled = session_services.create_session(
        facilitator, group, title="Next week", waiting_room=False, scheduled_for=utcnow() + timedelta(days=7)
    )
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    assert idle.end_idle_sessions(utcnow() + timedelta(days=30)) == []
    assert scheduled.state == SessionState.SCHEDULED


def test_the_scans_are_not_started_under_testing(app, monkeypatch):
    started = []
    monkeypatch.setattr(jobs.socketio, "start_background_task", lambda *args: started.append(args))
    jobs.start_periodic_jobs(app)
    assert started == []


def test_only_the_idle_one_of_two_sessions_ends(live_session, group, facilitator, console):
    other = session_services.create_session(facilitator, group, title="Other room", waiting_room=False)
    db.session.commit()
    left_open(live_session)  # its console is connected
    left_open(other)
    assert idle.end_idle_sessions(utcnow()) == [other]
    assert live_session.is_live


def test_connections_held_by_a_dead_server_process_do_not_keep_a_session_open(live_session, facilitator):
    """A worker that died leaves its rows behind until a live worker removes them: meanwhile
    they count for nothing, and a live worker's rows still keep the session open."""
    left_open(live_session)
    long_ago = utcnow() - timedelta(hours=2)  # past WORKER_DEAD_AFTER_SECONDS
    db.session.add_all(
        [
            ServerWorker(id="dead-host-1-aa", started_at=long_ago, heartbeat_at=long_ago),
            ServerWorker(id="live-host-2-bb", started_at=utcnow(), heartbeat_at=utcnow()),
            SocketConnection(
                sid="on-the-live-worker",
                worker_id="live-host-2-bb",
                namespace="/facilitator",
                live_session_id=live_session.id,
                facilitator_id=facilitator.id,
            ),
            SocketConnection(
                sid="on-the-dead-worker",
                worker_id="dead-host-1-aa",
                namespace="/facilitator",
                live_session_id=live_session.id,
                facilitator_id=facilitator.id,
            ),
        ]
    )
    db.session.commit()
    assert idle.end_idle_sessions(utcnow()) == []
    db.session.delete(db.session.get(SocketConnection, "on-the-live-worker"))
    db.session.commit()
    assert idle.end_idle_sessions(utcnow()) == [live_session]
