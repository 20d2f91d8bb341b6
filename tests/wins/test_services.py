"""Small wins at the service level: sharing, moderation, batched release, reactions, take-back."""

import secrets
from datetime import datetime, timedelta

import pytest

from facilitator.clock import utcnow
from facilitator.errors import Invalid, NotAllowed, NotFound
from facilitator.extensions import db
from facilitator.safety.models import SafetyFlag
from facilitator.sessions import services as session_services
from facilitator.wins import services
from facilitator.wins.models import Win, WinReaction


@pytest.fixture
def people(live_session):
    found = [session_services.join_session(live_session, name) for name in ("Ana", "Bo", "Cy")]
    db.session.commit()
    return found


def share(participant, live_session, text="Went for a walk instead", client_id=None, kind=None):
    shared = services.share_win(
        participant, live_session, client_id=client_id or secrets.token_hex(8), text=text, kind=kind
    )
    db.session.commit()
    return shared


def show_at_once(live_session):
    live_session.wins_need_approval = False
    db.session.commit()


def test_a_shared_win_waits_for_approval_by_default(live_session, people):
    shared = share(people[0], live_session, "  Said no to a drink  ", kind="said_no")
    win = shared.win
    assert shared.changed and shared.flag is None
    assert (win.text, win.kind, win.status, win.held) == ("Said no to a drink", "said_no", "pending", False)
    assert win.shared_at.second == 0 and win.shared_at.microsecond == 0  # rounded to the minute
    assert win.wall_position is None and win.release_at is None


def test_a_resend_is_the_same_win(live_session, people):
    first = share(people[0], live_session, client_id="same-client-1")
    again = share(people[0], live_session, text="different words, same submission", client_id="same-client-1")
    assert again.win.id == first.win.id and not again.changed
    assert db.session.scalar(db.select(db.func.count(Win.id))) == 1
    # The same client id from someone else is their own, separate win.
    assert share(people[1], live_session, client_id="same-client-1").changed


def test_a_participant_may_share_several_wins(live_session, people):
    for number in range(3):
        share(people[0], live_session, f"Win number {number}", client_id=f"several-{number}")
    assert db.session.scalar(db.select(db.func.count(Win.id))) == 3


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("", None, "write a few words"),
        ("   \n\t ", None, "write a few words"),
        ("x" * 281, None, "280 characters"),
        ("Went to bed early", "won_the_lottery", "don't know that kind of win"),
        ("Went to bed early", "<b>said_no</b>", "don't know that kind of win"),
    ],
)
def test_bad_wins_are_refused_and_nothing_is_written(live_session, people, text, kind, message):
    with pytest.raises(Invalid, match=message):
        share(people[0], live_session, text, kind=kind)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Win.id))) == 0


def test_every_kind_on_the_list_is_accepted(live_session, people):
    kinds = [
        "showed_up",
        "kept_a_routine",
        "said_no",
        "talked_it_out",
        "felt_it_and_stayed",
        "asked_for_help",
    ]
    for number, kind in enumerate(kinds):
        assert (
            share(people[number % 3], live_session, kind=kind, client_id=f"kind-{number:04d}").win.kind
            == kind
        )


def test_text_is_stored_as_written_not_as_html(live_session, people):
    win = share(people[0], live_session, "<script>alert('hi')</script> & <b>bold</b>").win
    assert win.text == "<script>alert('hi')</script> & <b>bold</b>"


def test_sharing_is_rate_limited_per_participant(app, live_session, people):
    app.config["WIN_SHARE_RATE_LIMIT"] = "2 per minute"
    share(people[0], live_session, client_id="limited-1")
    share(people[0], live_session, client_id="limited-2")
    # A resend of a stored win does not count.
    share(people[0], live_session, client_id="limited-2")
    with pytest.raises(NotAllowed, match="wait a minute"):
        share(people[0], live_session, client_id="limited-3")
    db.session.rollback()
    # Someone else is not affected.
    assert share(people[1], live_session, client_id="limited-4").changed


def test_a_risky_win_goes_past_the_share_limit_once_per_interval(app, live_session, people):
    app.config["WIN_SHARE_RATE_LIMIT"] = "1 per minute"
    share(people[0], live_session, client_id="limited-1")
    held = share(people[0], live_session, "I want to end my life", client_id="limited-2")
    assert held.win.held and held.flag is not None
    with pytest.raises(NotAllowed, match="Need urgent help"):
        share(people[0], live_session, "I want to end my life", client_id="limited-3")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(SafetyFlag.id))) == 1
    # An ordinary win past the limit is refused as before.
    with pytest.raises(NotAllowed, match="wait a minute"):
        share(people[0], live_session, client_id="limited-4")


def test_a_risky_win_is_held_for_the_facilitator_even_when_wins_show_at_once(live_session, people):
    show_at_once(live_session)
    shared = share(people[0], live_session, "I want to end my life")
    assert shared.win.status == "pending" and shared.win.held
    flag = db.session.scalars(db.select(SafetyFlag)).one()
    assert (flag.source, flag.participant_id, flag.text) == ("win", None, "I want to end my life")


def test_show_at_once_queues_wins_for_their_slot(app, live_session, people):
    show_at_once(live_session)
    app.config["WIN_BATCH_SECONDS"] = 15
    win = share(people[0], live_session).win
    assert win.status == "queued"
    assert 15 <= (win.release_at - utcnow()).total_seconds() <= 31
    assert win.release_at.second % 15 == 0 and win.release_at.microsecond == 0


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        (datetime(2025, 5, 1, 19, 0, 3), datetime(2025, 5, 1, 19, 0, 30)),
        (datetime(2025, 5, 1, 19, 0, 14, 999), datetime(2025, 5, 1, 19, 0, 30)),
        (datetime(2025, 5, 1, 19, 0, 15), datetime(2025, 5, 1, 19, 0, 30)),
        (datetime(2025, 5, 1, 19, 0, 15, 1), datetime(2025, 5, 1, 19, 0, 45)),
        (datetime(2025, 5, 1, 19, 0, 59), datetime(2025, 5, 1, 19, 1, 15)),
    ],
)
def test_wins_shared_in_the_same_slot_appear_together(now, slot):
    assert services.release_slot(now, 15) == slot


def test_due_wins_are_released_once_in_shuffled_order(live_session, people):
    show_at_once(live_session)
    shared = [
        share(people[n % 3], live_session, f"Win {n}", client_id=f"batch-{n:04d}").win for n in range(12)
    ]
    assert services.release_due_wins(live_session) == []  # not due yet
    later = utcnow() + timedelta(minutes=1)
    released = services.release_due_wins(live_session, now=later)
    db.session.commit()
    assert {win.id for win in released} == {win.id for win in shared}
    assert {win.status for win in released} == {"shown"}
    assert [win.wall_position for win in released] == list(range(1, 13))
    # Claimed: a second release (another worker, a late timer) finds nothing.
    assert services.release_due_wins(live_session, now=later) == []
    # The wall order is not the order they were shared in (12! orders; one chance in 479 million).
    wall = [win.text for win in services.session_wins(live_session)]
    assert wall != [f"Win {n}" for n in range(12)]


def test_approve_hide_and_approve_again(facilitator, live_session, people):
    win = share(people[0], live_session).win
    services.approve_win(facilitator, live_session, win.id)
    assert (win.status, win.wall_position) == ("shown", 1)
    with pytest.raises(Invalid, match="already on the wall"):
        services.approve_win(facilitator, live_session, win.id)
    services.hide_win(facilitator, live_session, win.id)
    assert (win.status, win.wall_position) == ("hidden", None)
    with pytest.raises(Invalid, match="already hidden"):
        services.hide_win(facilitator, live_session, win.id)
    other = share(people[1], live_session).win
    services.approve_win(facilitator, live_session, other.id)
    services.approve_win(facilitator, live_session, win.id)  # back on the wall, at its end
    assert (other.wall_position, win.status, win.wall_position) == (1, "shown", 2)


def test_a_pending_win_can_be_hidden_without_ever_being_shown(facilitator, live_session, people):
    win = share(people[0], live_session).win
    services.hide_win(facilitator, live_session, win.id)
    assert win.status == "hidden"
    assert services.session_wins(live_session)[0].wall_position is None


def test_one_win_is_in_the_spotlight_at_a_time(facilitator, live_session, people):
    first, second = (share(p, live_session, client_id=f"spot-{p.id:04d}").win for p in people[:2])
    services.approve_win(facilitator, live_session, first.id)
    services.spotlight_win(facilitator, live_session, first.id)
    # Spotlighting a waiting win puts it on the wall too.
    services.spotlight_win(facilitator, live_session, second.id)
    db.session.commit()
    assert (first.spotlit, second.spotlit, second.status) == (False, True, "shown")
    services.spotlight_win(facilitator, live_session, None)
    db.session.commit()
    assert not second.spotlit
    services.spotlight_win(facilitator, live_session, first.id)
    services.hide_win(facilitator, live_session, first.id)
    assert not first.spotlit


def test_only_the_author_can_take_a_win_back(facilitator, live_session, people):
    win = share(people[0], live_session).win
    services.approve_win(facilitator, live_session, win.id)
    services.react_to_win(people[1], live_session, win.id, "heart", True)
    with pytest.raises(NotFound, match="couldn't find that win"):
        services.take_back_win(people[1], live_session, win.id)
    services.take_back_win(people[0], live_session, win.id)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Win.id))) == 0
    assert db.session.scalar(db.select(db.func.count(WinReaction.id))) == 0


def test_wins_of_another_session_are_not_found(facilitator, group, live_session, people):
    other = session_services.create_session(facilitator, group, title="Other", waiting_room=False)
    db.session.commit()
    win = share(people[0], live_session).win
    with pytest.raises(NotFound):
        services.approve_win(facilitator, other, win.id)


def test_one_reaction_of_each_kind_per_person(facilitator, live_session, people):
    win = share(people[0], live_session).win
    services.approve_win(facilitator, live_session, win.id)
    assert [services.react_to_win(people[1], live_session, win.id, "clap", True) for _ in range(3)] == [
        True,
        False,
        False,
    ]
    assert services.reaction_counts([win.id]) == {win.id: {"clap": 1, "heart": 0, "strength": 0, "sprout": 0}}
    services.react_to_win(people[1], live_session, win.id, "sprout", True)
    services.react_to_win(people[2], live_session, win.id, "clap", True)
    assert services.reaction_counts([win.id])[win.id] == {"clap": 2, "heart": 0, "strength": 0, "sprout": 1}
    assert services.react_to_win(people[1], live_session, win.id, "clap", False) is True
    assert services.react_to_win(people[1], live_session, win.id, "clap", False) is False
    assert services.reaction_counts([win.id])[win.id] == {"clap": 1, "heart": 0, "strength": 0, "sprout": 1}
    assert services.own_reactions(live_session, people[1], [win]) == {win.id: ["sprout"]}
    assert services.own_reactions(live_session, people[0], [win]) == {}


@pytest.mark.parametrize("reaction", ["thumbs_down", "", "CLAP", "<img>"])
def test_unknown_reactions_are_refused(facilitator, live_session, people, reaction):
    win = share(people[0], live_session).win
    services.approve_win(facilitator, live_session, win.id)
    with pytest.raises(Invalid, match="don't know that reaction"):
        services.react_to_win(people[1], live_session, win.id, reaction, True)


def test_reactions_only_to_wins_on_the_wall(facilitator, live_session, people):
    win = share(people[0], live_session).win
    with pytest.raises(NotFound, match="isn't on the wall"):
        services.react_to_win(people[1], live_session, win.id, "heart", True)


def test_reacting_is_rate_limited_per_participant(app, facilitator, live_session, people):
    app.config["WIN_REACTION_RATE_LIMIT"] = "3 per minute"
    win = share(people[0], live_session).win
    services.approve_win(facilitator, live_session, win.id)
    for reaction in ("clap", "heart", "strength"):
        services.react_to_win(people[1], live_session, win.id, reaction, True)
    # Pressing an already pressed button changes nothing and does not count.
    services.react_to_win(people[1], live_session, win.id, "clap", True)
    with pytest.raises(NotAllowed, match="wait a moment"):
        services.react_to_win(people[1], live_session, win.id, "sprout", True)
    assert services.react_to_win(people[2], live_session, win.id, "sprout", True) is True


def test_own_wins_are_recognised_only_while_the_session_is_live(facilitator, live_session, people):
    mine = share(people[0], live_session, "mine").win
    share(people[1], live_session, "theirs")
    wins = services.session_wins(live_session)
    assert [entry["text"] for entry in services.own_wins(live_session, people[0], wins)] == ["mine"]
    assert services.own_wins(live_session, people[0], wins)[0] == {
        "id": mine.id,
        "text": "mine",
        "kind": None,
        "status": "pending",
    }
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    assert services.own_wins(live_session, people[0], wins) == []
    with pytest.raises(NotAllowed):
        services.take_back_win(people[0], live_session, mine.id)


def test_the_approval_setting_can_change(facilitator, live_session, people):
    services.set_wins_approval(facilitator, live_session, False)
    assert share(people[0], live_session).win.status == "queued"
    services.set_wins_approval(facilitator, live_session, True)
    assert share(people[1], live_session).win.status == "pending"
