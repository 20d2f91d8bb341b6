"""Run a server script with the garbage collector's passes timed; the figures go to a JSON file.

    python benchmarks/crowd/gc_stats.py OUT.json wsgi.py
    python benchmarks/crowd/gc_stats.py OUT.json benchmarks/crowd/bare_relay.py --port=5900

run.py uses it with `--gc-stats` and reports the passes made while the phones answered: for
each generation, how many, their total and longest CPU time. The file is written every few
seconds and at exit. The script runs as `__main__`, so wsgi.py's monkey-patching still comes
first.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import runpy
import sys
import time

OUT, SCRIPT = sys.argv[1], sys.argv[2]
sys.argv = [SCRIPT, *sys.argv[3:]]
sys.path[0] = os.path.dirname(os.path.abspath(SCRIPT))  # as if the script were run itself
passes: list[tuple[float, int, float]] = []  # (wall clock, generation, CPU seconds) of each pass
_started = [0.0]
_last_written = [time.monotonic()]


def _write() -> None:
    with open(OUT, "w") as out:
        json.dump({"frozen": gc.get_freeze_count(), "thresholds": gc.get_threshold(), "passes": passes}, out)


def _on_gc(phase: str, info: dict) -> None:
    if phase == "start":
        _started[0] = time.thread_time()
        return
    passes.append((time.time(), info["generation"], time.thread_time() - _started[0]))
    if time.monotonic() - _last_written[0] > 2:
        _last_written[0] = time.monotonic()
        _write()


if os.environ.get("GC_THRESHOLDS"):  # to try other thresholds: GC_THRESHOLDS=700,10,100
    gc.set_threshold(*(int(part) for part in os.environ["GC_THRESHOLDS"].split(",")))
gc.callbacks.append(_on_gc)
atexit.register(_write)
runpy.run_path(SCRIPT, run_name="__main__")
