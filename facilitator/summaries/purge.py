"""The retention purge: `flask --app wsgi purge` removes people's written words from old sessions.

A group may set a retention period in days. Once a session of that group ended longer ago than
that, its free text goes (the facilitators' private notes here, and what each capability adds
with `add_purge_step` in its init_app: check-in notes, safety-flag texts, support messages, win
texts); its stored summary, which holds
only counts and aggregates, stays. Running it again removes nothing more, so it is safe from
cron. See docs/summaries.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import click
from flask import Flask, current_app
from sqlalchemy import CursorResult, Update, select, update

from ..clock import utcnow
from ..extensions import db
from ..groups.models import Group
from ..sessions.models import LiveSession, SessionState
from .models import SessionSummary
from .services import ensure_summary

# A step removes one kind of free text from the given sessions of a group; returns how many texts.
PurgeRun = Callable[[Group, list[int]], int]


@dataclass(frozen=True)
class PurgeStep:
    what: str  # plural, for the report: "check-in notes"
    run: PurgeRun


def updated_rows(statement: Update) -> int:
    """Run an UPDATE (without RETURNING) and return how many rows it changed."""
    # The ORM answers such a statement with a CursorResult; Session.execute is typed for any statement.
    result = cast(CursorResult[Any], db.session.execute(statement))
    return result.rowcount


def add_purge_step(app: Flask, step: PurgeStep) -> None:
    """Add a capability's free text to the purge (once per name)."""
    steps = app.extensions.setdefault("stepwise.purge_steps", [])
    if all(existing.what != step.what for existing in steps):
        steps.append(step)


def purge_steps() -> list[PurgeStep]:
    """Every registered step, in the order they were registered."""
    return list(current_app.extensions.get("stepwise.purge_steps", []))


def purge_summary_notes(_group: Group, live_session_ids: list[int]) -> int:
    """The facilitators' private notes on each session's summary."""
    return updated_rows(
        update(SessionSummary)
        .where(SessionSummary.live_session_id.in_(live_session_ids), SessionSummary.notes.is_not(None))
        .values(notes=None, notes_updated_at=None)
        .execution_options(synchronize_session=False)
    )


@dataclass
class PurgeReport:
    """What the purge did for one group."""

    group: Group
    sessions: int
    removed: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """One line for the command's output."""
        done = [f"{count} {what}" for what, count in self.removed.items() if count]
        plural = "" if self.sessions == 1 else "s"
        ended = f"{self.sessions} session{plural} ended more than {self.group.retention_days} days ago"
        return f"{self.group.name}: {ended}; " + (
            "removed " + ", ".join(done) + "." if done else "nothing left to remove."
        )


def sessions_past_retention(group: Group, now: datetime) -> list[LiveSession]:
    """The group's sessions that ended longer ago than its retention period (none without one)."""
    if group.retention_days is None:
        return []
    cutoff = now - timedelta(days=group.retention_days)
    return list(
        db.session.scalars(
            select(LiveSession).where(
                LiveSession.group_id == group.id,
                LiveSession.state == SessionState.ENDED,
                LiveSession.ended_at <= cutoff,
            )
        )
    )


def purge_group(group: Group, now: datetime) -> PurgeReport:
    """Remove the free text of the group's sessions past retention, keeping (or first making)
    each session's summary."""
    live_sessions = sessions_past_retention(group, now)
    report = PurgeReport(group, len(live_sessions))
    if not live_sessions:
        return report
    for live_session in live_sessions:
        ensure_summary(live_session)
    ids = [live_session.id for live_session in live_sessions]
    for step in purge_steps():
        report.removed[step.what] = step.run(group, ids)
    return report


def purge_past_retention(now: datetime) -> list[PurgeReport]:
    """Purge every group that has a retention period, committing group by group."""
    groups = db.session.scalars(
        select(Group).where(Group.retention_days.is_not(None)).order_by(Group.id)
    ).all()
    reports = []
    for group in groups:
        reports.append(purge_group(group, now))
        db.session.commit()
    return reports


@click.command("purge")
def purge_command() -> None:
    """Remove written words from sessions older than their group's retention period (safe to rerun)."""
    reports = purge_past_retention(utcnow())
    for report in reports:
        click.echo(report.describe())
    if not reports:
        click.echo("No group has a retention period, so nothing was removed.")
