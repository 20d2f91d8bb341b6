"""What each capability joins in its own init_app: nothing is registered by an import's side effect,
so this list is the whole of it, and a capability that forgets to join shows here."""

from facilitator import signals
from facilitator.jobs import periodic_jobs
from facilitator.realtime.events import registered_events
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.realtime.snapshot import catch_ups, state_parts
from facilitator.realtime.workers import departure_handlers
from facilitator.summaries.purge import purge_steps
from facilitator.summaries.services import summary_parts


def test_summary_parts_in_page_order(app):
    assert [part.key for part in summary_parts()] == [
        "attendance",
        "checkins",
        "safety_flags",
        "support",
        "wins",
        "grounding",
        "sharing",
        "pulse",
        "continuity",
    ]


def test_purge_steps(app):
    assert [step.what for step in purge_steps()] == [
        "facilitators' notes",
        "check-in notes",
        "safety flag texts",
        "support messages",
        "win texts",
        "speaking-queue turns",
        "pulse answers",
        "next small steps",
    ]


def test_periodic_jobs(app):
    assert {(job.interval_setting, job.run.__module__) for job in periodic_jobs(app)} == {
        ("IDLE_SESSION_SCAN_SECONDS", "facilitator.summaries.idle"),
        ("SUPPORT_ESCALATION_SCAN_SECONDS", "facilitator.support.sockets"),
        ("WORKER_HEARTBEAT_SECONDS", "facilitator.realtime.workers"),
        ("PULSE_SCAN_SECONDS", "facilitator.pulse.summary"),
    }


def test_departure_handlers(app):
    """What runs when a dead or draining server process's connections are removed."""
    assert [f"{handler.__module__}.{handler.__name__}" for handler in departure_handlers(app)] == [
        "facilitator.support.alerts.realert_after_lost_consoles"
    ]


def test_snapshot_parts_and_catch_ups(app):
    assert [(part.name, part.while_waiting) for part in state_parts(app)] == [
        ("round", False),
        ("safety_flags", False),
        ("support_requests", True),
        ("wins", False),
        ("grounding", False),
        ("sharing", False),
        ("pulse", False),
        ("continuity", False),
    ]
    assert [catch_up.__module__ for catch_up in catch_ups(app)] == [
        "facilitator.checkins.sockets",
        "facilitator.wins.sockets",
        "facilitator.pulse.sockets",
    ]


def test_socket_events_by_capability(app):
    by_module: dict[str, set[str]] = {}
    for (namespace, name), spec in registered_events(app).items():
        side = "console" if namespace == FACILITATOR_NS else "phone"
        assert namespace in (FACILITATOR_NS, PARTICIPANT_NS)
        by_module.setdefault(spec.handler.__module__, set()).add(f"{side}:{name}")
    assert by_module == {
        "facilitator.realtime.room": {
            "phone:sync",
            "phone:leave",
            "console:admit",
            "console:admit_all",
            "console:remove_participant",
            "console:set_locked",
            "console:move_step",
            "console:end_session",
        },
        "facilitator.checkins.sockets": {
            "console:open_round",
            "console:close_round",
            "console:reveal_round",
            "console:round_responses",
            "phone:submit_checkin",
        },
        "facilitator.safety.sockets": {"console:acknowledge_flag"},
        "facilitator.support.sockets": {
            "phone:request_support",
            "console:acknowledge_support",
            "console:reply_support",
            "console:resolve_support",
        },
        "facilitator.wins.sockets": {
            "phone:share_win",
            "phone:take_back_win",
            "phone:react_to_win",
            "console:approve_win",
            "console:hide_win",
            "console:spotlight_win",
            "console:set_wins_approval",
        },
        "facilitator.grounding.sockets": {
            "console:start_grounding",
            "console:stop_grounding",
            "console:clock",
            "phone:clock",
        },
        "facilitator.sharing.sockets": {
            "phone:raise_hand",
            "phone:pass_turn",
            "console:call_next",
            "console:skip_turn",
            "console:move_turn",
            "console:start_go_round",
            "console:stop_go_round",
            "console:set_share_timer_on_screen",
        },
        "facilitator.pulse.sockets": {"console:open_pulse", "phone:submit_pulse"},
        "facilitator.continuity.sockets": {
            "phone:remember_me",
            "phone:recognise_me",
            "phone:forget_me",
            "phone:submit_next_step",
            "phone:step_follow_up",
        },
    }


def test_who_listens_to_the_foundations_signals(app):
    def receivers(signal) -> set[str]:
        return {f"{receiver.__module__}.{receiver.__name__}" for receiver in signal.receivers_for(None)}

    assert receivers(signals.session_ending) == {
        "facilitator.summaries._count_the_session",
        "facilitator.checkins._close_the_round",
        "facilitator.sharing._forget_people",
        "facilitator.pulse._give_tickets",
    }
    assert receivers(signals.step_changing) == {"facilitator.sharing._step_changing"}
    assert receivers(signals.session_ended) == {"facilitator.realtime._session_ended"}
    assert receivers(signals.session_started) == {"facilitator.realtime._session_started"}
    assert receivers(signals.sign_ins_ended) == {"facilitator.realtime._sign_ins_ended"}
    assert receivers(signals.left_group) == {"facilitator.realtime._left_group"}


def test_blueprints_by_capability(app):
    """Each capability's pages: support's is the room's support form over HTTP (asking without the
    live connection) and resolving follow-ups; grounding's, the group page's scripts."""
    assert {name: blueprint.import_name for name, blueprint in app.blueprints.items()} == {
        "health": "facilitator.health",
        "accounts": "facilitator.accounts.routes",
        "groups": "facilitator.groups.routes",
        "sessions": "facilitator.sessions.routes",
        "summaries": "facilitator.summaries.routes",
        "support": "facilitator.support.routes",
        "receipts": "facilitator.receipts.routes",
        "grounding": "facilitator.grounding.routes",
        "pulse": "facilitator.pulse.routes",
    }
