"""Every socket event, fuzzed with Hypothesis (issue 9, "How it is checked").

Payloads are drawn from each event's own schema (read from its registration, so a changed schema
is fuzzed as it now is), with the world's real ids mixed in so that valid payloads reach the
services, and from well beyond it: wrong types, huge and negative numbers, floats and booleans
for numbers, text with NUL, control characters, lone surrogates, emoji or 10,000 characters,
nested lists and dicts, missing and unknown fields, None, other top-level values, no argument
and several arguments. Whatever arrives, the server:

- acknowledges with a dict holding a bool `ok` (and a sentence in `error` when it refuses),
- logs no error (an exception in a handler is logged by `on_event` and answered kindly, but it is
  still a bug),
- writes nothing when it refuses,
- keeps the connection working (a harmless event is then acknowledged with `ok: true`).
"""

from __future__ import annotations

import logging
import os
import re

import pytest
from flask import current_app
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from facilitator.checkins.feelings import FEELING_WORDS
from facilitator.realtime.events import DB_ID_MAX, Payload, registered_events
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.wins.models import REACTION_LABELS, WIN_KIND_LABELS

from .conftest import facilitator_socket, participant_socket
from .test_socket_authorization import TABLE, World, build_world, fingerprint, populate

# Random examples per event, on top of the fixed edge cases; FUZZ_EXAMPLES=2000 for a long local run.
EXAMPLES_PER_EVENT = int(os.environ.get("FUZZ_EXAMPLES", "50"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_EVENT,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
# The socket event limit, and the per-person limits of the services, would refuse nearly every example.
NO_LIMIT = "1000000 per second"
# After these are accepted, the caller's session (or seat) is over: the fuzz goes on in a new session.
ENDS_THE_SESSION = {"end_session", "leave"}

# --- beyond the schema -------------------------------------------------------------------------

EDGE_INTS = st.sampled_from(
    [0, -1, -(2**31), 2**31 - 1, 2**31, 2**32, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**30, -(10**30)]
)
NASTY_STRINGS = st.sampled_from(
    [
        "",
        " ",
        " \t\r\n ",
        "\x00",
        "a\x00b",
        "\x1b[31mred\x1b[0m",
        "\u0085\u2028\u2029",
        "\u200b\u200e\u202e",
        "\ud800",
        "lone \udfff surrogate",
        "e\u0301\u0301\u0301",
        "🙂" * 10,
        "👩🏽‍🦯" * 50,
        "%s%n{0}{}",
        "'; DROP TABLE participant; --",
        "<script>alert(1)</script>",
        "x" * 10_000,
        "🙂" * 2_000,
        "1",
        "true",
        "null",
    ]
)
ANY_TEXT = st.one_of(
    NASTY_STRINGS,
    st.text(st.characters(exclude_categories=()), max_size=40),  # surrogates and controls included
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    EDGE_INTS,
    st.floats(allow_nan=True, allow_infinity=True),
    ANY_TEXT,
    st.binary(max_size=16),
)
ANY_JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=12,
)


def near_limits(prop: dict) -> list:
    """Values just inside and just outside a field's limits, and look-alikes of the right type."""
    values: list = []
    if prop.get("type") == "integer":
        for bound in ("minimum", "maximum"):
            if bound in prop:
                values += [prop[bound] - 1, prop[bound], prop[bound] + 1]
        values += [float(prop.get("minimum", 1)), True, False, str(prop.get("minimum", 1))]
    if prop.get("type") == "string":
        for bound in ("minLength", "maxLength"):
            if bound in prop:
                values += ["a" * max(prop[bound] - 1, 0), "a" * prop[bound], "a" * (prop[bound] + 1)]
        if "maxLength" in prop:
            values += [" " * (prop["maxLength"] + 5), "a" + "\x00" * prop["maxLength"]]
    for choice in prop.get("anyOf", []):
        values += near_limits(choice)
    return values


# --- within the schema -------------------------------------------------------------------------


def text_within(prop: dict) -> st.SearchStrategy:
    low, high = prop.get("minLength", 0), prop.get("maxLength", 60)
    pattern = prop.get("pattern")
    if pattern is None:
        return st.text(min_size=low, max_size=high)
    one_class = re.fullmatch(r"\^(\[[^\]]+\])\+\$", pattern)
    if one_class:
        character = st.from_regex(one_class.group(1), fullmatch=True)
        return st.lists(character, min_size=max(low, 1), max_size=high).map("".join)
    return st.from_regex(pattern, fullmatch=True).filter(lambda text: low <= len(text) <= high)


def within(prop: dict, name: str, hints: dict) -> st.SearchStrategy:
    """Values the schema accepts, with the world's real ids and words mixed in."""
    if "anyOf" in prop:
        return st.one_of(*(within(choice, name, hints) for choice in prop["anyOf"]))
    if "enum" in prop:
        return st.sampled_from(prop["enum"])
    kind = prop.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        item = within(prop["items"], name, hints)
        return st.lists(item, min_size=prop.get("minItems", 0), max_size=prop.get("maxItems", 5))
    if kind == "integer":
        plain = st.integers(prop.get("minimum"), prop.get("maximum"))
    elif kind == "string":
        plain = text_within(prop)
    else:
        raise NotImplementedError(f"Teach the fuzzer about this schema: {prop}")
    return st.one_of(st.sampled_from(hints[name]), plain) if hints.get(name) else plain


def wrong(prop: dict) -> st.SearchStrategy:
    """A value the schema should refuse (or one at its very edge)."""
    edges = near_limits(prop)
    return st.one_of(EDGE_INTS, st.sampled_from(edges) if edges else st.nothing(), ANY_JSON)


def payloads(schema: type[Payload], hints: dict) -> st.SearchStrategy:
    """A valid payload, or one bent out of shape in one of many ways."""
    json_schema = schema.model_json_schema()
    properties = json_schema.get("properties", {})
    required = set(json_schema.get("required", []))
    valid = st.fixed_dictionaries(
        {name: within(prop, name, hints) for name, prop in properties.items() if name in required},
        optional={
            name: within(prop, name, hints) for name, prop in properties.items() if name not in required
        },
    )
    unknown_fields = st.dictionaries(ANY_TEXT, ANY_JSON, min_size=1, max_size=3)
    # Repeated shapes are drawn more often: valid payloads reach the services, bent ones the checks.
    shapes = [
        valid,
        valid,
        st.tuples(valid, unknown_fields).map(lambda pair: {**pair[1], **pair[0]}),
        ANY_JSON,
    ]
    if properties:
        names = sorted(properties)
        one_wrong = st.sampled_from(names).flatmap(
            lambda name: st.tuples(valid, st.just(name), wrong(properties[name]))
        )
        with_one_wrong = one_wrong.map(lambda triple: {**triple[0], triple[1]: triple[2]})
        shapes += [
            with_one_wrong,
            with_one_wrong,
            st.tuples(valid, st.sets(st.sampled_from(names), min_size=1)).map(
                lambda pair: {key: value for key, value in pair[0].items() if key not in pair[1]}
            ),
        ]
    return st.one_of(*shapes)


def arguments(schema: type[Payload], hints: dict) -> st.SearchStrategy:
    """What follows the event name: usually one payload, sometimes none, sometimes several."""
    one = payloads(schema, hints)
    single = one.map(lambda payload: [payload])
    return st.one_of(
        single,
        single,
        single,
        single,
        st.just([]),
        st.lists(st.one_of(one, ANY_JSON), min_size=2, max_size=3),
    )


# Always tried, before the random examples, on every field of a valid payload.
EDGE_VALUES = [2**31, 2**63, 10**30, -1, 0, True, 1.5, "1", None, [], {}, "\ud800", "\x00", "x" * 10_000]


def edge_examples(schema: type[Payload], valid: dict) -> list[list]:
    """Argument lists that must always be tried: the valid payload, each field set to each edge
    value or left out, an unknown field, other top-level values, no argument, two arguments."""
    examples = [[valid], [], [None], [[]], ["text"], [1], [True], [b"\x00"], [valid, valid], [{}, None]]
    for name in schema.model_fields:
        examples += [[{**valid, name: value}] for value in EDGE_VALUES]
        examples.append([{key: value for key, value in valid.items() if key != name}])
    examples.append([{**valid, "unexpected": 1}])
    if "client_id" in valid:  # a fresh one each time, or the server takes each for a resend
        examples = [
            [
                {**arg, "client_id": f"edge-{number:04d}"}
                if isinstance(arg, dict) and "client_id" in arg
                else arg
                for arg in args
            ]
            for number, args in enumerate(examples)
        ]
    return examples


def registered_schema(namespace: str, event: str) -> type[Payload]:
    """The payload schema the event was registered with."""
    return registered_events(current_app)[(namespace, event)].schema


# --- the room under fuzz -----------------------------------------------------------------------


class Room:
    """A world and the connection that sends the fuzzed events: the lead's console on
    /facilitator, an admitted participant's phone on /participant."""

    def __init__(self, app, world: World, namespace: str) -> None:
        self.app, self.namespace = app, namespace
        self.connect(world)

    def connect(self, world: World) -> None:
        self.world = world
        if self.namespace == FACILITATOR_NS:
            self.sock = facilitator_socket(self.app, world.signed_in_lead(), world.live_session)
        else:
            self.sock = participant_socket(self.app, world.present)
        assert self.sock.is_connected(self.namespace)

    def restart(self) -> None:
        """A new session of the same group, run by the same (signed-in) lead."""
        lead_client = self.world.lead_client
        self.sock.disconnect(namespace=self.namespace) if self.sock.is_connected(self.namespace) else None
        world = populate(self.app, self.world.lead, self.world.group, "Again")
        world.lead_client = lead_client
        self.connect(world)

    def emit(self, event: str, *args):
        if self.sock.is_connected(self.namespace):
            self.sock.get_received(self.namespace)  # announcements are not under test here
        return self.sock.emit(event, *args, namespace=self.namespace, callback=True)

    def still_works(self) -> dict:
        if self.namespace == FACILITATOR_NS:
            return self.emit("round_responses", {"round_id": self.world.round_id})
        return self.emit("sync")

    def hints(self) -> dict:
        w = self.world
        return {
            "participant_id": [
                w.present.participant_id,
                w.waiting.participant_id,
                w.bystander.participant_id,
            ],
            "round_id": [w.round_id],
            "request_id": [w.request_id],
            "flag_id": [w.flag_id],
            "win_id": [w.pending_win_id, w.shown_win_id],
            "reaction": sorted(REACTION_LABELS),
            "kind": sorted(WIN_KIND_LABELS),
            "feelings": sorted(FEELING_WORDS),
        }


@pytest.fixture
def unlimited(app):
    for setting in (
        "SOCKET_EVENT_RATE_LIMIT",
        "WIN_SHARE_RATE_LIMIT",
        "WIN_REACTION_RATE_LIMIT",
        "SUPPORT_REQUEST_RATE_LIMIT",
    ):
        app.config[setting] = NO_LIMIT


def errors_logged(caplog) -> list[str]:
    """What was logged at ERROR or above (on_event logs an exception it had to catch), with tracebacks."""
    return [
        f"{record.name}: {record.getMessage()}\n"
        + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        for record in caplog.records
        if record.levelno >= logging.ERROR
    ]


# Each event's database ids: any integer beyond 1..2**31-1 is refused at the door (DbId).
ID_FIELDS = {
    (FACILITATOR_NS, "admit"): "participant_id",
    (FACILITATOR_NS, "remove_participant"): "participant_id",
    (FACILITATOR_NS, "close_round"): "round_id",
    (FACILITATOR_NS, "reveal_round"): "round_id",
    (FACILITATOR_NS, "round_responses"): "round_id",
    (FACILITATOR_NS, "acknowledge_support"): "request_id",
    (FACILITATOR_NS, "reply_support"): "request_id",
    (FACILITATOR_NS, "resolve_support"): "request_id",
    (FACILITATOR_NS, "acknowledge_flag"): "flag_id",
    (PARTICIPANT_NS, "submit_checkin"): "round_id",
    (FACILITATOR_NS, "call_next"): "current_turn_id",
    (FACILITATOR_NS, "skip_turn"): "turn_id",
    (FACILITATOR_NS, "move_turn"): "turn_id",
    (FACILITATOR_NS, "start_grounding"): "script_id",
    (FACILITATOR_NS, "stop_grounding"): "exercise_id",
}


# --- the tests ------------------------------------------------------------------------------------


def test_every_database_id_field_is_listed(app):
    found = {
        key: name
        for key in TABLE
        for name, prop in registered_schema(*key).model_json_schema().get("properties", {}).items()
        if name.endswith("_id") and "integer" in str(prop)
    }
    assert found == ID_FIELDS


@pytest.mark.parametrize(("namespace", "event"), [pytest.param(*key, id=key[1]) for key in ID_FIELDS])
def test_ids_beyond_the_database_range_are_refused_at_the_door(
    app, make_facilitator, make_group, caplog, namespace, event
):
    """Beyond PostgreSQL's INTEGER, an id is nobody's: the schema refuses it before any query."""
    caplog.set_level(logging.ERROR)
    room = Room(app, build_world(app, make_facilitator, make_group, "Ids"), namespace)
    field = ID_FIELDS[namespace, event]
    valid = TABLE[namespace, event].payload(room.world)
    for value in (DB_ID_MAX + 1, 2**63, 10**30):
        before = fingerprint()
        ack = room.emit(event, {**valid, field: value})
        assert errors_logged(caplog) == []
        assert ack == {"ok": False, "error": ack.get("error")}
        assert f"{field.replace('_', ' ')} must be at most" in ack["error"]
        assert fingerprint() == before


@pytest.mark.parametrize(("namespace", "event"), [pytest.param(*key, id=key[1]) for key in TABLE])
def test_any_payload_gets_a_kind_ack_and_a_refusal_writes_nothing(
    app, unlimited, make_facilitator, make_group, caplog, namespace, event
):
    caplog.set_level(logging.ERROR)
    room = Room(app, build_world(app, make_facilitator, make_group, "Fuzz"), namespace)
    schema = registered_schema(namespace, event)

    @FUZZ_SETTINGS
    @given(args=arguments(schema, room.hints()))
    def sending(args: list) -> None:
        before = fingerprint()
        caplog.clear()
        ack = room.emit(event, *args)
        assert errors_logged(caplog) == [], f"{event}{args!r:.300} logged an error"
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
        if ack["ok"] is False:
            assert isinstance(ack.get("error"), str) and ack["error"].strip(), ack
            assert fingerprint() == before, f"refused {event}{args!r:.300} wrote to the database"
        elif event in ENDS_THE_SESSION:
            room.restart()
        check = room.still_works()
        assert isinstance(check, dict) and check.get("ok") is True, check

    for args in edge_examples(schema, TABLE[namespace, event].payload(room.world)):
        sending = example(args=args)(sending)
    sending()
