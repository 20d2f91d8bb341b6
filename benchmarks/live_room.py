"""Benchmark a live room: many phones answer a check-in round while a console watches.

Prints figures; asserts nothing. By default it starts its own server (`python wsgi.py`, eventlet,
SQLite in a temporary folder); `--url` points it at one you run yourself, set up with
`--email`/`--password` of an existing facilitator.

    .venv/bin/python benchmarks/live_room.py --phones 500 --rate 100

What it measures:
- joining: the HTTP join of every phone, then opening all their sockets;
- per answer: the time until the phone's acknowledgement (committed to the database), and until
  the facilitator's console receives it (`answer_recorded`);
- the server's resident memory before and after the phones connect (own server only).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark password"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def describe(name: str, seconds: list[float]) -> str:
    ms = [value * 1000 for value in seconds]
    return (
        f"{name}: n={len(ms)} p50={percentile(ms, 0.5):.1f} ms p95={percentile(ms, 0.95):.1f} ms "
        f"max={max(ms):.1f} ms mean={statistics.fmean(ms):.1f} ms"
    )


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class OwnServer:
    """The app served by wsgi.py on a free port, on a fresh SQLite database."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="stepwise-bench-"))
        self.port = 5800 + os.getpid() % 100
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "STEPWISE_INSTANCE_DIR": str(self.folder),
            "DATABASE_URL": f"sqlite:///{self.folder / 'bench.db'}",
            "PORT": str(self.port),
            "SECRET_KEY": "benchmark",
            "PYTHONWARNINGS": "ignore",
            # The benchmark's phones share a handful of addresses; lift the per-address HTTP limits.
            "JOIN_RATE_LIMIT": "100000 per minute",
            "LOGIN_RATE_LIMIT": "1000 per minute",
            # ... and every phone's socket comes from 127.0.0.1: lift the per-address connection cap.
            "MAX_CONNECTIONS_PER_ADDRESS": "1000000",
        }
        self.process: subprocess.Popen | None = None

    def flask(self, *args: str, stdin: str = "") -> None:
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            text=True,
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self.flask("db", "upgrade")
        self.flask(
            "create-facilitator",
            "--email",
            "bench@example.org",
            "--name",
            "Bench",
            "--password-stdin",
            stdin=PASSWORD,
        )
        log = open(self.folder / "server.log", "w")  # noqa: SIM115 - lives as long as the server
        self.process = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=ROOT, env=self.env, stdout=log, stderr=log
        )
        for _ in range(300):
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def submit(http: requests.Session, url: str, data: dict, form_url: str | None = None) -> requests.Response:
    token = csrf(http.get(form_url or url, timeout=30).text)
    return http.post(url, data={"csrf_token": token, **data}, timeout=30)


def open_session(url: str, email: str, password: str) -> tuple[requests.Session, int, str]:
    facilitator = requests.Session()
    submit(facilitator, url + "/login", {"email": email, "password": password})
    form = {
        "name": "Benchmark group",
        "crisis_resources": "Call 988",
        "min_aggregate_size": "3",
        "agenda-0-kind": "checkin",
        "agenda-0-title": "Check-in",
    }
    group = submit(facilitator, url + "/groups/new", form)
    console = submit(facilitator, group.url + "/sessions", {"title": "Benchmark"}, form_url=group.url)
    session_id = int(console.url.rstrip("/").rsplit("/", 1)[1])
    join_token = re.search(r"/j/([A-Za-z0-9_-]{20,})", console.text).group(1)
    return facilitator, session_id, join_token


def cookie_header(jar) -> str:
    """A Cookie header from a requests jar (Cookie objects) or an aiohttp jar (Morsels)."""
    return "; ".join(f"{getattr(cookie, 'name', None) or cookie.key}={cookie.value}" for cookie in jar)


async def join_phones(url: str, join_token: str, count: int) -> list[str]:
    """Join `count` phones over HTTP; returns each phone's cookie header."""
    semaphore = asyncio.Semaphore(20)

    async def join_one(number: int) -> str:
        async with semaphore, aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.get(f"{url}/j/{join_token}") as page:
                token = csrf(await page.text())
            form = {"csrf_token": token, "display_name": f"Phone {number}"}
            async with http.post(f"{url}/j/{join_token}", data=form) as joined:
                await joined.read()
            return cookie_header(http.cookie_jar)

    return await asyncio.gather(*(join_one(n) for n in range(count)))


async def run(args: argparse.Namespace, url: str, server_pid: int | None) -> None:
    facilitator, session_id, join_token = open_session(url, args.email, args.password)
    started = time.perf_counter()
    cookies = await join_phones(url, join_token, args.phones)
    print(f"joined {args.phones} phones over HTTP in {time.perf_counter() - started:.1f} s")
    memory_before = rss_mib(server_pid) if server_pid else None

    console = socketio.AsyncClient(reconnection=False)
    shown_at: dict[str, float] = {}  # each phone's name -> when its answer reached the console
    recounts = [0]

    async def on_answer_recorded(data: dict) -> None:
        shown_at.setdefault(data["response"]["name"], time.perf_counter())

    async def on_round_updated(_summary: dict) -> None:
        recounts[0] += 1

    console.on("answer_recorded", on_answer_recorded, namespace="/facilitator")
    console.on("round_updated", on_round_updated, namespace="/facilitator")
    await console.connect(
        url,
        namespaces=["/facilitator"],
        auth={"live_session_id": session_id},
        headers={"Cookie": cookie_header(facilitator.cookies)},
        wait_timeout=30,
    )

    phones = [socketio.AsyncClient(reconnection=False) for _ in cookies]
    started = time.perf_counter()
    semaphore = asyncio.Semaphore(50)

    async def connect(phone: socketio.AsyncClient, cookie: str) -> None:
        async with semaphore:
            await phone.connect(
                url,
                namespaces=["/participant"],
                auth={"join_token": join_token},
                headers={"Cookie": cookie},
                transports=["websocket"],
                wait_timeout=60,
            )

    await asyncio.gather(*(connect(phone, cookie) for phone, cookie in zip(phones, cookies, strict=True)))
    print(f"connected {len(phones)} phone sockets in {time.perf_counter() - started:.1f} s")
    if server_pid:
        await asyncio.sleep(1)
        after = rss_mib(server_pid)
        print(f"server memory: {memory_before:.0f} MiB before the sockets, {after:.0f} MiB with them")

    ack = await console.call("open_round", {"kind": "checkin"}, namespace="/facilitator", timeout=30)
    round_id = ack["round_id"]
    await asyncio.sleep(0.5)
    recounts[0] = 0

    sent_at: dict[str, float] = {}
    ack_latency: list[float] = []

    async def answer(number: int, phone: socketio.AsyncClient) -> None:
        payload = {
            "round_id": round_id,
            "client_id": f"bench-{number:08d}",
            "mood": 1 + number % 10,
            "feelings": ["hopeful"] if number % 3 else [],
            "note": "a short note" if number % 5 == 0 else None,
        }
        sent = time.perf_counter()
        sent_at[f"Phone {number}"] = sent
        reply = await phone.call("submit_checkin", payload, namespace="/participant", timeout=60)
        assert reply["ok"], reply
        ack_latency.append(time.perf_counter() - sent)

    started = time.perf_counter()
    tasks = []
    for number, phone in enumerate(phones):
        tasks.append(asyncio.create_task(answer(number, phone)))
        await asyncio.sleep(1 / args.rate)
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(2)
    print(f"{len(phones)} answers sent at {args.rate}/s in {elapsed:.1f} s")
    print(describe("answer -> acknowledgement (committed)", ack_latency))
    console_latency = [shown_at[name] - sent for name, sent in sent_at.items() if name in shown_at]
    print(describe("answer -> facilitator console shows it", console_latency))
    print(f"console recounts received: {recounts[0]} (one per ROUND_RECOUNT_SECONDS at most)")

    await asyncio.gather(*(phone.disconnect() for phone in phones))
    await console.disconnect()


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as they are measured
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--rate", type=float, default=100, help="answers per second")
    parser.add_argument("--url", help="an already running Stepwise (default: start one)")
    parser.add_argument("--email", default="bench@example.org")
    parser.add_argument("--password", default=PASSWORD)
    args = parser.parse_args()
    server = None if args.url else OwnServer()
    if server:
        server.start()
    try:
        asyncio.run(run(args, args.url or server.url, server.process.pid if server else None))
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
