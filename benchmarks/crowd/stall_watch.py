"""Run a server script and record each time its event loop stalls, with what it was doing.

    python benchmarks/crowd/stall_watch.py OUT.json wsgi.py
    python benchmarks/crowd/stall_watch.py OUT.json benchmarks/crowd/bare_relay.py --async-mode=gevent

A green thread wakes every 2 ms and notes the time; a real OS thread checks that note every
millisecond. When the loop has not run the green thread for STALL_MS (default 10), the OS thread
takes the main thread's stack at that moment, waits for the loop to come back, and records the
stall: when it began, how long it lasted and the stack. A stall is either one long call (the
stack shows it) or a run of ready work with no pause between (the stack shows whichever piece was
running). run.py uses it with `--stall-watch` and reports the stalls made while the phones
answered. Eventlet and gevent only: it patches as the script will (SOCKETIO_ASYNC_MODE, or the
script's `--async-mode=`) so that its green thread runs in the script's loop.
"""

from __future__ import annotations

import atexit
import json
import os
import runpy
import sys
import threading
import time
import traceback

OUT, SCRIPT = sys.argv[1], sys.argv[2]
sys.argv = [SCRIPT, *sys.argv[3:]]
sys.path[0] = os.path.dirname(os.path.abspath(SCRIPT))  # as if the script were run itself
STALL_SECONDS = float(os.environ.get("STALL_MS", "10")) / 1000
MODE = next(
    (arg.split("=", 1)[1] for arg in sys.argv if arg.startswith("--async-mode=")),
    os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet"),
)
stalls: list[tuple[float, float, list[str]]] = []  # (wall clock at start, seconds, stack)
_beat = [time.monotonic()]
_main = threading.get_ident()
_real_sleep = time.sleep  # taken before the patching below makes it green


def _write() -> None:
    with open(OUT, "w") as out:
        json.dump({"stall_ms": STALL_SECONDS * 1000, "stalls": stalls}, out)


def _watch() -> None:
    """In a real OS thread: notice a stall, keep the main thread's stack, time it."""
    last_written = time.monotonic()
    while True:
        _real_sleep(0.001)
        began = _beat[0]
        if time.monotonic() - began < STALL_SECONDS:
            continue
        frame = sys._current_frames().get(_main)
        stack = [line.strip() for line in traceback.format_stack(frame, limit=30)] if frame else []
        while _beat[0] == began:
            _real_sleep(0.0005)
        stalls.append((time.time() - (time.monotonic() - began), _beat[0] - began, stack))
        if time.monotonic() - last_written > 2:
            last_written = time.monotonic()
            _write()


threading.Thread(target=_watch, daemon=True).start()  # a real thread: nothing is patched yet
if MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
    _spawn, _green_sleep = eventlet.spawn, eventlet.sleep
elif MODE == "gevent":
    import gevent
    from gevent import monkey

    monkey.patch_all()
    _spawn, _green_sleep = gevent.spawn, gevent.sleep
else:
    raise SystemExit(f"stall_watch.py: no event loop to watch in async mode {MODE!r}")


def _heartbeat() -> None:
    while True:
        _green_sleep(0.002)
        _beat[0] = time.monotonic()


_spawn(_heartbeat)
atexit.register(_write)
runpy.run_path(SCRIPT, run_name="__main__")
