"""A crowd of phones against Stepwise and, in the same run, against a bare Flask-SocketIO relay.

    make bench                                        (the defaults below: eventlet, then gevent)
    .venv/bin/python benchmarks/crowd/run.py --rooms 50 --phones-per-room 20 --modes eventlet

For each async mode, back to back with the same Node clients (crowd.mjs):
1. the bare relay (bare_relay.py): it acknowledges each answer and sends it to the room's console
   (its garbage collector tuned as wsgi.py tunes Stepwise's, unless `--bare-gc default`);
2. Stepwise (`python wsgi.py`, SQLite in a temporary folder): R sessions, each with a console
   that opens a named round; P phones per session join over HTTP and connect with their seats;
   each answer is a real `submit_checkin`, committed before its acknowledgement.

R rooms x P phones answer at a fixed open-loop rate per phone (default 200 x 20 = 4,000 phones at
0.2 answers per phone per second: 800 answers/s) for `--seconds`. Printed for both servers:
connect time, answer -> acknowledgement and answer -> console (`answer_recorded`) p50/p95/p99,
committed answers per second, server CPU per answer, memory per phone, and Stepwise's ratios to
the relay. `--ramp` then raises the offered rate step by step on the same connections, to find
how many committed answers per second each server sustains before p95 passes 100 ms.

One pair of runs is one draw: on this machine Stepwise's p95 at the same rate, with the same code,
has ranged from about 4 to 14 ms from run to run. `--repeat N` runs the pair N times per mode,
the relay first in odd pairs and Stepwise first in even ones, prints each pair, then each ratio's
median and worst over the pairs and how many pairs met its target (the ramp runs in the first
pair only).

The server's CPU and memory are read from /proc for its process alone; the clients run in
another process on the same cores. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
import sqlalchemy

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PASSWORD = "benchmark password"
EMAIL = "bench@example.org"


def raise_file_limit() -> int:
    """Every phone is a socket at both ends: lift this process's (and its children's) file limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def processor() -> str:
    """The processor and its clock, as Linux names them: the same code costs twice the CPU on one
    host as on another (README, "Measuring a crowd"), so every run says where it ran."""
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return "an unknown processor"
    model = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
    speed = re.search(r"^cpu MHz\s*:\s*([0-9.]+)$", info, re.MULTILINE)
    name = model.group(1).strip() if model else "an unknown processor"
    return f"{name} at {float(speed.group(1)):.0f} MHz" if speed else name


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"server exited; see {log}")
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not start; see {log}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def python_command(script: Path, gc_stats: Path | None, stalls: Path | None) -> list[str]:
    """Run `script`, under gc_stats.py (its collector passes timed into `gc_stats`) and
    stall_watch.py (its event loop's stalls into `stalls`) if asked."""
    command = [sys.executable]
    if stalls is not None:
        command += [str(HERE / "stall_watch.py"), str(stalls)]
    if gc_stats is not None:
        command += [str(HERE / "gc_stats.py"), str(gc_stats)]
    return [*command, str(script)]


@dataclass(frozen=True)
class Watch:
    """What to record of each server's pauses besides the figures: collector passes, loop stalls."""

    gc: bool = False
    stalls: bool = False


class BareRelay:
    def __init__(self, folder: Path, port: int, mode: str, gc: str, watch: Watch) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log = folder / f"bare-{mode}.log"
        self.gc_stats = folder / f"bare-{mode}-gc.json" if watch.gc else None
        self.stalls = folder / f"bare-{mode}-stalls.json" if watch.stalls else None
        command = [
            *python_command(HERE / "bare_relay.py", self.gc_stats, self.stalls),
            f"--port={port}",
            f"--async-mode={mode}",
            f"--gc={gc}",
        ]
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)
        wait_until_up(self.url, self.process, self.log)

    def client_config(self, args: argparse.Namespace) -> dict:
        return {"kind": "bare", "rooms": [{"room": room} for room in range(args.rooms)]}


class Stepwise:
    """`python wsgi.py` on a fresh SQLite database (or the empty one `--env DATABASE_URL=...` names),
    with one facilitator running R live sessions."""

    def __init__(self, folder: Path, port: int, mode: str, extra_env: dict[str, str], watch: Watch) -> None:
        self.folder = folder / f"stepwise-{mode}"
        self.gc_stats = self.folder / "gc.json" if watch.gc else None
        self.stalls = self.folder / "stalls.json" if watch.stalls else None
        self.folder.mkdir()
        self.url = f"http://127.0.0.1:{port}"
        self.log = self.folder / "server.log"
        self.env = {
            **os.environ,
            "STEPWISE_INSTANCE_DIR": str(self.folder),
            "DATABASE_URL": f"sqlite:///{self.folder / 'bench.db'}",
            "PORT": str(port),
            "SECRET_KEY": "benchmark",
            "SOCKETIO_ASYNC_MODE": mode,
            "PYTHONWARNINGS": "ignore",
            # The phones all come from 127.0.0.1: lift the per-address limits on joining and sockets.
            "JOIN_RATE_LIMIT": "1000000 per minute",
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "MAX_CONNECTIONS_PER_ADDRESS": "1000000",
            **extra_env,
        }
        self._flask("db", "upgrade")
        self._flask(
            "create-facilitator", "--email", EMAIL, "--name", "Bench", "--password-stdin", stdin=PASSWORD
        )
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                python_command(ROOT / "wsgi.py", self.gc_stats, self.stalls),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
            )
        wait_until_up(self.url, self.process, self.log)

    def _flask(self, *args: str, stdin: str = "") -> None:
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            text=True,
            check=True,
            capture_output=True,
        )

    def client_config(self, args: argparse.Namespace) -> dict:
        http = requests.Session()
        _submit(http, self.url + "/login", {"email": EMAIL, "password": PASSWORD})
        for number in range(args.rooms):
            form = {
                "name": f"Crowd room {number}",
                "crisis_resources": "Call 988",
                "min_aggregate_size": "3",
                "agenda-0-kind": "checkin",
                "agenda-0-title": "Check-in",
            }
            group = _submit(http, self.url + "/groups/new", form)
            created = _submit(http, group.url + "/sessions", {"title": f"Crowd {number}"}, form_url=group.url)
            if "/sessions/" not in created.url:
                raise RuntimeError(f"could not start a session: {created.url}")
        engine = sqlalchemy.create_engine(self.env["DATABASE_URL"])
        with engine.connect() as database:
            sessions = database.execute(
                sqlalchemy.text("SELECT id, join_token FROM live_session WHERE state = 'live' ORDER BY id")
            ).all()
        engine.dispose()
        rooms = [
            {"room": number, "sessionId": session_id, "joinToken": token}
            for number, (session_id, token) in enumerate(sessions)
        ]
        cookie = "; ".join(f"{cookie.name}={cookie.value}" for cookie in http.cookies)
        return {"kind": "stepwise", "rooms": rooms, "consoleCookie": cookie}


def _submit(http: requests.Session, url: str, data: dict, form_url: str | None = None) -> requests.Response:
    page = http.get(form_url or url, timeout=60).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = http.post(url, data={"csrf_token": token, **data}, timeout=60)
    response.raise_for_status()
    return response


def read_stats(path: Path | None) -> dict | None:
    if path is None or not path.exists():
        return None
    return json.loads(path.read_text())


def describe_gc(stats: dict | None, phase: dict) -> str:
    """The collector's passes while the phones answered (`phase`: the crowd's figures)."""
    if not stats:
        return "-"
    begin, end = phase["startedAt"] / 1000, phase["endedAt"] / 1000
    during = [
        (generation, seconds) for moment, generation, seconds in stats["passes"] if begin <= moment <= end
    ]
    parts = []
    for generation in (0, 1, 2):
        times = [seconds * 1000 for gen, seconds in during if gen == generation]
        longest = max(times, default=0)
        parts.append(f"gen {generation}: {len(times)} passes, {sum(times):.0f} ms, longest {longest:.1f} ms")
    return "; ".join(parts)


def describe_stalls(stats: dict | None, phase: dict) -> str:
    """The event loop's stalls while the phones answered, and what the longest were doing."""
    if not stats:
        return "-"
    begin, end = phase["startedAt"] / 1000, phase["endedAt"] / 1000
    during = sorted(
        ((seconds * 1000, stack) for moment, seconds, stack in stats["stalls"] if begin <= moment <= end),
        key=lambda stall: -stall[0],
    )
    summary = (
        f"{len(during)} of {stats['stall_ms']:.0f} ms or more, {sum(ms for ms, _ in during):.0f} ms in all, "
        f"longest {during[0][0] if during else 0:.0f} ms"
    )
    lines = [summary]
    for ms, stack in during[:3]:
        ours = [frame for frame in stack if "/facilitator/" in frame or "bare_relay.py" in frame]
        where = (ours or stack or ["?"])[-1].splitlines()[0]
        lines.append(f"    {ms:.0f} ms, in: {where}")
    return "\n".join(lines)


def drive(
    server: BareRelay | Stepwise, label: str, args: argparse.Namespace, folder: Path, ramp: list[float]
) -> dict:
    """Run the Node crowd against one server (then the ramp's steps, if any); returns its figures."""
    config = {
        **server.client_config(args),
        "label": label,
        "url": server.url,
        "serverPid": server.process.pid,
        "phonesPerRoom": args.phones_per_room,
        "rate": args.rate,
        "seconds": args.seconds,
        "ramp": ramp,
        "rampSeconds": args.ramp_seconds,
        "connectConcurrency": args.connect_concurrency,
        "joinConcurrency": 16,
        "connectTimeoutMs": 60000,
        "ackTimeoutMs": args.ack_timeout * 1000,
        "noteShare": args.note_share,
        "settleMs": 3000,
        "profile": str(args.profile / f"{label}.txt") if args.profile else None,
        "pySpy": str(Path(sys.executable).parent / "py-spy"),
    }
    config_file = folder / f"{label}.json"
    config_file.write_text(json.dumps(config))
    finished = subprocess.run(
        ["node", str(HERE / "crowd.mjs"), str(config_file)], cwd=HERE, stdout=subprocess.PIPE, text=True
    )
    if finished.returncode != 0:
        raise RuntimeError(f"the crowd failed against {label}; server log: {server.log}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


# --- printing ----------------------------------------------------------------------------------------


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or theirs <= 0:
        return "-"
    return f"{ours / theirs:.2f}x"


# The targets, Stepwise to the relay: (what, how to read it from a server's figures, at most).
TARGETS: tuple[tuple[str, Callable[[dict], float | None], float], ...] = (
    ("answer->console p95", lambda result: result["main"]["consoleMs"].get("p95"), 2.0),
    ("answer->console p99", lambda result: result["main"]["consoleMs"].get("p99"), 3.0),
    ("server CPU per answer", lambda result: result["main"]["cpuMsPerAnswer"], 2.0),
    ("memory per phone", lambda result: result["memory"]["kibPerPhone"], 1.5),
)


def print_repeats(mode: str, pairs: list[dict]) -> None:
    """Each target's ratio in every pair, its median and worst, and how many pairs met it."""
    print(f"\n== {mode}: Stepwise to the relay over {len(pairs)} pairs of runs ==")
    header = ["", *(f"pair {number}" for number in range(1, len(pairs) + 1)), "median", "worst", "met"]
    rows = [header]
    for name, figure, at_most in TARGETS:
        ratios = []
        for pair in pairs:
            ours, theirs = figure(pair["stepwise"]), figure(pair["bare"])
            ratios.append(ours / theirs if ours is not None and theirs else float("inf"))
        met = sum(ratio <= at_most for ratio in ratios)
        rows.append(
            [
                f"{name} (target {at_most:g}x)",
                *(f"{ratio:.2f}x" for ratio in ratios),
                f"{statistics.median(ratios):.2f}x",
                f"{max(ratios):.2f}x",
                f"{met} of {len(ratios)}",
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def _latency(figures: dict) -> str:
    if not figures.get("n"):
        return "-"
    return f"{figures['p50']:.1f} / {figures['p95']:.1f} / {figures['p99']:.1f} ms"


def print_comparison(mode: str, bare: dict, ours: dict) -> None:
    b, s = bare["main"], ours["main"]
    rows = [
        ("phones (rooms)", f"{bare['phones']} ({bare['rooms']})", f"{ours['phones']} ({ours['rooms']})", ""),
        (
            "connect: all sockets; each p50/p95/p99",
            f"{bare['connect']['seconds']:.1f} s; {_latency(bare['connect']['latencyMs'])}",
            f"{ours['connect']['seconds']:.1f} s; {_latency(ours['connect']['latencyMs'])}",
            _ratio(ours["connect"]["seconds"], bare["connect"]["seconds"]),
        ),
        (
            "answers acked / sent (timeouts)",
            f"{b['acknowledged']} / {b['sent']} ({b['timeouts']})",
            f"{s['acknowledged']} / {s['sent']} ({s['timeouts']})",
            "",
        ),
        ("answers shown on the console", str(b["shown"]), str(s["shown"]), ""),
        (
            "committed answers/s (offered)",
            f"{b['committedPerSecond']:.0f} ({b['offeredPerSecond']:.0f})",
            f"{s['committedPerSecond']:.0f} ({s['offeredPerSecond']:.0f})",
            "",
        ),
        ("ack p50 / p95 / p99", _latency(b["ackMs"]), _latency(s["ackMs"]), ""),
        ("answer->console p50 / p95 / p99", _latency(b["consoleMs"]), _latency(s["consoleMs"]), ""),
        ("answer->console p95 ratio", "", "", _ratio(s["consoleMs"].get("p95"), b["consoleMs"].get("p95"))),
        ("answer->console p99 ratio", "", "", _ratio(s["consoleMs"].get("p99"), b["consoleMs"].get("p99"))),
        ("server CPU", f"{b['serverCpuPercent']:.0f}%", f"{s['serverCpuPercent']:.0f}%", ""),
        (
            "server waited for a core (others' load)",
            f"{b['serverWaitedPercent']:.0f}%",
            f"{s['serverWaitedPercent']:.0f}%",
            "",
        ),
        (
            "server CPU per answer",
            f"{b['cpuMsPerAnswer']:.2f} ms",
            f"{s['cpuMsPerAnswer']:.2f} ms" if s["cpuMsPerAnswer"] else "-",
            _ratio(s["cpuMsPerAnswer"], b["cpuMsPerAnswer"]),
        ),
        (
            "memory per phone",
            f"{bare['memory']['kibPerPhone']:.0f} KiB",
            f"{ours['memory']['kibPerPhone']:.0f} KiB",
            _ratio(ours["memory"]["kibPerPhone"], bare["memory"]["kibPerPhone"]),
        ),
        ("console recounts (round_updated)", "-", str(s["recounts"]), ""),
        (
            "client CPU; its loop lag p99",
            *(f"{r['clientCpuPercent']:.0f}%; {r['clientLoopLagP99Ms']} ms" for r in (b, s)),
            "",
        ),
    ]
    errors = {**s["errors"]}
    print(f"\n== {mode}: bare Flask-SocketIO relay vs Stepwise, same clients, same run ==")
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    header = ("", "bare relay", "Stepwise", "ratio")
    for row in (header, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    if errors:
        print(f"Stepwise refused: {errors}")
    if bare.get("gc") or ours.get("gc"):
        print("garbage collector while answering (CPU time of its passes):")
        print(f"  bare relay: {describe_gc(bare.get('gc'), b)}")
        print(f"  Stepwise:   {describe_gc(ours.get('gc'), s)}")
    if bare.get("stalls") or ours.get("stalls"):
        print("event loop stalls while answering (stall_watch.py):")
        print(f"  bare relay: {describe_stalls(bare.get('stalls'), b)}")
        print(f"  Stepwise:   {describe_stalls(ours.get('stalls'), s)}")
    if ours.get("ramp"):
        print(f"\n-- {mode}: the ramp (answer->console p95 against committed answers/s) --")
        print(
            "offered/s | bare relay: committed/s, console p95, CPU/answer | "
            "Stepwise: committed/s, console p95, CPU/answer"
        )
        for step_bare, step_ours in zip(bare["ramp"], ours["ramp"], strict=False):
            print(
                f"{step_ours['offeredPerSecond']:>9.0f} | "
                f"{step_bare['committedPerSecond']:>6.0f}, {step_bare['consoleMs'].get('p95', 0):>7.1f} ms, "
                f"{step_bare['cpuMsPerAnswer'] or 0:.2f} ms | "
                f"{step_ours['committedPerSecond']:>6.0f}, {step_ours['consoleMs'].get('p95', 0):>7.1f} ms, "
                f"{step_ours['cpuMsPerAnswer'] or 0:.2f} ms"
                + (f"  ({step_ours['timeouts']} timeouts)" if step_ours["timeouts"] else "")
            )
        for name, result in (("bare relay", bare), ("Stepwise", ours)):
            within = [
                step["committedPerSecond"]
                for step in [result["main"], *result["ramp"]]
                if step["consoleMs"].get("p95", 1e9) <= 100
                and not step["timeouts"]
                and step["acknowledged"] == step["sent"]
            ]
            best = f"{max(within):.0f}" if within else "none"
            print(f"{name}: most committed answers/s with answer->console p95 <= 100 ms: {best}")


def print_single(mode: str, name: str, result: dict) -> None:
    """One server's figures, for a run without the other."""
    main = result["main"]
    print(f"\n== {mode}: {name} ==")
    print(f"connect: {result['connect']['seconds']:.1f} s; each {_latency(result['connect']['latencyMs'])}")
    for step in [main, *result["ramp"]]:
        print(
            f"{step['label']}: {step['acknowledged']}/{step['sent']} acked ({step['timeouts']} timeouts), "
            f"{step['committedPerSecond']:.0f}/s committed of {step['offeredPerSecond']:.0f} offered; "
            f"ack {_latency(step['ackMs'])}; answer->console {_latency(step['consoleMs'])}; "
            f"CPU {step['serverCpuPercent']:.0f}% (waited {step['serverWaitedPercent']:.0f}%), "
            f"{step['cpuMsPerAnswer'] or 0:.2f} ms/answer"
        )
    print(f"memory per phone: {result['memory']['kibPerPhone']:.0f} KiB")
    if result.get("gc"):
        print(f"garbage collector while answering: {describe_gc(result['gc'], main)}")
    if result.get("stalls"):
        print(f"event loop stalls while answering: {describe_stalls(result['stalls'], main)}")


def run_server(
    name: str,
    mode: str,
    folder: Path,
    port: int,
    args: argparse.Namespace,
    extra_env: dict[str, str],
    watch: Watch,
    ramp: list[float],
) -> dict:
    """Start the relay or Stepwise (its logs and database in `folder`), drive the crowd against
    it, stop it; its figures."""
    if name == "bare":
        server: BareRelay | Stepwise = BareRelay(folder, port, mode, args.bare_gc, watch)
    else:
        server = Stepwise(folder, port + 50, mode, extra_env, watch)
    try:
        figures = drive(server, f"{name}-{mode}", args, folder, ramp)
    finally:
        stop(server.process)
    figures["gc"] = read_stats(server.gc_stats)
    figures["stalls"] = read_stats(server.stalls)
    # What one server wrote must not be written back to disk while the next one is measured.
    if isinstance(server, Stepwise) and not args.keep:
        shutil.rmtree(server.folder, ignore_errors=True)
    os.sync()
    time.sleep(2)
    return figures


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--phones-per-room", type=int, default=20)
    parser.add_argument("--rate", type=float, default=0.2, help="answers per phone per second")
    parser.add_argument("--seconds", type=float, default=30, help="how long the phones answer")
    parser.add_argument("--modes", default="eventlet,gevent", help="async modes, comma-separated")
    parser.add_argument(
        "--servers", default="bare,stepwise", help="bare, stepwise, or both as bare,stepwise (the default)"
    )
    parser.add_argument(
        "--ramp",
        default="",
        help="offered answers/s for the ramp's steps, comma-separated (e.g. 600,800,1000,1200,1400)",
    )
    parser.add_argument("--ramp-seconds", type=float, default=15)
    parser.add_argument("--ack-timeout", type=float, default=30, help="seconds")
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument("--note-share", type=float, default=0.2, help="share of answers with a note")
    parser.add_argument(
        "--bare-gc",
        choices=["tuned", "default"],
        default="tuned",
        help="the relay's garbage collector: tuned as wsgi.py tunes Stepwise's (the fair yardstick), "
        "or Python's defaults (the framework out of the box, whose full passes pause it)",
    )
    parser.add_argument(
        "--gc-stats", action="store_true", help="time each server's garbage-collector passes (gc_stats.py)"
    )
    parser.add_argument(
        "--stall-watch",
        action="store_true",
        help="record each server's event-loop stalls with what it was doing (stall_watch.py)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="pairs of runs per mode, alternating which server goes first"
    )
    parser.add_argument("--keep", action="store_true", help="keep the servers' logs and databases")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--profile",
        type=Path,
        help="a folder: py-spy samples each server through the main phase (collapsed stacks)",
    )
    parser.add_argument(
        "--env", action="append", default=[], help="NAME=value for Stepwise's environment (repeatable)"
    )
    args = parser.parse_args()
    args.ramp = [float(rate) for rate in args.ramp.split(",") if rate.strip()]
    servers = {name.strip() for name in args.servers.split(",")}
    if not servers or not servers <= {"bare", "stepwise"}:
        parser.error(f"--servers: {args.servers!r}: name bare, stepwise, or both as bare,stepwise")
    extra_env = dict(item.split("=", 1) for item in args.env)
    watch = Watch(gc=args.gc_stats, stalls=args.stall_watch)
    limit = raise_file_limit()
    phones = args.rooms * args.phones_per_room
    if limit < phones * 2 + 1000:
        print(f"warning: the file limit is {limit}; {phones} phones need about {phones * 2 + 1000}")
    if not (HERE / "node_modules" / "socket.io-client").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    port = 5900 + os.getpid() % 50
    print(
        f"{args.rooms} rooms x {args.phones_per_room} phones = {phones} phones "
        f"at {args.rate} answers/phone/s "
        f"({phones * args.rate:.0f} answers/s) for {args.seconds:.0f} s; the relay's garbage "
        f"collector {args.bare_gc}; load average now "
        f"{os.getloadavg()[0]:.2f}; {os.cpu_count()} cores, {processor()}"
    )
    results: dict = {"args": {**vars(args), "json": str(args.json)}, "modes": {}}
    folder = Path(tempfile.mkdtemp(prefix="stepwise-crowd-"))
    if args.keep:
        print(f"servers' logs and databases in {folder}")
    try:
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            pairs = []
            for number in range(1, args.repeat + 1):
                if args.repeat > 1:
                    print(f"\n-- {mode}: pair {number} of {args.repeat} --")
                order = ["bare", "stepwise"] if number % 2 else ["stepwise", "bare"]
                ramp = args.ramp if number == 1 else []
                pair_folder = folder / f"{mode}-pair-{number}"
                pair_folder.mkdir()
                figures = {
                    name: run_server(name, mode, pair_folder, port, args, extra_env, watch, ramp)
                    for name in order
                    if name in servers
                }
                pairs.append(figures)
                if "bare" in figures and "stepwise" in figures:
                    print_comparison(mode, figures["bare"], figures["stepwise"])
                else:
                    for name, result in figures.items():
                        print_single(mode, name, result)
            results["modes"][mode] = pairs
            if args.repeat > 1 and servers >= {"bare", "stepwise"}:
                print_repeats(mode, pairs)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
