"""The server's own cost of one answer, without the network: a quick loop for profiling.

Flask-SocketIO's test client sends `submit_checkin` straight into the server (no Engine.IO, no
sockets), from P phones in R rooms of a named round, and this prints the CPU time per answer,
split into the event itself and the work done after it (the recounts). With `--profile FILE`,
py-spy records the loop.

    .venv/bin/python benchmarks/crowd/answer_path.py --answers 4000
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from config import TestConfig  # noqa: E402
from facilitator import create_app  # noqa: E402
from facilitator.accounts import services as account_services  # noqa: E402
from facilitator.extensions import db, socketio  # noqa: E402
from facilitator.groups import services as group_services  # noqa: E402
from facilitator.groups.models import DEFAULT_AGENDA  # noqa: E402
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS  # noqa: E402
from facilitator.sessions import services as session_services  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--phones-per-room", type=int, default=20)
    parser.add_argument("--answers", type=int, default=4000)
    parser.add_argument("--note-share", type=float, default=0.0)
    parser.add_argument("--profile", type=Path, help="write py-spy's collapsed stacks here")
    parser.add_argument(
        "--gc", default="", help="gc thresholds to set, e.g. 50000,20,100; 'freeze' to freeze too"
    )
    parser.add_argument("--set", action="append", default=[], help="NAME=value setting (float or str)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="stepwise-answer-path-"))
    config = TestConfig()
    config.INSTANCE_DIR = folder
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'bench.db'}"
    config.SOCKET_EVENT_RATE_LIMIT = "1000000 per second"
    for item in args.set:
        name, value = item.split("=", 1)
        setattr(config, name, float(value) if value.replace(".", "", 1).isdigit() else value)
    app = create_app(config)
    with app.app_context():
        db.create_all()
        lead = account_services.create_facilitator("bench@example.org", "Bench", "benchmark password")
        db.session.commit()
        rooms = []
        for number in range(args.rooms):
            group = group_services.create_group(
                lead,
                name=f"Room {number}",
                description="",
                crisis_resources="Call 988",
                agenda=DEFAULT_AGENDA,
                min_aggregate_size=3,
            )
            live_session = session_services.create_session(lead, group, title="Bench", waiting_room=False)
            db.session.commit()
            rooms.append(live_session)

        http = app.test_client()
        page = http.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
        http.post(
            "/login",
            data={"csrf_token": token, "email": "bench@example.org", "password": "benchmark password"},
        )
        phones = []
        for live_session in rooms:
            console = socketio.test_client(
                app,
                namespace=FACILITATOR_NS,
                auth={"live_session_id": live_session.id},
                flask_test_client=http,
            )
            round_id = console.emit(
                "open_round", {"kind": "checkin"}, namespace=FACILITATOR_NS, callback=True
            )["round_id"]
            for index in range(args.phones_per_room):
                participant = session_services.join_session(live_session, f"Phone {live_session.id}-{index}")
                db.session.commit()
                phone_http = app.test_client()
                with app.test_request_context():
                    from flask import make_response

                    from facilitator.sessions.seats import give_seat

                    response = make_response("")
                    give_seat(response, participant)
                    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
                name, value = cookie.split("=", 1)
                phone_http.set_cookie(name, value)
                sock = socketio.test_client(
                    app,
                    namespace=PARTICIPANT_NS,
                    auth={"join_token": live_session.join_token},
                    flask_test_client=phone_http,
                )
                phones.append((sock, round_id))
        db.session.remove()

    def answer(number: int) -> None:
        sock, round_id = phones[number % len(phones)]
        payload = {
            "round_id": round_id,
            "client_id": f"bench-{number:09d}",
            "mood": 1 + number % 10,
            "feelings": ["hopeful"] if number % 3 else [],
        }
        if (number % 100) / 100 < args.note_share:
            payload["note"] = "A long week, but I'm here."
        ack = sock.emit("submit_checkin", payload, namespace=PARTICIPANT_NS, callback=True)
        if not ack.get("ok"):
            raise SystemExit(f"refused: {ack}")

    for number in range(min(200, args.answers)):  # warm up
        answer(number)
    gc_seconds = [0.0, 0.0, 0.0]  # CPU seconds in collections of each generation
    gc_counts = [0, 0, 0]
    gc_started = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_started[0] = time.thread_time()
        else:
            gc_seconds[info["generation"]] += time.thread_time() - gc_started[0]
            gc_counts[info["generation"]] += 1

    gc.callbacks.append(on_gc)
    for part in args.gc.split(","):
        if part == "freeze":
            gc.collect()
            gc.freeze()
    thresholds = [int(part) for part in args.gc.split(",") if part.isdigit()]
    if thresholds:
        gc.set_threshold(*thresholds)
    for sock, _ in phones:
        sock.get_received(PARTICIPANT_NS)
    gc.collect()
    profiler = None
    if args.profile:
        profiler = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "--pid",
                str(os.getpid()),
                "--rate",
                "500",
                "--format",
                "raw",
                "--output",
                str(args.profile),
            ],
            stdout=subprocess.DEVNULL,
        )
        time.sleep(1)
    started_cpu, started = time.process_time(), time.perf_counter()
    for number in range(200, 200 + args.answers):
        answer(number)
    cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started
    time.sleep(min(max(config.LIVE_UPDATE_INTERVAL, config.ROUND_RECOUNT_SECONDS), 5) + 0.5)
    settled_cpu = time.process_time() - started_cpu
    if profiler:
        profiler.send_signal(2)
        profiler.wait()
    print(
        f"{args.answers} answers from {len(phones)} phones in {args.rooms} rooms: "
        f"{cpu / args.answers * 1e6:.0f} us CPU per answer in the events, "
        f"{settled_cpu / args.answers * 1e6:.0f} us with what followed (recounts); wall {wall:.1f} s; "
        f"garbage collector: {sum(gc_seconds) / args.answers * 1e6:.0f} us per answer; by generation "
        + ", ".join(
            f"{count} took {seconds * 1e3:.0f} ms"
            for count, seconds in zip(gc_counts, gc_seconds, strict=True)
        )
    )


if __name__ == "__main__":
    main()
