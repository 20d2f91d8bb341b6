"""Benchmark the grounding exercise's sync: do 1,000 phones show the same moment?

    .venv/bin/python benchmarks/grounding_sync.py --phones 1000
    .venv/bin/python benchmarks/grounding_sync.py --phones 1000 --jitter 20,300

Starts its own server (`python wsgi.py`, eventlet, SQLite in a temporary folder), joins N phones
over HTTP, then hands them to Node (benchmarks/grounding_sync.mjs, socket.io-client from
benchmarks/crowd/): each phone connects with its own clock set wrong by up to ±`--skew` seconds,
measures its offset from the server's clock with the room's own code (static/js/clock.js: a few
`clock` pings, the shortest round trip wins), and, once the console starts box breathing, works
out the exercise's step with static/js/grounding-time.js. `--jitter LOW,HIGH` adds a random
one-way delay, each way, to every clock ping and to the start's arrival (a jittery mobile network;
asymmetric round trips are what spoil a clock measurement).

Printed: how long connecting took; each phone's offset error and best round trip, first as it
measured while all the others were connecting too, then once poor measurements were tried again;
how long the start took to reach the phones (and how many heard it before the first step, after
the 3-second "Get ready"); and at three moments during the exercise, each phone's computed
position against the true one (p50/p95/max of |error|), the spread between the earliest and the
latest phone, and the share of phones on the true step. The phones share this machine's clock
with the server, which is how the truth is known. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from live_room import PASSWORD, OwnServer, cookie_header, join_phones, open_session  # noqa: E402

NODE_SCRIPT = HERE / "grounding_sync.mjs"
SOCKET_IO_CLIENT = HERE / "crowd" / "node_modules" / "socket.io-client"


def describe(name: str, figures: dict) -> str:
    if not figures.get("n"):
        return f"{name}: none"
    p50, p95, most = figures["p50"], figures["p95"], figures["max"]
    return f"{name}: p50 {p50} ms, p95 {p95} ms, max {most} ms (n={figures['n']})"


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument(
        "--skew", type=float, default=120, help="phones' clocks are off by up to ± this (seconds)"
    )
    parser.add_argument("--jitter", default="0,0", help="LOW,HIGH ms of one-way delay on each clock message")
    parser.add_argument("--concurrency", type=int, default=50, help="sockets opening at once")
    args = parser.parse_args()
    if not SOCKET_IO_CLIENT.exists():
        sys.exit(f"socket.io-client is missing: run `npm ci` in {SOCKET_IO_CLIENT.parent.parent}")
    jitter = [float(part) for part in args.jitter.split(",")]

    server = OwnServer()
    server.start()
    try:
        facilitator, session_id, join_token = open_session(server.url, "bench@example.org", PASSWORD)
        cookies = asyncio.run(join_phones(server.url, join_token, args.phones))
        print(f"joined {len(cookies)} phones over HTTP")
        config = {
            "url": server.url,
            "sessionId": session_id,
            "joinToken": join_token,
            "consoleCookie": cookie_header(facilitator.cookies),
            "cookies": cookies,
            "skewMs": args.skew * 1000,
            "jitterMs": jitter,
            "concurrency": args.concurrency,
            # When every phone computes its position: during the first, second and third steps.
            "settleMs": 120_000,
            "sampleAfterMs": 2000,
            "sampleMomentsMs": [2000, 6000, 10000],
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
            json.dump(config, file)
        done = subprocess.run(
            ["node", "--experimental-default-type=module", str(NODE_SCRIPT), file.name],
            capture_output=True,
            text=True,
            check=False,
        )
        Path(file.name).unlink()
        if done.returncode:
            sys.exit(f"the phones failed:\n{done.stderr}")
        result = json.loads(done.stdout)
    finally:
        server.stop()

    print(f"{result['connected']} of {result['phones']} phones connected in {result['connectSeconds']:.1f} s")
    print(f"clocks off by up to ±{args.skew:.0f} s; jitter {args.jitter} ms each way on every clock message")
    print(describe("first measurement, while all connect: offset error", result["firstOffsetErrorMs"]))
    print(describe("first measurement: best round trip", result["firstRoundTripMs"]))
    print(
        f"{result['measured']} phones settled (poor measurements tried again) "
        f"{result['settleSeconds']:.1f} s after the first connected"
    )
    print(describe("settled: offset error", result["offsetErrorMs"]))
    print(describe("settled: best round trip", result["bestRoundTripMs"]))
    print(
        f"start reached {result['heardStart']} phones, "
        f"{result['heardBeforeFirstStep']} of them before the first step"
    )
    print(describe("start: console sends -> phone has it", result["startDeliveryMs"]))
    print(describe("computed position vs true position", result["phaseErrorMs"]))
    print(describe("spread, earliest to latest phone, at one moment", result["phaseSpreadMs"]))
    print(f"phones on the true step: {result['sameStepShare'] * 100:.2f}%")


if __name__ == "__main__":
    main()
