from datetime import timedelta

import pytest

from facilitator.clock import utcnow
from facilitator.errors import Invalid, NotAllowed, NotFound
from facilitator.extensions import db
from facilitator.groups import services as group_services
from facilitator.sessions import services
from facilitator.sessions.models import (
    JOIN_CODE_ALPHABET,
    ParticipantStatus,
    SessionState,
    normalise_join_code,
)


def test_started_session_is_live_with_an_unguessable_link_and_short_code(live_session):
    assert live_session.state == SessionState.LIVE
    assert len(live_session.join_token) >= 32  # 24 random bytes: 192 bits
    assert len(live_session.join_code) == 6
    assert set(live_session.join_code) <= set(JOIN_CODE_ALPHABET)
    assert live_session.anonymity_key is not None


def test_each_session_gets_its_own_code_and_link(group, facilitator):
    sessions = [services.create_session(facilitator, group, title="", waiting_room=False) for _ in range(20)]
    assert len({s.join_code for s in sessions}) == 20
    assert len({s.join_token for s in sessions}) == 20
    assert sessions[0].title == group.name  # a title is optional


def test_scheduled_session_opens_later(group, facilitator):
    later = utcnow() + timedelta(days=2)
    live_session = services.create_session(
        facilitator, group, title="Next week", waiting_room=False, scheduled_for=later
    )
    assert live_session.state == SessionState.SCHEDULED
    with pytest.raises(NotAllowed, match="hasn't started yet"):
        services.join_session(live_session, "Early Bird")
    services.start_session(facilitator, live_session)
    assert live_session.is_live
    with pytest.raises(Invalid, match="time in the future"):
        services.create_session(
            facilitator, group, title="", waiting_room=False, scheduled_for=utcnow() - timedelta(hours=1)
        )


def test_ending_frees_the_code_and_refuses_joins(live_session, facilitator):
    code = live_session.join_code
    services.end_session(facilitator, live_session)
    db.session.commit()
    assert live_session.join_code is None
    assert live_session.anonymity_key is None
    with pytest.raises(NotFound):
        services.find_session_by_code(code)
    with pytest.raises(NotAllowed, match="has ended"):
        services.join_session(live_session, "Late Otter")


@pytest.mark.parametrize("typed", ["abc234", "ABC-234", " abc 234 ", "a-b-c-2-3-4"])
def test_typed_codes_are_forgiving(typed):
    assert normalise_join_code(typed) == "ABC234"


def test_find_by_code(live_session):
    assert services.find_session_by_code(live_session.display_code.lower()) == live_session
    with pytest.raises(NotFound, match="check it and try again"):
        services.find_session_by_code("ZZZZZZ")


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "choose a name"), ("   ", "choose a name"), ("x" * 41, "40 characters or fewer")],
)
def test_display_name_rules(live_session, name, message):
    with pytest.raises(Invalid, match=message):
        services.join_session(live_session, name)


def test_join_tidies_the_name_and_uses_the_waiting_room(live_session):
    participant = services.join_session(live_session, "  Quiet   Heron ")
    assert participant.display_name == "Quiet Heron"
    assert participant.status == ParticipantStatus.PRESENT
    live_session.waiting_room = True
    assert services.join_session(live_session, "Second").status == ParticipantStatus.WAITING


def test_locked_room_refuses_new_people(live_session, facilitator):
    services.set_locked(facilitator, live_session, True)
    with pytest.raises(NotAllowed, match="closed to new people"):
        services.join_session(live_session, "Latecomer")


def test_suggested_names_are_friendly():
    name = services.suggest_display_name()
    assert len(name.split()) == 2
    assert name.istitle()


def test_archived_group_runs_no_new_sessions(group, facilitator):
    group_services.set_archived(facilitator, group, True)
    with pytest.raises(NotAllowed, match="archived"):
        services.create_session(facilitator, group, title="", waiting_room=False)


def test_outsiders_cannot_load_a_session(live_session, make_facilitator):
    with pytest.raises(NotFound):
        services.load_session_for(make_facilitator("Outsider"), live_session.id)


# --- removal keeps that browser out -------------------------------------------------------------


def test_a_removed_browser_cannot_join_again_under_another_name(live_session, facilitator):
    sam = services.join_session(live_session, "Sam", device_id="browser-of-sam-0000")
    services.remove_participant(facilitator, live_session, sam.id)
    with pytest.raises(NotAllowed, match="closed this session to you"):
        services.join_session(live_session, "Not Sam", device_id="browser-of-sam-0000")
    assert services.join_session(live_session, "Ana", device_id="browser-of-ana-0000").status == "present"


def test_a_browser_whose_person_left_may_come_back(live_session):
    ana = services.join_session(live_session, "Ana", device_id="browser-of-ana-0000")
    services.leave_session(ana)
    assert services.join_session(live_session, "Ana again", device_id="browser-of-ana-0000")


def test_a_removed_browser_hears_why_even_when_the_room_is_locked(live_session, facilitator):
    sam = services.join_session(live_session, "Sam", device_id="browser-of-sam-0000")
    services.remove_participant(facilitator, live_session, sam.id)
    services.set_locked(facilitator, live_session, True)
    with pytest.raises(NotAllowed, match="closed this session to you"):
        services.check_joinable(live_session, "browser-of-sam-0000")
    with pytest.raises(NotAllowed, match="closed to new people"):
        services.check_joinable(live_session, "browser-of-ana-0000")


def test_the_browser_is_kept_only_as_a_keyed_hash_that_differs_per_session(live_session, group, facilitator):
    other_session = services.create_session(facilitator, group, title="Week 13", waiting_room=False)
    here = services.join_session(live_session, "Ana", device_id="browser-of-ana-0000")
    there = services.join_session(other_session, "Ana", device_id="browser-of-ana-0000")
    assert here.device_key and there.device_key
    assert len(here.device_key) == 64
    assert "browser-of-ana" not in here.device_key
    assert here.device_key != there.device_key


def test_ending_a_session_forgets_the_browsers(live_session, facilitator):
    sam = services.join_session(live_session, "Sam", device_id="browser-of-sam-0000")
    services.remove_participant(facilitator, live_session, sam.id)
    services.end_session(facilitator, live_session)
    db.session.commit()
    assert sam.device_key is None
    assert not services.is_removed_device(live_session, "browser-of-sam-0000")
