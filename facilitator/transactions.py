"""What happens once a change is committed, and never if it is rolled back.

Stepwise tells people about a change (a console, a phone, a closed connection) only after the
change is in the database. Code that makes a change says what should follow with
`after_commit(action)`; the session runs the actions right after its next commit, in order,
and forgets them on a rollback. Outside a transaction the action runs at once. This is how a
service can have the room told without knowing about sockets (it sends a signal after commit,
facilitator/signals.py), and how a socket handler's announcements wait for the commit that the
event wrapper makes (facilitator/realtime/events.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_sqlalchemy.session import Session as FlaskSession

_PENDING = "stepwise.after_commit"


class Session(FlaskSession):
    """Flask-SQLAlchemy's session, running the actions queued for after its commit."""

    def commit(self) -> None:
        super().commit()
        # An action may change more and commit again; its own actions then run after that commit.
        while actions := self.info.pop(_PENDING, None):
            for action in actions:
                action()

    def rollback(self) -> None:
        self.info.pop(_PENDING, None)
        super().rollback()

    def close(self) -> None:
        self.info.pop(_PENDING, None)
        super().close()


def session_opened() -> bool:
    """Whether this context has opened its database session at all (an answer's quick way
    writes past it: facilitator/statements.py), without opening one to find out."""
    return bool(current_app.extensions["sqlalchemy"].session.registry.has())


def after_commit(action: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run `action(*args, **kwargs)` once the current transaction commits (now, if none is open)."""
    if (
        not session_opened()
        or not (session := current_app.extensions["sqlalchemy"].session()).in_transaction()
    ):
        action(*args, **kwargs)
        return
    session.info.setdefault(_PENDING, []).append(functools.partial(action, *args, **kwargs))
