"""How long a participant waits on a slow phone network, from the QR code to a usable room.

Starts the real server (`python wsgi.py`, eventlet, SQLite in a temporary folder, as the tests'
live server does), opens a session, and drives headless Chromium on a phone-sized page whose
network is throttled through the Chrome DevTools Protocol (Network.emulateNetworkConditions:
2 s round trip, 50 KB/s down and up, "slow 3G"). Prints, for each run in a fresh browser (empty
cache):

- join page: from opening the QR code's link until the "Join the session" button shows;
- first load: from pressing it until the room is usable (connected, its first state drawn), after
  `--typing` seconds on the join page (a person typing a name), and again pressing it at once;
- reload: reloading the room until it is usable again;
- the bytes transferred by each (HTTP responses with headers, and the WebSocket).

Prints figures; asserts nothing.

    .venv/bin/python benchmarks/slow_network.py --runs 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.network import SLOW_3G, NetworkLog, join, open_join_page, wait_until_usable  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, LiveServer, open_live_room  # noqa: E402


def one_run(browser, join_url: str, name: str, typing: float, conditions: dict) -> dict:
    """One phone in a fresh browser: the join page, joining, a reload. Times are the browser's own
    (CDP timestamps): from the request of the page to the frame with the room's first state."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        log = NetworkLog(page)
        log.emulate(conditions)
        open_join_page(page, join_url)
        join_page = log.dom_content_loaded_at[0] - log.documents()[0].started
        page.wait_for_timeout(typing * 1000)
        join(page, name)
        wait_until_usable(page, log)
        pressed = next(r.started for r in log.documents() if r.method == "POST")
        first_load, first_bytes = log.first_state_at - pressed, log.total_bytes
        log.reset()
        page.reload(wait_until="commit")
        wait_until_usable(page, log)
        return {
            "join page s": join_page,
            "first load s": first_load,
            "reload s": log.first_state_at - log.documents()[0].started,
            "first kB": first_bytes / 1000,
            "reload kB": log.total_bytes / 1000,
        }
    finally:
        context.close()


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as they are measured
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="fresh browsers per case")
    parser.add_argument(
        "--typing", type=float, default=5, help="seconds on the join page before pressing Join"
    )
    parser.add_argument("--latency", type=float, default=SLOW_3G["latency"], help="round trip, ms")
    parser.add_argument("--kbps", type=float, default=50, help="KB/s, each way")
    args = parser.parse_args()
    conditions = {
        "latency": args.latency,
        "downloadThroughput": args.kbps * 1024,
        "uploadThroughput": args.kbps * 1024,
    }

    folder = Path(tempfile.mkdtemp(prefix="stepwise-slow-"))
    server = LiveServer(
        folder, f"sqlite:///{folder / 'bench.db'}", extra_env={"JOIN_RATE_LIMIT": "1000 per minute"}
    )
    server.flask("db", "upgrade")
    server.start()
    try:
        room = open_live_room(server)
        join_url = f"{server.url}/j/{room.join_token}"
        print(f"Emulated network: {args.latency:.0f} ms round trip, {args.kbps:.0f} KB/s each way\n")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            cases = (
                (f"Join pressed after {args.typing:g} s typing", args.typing),
                ("Join pressed at once", 0),
            )
            for case, (label, typing) in enumerate(cases):
                runs = [
                    one_run(browser, join_url, f"Phone {case}-{number}", typing, conditions)
                    for number in range(args.runs)
                ]
                print(f"{label}, {args.runs} runs: median (each run)")
                for key in runs[0]:
                    values = [run[key] for run in runs]
                    each = ", ".join(f"{value:.1f}" for value in values)
                    print(f"  {key:<13} {statistics.median(values):6.1f}   ({each})")
                print()
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
