"""The benchmarks' own command lines: a mistyped option stops them before any server starts."""

import subprocess
import sys

from .conftest import ROOT


def test_the_crowd_benchmark_refuses_a_server_it_does_not_know() -> None:
    command = [sys.executable, str(ROOT / "benchmarks" / "crowd" / "run.py"), "--servers", "both"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "--servers: 'both'" in run.stderr
    assert "phones" not in run.stdout  # nothing started
