"""Small wins over Socket.IO: who receives what, acks, moderation both ways, reactions, bad payloads."""

from datetime import timedelta

import pytest

from facilitator.clock import utcnow
from facilitator.extensions import db, socketio
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services as session_services
from facilitator.wins.models import Win, WinReaction
from facilitator.wins.sockets import release_due_batches

from ..conftest import emit, facilitator_socket, participant_socket, received

WALL_KEYS = {"id", "text", "kind", "spotlit", "reactions"}


def share(phone, text="Went for a walk instead", client_id="phone-win-0001", **extra):
    return emit(phone.socket, PARTICIPANT_NS, "share_win", {"client_id": client_id, "text": text, **extra})


def moderate(console, event, win_id):
    ack = emit(console, FACILITATOR_NS, event, {"win_id": win_id})
    assert ack == {"ok": True}, ack
    return ack


def react(phone, win_id, reaction="clap", **extra):
    return emit(
        phone.socket, PARTICIPANT_NS, "react_to_win", {"win_id": win_id, "reaction": reaction, **extra}
    )


@pytest.fixture
def screen(app, facilitator_client, live_session):
    sock = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=facilitator_client,
    )
    sock.get_received(FACILITATOR_NS)
    return sock


def show_at_once(console):
    assert emit(console, FACILITATOR_NS, "set_wins_approval", {"need_approval": False}) == {"ok": True}


def test_a_win_waits_for_the_facilitator_then_reaches_every_screen(console, screen, live_session, join):
    author, other = join(live_session, "Author"), join(live_session, "Other")
    ack = share(author, "Said no to a drink", kind="said_no")
    assert ack["ok"] and ack["held"] is False and ack["client_id"] == "phone-win-0001"
    win = ack["win"]
    assert (win["text"], win["kind"], win["status"]) == ("Said no to a drink", "said_no", "pending")

    [pending] = received(console, FACILITATOR_NS, "win_pending")
    assert pending["win"] == {
        **win,
        "spotlit": False,
        "held": False,
        "reactions": pending["win"]["reactions"],
    }
    # Nobody else hears of a win before it is approved.
    assert other.events("wins_shown") == [] and author.events("win_pending") == []
    assert received(screen, FACILITATOR_NS, "wins_shown") == []

    moderate(console, "approve_win", win["id"])
    for events in (
        other.events("wins_shown"),
        author.events("wins_shown"),
        received(screen, FACILITATOR_NS, "wins_shown"),
        received(console, FACILITATOR_NS, "wins_shown"),
    ):
        [shown] = events
        [entry] = shown["wins"]
        assert set(entry) == WALL_KEYS
        assert entry["text"] == "Said no to a drink"


def test_hidden_wins_leave_every_wall(console, screen, live_session, join):
    author, other = join(live_session, "Author"), join(live_session, "Other")
    win_id = share(author)["win"]["id"]
    moderate(console, "approve_win", win_id)
    moderate(console, "hide_win", win_id)
    for events in (other.events("win_removed"), received(screen, FACILITATOR_NS, "win_removed")):
        assert events == [{"win_id": win_id, "reason": "hidden"}]
    assert emit(console, FACILITATOR_NS, "hide_win", {"win_id": win_id}) == {
        "ok": False,
        "error": "This win is already hidden.",
    }


def test_show_at_once_releases_batches_shuffled_on_the_timer(app, console, screen, live_session, join):
    show_at_once(console)
    phones = [join(live_session, name) for name in ("Ana", "Bo", "Cy")]
    assert received(screen, FACILITATOR_NS, "wins_approval_changed") == [{"need_approval": False}]
    for number, phone in enumerate(phones):
        ack = share(phone, f"Win {number}", client_id=f"batch-win-{number}")
        assert ack["win"]["status"] == "queued"
    assert received(console, FACILITATOR_NS, "win_pending") == []
    assert phones[0].events("wins_shown") == []  # not before its slot

    db.session.execute(db.update(Win).values(release_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    release_due_batches(live_session.id)  # what the background task does when it wakes
    for events in (phones[0].events("wins_shown"), received(screen, FACILITATOR_NS, "wins_shown")):
        [batch] = events
        assert {entry["text"] for entry in batch["wins"]} == {"Win 0", "Win 1", "Win 2"}
    # A second timer for the same slot finds nothing left to release.
    release_due_batches(live_session.id)
    assert len(phones[1].events("wins_shown")) == 1


def test_a_batch_left_by_a_lost_timer_is_released_when_someone_connects(app, console, live_session, join):
    show_at_once(console)
    phone = join(live_session, "Ana")
    share(phone, "Kept my morning routine", kind="kept_a_routine")
    db.session.execute(db.update(Win).values(release_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    late = join(live_session, "Late")
    [state] = late.events("session_state")
    assert [entry["text"] for entry in state["wins"]["wall"]] == ["Kept my morning routine"]
    assert phone.events("wins_shown")[-1]["wins"][0]["text"] == "Kept my morning routine"


def test_a_resend_is_acknowledged_as_the_same_win(console, live_session, join):
    phone = join(live_session)
    first = share(phone, client_id="same-client-id")
    again = share(phone, client_id="same-client-id")
    assert again == first
    assert db.session.scalar(db.select(db.func.count(Win.id))) == 1
    assert len(received(console, FACILITATOR_NS, "win_pending")) == 1


def test_the_author_takes_a_win_back_and_nobody_else_can(console, screen, live_session, join):
    author, other = join(live_session, "Author"), join(live_session, "Other")
    win_id = share(author)["win"]["id"]
    moderate(console, "approve_win", win_id)
    assert emit(other.socket, PARTICIPANT_NS, "take_back_win", {"win_id": win_id}) == {
        "ok": False,
        "error": "We couldn't find that win. It may have been taken back.",
    }
    assert emit(author.socket, PARTICIPANT_NS, "take_back_win", {"win_id": win_id}) == {"ok": True}
    assert other.events("win_removed") == [{"win_id": win_id, "reason": "taken_back"}]
    assert received(console, FACILITATOR_NS, "win_removed") == [{"win_id": win_id, "reason": "taken_back"}]
    assert db.session.scalar(db.select(db.func.count(Win.id))) == 0


def test_reactions_are_counted_once_per_kind_per_person_and_reach_everyone(
    console, screen, live_session, join
):
    author, fan, other_fan = (join(live_session, name) for name in ("Author", "Fan", "Other fan"))
    win_id = share(author)["win"]["id"]
    moderate(console, "approve_win", win_id)
    zero = {"clap": 0, "heart": 0, "strength": 0, "sprout": 0}
    assert react(fan, win_id) == {"ok": True}
    assert author.events("win_reactions") == [{"win_id": win_id, "reactions": {**zero, "clap": 1}}]
    assert react(fan, win_id) == {"ok": True}  # again: nothing changes, nothing is announced
    assert len(author.events("win_reactions")) == 1
    assert react(other_fan, win_id, "clap") == {"ok": True}
    assert react(fan, win_id, "heart") == {"ok": True}
    assert react(fan, win_id, "clap", on=False) == {"ok": True}
    latest = {**zero, "clap": 1, "heart": 1}
    for events in (
        author.events("win_reactions"),
        fan.events("win_reactions"),
        received(screen, FACILITATOR_NS, "win_reactions"),
        received(console, FACILITATOR_NS, "win_reactions"),
    ):
        assert events[-1] == {"win_id": win_id, "reactions": latest}
    assert db.session.scalar(db.select(db.func.count(WinReaction.id))) == 2


def test_one_reaction_per_kind_holds_across_a_persons_connections(app, console, live_session, join):
    author, fan = join(live_session, "Author"), join(live_session, "Fan")
    win_id = share(author)["win"]["id"]
    moderate(console, "approve_win", win_id)
    second_tab = participant_socket(app, fan)
    assert react(fan, win_id, "sprout") == {"ok": True}
    assert emit(second_tab, PARTICIPANT_NS, "react_to_win", {"win_id": win_id, "reaction": "sprout"})["ok"]
    assert author.events("win_reactions")[-1]["reactions"]["sprout"] == 1
    assert db.session.scalar(db.select(db.func.count(WinReaction.id))) == 1


def test_reactions_only_on_the_wall(console, live_session, join):
    author, fan = join(live_session, "Author"), join(live_session, "Fan")
    win_id = share(author)["win"]["id"]
    assert react(fan, win_id) == {"ok": False, "error": "This win isn't on the wall any more."}


def test_spotlight_reaches_every_screen(console, screen, live_session, join):
    author, other = join(live_session, "Author"), join(live_session, "Other")
    win_id = share(author, "Asked my sister for help", kind="asked_for_help")["win"]["id"]
    moderate(console, "spotlight_win", win_id)
    for events in (other.events("win_spotlit"), received(screen, FACILITATOR_NS, "win_spotlit")):
        [spotlit] = events
        assert spotlit["win"]["text"] == "Asked my sister for help" and spotlit["win"]["spotlit"] is True
        assert set(spotlit["win"]) == WALL_KEYS
    assert emit(console, FACILITATOR_NS, "spotlight_win", {"win_id": None}) == {"ok": True}
    assert other.events("win_spotlit")[-1] == {"win": None}


def test_snapshots_for_console_phone_and_screen(app, facilitator_client, console, live_session, join):
    author, fan = join(live_session, "Author"), join(live_session, "Fan")
    shown = share(author, "On the wall", client_id="snapshot-0001")["win"]["id"]
    share(author, "Still waiting", client_id="snapshot-0002")
    hidden = share(fan, "Hidden one", client_id="snapshot-0003")["win"]["id"]
    moderate(console, "approve_win", shown)
    moderate(console, "hide_win", hidden)
    react(fan, shown, "heart")

    fresh = facilitator_socket(app, facilitator_client, live_session)
    [state] = received(fresh, FACILITATOR_NS, "session_state")
    wins = state["wins"]
    assert wins["need_approval"] is True and wins["spotlight"] is None
    assert [w["text"] for w in wins["wall"]] == ["On the wall"]
    assert wins["wall"][0]["reactions"]["heart"] == 1
    assert [(w["text"], w["status"]) for w in wins["queue"]] == [("Still waiting", "pending")]
    assert [(w["text"], w["status"]) for w in wins["hidden"]] == [("Hidden one", "hidden")]

    author.socket.disconnect(PARTICIPANT_NS)
    author.socket.connect(namespace=PARTICIPANT_NS, auth={"join_token": live_session.join_token})
    mine = author.events("session_state")[-1]["wins"]
    assert {(w["text"], w["status"]) for w in mine["yours"]} == {
        ("On the wall", "shown"),
        ("Still waiting", "pending"),
    }
    assert mine["reacted"] == {}
    assert "queue" not in mine and "hidden" not in mine
    fan.socket.disconnect(PARTICIPANT_NS)
    fan.socket.connect(namespace=PARTICIPANT_NS, auth={"join_token": live_session.join_token})
    theirs = fan.events("session_state")[-1]["wins"]
    assert [(w["text"], w["status"]) for w in theirs["yours"]] == [("Hidden one", "hidden")]
    assert theirs["reacted"] == {shown: ["heart"]}

    screen = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=facilitator_client,
    )
    [screen_state] = received(screen, FACILITATOR_NS, "session_state")
    assert set(screen_state["wins"]) == {"need_approval", "wall", "spotlight"}


def test_a_risky_win_is_held_flags_the_facilitators_and_shows_care(console, live_session, join):
    show_at_once(console)
    author, other = join(live_session, "Author"), join(live_session, "Other")
    ack = share(author, "honestly i want to end my life")
    assert ack["ok"] and ack["held"] is True and ack["win"]["status"] == "pending"
    events = {m["name"]: m["args"][0] for m in console.get_received(FACILITATOR_NS)}
    flag = events["safety_flagged"]
    assert (flag["source"], flag["name"], flag["text"]) == ("win", None, "honestly i want to end my life")
    assert events["win_pending"]["win"]["held"] is True
    assert other.events("safety_flagged") == [] and author.events("safety_flagged") == []
    assert other.events("wins_shown") == []


def test_text_is_delivered_as_text(console, live_session, join):
    phone = join(live_session)
    text = "<img src=x onerror=alert(1)> & <script>alert('x')</script>"
    win_id = share(phone, text)["win"]["id"]
    assert received(console, FACILITATOR_NS, "win_pending")[0]["win"]["text"] == text
    moderate(console, "approve_win", win_id)
    # Stored and sent exactly as written; every screen puts it in the page with textContent.
    assert phone.events("wins_shown")[0]["wins"][0]["text"] == text


def test_sharing_is_rate_limited_per_person_across_connections(app, console, live_session, join):
    app.config["WIN_SHARE_RATE_LIMIT"] = "2 per minute"
    phone, other = join(live_session, "Eager"), join(live_session, "Other")
    second_tab = participant_socket(app, phone)
    assert share(phone, client_id="rate-win-0001")["ok"]
    ack = emit(second_tab, PARTICIPANT_NS, "share_win", {"client_id": "rate-win-0002", "text": "again"})
    assert ack["ok"]
    ack = share(phone, client_id="rate-win-0003")
    assert ack == {
        "ok": False,
        "error": "Thank you for sharing so much! Please wait a minute before sharing another win.",
    }
    assert share(other, client_id="rate-win-0004")["ok"]
    assert db.session.scalar(db.select(db.func.count(Win.id))) == 3


def test_reacting_is_rate_limited_with_a_kind_message(app, console, live_session, join):
    app.config["WIN_REACTION_RATE_LIMIT"] = "2 per minute"
    author, fan = join(live_session, "Author"), join(live_session, "Fan")
    win_id = share(author)["win"]["id"]
    moderate(console, "approve_win", win_id)
    assert react(fan, win_id, "clap")["ok"] and react(fan, win_id, "heart")["ok"]
    assert react(fan, win_id, "sprout") == {
        "ok": False,
        "error": "So much cheering! Please wait a moment before reacting again.",
    }


BAD_SHARES = [
    ({"client_id": "phone-win-0001", "text": ""}, "write a few words"),
    ({"client_id": "phone-win-0001", "text": "   \n  "}, "write a few words"),
    ({"client_id": "phone-win-0001", "text": "x" * 281}, "280 characters at most"),
    ({"client_id": "phone-win-0001", "text": "ok", "kind": "won_big"}, "don't know that kind of win"),
    ({"client_id": "phone-win-0001", "text": "ok", "kind": 3}, "kind doesn't look right"),
    ({"client_id": "phone-win-0001", "text": 42}, "text doesn't look right"),
    ({"client_id": "phone-win-0001", "text": ["a"]}, "text doesn't look right"),
    ({"client_id": "phone-win-0001"}, "text is missing"),
    ({"text": "Made my bed"}, "client id is missing"),
    ({"client_id": "short", "text": "Made my bed"}, "client id"),
    ({"client_id": "has spaces in it", "text": "Made my bed"}, "client id"),
    ({"client_id": "phone-win-0001", "text": "ok", "participant_id": 1}, "isn't something we expected"),
    ({"client_id": "phone-win-0001", "text": "ok", "name": "someone"}, "isn't something we expected"),
    (["not", "an", "object"], "doesn't look right"),
    ("just a string", "doesn't look right"),
]


@pytest.mark.parametrize(("payload", "message"), BAD_SHARES)
def test_bad_shares_get_a_kind_error_and_write_nothing(console, live_session, join, payload, message):
    phone = join(live_session)
    ack = emit(phone.socket, PARTICIPANT_NS, "share_win", payload)
    assert ack["ok"] is False
    assert message in ack["error"]
    assert db.session.scalar(db.select(db.func.count(Win.id))) == 0
    assert received(console, FACILITATOR_NS, "win_pending") == []
    assert share(phone)["ok"]  # the connection still works


BAD_REACTIONS = [
    ({"reaction": "clap"}, "win id is missing"),
    ({"win_id": "WIN", "reaction": "thumbs_down"}, "don't know that reaction"),
    ({"win_id": "WIN", "reaction": "clap", "on": "yes"}, "on doesn't look right"),
    ({"win_id": "WIN", "reaction": "clap", "on": 1}, "on doesn't look right"),
    ({"win_id": "WIN"}, "reaction is missing"),
    ({"win_id": "nope-not-a-win", "reaction": "clap"}, "couldn't find that win"),
    ({"win_id": "../../etc/passwd", "reaction": "clap"}, "win id doesn't look right"),
    ({"win_id": "x" * 17, "reaction": "clap"}, "16 characters at most"),
    ({"win_id": 5, "reaction": "clap"}, "win id doesn't look right"),
]


@pytest.mark.parametrize(("payload", "message"), BAD_REACTIONS)
def test_bad_reactions_are_refused(console, live_session, join, payload, message):
    author, fan = join(live_session, "Author"), join(live_session, "Fan")
    win_id = share(author)["win"]["id"]
    moderate(console, "approve_win", win_id)
    payload = {key: (win_id if value == "WIN" else value) for key, value in payload.items()}
    ack = emit(fan.socket, PARTICIPANT_NS, "react_to_win", payload)
    assert ack["ok"] is False
    assert message in ack["error"]
    assert db.session.scalar(db.select(db.func.count(WinReaction.id))) == 0


@pytest.mark.parametrize(
    ("event", "payload", "message"),
    [
        ("approve_win", {}, "win id is missing"),
        ("approve_win", {"win_id": "missing-win"}, "couldn't find that win"),
        ("hide_win", {"win_id": 3}, "win id doesn't look right"),
        ("spotlight_win", {}, "win id is missing"),
        ("set_wins_approval", {"need_approval": "no"}, "need approval doesn't look right"),
        ("set_wins_approval", {}, "need approval is missing"),
    ],
)
def test_bad_moderation_is_refused(console, event, payload, message):
    ack = emit(console, FACILITATOR_NS, event, payload)
    assert ack["ok"] is False
    assert message in ack["error"]


def test_participants_and_the_screen_cannot_moderate(console, screen, live_session, join):
    author, other = join(live_session, "Author"), join(live_session, "Other")
    win_id = share(author)["win"]["id"]
    for event, payload in [
        ("approve_win", {"win_id": win_id}),
        ("spotlight_win", {"win_id": win_id}),
        ("set_wins_approval", {"need_approval": False}),
    ]:
        other.socket.emit(event, payload, namespace=PARTICIPANT_NS)
        ack = emit(screen, FACILITATOR_NS, event, payload)
        assert ack["ok"] is False and "shared screen only shows the room" in ack["error"]
    assert db.session.get(Win, win_id).status == "pending"
    assert live_session.wins_need_approval is True
    assert other.events("wins_shown") == []


def test_no_wins_in_the_waiting_room_or_after_the_end(facilitator, console, live_session, join):
    live_session.waiting_room = True
    db.session.commit()
    waiting = join(live_session, "Waiting")
    ack = share(waiting)
    assert ack["ok"] is False and "once the facilitator lets you in" in ack["error"]

    live_session.waiting_room = False
    db.session.commit()
    phone = join(live_session, "Here")
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    assert not phone.socket.is_connected(PARTICIPANT_NS)  # the end closed it: nothing more to share


def test_wins_stay_in_their_own_session(
    app, facilitator, facilitator_client, group, console, live_session, join
):
    other = session_services.create_session(facilitator, group, title="Other", waiting_room=False)
    db.session.commit()
    other_console = facilitator_socket(app, facilitator_client, other)
    other_console.get_received(FACILITATOR_NS)
    there = join(other, "There")
    win_id = share(join(live_session, "Here"))["win"]["id"]
    assert received(other_console, FACILITATOR_NS, "win_pending") == []
    assert emit(other_console, FACILITATOR_NS, "approve_win", {"win_id": win_id})["ok"] is False
    moderate(console, "approve_win", win_id)
    assert there.events("wins_shown") == []
