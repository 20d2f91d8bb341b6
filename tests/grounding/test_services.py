"""Grounding exercises as the services plan, start and stop them, and the group's own scripts."""

from datetime import timedelta

import pytest

from facilitator.audit.models import AuditEntry
from facilitator.clock import utcnow
from facilitator.errors import Invalid, NotAllowed, NotFound
from facilitator.extensions import db
from facilitator.grounding import services
from facilitator.grounding.models import GroundingExercise, GroundingScript
from facilitator.groups import services as group_services
from facilitator.sessions import services as session_services


def box(**changes):
    return services.box_plan(**{**services.BOX_DEFAULTS, **changes})


# --- plans -----------------------------------------------------------------------------------------


def test_box_breathing_is_four_parts_a_round_and_a_hold_of_zero_is_left_out():
    plan = box()
    assert [(step["text"], step["seconds"], step["motion"]) for step in plan.steps] == [
        ("Breathe in slowly", 4, "in"),
        ("Hold gently", 4, "full"),
        ("Breathe out slowly", 4, "out"),
        ("Rest", 4, "empty"),
    ]
    assert (plan.rounds, plan.seconds, plan.title) == (4, 64, "Box breathing")
    four_seven_eight = box(inhale=4, hold=7, exhale=8, rest=0, rounds=3)
    assert [step["motion"] for step in four_seven_eight.steps] == ["in", "full", "out"]
    assert four_seven_eight.seconds == 57


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"inhale": 1}, "Please give the seconds to breathe in from 2 to 10."),
        ({"exhale": 11}, "Please give the seconds to breathe out from 2 to 10."),
        ({"hold": -1}, "Please give the seconds to hold from 0 to 10."),
        ({"rest": 11}, "Please give the seconds to rest from 0 to 10."),
        ({"rounds": 0}, "Please give a number of rounds from 1 to 20."),
        ({"rounds": True}, "Please give a number of rounds from 1 to 20."),
        (
            {"inhale": 10, "hold": 10, "exhale": 10, "rest": 10, "rounds": 20},
            "Please keep an exercise to 10 minutes or less.",
        ),
    ],
)
def test_box_breathing_out_of_range_is_refused_kindly(changes, message):
    with pytest.raises(Invalid) as refused:
        box(**changes)
    assert refused.value.message == message


def test_five_four_three_two_one_is_five_senses():
    plan = services.senses_plan(seconds=15)
    assert len(plan.steps) == 5 and plan.rounds == 1 and plan.seconds == 75
    assert plan.steps[0]["text"].endswith("five things you can see.")
    assert {step["motion"] for step in plan.steps} == {"still"}
    with pytest.raises(Invalid, match="from 10 to 60"):
        services.senses_plan(seconds=9)


# --- scripts ---------------------------------------------------------------------------------------


def test_a_script_keeps_its_lines_in_order_without_empty_rows(group, facilitator):
    script = services.add_script(
        facilitator,
        group,
        title="  Feet   on the floor ",
        lines=[
            {"text": "Feel your feet on the floor.", "seconds": 8},
            {"text": "   ", "seconds": 30},
            {"text": "Breathe  out, long\tand slow.", "seconds": None},
            {"text": "", "seconds": None},
        ],
    )
    db.session.commit()
    assert script.title == "Feet on the floor"
    assert script.lines == [
        {"text": "Feel your feet on the floor.", "seconds": 8},
        {"text": "Breathe out, long and slow.", "seconds": services.LINE_DEFAULT_SECONDS},
    ]
    plan = services.script_plan(group, script.id)
    assert (plan.kind, plan.title, plan.seconds) == ("script", "Feet on the floor", 18)
    assert [step["motion"] for step in plan.steps] == ["still", "still"]


LINE = {"text": "Notice your breath.", "seconds": 10}


@pytest.mark.parametrize(
    ("title", "lines", "message"),
    [
        ("", [LINE], "Please give the script a title."),
        ("x" * 61, [LINE], "Please keep the title to 60 characters."),
        ("Calm", [], "Please write at least one line."),
        ("Calm", [{"text": " ", "seconds": 10}], "Please write at least one line."),
        ("Calm", [{"text": "x" * 121, "seconds": 10}], "Please keep each line to 120 characters."),
        ("Calm", [{"text": "Too quick", "seconds": 2}], "Please give each line's seconds from 3 to 60."),
        ("Calm", [{"text": "Too long", "seconds": 61}], "Please give each line's seconds from 3 to 60."),
        ("Calm", [LINE] * 11, "A script can have up to 10 lines."),
    ],
)
def test_a_script_out_of_bounds_is_refused_kindly(group, facilitator, title, lines, message):
    with pytest.raises(Invalid) as refused:
        services.add_script(facilitator, group, title=title, lines=lines)
    assert refused.value.message == message
    assert db.session.query(GroundingScript).count() == 0


def test_only_the_lead_writes_or_deletes_scripts_and_other_groups_scripts_are_not_found(
    group, facilitator, make_facilitator, make_group
):
    co = make_facilitator("Co")
    group_services.add_co_facilitator(facilitator, group, co.email)
    script = services.add_script(facilitator, group, title="Calm", lines=[LINE])
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.add_script(co, group, title="Mine", lines=[LINE])
    with pytest.raises(NotAllowed):
        services.delete_script(co, group, script.id)
    other_group = make_group(make_facilitator("Other lead"), name="Another group")
    with pytest.raises(NotFound):
        services.script_plan(other_group, script.id)
    with pytest.raises(NotFound):
        services.delete_script(facilitator, group, script.id + 1)
    services.delete_script(facilitator, group, script.id)
    db.session.commit()
    assert services.scripts_of(group) == []


def test_a_group_keeps_up_to_twenty_scripts(group, facilitator):
    for number in range(services.MAX_SCRIPTS):
        services.add_script(facilitator, group, title=f"Script {number}", lines=[LINE])
    with pytest.raises(Invalid, match="up to 20 scripts"):
        services.add_script(facilitator, group, title="One more", lines=[LINE])


# --- running an exercise ----------------------------------------------------------------------------


def test_an_exercise_starts_after_the_lead_in_and_one_runs_at_a_time(live_session, facilitator):
    before = utcnow()
    exercise = services.start_exercise(facilitator, live_session, box())
    db.session.commit()
    lead_in = timedelta(seconds=services.LEAD_IN_SECONDS)
    assert before + lead_in <= exercise.starts_at <= utcnow() + lead_in
    assert exercise.ends_at - exercise.starts_at == timedelta(seconds=64)
    assert services.running_exercise(live_session) == exercise
    with pytest.raises(Invalid) as refused:
        services.start_exercise(facilitator, live_session, services.senses_plan(seconds=20))
    assert refused.value.message == services.ALREADY_RUNNING_MESSAGE

    # Once it has ended by itself, another may start.
    exercise.ends_at = utcnow() - timedelta(milliseconds=1)
    db.session.commit()
    assert services.running_exercise(live_session) is None
    senses = services.start_exercise(facilitator, live_session, services.senses_plan(seconds=20))
    assert services.running_exercise(live_session) == senses


def test_stopping_is_once_and_a_resend_changes_nothing(
    live_session, facilitator, make_group, make_facilitator
):
    exercise = services.start_exercise(facilitator, live_session, box())
    assert services.stop_exercise(facilitator, live_session, exercise.id) is True
    stopped_at = exercise.stopped_at
    assert services.running_exercise(live_session) is None
    assert services.stop_exercise(facilitator, live_session, exercise.id) is False
    assert exercise.stopped_at == stopped_at
    # Another session's exercise is not found from this one.
    other_lead = make_facilitator("Elsewhere")
    elsewhere = session_services.create_session(
        other_lead, make_group(other_lead, name="Elsewhere"), title="Other", waiting_room=False
    )
    theirs = services.start_exercise(other_lead, elsewhere, box())
    with pytest.raises(NotFound):
        services.stop_exercise(facilitator, live_session, theirs.id)
    assert theirs.stopped_at is None


def test_the_entry_every_screen_gets(live_session, facilitator):
    exercise = services.start_exercise(facilitator, live_session, box(rounds=2))
    entry = services.exercise_entry(exercise)
    assert set(entry) == {"id", "kind", "title", "steps", "rounds", "starts_at", "ends_at"}
    assert entry["starts_at"].endswith("Z") and len(entry["starts_at"]) == len("2026-01-01T10:00:00.000Z")
    assert (entry["kind"], entry["rounds"], len(entry["steps"])) == ("box", 2, 4)


def test_an_exercise_is_kept_as_it_was_planned_when_its_script_changes(live_session, facilitator):
    script = services.add_script(facilitator, live_session.group, title="Calm", lines=[LINE])
    exercise = services.start_exercise(
        facilitator, live_session, services.script_plan(live_session.group, script.id)
    )
    services.delete_script(facilitator, live_session.group, script.id)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(GroundingExercise, exercise.id)
    assert [step["text"] for step in stored.steps] == ["Notice your breath."]
    assert stored.title == "Calm"


def test_starting_and_stopping_are_in_the_audit_log_without_words(live_session, facilitator):
    exercise = services.start_exercise(facilitator, live_session, box())
    services.stop_exercise(facilitator, live_session, exercise.id)
    script = services.add_script(facilitator, live_session.group, title="Secret words", lines=[LINE])
    db.session.commit()
    entries = db.session.query(AuditEntry).filter(AuditEntry.action.like("grounding.%")).all()
    assert [(entry.action, entry.facilitator_id) for entry in entries] == [
        ("grounding.started", facilitator.id),
        ("grounding.stopped", facilitator.id),
        ("grounding.script_added", facilitator.id),
    ]
    assert entries[2].detail == {"script_id": script.id}
    assert "Secret words" not in repr([entry.detail for entry in entries])


def test_a_co_facilitator_runs_exercises(group, facilitator, make_facilitator):
    co = make_facilitator("Co")
    group_services.add_co_facilitator(facilitator, group, co.email)
    live_session = session_services.create_session(co, group, title="Week 1", waiting_room=False)
    exercise = services.start_exercise(co, live_session, box())
    assert services.stop_exercise(co, live_session, exercise.id) is True
