"""The room through a sticky load balancer: haproxy from Debian, configured as docs/deploy.md
shows, in front of two workers, with clients that only long-poll (each poll is a request of its
own, and every one must reach the worker that holds the connection). Then the worker holding
some of the phones is killed; they reconnect, through the balancer, to the other and carry on.
"""

from __future__ import annotations

import time

from ..conftest import WebClient
from .conftest import console, join, new_account, open_group, phone_socket, start_session, wait_until

POLLING = {"transports": ["polling"], "reconnection": True}


def worker_of(web: WebClient) -> str | None:
    """The worker the balancer's cookie pins this browser to."""
    return web.http.cookies.get("stepwise_worker")


def test_a_room_through_a_sticky_balancer_with_long_polling_clients(scaleout):
    cluster = scaleout(balancer=True)
    balancer = cluster.balancer
    lee = new_account(balancer, "lee@example.org", "Lee")
    room = start_session(lee, open_group(lee), "Week 3")
    lee_console = console(lee, room, **POLLING)
    assert lee_console.client.transport() == "polling"

    # Phones join through the balancer; it spreads new browsers over the workers.
    names = ("Ana", "Bo", "Cy", "Dee")
    webs = {name: join(balancer, room, name) for name in names}
    phones = {name: phone_socket(webs[name], room, **POLLING) for name in names}
    ids = {}
    for name in names:
        ids[name] = lee_console.wait_for("participant_updated", lambda p, name=name: p["name"] == name)["id"]
    console_on = worker_of(lee)
    on = {name: worker_of(webs[name]) for name in names}
    assert console_on in {"w1", "w2"} and set(on.values()) == {"w1", "w2"}, (console_on, on)

    round_id = lee_console.call_ok("open_round", {"kind": "checkin"})["round_id"]
    for mood, name in enumerate(names, start=3):
        phones[name].wait_for("round_opened", lambda p: p["round"]["id"] == round_id)
        phones[name].call_ok(
            "submit_checkin", {"round_id": round_id, "client_id": f"{name}-first", "mood": mood}
        )
        recorded = lee_console.wait_for("answer_recorded", lambda p, name=name: p["response"]["name"] == name)
        assert recorded["response"]["mood"] == mood

    # The worker that holds phones but not the console dies.
    doomed = next(worker for worker in cluster.workers if worker.name != console_on)
    moved = [name for name in names if on[name] == doomed.name]
    killed_at = time.monotonic()
    doomed.kill()

    for name in moved:
        phone = phones[name]
        wait_until(
            lambda phone=phone: phone.connections >= 2 and phone.connected,
            f"{name}'s phone to reconnect through the balancer",
            timeout=15,
        )
        assert worker_of(webs[name]) == console_on
        state = phone.wait_for("session_state", since=killed_at)
        assert (state["you"]["name"], state["round"]["id"]) == (name, round_id)
        lee_console.wait_for(
            "participant_updated", lambda p, name=name: p["id"] == ids[name] and p["online"], since=killed_at
        )
    # Everyone answers again, the moved phones through their new worker, the others as before.
    for name in names:
        note = f"Still here, {name}"
        phones[name].call_ok(
            "submit_checkin", {"round_id": round_id, "client_id": f"{name}-again", "mood": 8, "note": note}
        )
        lee_console.wait_for("answer_recorded", lambda p, note=note: p["response"]["note"] == note)
    assert lee_console.connections == 1 and lee_console.connected
    assert cluster.sql(
        "SELECT count(*) FROM checkin_answer WHERE round_id = %s AND client_id LIKE %s", (round_id, "%-again")
    ) == [(len(names),)]
    for live in (*phones.values(), lee_console):
        live.close()
