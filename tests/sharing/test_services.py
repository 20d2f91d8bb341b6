"""The speaking queue's rules: asking and passing, calling in order, skipping, reordering,
go-rounds, the share timer, and what the end of a session keeps."""

from __future__ import annotations

import pytest

from facilitator.clock import utcnow
from facilitator.errors import Invalid, NotFound
from facilitator.extensions import db
from facilitator.sessions import services as session_services
from facilitator.sharing import services
from facilitator.sharing.models import ShareRound, ShareTurn, TurnStatus

from .conftest import SHARING_STEP


def order(live_session) -> list[str]:
    return [person.display_name for _, person in services.queue(live_session, SHARING_STEP)]


def current(live_session):
    found = services.current_turn(live_session, services.load_state(live_session), SHARING_STEP)
    return found[0] if found else None


def call(facilitator, live_session):
    """Call the next person as a console that sees the queue as it is."""
    shown = current(live_session)
    called = services.call_next(facilitator, live_session, shown.id if shown else None)
    db.session.commit()
    return called.called


def test_the_queue_opens_only_during_a_sharing_step(live_session, facilitator, make_group):
    ana = session_services.join_session(live_session, "Ana")
    db.session.commit()
    assert live_session.current_step == 0  # the check-in
    with pytest.raises(Invalid, match="sharing step"):
        services.raise_hand(ana, live_session)
    with pytest.raises(Invalid, match="sharing step"):
        services.call_next(facilitator, live_session, None)
    with pytest.raises(Invalid, match="sharing step"):
        services.start_go_round(facilitator, live_session, "shuffled")


def test_people_wait_in_the_order_they_asked_and_asking_again_keeps_the_place(at_sharing, seat):
    ana, bo, cy = seat("Ana"), seat("Bo"), seat("Cy")
    for person in (bo, ana, cy):
        assert services.raise_hand(person, at_sharing).changed
    again = services.raise_hand(bo, at_sharing)
    db.session.commit()
    assert again.changed is False
    assert order(at_sharing) == ["Bo", "Ana", "Cy"]
    assert db.session.query(ShareTurn).count() == 3


def test_taking_it_back_then_asking_again_goes_to_the_end(at_sharing, seat):
    ana, bo = seat("Ana"), seat("Bo")
    services.raise_hand(ana, at_sharing)
    services.raise_hand(bo, at_sharing)
    took_back = services.pass_turn(ana, at_sharing)
    assert took_back.turn.status == TurnStatus.WITHDRAWN and took_back.changed
    assert services.pass_turn(ana, at_sharing).changed is False  # a resend changes nothing
    assert order(at_sharing) == ["Bo"]
    services.raise_hand(ana, at_sharing)
    db.session.commit()
    assert order(at_sharing) == ["Bo", "Ana"]


def test_passing_with_nothing_to_pass_is_said_kindly(at_sharing, seat):
    with pytest.raises(Invalid, match="nothing to pass"):
        services.pass_turn(seat("Ana"), at_sharing)


def test_call_next_calls_in_order_and_finishes_the_last_turn(at_sharing, facilitator, seat):
    ana, bo = seat("Ana"), seat("Bo")
    services.raise_hand(ana, at_sharing)
    services.raise_hand(bo, at_sharing)
    db.session.commit()

    first = call(facilitator, at_sharing)
    assert (first.participant_id, first.status, first.timer_minutes) == (ana.id, "speaking", 3)
    assert first.called_at is not None
    assert order(at_sharing) == ["Bo"]
    second = call(facilitator, at_sharing)
    assert second.participant_id == bo.id
    db.session.refresh(first)
    assert (first.status, first.finished_at is not None) == ("done", True)
    assert call(facilitator, at_sharing) is None  # nobody left: Bo's turn ends, nobody is called
    db.session.refresh(second)
    assert second.status == "done"
    assert current(at_sharing) is None


def test_a_console_that_missed_a_call_cannot_call_a_second_person(at_sharing, facilitator, seat):
    """Two consoles see nobody speaking and both press "Call next": one person is called."""
    ana, bo = seat("Ana"), seat("Bo")
    services.raise_hand(ana, at_sharing)
    services.raise_hand(bo, at_sharing)
    db.session.commit()
    services.call_next(facilitator, at_sharing, None)  # the first console
    db.session.commit()
    with pytest.raises(Invalid, match="nobody was skipped"):
        services.call_next(facilitator, at_sharing, None)  # the second, from what it saw
    db.session.rollback()
    assert current(at_sharing).participant_id == ana.id
    assert order(at_sharing) == ["Bo"]


def test_a_pass_once_called_ends_the_turn_and_the_next_call_goes_on(at_sharing, facilitator, seat):
    ana, bo = seat("Ana"), seat("Bo")
    services.raise_hand(ana, at_sharing)
    services.raise_hand(bo, at_sharing)
    called = call(facilitator, at_sharing)
    passed = services.pass_turn(ana, at_sharing)
    db.session.commit()
    assert passed.turn.status == TurnStatus.PASSED  # called, then passed: a pass, not a take-back
    assert current(at_sharing).id == called.id  # still the one last called
    assert call(facilitator, at_sharing).participant_id == bo.id


def test_skip_and_reorder(at_sharing, facilitator, seat):
    people = [seat(name) for name in ("Ana", "Bo", "Cy", "Di")]
    turns = [services.raise_hand(person, at_sharing).turn for person in people]
    services.move_turn(facilitator, at_sharing, turns[3].id, 0)
    assert order(at_sharing) == ["Di", "Ana", "Bo", "Cy"]
    services.move_turn(facilitator, at_sharing, turns[0].id, 99)  # past the end: last
    assert order(at_sharing) == ["Di", "Bo", "Cy", "Ana"]
    services.move_turn(facilitator, at_sharing, turns[2].id, 1)
    assert order(at_sharing) == ["Di", "Cy", "Bo", "Ana"]
    services.skip_turn(facilitator, at_sharing, turns[1].id)
    db.session.commit()
    assert order(at_sharing) == ["Di", "Cy", "Ana"]
    db.session.refresh(turns[1])
    assert turns[1].status == TurnStatus.SKIPPED
    with pytest.raises(NotFound):
        services.skip_turn(facilitator, at_sharing, turns[1].id)  # no longer waiting
    with pytest.raises(NotFound):
        services.move_turn(facilitator, at_sharing, 999_999, 0)
    assert call(facilitator, at_sharing).participant_id == people[3].id


def test_people_who_left_drop_out_of_the_queue(at_sharing, facilitator, seat):
    ana, bo = seat("Ana"), seat("Bo")
    services.raise_hand(ana, at_sharing)
    services.raise_hand(bo, at_sharing)
    session_services.leave_session(ana)
    db.session.commit()
    assert order(at_sharing) == ["Bo"]
    assert call(facilitator, at_sharing).participant_id == bo.id


def test_a_go_round_queues_everyone_in_the_room_in_the_chosen_order(at_sharing, facilitator, seat):
    ana, bo, cy = seat("Ana"), seat("Bo"), seat("Cy")
    gone = seat("Gone")
    session_services.leave_session(gone)
    services.raise_hand(bo, at_sharing)  # already asked: their place becomes one in the round
    share_round = services.start_go_round(facilitator, at_sharing, "chosen", [cy.id, gone.id, ana.id])
    db.session.commit()
    # The order given first (without who left), then anyone it left out, in the order they joined.
    assert order(at_sharing) == ["Cy", "Ana", "Bo"]
    assert services.round_progress(share_round) == {"total": 3, "left": 3}
    assert db.session.query(ShareTurn).filter(ShareTurn.status == "waiting").count() == 3

    assert call(facilitator, at_sharing).participant_id == cy.id
    assert services.pass_turn(ana, at_sharing).turn.status == TurnStatus.PASSED  # a place passed
    assert call(facilitator, at_sharing).participant_id == bo.id
    db.session.refresh(share_round)
    assert share_round.ended_at is not None  # the last person of the round was called
    assert services.active_round(at_sharing, SHARING_STEP) is None


def test_a_shuffled_go_round_and_stopping_it(at_sharing, facilitator, seat):
    people = {seat(name).id for name in ("Ana", "Bo", "Cy", "Di")}
    services.start_go_round(facilitator, at_sharing, "shuffled")
    queued = [turn.participant_id for turn, _ in services.queue(at_sharing, SHARING_STEP)]
    assert sorted(queued) == sorted(people)
    call(facilitator, at_sharing)
    tell = services.stop_go_round(facilitator, at_sharing)
    db.session.commit()
    assert tell == people  # everyone with a place hears of it
    assert order(at_sharing) == []
    assert current(at_sharing).status == "speaking"  # the speaker finishes in their own time
    with pytest.raises(Invalid, match="no go-round"):
        services.stop_go_round(facilitator, at_sharing)


def test_a_go_round_needs_someone_in_the_room_and_ids_of_this_session(
    at_sharing, facilitator, seat, make_group, make_facilitator
):
    with pytest.raises(Invalid, match="Nobody is in the room"):
        services.start_go_round(facilitator, at_sharing, "shuffled")
    seat("Ana")
    with pytest.raises(NotFound):
        services.start_go_round(facilitator, at_sharing, "chosen", [999_999])
    with pytest.raises(Invalid):
        services.start_go_round(facilitator, at_sharing, "alphabetical")


def test_a_new_go_round_ends_the_current_turn_and_the_earlier_round(at_sharing, facilitator, seat):
    ana, _bo = seat("Ana"), seat("Bo")
    services.raise_hand(ana, at_sharing)
    call(facilitator, at_sharing)
    first = services.start_go_round(facilitator, at_sharing, "shuffled")
    second = services.start_go_round(facilitator, at_sharing, "shuffled")
    db.session.commit()
    assert db.session.get(ShareRound, first.id).ended_at is not None
    assert db.session.get(ShareRound, second.id).ended_at is None
    assert db.session.query(ShareTurn).filter(ShareTurn.status == "speaking").count() == 0
    assert len(order(at_sharing)) == 2


def test_each_sharing_step_has_its_own_queue(at_sharing, facilitator, seat):
    ana = seat("Ana")
    services.raise_hand(ana, at_sharing)
    session_services.move_to_step(facilitator, at_sharing, 2)  # small wins
    assert services.sharing_step(at_sharing) is None
    with pytest.raises(Invalid):
        services.raise_hand(ana, at_sharing)
    session_services.move_to_step(facilitator, at_sharing, SHARING_STEP)
    assert order(at_sharing) == ["Ana"]  # back at the step: the queue is as it was


def test_the_screen_timer_setting(at_sharing, facilitator):
    services.set_screen_timer(facilitator, at_sharing, True)
    db.session.commit()
    assert services.load_state(at_sharing).screen_timer is True
    services.set_screen_timer(facilitator, at_sharing, False)
    assert services.load_state(at_sharing).screen_timer is False


def test_every_change_moves_the_version_on(at_sharing, facilitator, seat):
    ana = seat("Ana")
    versions = []
    for change in (
        lambda: services.raise_hand(ana, at_sharing),
        lambda: services.call_next(facilitator, at_sharing, None),
        lambda: services.set_screen_timer(facilitator, at_sharing, True),
    ):
        change()
        versions.append(services.load_state(at_sharing).version)
    assert versions == sorted(set(versions))


def test_the_end_of_the_session_unlinks_every_turn(at_sharing, facilitator, seat):
    ana, bo = seat("Ana"), seat("Bo")
    services.raise_hand(ana, at_sharing)
    services.raise_hand(bo, at_sharing)
    call(facilitator, at_sharing)
    session_services.end_session(facilitator, at_sharing)
    db.session.commit()
    turns = db.session.query(ShareTurn).all()
    assert len(turns) == 2
    assert [turn.participant_id for turn in turns] == [None, None]
    assert all(turn.queued_at <= utcnow() for turn in turns)


def test_timer_minutes_come_from_the_step(at_sharing):
    assert services.timer_minutes(at_sharing.step()) == 3
    assert services.timer_minutes({"kind": "sharing"}) == 0
    assert services.timer_minutes({"timer_minutes": 11}) == 0
    assert services.timer_minutes(None) == 0
