"""Sessions built with known times and answers, and the figures worked out by hand from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from facilitator.checkins import services as checkin_services
from facilitator.extensions import db
from facilitator.safety.models import SafetyFlag
from facilitator.sessions import services as session_services
from facilitator.sessions.models import LiveSession, ParticipantStatus
from facilitator.summaries.services import ensure_summary

WEEK_12_START = datetime(2026, 3, 3, 18, 0)


@dataclass
class Person:
    name: str
    joined: int  # minutes after the start
    left: int | None = None  # minutes after the start, when they left or were removed
    removed: bool = False


@dataclass
class Round:
    kind: str
    answers: dict[str, dict]  # name -> answer content (mood, feelings, note, passed)
    anonymous: bool = False


@dataclass
class Flag:
    raised: float  # minutes after the start
    seen: float | None = None


@dataclass
class Plan:
    """A session to build: who came when, the rounds and their answers, the safety flags."""

    title: str
    start: datetime
    minutes: int
    people: list[Person]
    rounds: list[Round] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


def build_session(facilitator, group, plan: Plan) -> LiveSession:
    """Run the plan through the services, then set its times, end it and summarise it."""
    live_session = session_services.create_session(facilitator, group, title=plan.title, waiting_room=False)
    participants = {
        person.name: session_services.join_session(live_session, person.name) for person in plan.people
    }
    for checkin_round in plan.rounds:
        opened = checkin_services.open_round(
            facilitator, live_session, checkin_round.kind, "", checkin_round.anonymous
        )
        for number, (name, content) in enumerate(checkin_round.answers.items()):
            checkin_services.record_answer(
                participants[name], live_session, opened.id, client_id=f"answer-{number:04d}", **content
            )
        checkin_services.close_round(facilitator, live_session, opened.id)

    def at(minutes: float) -> datetime:
        return plan.start + timedelta(minutes=minutes)

    live_session.started_at = plan.start
    for person in plan.people:
        participant = participants[person.name]
        participant.joined_at = at(person.joined)
        if person.left is not None:
            participant.status = ParticipantStatus.REMOVED if person.removed else ParticipantStatus.LEFT
            participant.left_at = at(person.left)
    for flag in plan.flags:
        db.session.add(
            SafetyFlag(
                live_session_id=live_session.id,
                source="checkin_note",
                text="I can't go on like this",
                categories=["hopelessness"],
                matched=["can't go on"],
                created_at=at(flag.raised),
                acknowledged_at=None if flag.seen is None else at(flag.seen),
            )
        )
    db.session.flush()
    db.session.expire(live_session, ["participants"])
    live_session.end(at(plan.minutes))
    ensure_summary(live_session)
    db.session.commit()
    return live_session


WEEK_12 = Plan(
    title="Week 12",
    start=WEEK_12_START,
    minutes=90,
    people=[
        Person("Ana", 0),
        Person("Bo", 2, left=60),
        Person("Cy", 5),
        Person("Di", 40, left=50, removed=True),
        Person("Eve", 65),
    ],
    rounds=[
        Round(
            "checkin",
            {
                "Ana": {"mood": 4, "feelings": ["tired", "anxious"], "note": "Rough week"},
                "Bo": {"mood": 6, "feelings": ["hopeful"]},
                "Cy": {"mood": 3, "feelings": ["tired"]},
            },
        ),
        Round("custom", {"Ana": {"mood": 5}, "Cy": {"mood": 6}}, anonymous=True),
        Round(
            "checkout",
            {
                "Ana": {"mood": 7, "feelings": ["hopeful", "calm"]},
                "Cy": {"mood": 5, "feelings": ["calm"]},
                "Eve": {"passed": True},
            },
        ),
    ],
    flags=[Flag(raised=10, seen=11.5), Flag(raised=70)],
)

# Worked out by hand from WEEK_12 (the group's minimum for aggregates is 3).
WEEK_12_FIGURES = {
    "duration_minutes": 90,
    "attendance": {"joined": 5, "most_at_once": 4, "left_early": 1, "removed": 1, "stayed": 3},
    "minutes": {"Ana": 90, "Bo": 58, "Cy": 85, "Di": 10, "Eve": 25},
    "check_in": {
        "answered": 3,
        "passed": 0,
        "notes": 1,
        "mood": {"distribution": [0, 0, 1, 1, 0, 1, 0, 0, 0, 0], "average": 4.3, "median": 4},
        "feelings": [["tired", 2], ["anxious", 1], ["hopeful", 1]],
    },
    "check_out": {
        "answered": 2,
        "passed": 1,
        "notes": 0,
        "mood": {"distribution": [0, 0, 0, 0, 1, 0, 1, 0, 0, 0], "average": 6.0, "median": 6.0},
        "feelings": [["calm", 2], ["hopeful", 1]],
    },
    "shift": {"average_in": 4.3, "average_out": 6.0, "change": 1.7, "direction": "up"},
    "people": [
        {"name": "Ana", "mood_in": 4, "mood_out": 7, "change": 3, "direction": "up"},
        {"name": "Bo", "mood_in": 6, "mood_out": None, "change": None, "direction": None},
        {"name": "Cy", "mood_in": 3, "mood_out": 5, "change": 2, "direction": "up"},
    ],
    "flags": {
        "count": 2,
        "acknowledged": 1,
        "median_seconds_to_acknowledge": 90,
        "longest_seconds_to_acknowledge": 90,
    },
}


def weekly_plan(week: int, moods_in: list[int], moods_out: list[int] | None) -> Plan:
    """A plain session: one person per check-in mood, all staying the hour."""
    names = [f"Person {n}" for n in range(1, len(moods_in) + 1)]
    rounds = [Round("checkin", {name: {"mood": mood} for name, mood in zip(names, moods_in, strict=True)})]
    if moods_out is not None:
        rounds.append(
            Round("checkout", {name: {"mood": mood} for name, mood in zip(names, moods_out, strict=True)})
        )
    return Plan(
        title=f"Week {week}",
        start=datetime(2026, 1, 6, 18, 0) + timedelta(weeks=week - 1),
        minutes=60,
        people=[Person(name, 0) for name in names],
        rounds=rounds,
    )


# Four weeks of one group, and their trend worked out by hand (centred average of three sessions).
FOUR_WEEKS = [
    weekly_plan(1, [3, 4, 5], [5, 5, 6]),
    weekly_plan(2, [4, 4, 4], [6, 6, 6]),
    weekly_plan(3, [5, 6, 7], [6, 7, 8]),
    weekly_plan(4, [2, 3, 4, 9], None),
]
FOUR_WEEKS_TREND = {
    "check_in_average": [4.0, 4.0, 6.0, 4.5],
    "check_out_average": [5.3, 6.0, 7.0, None],
    "joined": [3, 3, 3, 4],
    "smoothed": {
        "check_in_average": [4.0, 4.67, 4.83, 5.25],
        "check_out_average": [5.65, 6.1, 6.5, None],
        "joined": [3.0, 3.0, 3.33, 3.5],
        "wins": [0.0, 0.0, 0.0, 0.0],
        # No group pulse in these weeks (tests/pulse has its own).
        **{f"pulse_{key}": [None] * 4 for key in ("heard", "mattered", "fit", "overall")},
    },
}


@pytest.fixture
def week_12(facilitator, group) -> LiveSession:
    return build_session(facilitator, group, WEEK_12)


@pytest.fixture
def four_weeks(facilitator, group) -> list[LiveSession]:
    return [build_session(facilitator, group, plan) for plan in FOUR_WEEKS]
