"""Run a server script with the garbage collector's passes timed; the figures go to a JSON file.

    python benchmarks/crowd/gc_stats.py OUT.json wsgi.py
    python benchmarks/crowd/gc_stats.py OUT.json benchmarks/crowd/bare_relay.py --port=5900

run.py uses it with `--gc-stats`: each generation's passes, their total and longest CPU time,
written when the server stops (SIGTERM) and every 5 seconds meanwhile. The script runs as
`__main__`, so wsgi.py's monkey-patching still comes first.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import runpy
import signal
import sys
import time

OUT, SCRIPT = sys.argv[1], sys.argv[2]
sys.argv = [SCRIPT, *sys.argv[3:]]
sys.path[0] = os.path.dirname(os.path.abspath(SCRIPT))  # as if the script were run itself
passes: list[list[float]] = [[], [], []]  # CPU seconds of each pass, by generation
_started = [0.0]
_last_written = [time.monotonic()]


def _write() -> None:
    figures = {
        str(generation): {
            "passes": len(times),
            "total_ms": round(sum(times) * 1000, 1),
            "longest_ms": round(max(times, default=0) * 1000, 1),
            "times_ms": [round(t * 1000, 2) for t in times[-2000:]],
        }
        for generation, times in enumerate(passes)
    }
    with open(OUT, "w") as out:
        json.dump({"frozen": gc.get_freeze_count(), "thresholds": gc.get_threshold(), **figures}, out)


def _on_gc(phase: str, info: dict) -> None:
    if phase == "start":
        _started[0] = time.thread_time()
        return
    passes[info["generation"]].append(time.thread_time() - _started[0])
    if time.monotonic() - _last_written[0] > 5:
        _last_written[0] = time.monotonic()
        _write()


gc.callbacks.append(_on_gc)
atexit.register(_write)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
runpy.run_path(SCRIPT, run_name="__main__")
