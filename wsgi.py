"""Entry point. `python wsgi.py` serves Stepwise; `flask --app wsgi <command>` runs its commands.

The async server is a setting (SOCKETIO_ASYNC_MODE: eventlet by default, gevent or threading),
so the green-thread patching happens here, before anything else is imported, and nowhere else.
"""

import gc
import os

if __name__ == "__main__":
    _async_mode = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
    if _async_mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif _async_mode == "gevent":
        from gevent import monkey

        monkey.patch_all()

from facilitator import create_app
from facilitator.access_log import quiet_hung_up_clients, redact_server_logs
from facilitator.extensions import socketio
from facilitator.jobs import start_periodic_jobs
from facilitator.realtime.presence import forget_all_connections
from facilitator.realtime.workers import drain_on_sigterm, start_worker
from facilitator.safety import load_screen

app = create_app()


def stop_server() -> None:
    """Make `socketio.run` return, from the background task that drained this worker (SIGTERM)."""
    async_mode = app.config["SOCKETIO_ASYNC_MODE"]
    if async_mode == "gevent":
        socketio.wsgi_server.stop(timeout=1)
    elif async_mode == "eventlet":
        raise SystemExit  # from a green thread, eventlet hands it to the server's accept loop, which ends
    else:
        raise KeyboardInterrupt  # in the signal handler (main thread): Werkzeug's server ends as on Ctrl-C


if __name__ == "__main__":
    # The risk screen's phrase list and model, read now: a broken custom file stops the start.
    load_screen(app)
    if not app.config["SOCKETIO_MESSAGE_QUEUE"]:
        with app.app_context():
            forget_all_connections()
    # Serving from here on: this process's row in server_worker, its heartbeat among the periodic
    # jobs, and on SIGTERM a drain (connections closed, rows removed, departures announced).
    start_worker(app)
    drain_on_sigterm(app, stop_server)
    start_periodic_jobs(app)
    # The garbage collector's full passes stop the whole process for as long as it takes to
    # walk every object: 200 ms and more with a few thousand phones, which the answers' p99
    # shows. What start-up made (modules, the app, the risk model) lives as long as the process,
    # so it is frozen out of them; and they come once per 1,000 passes of the middle
    # generation instead of 10 (minutes apart instead of seconds; see "Measuring a crowd" in
    # the README).
    gc.collect()
    gc.freeze()
    gc.set_threshold(700, 10, 1000)
    server_options = {
        # eventlet serves at most 1,024 connections at once unless told otherwise.
        "eventlet": {"max_size": app.config["MAX_CONNECTIONS"]},
        "threading": {"allow_unsafe_werkzeug": True},
    }.get(app.config["SOCKETIO_ASYNC_MODE"], {})
    # Join, take-home, invitation and reset links work as passwords: the access log shows 4 characters.
    server_options.update(redact_server_logs(app.config["SOCKETIO_ASYNC_MODE"]))
    quiet_hung_up_clients(app.config["SOCKETIO_ASYNC_MODE"])
    socketio.run(app, host=app.config["HOST"], port=app.config["PORT"], log_output=True, **server_options)
