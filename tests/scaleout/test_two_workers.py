"""Two workers side by side on PostgreSQL and Redis: the consoles on worker 1, the phones on
worker 2, so that everything the room does has to cross from one process to the other.

First what crosses while both live: presence, answers, support alerts (the first to the
facilitator who started the session), escalation exactly once, wins, removal, ending a session,
and limits counted across both workers. Then worker 2 dies by SIGKILL, mid-stream: no answer it
acknowledged is lost, the console shows its people away within the documented time
(docs/deploy.md), a support request first alerted only on the dead worker reaches the live
consoles, the phones carry on through worker 1, and the session can still end by itself.
"""

from __future__ import annotations

import threading
import time

import pytest
import socketio

from facilitator.wins.services import SHARE_RATE_MESSAGE

from ..conftest import WebClient
from .conftest import (
    AWAY_WITHIN_SECONDS,
    MACHINE_SLACK_SECONDS,
    Live,
    console,
    join,
    new_account,
    open_group,
    phone_socket,
    start_session,
    wait_until,
)

# Long enough that a request first alerted on the dead worker is alerted again, by the live one,
# before its escalation would have told everyone anyway.
ESCALATION_SECONDS = 9
WIN_SHARES = 3
LOGIN_ATTEMPTS = 4


class AnswerStream(threading.Thread):
    """A phone changing its answer again and again (a new client id each time), one at a time,
    until its connection is gone; it keeps what it sent and which were acknowledged."""

    def __init__(self, phone: Live, round_id: int, name: str) -> None:
        super().__init__(daemon=True)
        self.phone, self.round_id, self.name = phone, round_id, name
        self.sent: list[str] = []
        self.acked: list[str] = []

    def run(self) -> None:
        for number in range(2000):
            client_id = f"{self.name}-stream-{number:04d}"
            self.sent.append(client_id)
            payload = {"round_id": self.round_id, "client_id": client_id, "mood": number % 10 + 1}
            try:
                ack = self.phone.call("submit_checkin", payload, timeout=3)
            except socketio.exceptions.SocketIOError:
                return
            if ack.get("ok"):
                self.acked.append(client_id)

    def stored_may_be(self) -> list[str]:
        """What the database may hold: the last acknowledged answer, or one sent after it."""
        assert self.acked, f"{self.name}'s phone had no answer acknowledged"
        return self.sent[self.sent.index(self.acked[-1]) :]


def test_two_workers_share_a_room_and_outlive_the_death_of_one(scaleout):
    cluster = scaleout(
        ALLOW_SIGNUP="1",
        SUPPORT_ESCALATION_SECONDS=str(ESCALATION_SECONDS),
        WIN_SHARE_RATE_LIMIT=f"{WIN_SHARES} per minute",
        LOGIN_RATE_LIMIT=f"{LOGIN_ATTEMPTS} per minute",
    )
    w1, w2 = cluster.workers
    # Lee sets Stepwise up on worker 1; Kim signs up on worker 2 (one SECRET_KEY, one database).
    lee = new_account(w1, "lee@example.org", "Lee")
    kim = new_account(w2, "kim@example.org", "Kim", path="/signup")
    group_path = open_group(lee, co_facilitator_email="kim@example.org")
    room = start_session(lee, group_path, "Week 3")

    # --- presence: consoles on worker 1 see phones arrive on worker 2 ---------------------------
    lee_console, kim_console = console(lee, room), console(kim, room, url=w1.url)
    names = ("Ana", "Bo")
    webs = {name: join(w2, room, name) for name in names}
    phones = {name: phone_socket(webs[name], room) for name in names}
    ids = {}
    for name in names:
        arrived = kim_console.wait_for("participant_updated", lambda p, name=name: p["name"] == name)
        assert arrived["online"] and arrived["status"] == "present"
        ids[name] = arrived["id"]

    # --- a round opened on worker 1, answered on worker 2, each answer on the consoles ----------
    round_id = lee_console.call_ok("open_round", {"kind": "checkin"})["round_id"]
    for name, mood in zip(names, (4, 7), strict=True):
        phones[name].wait_for("round_opened", lambda p: p["round"]["id"] == round_id)
        phones[name].call_ok(
            "submit_checkin", {"round_id": round_id, "client_id": f"{name}-first", "mood": mood}
        )
        recorded = kim_console.wait_for("answer_recorded", lambda p, name=name: p["response"]["name"] == name)
        assert (recorded["round_id"], recorded["response"]["mood"]) == (round_id, mood)

    # --- support: the first alert reaches Lee, who started the session, on the other worker ----
    asked_at = time.monotonic()
    ana_request = phones["Ana"].call_ok(
        "request_support", {"client_id": "ana-support-1", "urgency": "now", "message": "Can we talk?"}
    )["request"]
    alert = lee_console.wait_for("support_requested", lambda p: p["id"] == ana_request["id"])
    assert (alert["name"], alert["message"]) == ("Ana", "Can we talk?")

    # --- a win shared on worker 2, approved on worker 1, on every phone --------------------------
    shared = phones["Bo"].call_ok("share_win", {"client_id": "bo-win-0001", "text": "I came back this week"})
    win_id = shared["win"]["id"]
    pending = kim_console.wait_for("win_pending", lambda p: p["win"]["id"] == win_id)
    assert pending["win"]["text"] == "I came back this week"
    kim_console.call_ok("approve_win", {"win_id": win_id})
    for name in names:
        phones[name].wait_for("wins_shown", lambda p: [w["id"] for w in p["wins"]] == [win_id])

    # --- one person's limit, counted across both workers (RATELIMIT_STORAGE_URI in Redis) ------
    # Cy has a tab on each worker. Alone, worker 2 would have counted only two of the four. The
    # wins are plainly ordinary: one the safety net holds goes past the limit, by design.
    cy_web = join(w2, room, "Cy")
    cy_tabs = [phone_socket(cy_web, room, url=w1.url), phone_socket(cy_web, room)]
    cy_id = kim_console.wait_for("participant_updated", lambda p: p["name"] == "Cy")["id"]
    shares = [
        cy_tabs[number % 2].call(
            "share_win", {"client_id": f"cy-win-{number:04d}", "text": f"Went for a walk, day {number}"}
        )
        for number in range(WIN_SHARES + 1)
    ]
    assert [ack["ok"] for ack in shares] == [True] * WIN_SHARES + [False]
    assert shares[-1]["error"] == SHARE_RATE_MESSAGE

    # --- the sign-in limit per address, counted across both workers too --------------------------
    # Counted per worker, the first refusal would come only at the ninth attempt.
    tried = []
    for attempt in range(2 * LOGIN_ATTEMPTS + 1):
        worker = (w2, w1)[attempt % 2]
        response = WebClient(worker).submit("/login", {"email": "nobody@example.org", "password": "not it"})
        tried.append((worker.name, response.status_code))
        if response.status_code == 429:
            break
    assert [status == 429 for _, status in tried] == [False] * LOGIN_ATTEMPTS + [True], tried
    assert {name for name, _ in tried} == {"w1", "w2"}, tried

    # --- removal: Kim on worker 1 removes Dee, whose phone is on worker 2 -----------------------
    dee_web = join(w2, room, "Dee")
    dee = phone_socket(dee_web, room)
    dee_id = kim_console.wait_for("participant_updated", lambda p: p["name"] == "Dee" and p["online"])["id"]
    kim_console.call_ok("remove_participant", {"participant_id": dee_id})
    dee.wait_for("removed")
    wait_until(lambda: not dee.connected, "worker 2 to close the removed phone's connection")
    assert cluster.sql("SELECT status FROM participant WHERE id = %s", (dee_id,)) == [("removed",)]
    assert not cluster.sql("SELECT sid FROM socket_connection WHERE participant_id = %s", (dee_id,))
    with pytest.raises(socketio.exceptions.ConnectionError):
        phone_socket(dee_web, room, url=w1.url)

    # --- ending: another session, ended on worker 1, ends on its phone on worker 2 --------------
    other = start_session(lee, group_path, "Week 3, the second room")
    other_console = console(lee, other)
    eve = phone_socket(join(w2, other, "Eve"), other)
    other_console.wait_for("participant_updated", lambda p: p["name"] == "Eve" and p["online"])
    other_console.call_ok("end_session")
    assert eve.wait_for("session_ended")["session"]["state"] == "ended"
    wait_until(lambda: not eve.connected, "worker 2 to close the phones of the ended session")
    assert cluster.sql("SELECT state FROM live_session WHERE id = %s", (other.live_session_id,)) == [
        ("ended",)
    ]
    other_console.close()

    # --- escalation: once, on every console, by one of the two workers' scans -------------------
    escalated = kim_console.wait_for(
        "support_escalated", lambda p: p["id"] == ana_request["id"], timeout=ESCALATION_SECONDS + 10
    )
    assert escalated["escalated_at"]
    took = kim_console.arrival("support_escalated", lambda p: p["id"] == ana_request["id"]) - asked_at
    assert took >= ESCALATION_SECONDS - 1, took
    lee_console.wait_for("support_escalated", lambda p: p["id"] == ana_request["id"])
    # Kim heard of it only now: the first alert was Lee's alone.
    assert not kim_console.received("support_requested", lambda p: p["id"] == ana_request["id"])

    # --- Lee moves to worker 2; then Bo asks for support, which only Lee's console there hears --
    lee_on_w2 = console(lee, room, url=w2.url)
    lee_w1_sid = lee_console.sid
    assert cluster.sql("SELECT sid FROM socket_connection WHERE sid = %s", (lee_w1_sid,))
    lee_console.close()
    wait_until(
        lambda: not cluster.sql("SELECT sid FROM socket_connection WHERE sid = %s", (lee_w1_sid,)),
        "Lee's console on worker 1 to be forgotten",
    )
    bo_request = phones["Bo"].call_ok("request_support", {"client_id": "bo-support-1", "urgency": "later"})[
        "request"
    ]
    lee_on_w2.wait_for("support_requested", lambda p: p["id"] == bo_request["id"])

    # --- SIGKILL worker 2 while Ana and Bo keep changing their answers on it -------------------
    streams = {name: AnswerStream(phones[name], round_id, name) for name in names}
    for stream in streams.values():
        stream.start()
    wait_until(lambda: all(len(s.acked) >= 3 for s in streams.values()), "answers acknowledged by worker 2")
    dead_sids = [live.sid for live in (*phones.values(), cy_tabs[1], lee_on_w2)]
    in_rows = cluster.sql("SELECT sid FROM socket_connection WHERE sid = ANY(%s)", (dead_sids,))
    assert len(in_rows) == len(dead_sids)
    killed_at = time.monotonic()
    w2.kill()
    for stream in streams.values():
        stream.join(timeout=15)
        assert not stream.is_alive()

    # No acknowledged answer is lost: each phone's last acknowledged answer is stored, or one it
    # sent after that (committed, its ack lost with the worker).
    for name, stream in streams.items():
        [(stored,)] = cluster.sql(
            "SELECT client_id FROM checkin_answer WHERE round_id = %s AND participant_id = %s",
            (round_id, ids[name]),
        )
        assert stored in stream.stored_may_be(), (name, stored, stream.acked[-3:])
    bo_stored = cluster.sql(
        "SELECT client_id, resolved_at FROM support_request WHERE id = %s", (bo_request["id"],)
    )
    assert bo_stored == [("bo-support-1", None)]

    # Ana's phone reconnects at once, through worker 1, and carries on.
    ana = phone_socket(webs["Ana"], room, url=w1.url)
    state = ana.wait_for("session_state")
    assert (state["you"]["name"], state["round"]["id"]) == ("Ana", round_id)
    ana.call_ok(
        "submit_checkin", {"round_id": round_id, "client_id": "ana-after-0001", "mood": 8, "note": "Back"}
    )
    recorded = kim_console.wait_for(
        "answer_recorded", lambda p: p["response"]["name"] == "Ana" and p["response"]["note"] == "Back"
    )
    assert recorded["response"]["mood"] == 8

    # --- what the live worker does about the dead one (issue 13, point 4) -----------------------
    # Bo, not back yet, is shown away within WORKER_DEAD_AFTER_SECONDS + WORKER_HEARTBEAT_SECONDS.
    bound = AWAY_WITHIN_SECONDS + MACHINE_SLACK_SECONDS
    kim_console.wait_for(
        "participant_updated",
        lambda p: p["id"] == ids["Bo"] and not p["online"],
        since=killed_at,
        timeout=bound + 5,
    )
    away_after = (
        kim_console.arrival(
            "participant_updated", lambda p: p["id"] == ids["Bo"] and not p["online"], since=killed_at
        )
        - killed_at
    )
    assert away_after <= bound, f"Bo was shown away {away_after:.1f} s after the worker died"
    wait_until(
        lambda: not cluster.sql("SELECT sid FROM socket_connection WHERE sid = ANY(%s)", (dead_sids,)),
        "the dead worker's connection rows to be removed",
    )
    # Cy still has a tab on worker 1: whatever the console was told of Cy since, Cy is online.
    assert all(
        p["online"]
        for p in kim_console.received("participant_updated", lambda p: p["id"] == cy_id, since=killed_at)
    )
    # Bo's request, first alerted only on the dead worker, reaches the live consoles, well before
    # its escalation would have.
    kim_console.wait_for("support_requested", lambda p: p["id"] == bo_request["id"], since=killed_at)
    assert not kim_console.received("support_escalated", lambda p: p["id"] == bo_request["id"])

    # Bo comes back through worker 1 and answers again.
    bo = phone_socket(webs["Bo"], room, url=w1.url)
    kim_console.wait_for(
        "participant_updated", lambda p: p["id"] == ids["Bo"] and p["online"], since=killed_at
    )
    bo.call_ok(
        "submit_checkin", {"round_id": round_id, "client_id": "bo-after-0001", "mood": 6, "note": "Here"}
    )
    kim_console.wait_for(
        "answer_recorded", lambda p: p["response"]["name"] == "Bo" and p["response"]["note"] == "Here"
    )

    # Ana's request was escalated once in all, by two workers' scans and then one's.
    assert len(kim_console.received("support_escalated", lambda p: p["id"] == ana_request["id"])) == 1
    [(escalated_at,)] = cluster.sql(
        "SELECT escalated_at FROM support_request WHERE id = %s", (ana_request["id"],)
    )
    assert escalated_at is not None

    # --- everyone leaves; the session can still end by itself ----------------------------------
    # Nobody connected and nothing done for IDLE_SESSION_MINUTES (two hours): rather than wait,
    # the session's and its people's times are moved three hours back. The rows the dead worker
    # left must not keep it open.
    for live in (ana, bo, cy_tabs[0], kim_console):
        live.close()
    cluster.sql(
        "UPDATE live_session SET started_at = started_at - interval '3 hours', "
        "last_activity_at = COALESCE(last_activity_at, started_at) - interval '3 hours' WHERE id = %s",
        (room.live_session_id,),
    )
    cluster.sql(
        "UPDATE participant SET joined_at = joined_at - interval '3 hours' WHERE live_session_id = %s",
        (room.live_session_id,),
    )
    wait_until(
        lambda: (
            cluster.sql("SELECT state FROM live_session WHERE id = %s", (room.live_session_id,))
            == [("ended",)]
        ),
        "the idle session to end by itself",
    )
