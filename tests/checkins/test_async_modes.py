"""The real server answers under both async modes it supports (SOCKETIO_ASYNC_MODE): answers are
acknowledged once committed, each reaches the console as it comes, and the round's counts follow
in a coalesced recount (ROUND_RECOUNT_SECONDS)."""

import threading

import pytest
import socketio

from ..conftest import join_live, open_live_room


class Listener:
    """A socket client that keeps every event it receives on one namespace, and can wait for one."""

    def __init__(self, server, namespace: str, auth: dict, cookies: str) -> None:
        self.events: list[tuple[str, dict]] = []
        self.changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._keep, namespace=namespace)
        self.client.connect(
            server.url, namespaces=[namespace], auth=auth, headers={"Cookie": cookies}, wait_timeout=10
        )

    def _keep(self, name: str, data: dict) -> None:
        with self.changed:
            self.events.append((name, data))
            self.changed.notify_all()

    def wait_for(self, name: str, matching=lambda data: True) -> dict:
        """The first `name` event that matches, waiting for it (at most 10 s, a failure)."""
        with self.changed:
            found = self.changed.wait_for(
                lambda: next((d for n, d in self.events if n == name and matching(d)), None), timeout=10
            )
        assert found is not None, f"no matching {name}; got {[n for n, _ in self.events]}"
        return found

    def received(self, name: str) -> list[dict]:
        with self.changed:
            return [data for n, data in self.events if n == name]


@pytest.mark.parametrize("async_mode", ["eventlet", "gevent"])
def test_answers_are_committed_shown_and_counted(start_live_server, async_mode):
    server = start_live_server(SOCKETIO_ASYNC_MODE=async_mode, ROUND_RECOUNT_SECONDS="0.2")
    try:
        room = open_live_room(server)
        console = Listener(
            server,
            "/facilitator",
            {"live_session_id": room.live_session_id},
            room.facilitator.cookie_header(),
        )
        round_id = console.client.call(
            "open_round", {"kind": "checkin"}, namespace="/facilitator", timeout=10
        )["round_id"]
        answers = {
            "Ana": {"mood": 3, "feelings": ["hopeful"]},
            "Bo": {"mood": 7, "note": "Glad to be here.", "note_shared": True},
        }
        for name, answer in answers.items():
            phone = join_live(server, room, name)
            sock = Listener(server, "/participant", {"join_token": room.join_token}, phone.cookie_header())
            payload = {"round_id": round_id, "client_id": f"answer-{name}", **answer}
            ack = sock.client.call("submit_checkin", payload, namespace="/participant", timeout=10)
            assert ack == {"ok": True, "client_id": f"answer-{name}", "held": False}
            shown = console.wait_for(
                "answer_recorded", lambda data, name=name: data["response"]["name"] == name
            )
            assert shown["round_id"] == round_id
            assert shown["response"]["mood"] == answer["mood"]
            # A resend of the acknowledged answer changes nothing and is not shown again.
            assert sock.client.call("submit_checkin", payload, namespace="/participant", timeout=10)["ok"]
            sock.client.disconnect()

        tally = console.wait_for("round_updated", lambda data: data["answered"] == 2)
        assert tally["mood"]["distribution"][2] == 1 and tally["mood"]["distribution"][6] == 1
        assert tally["feelings"] == [["hopeful", 1]]
        assert [data["response"]["name"] for data in console.received("answer_recorded")] == ["Ana", "Bo"]
        bo = console.received("answer_recorded")[1]["response"]
        assert (bo["note"], bo["note_shared"]) == ("Glad to be here.", True)
        console.client.disconnect()
    finally:
        server.stop()
