"""Who may open every page and send every form: the whole table, one row per route and method.

Each row says what each actor gets on the group's own objects. Actors: nobody signed in; a
participant (a seat cookie, no account); a facilitator of another group; a co-facilitator; the
group's lead; an admin who is not in the group; a co-facilitator taken out of the group (still
signed in); a facilitator whose account was switched off (their sign-in ended with it). A second
table checks the group's own facilitators against another group's ids. A new route without a
row fails `test_every_route_has_a_row`.

Outcomes: a status code, "login" (sent to sign in) or "redirect" (sent on elsewhere: done).
CSRF is switched off here (tests/test_app.py and the route tests check it), so that a refusal
here can only come from the rule being tested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from facilitator.accounts import services as account_services
from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.grounding.models import GroundingScript
from facilitator.groups import services as group_services
from facilitator.groups.models import GroupFacilitator, Role
from facilitator.sessions import services as session_services
from facilitator.sessions.models import Participant
from facilitator.summaries.models import SessionSummary
from facilitator.support.models import SupportRequest

from .conftest import PASSWORD

ACTORS = ["anonymous", "participant", "outsider", "co", "lead", "admin", "removed_co", "disabled"]
SIGNED_OUT = {"anonymous", "participant", "disabled"}


@dataclass
class World:
    """Two groups with live, scheduled and ended sessions, and a facilitator for every role."""

    people: dict = field(default_factory=dict)
    own: dict = field(default_factory=dict)
    foreign: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)


def _sessions(lead, group) -> dict:
    live = session_services.create_session(lead, group, title="Live", waiting_room=False)
    scheduled = session_services.create_session(
        lead, group, title="Later", waiting_room=False, scheduled_for=utcnow() + timedelta(days=1)
    )
    ended = session_services.create_session(lead, group, title="Done", waiting_room=False)
    # Someone asked for support "after the session": it stays on the group's follow-up list.
    asker = Participant(live_session_id=ended.id, display_name="Asker")
    db.session.add(asker)
    db.session.flush()
    follow_up = SupportRequest(
        live_session_id=ended.id, participant_id=asker.id, client_id="follow-up-1", urgency="later"
    )
    db.session.add(follow_up)
    session_services.end_session(lead, ended)
    db.session.flush()
    script = GroundingScript(group_id=group.id, title="Calm", lines=[{"text": "Breathe.", "seconds": 5}])
    db.session.add(script)
    db.session.flush()
    return {
        "group": group.id,
        "script": script.id,
        "live": live,
        "scheduled": scheduled,
        "ended": ended,
        "follow_up": follow_up.id,
    }


@pytest.fixture
def world(app, make_facilitator, make_group) -> World:
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["LOGIN_RATE_LIMIT"] = app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "1000 per minute"
    people = {
        "lead": make_facilitator("Lead"),
        "co": make_facilitator("Co"),
        "removed_co": make_facilitator("Removed"),
        "disabled": make_facilitator("Disabled"),
        "admin": make_facilitator("Admin", is_admin=True),
        "outsider": make_facilitator("Outsider"),
    }
    group = make_group(people["lead"])
    for name in ("co", "removed_co", "disabled"):
        group.memberships.append(GroupFacilitator(facilitator_id=people[name].id, role=Role.CO))
    other_group = make_group(people["outsider"], name="Another group")
    world = World(people, _sessions(people["lead"], group), _sessions(people["outsider"], other_group))
    _, world.tokens["invite"] = account_services.create_invite(people["admin"], "", 7)
    _, world.tokens["reset"] = account_services.create_password_reset(people["admin"], people["co"], 24)
    world.tokens["take_home"] = db.session.scalar(
        select(SessionSummary.take_home_token).where(SessionSummary.live_session_id == world.own["ended"].id)
    )
    db.session.commit()
    return world


def sign_in(app, world: World, actor: str):
    """A browser for the actor, in the state the actor is in."""
    client = app.test_client()
    if actor == "participant":
        join = client.post(f"/j/{world.own['live'].join_token}", data={"display_name": "Seated"})
        assert join.status_code == 302
    elif actor != "anonymous":
        person = world.people[actor]
        assert client.post("/login", data={"email": person.email, "password": PASSWORD}).status_code == 302
    if actor == "removed_co":
        group = db.session.get(group_services.Group, world.own["group"])
        group_services.remove_co_facilitator(world.people["lead"], group, world.people["removed_co"].id)
    elif actor == "disabled":
        account_services.disable_facilitator(world.people["admin"], world.people["disabled"])
    db.session.commit()
    return client


def outcome(response) -> int | str:
    if response.status_code in (301, 302, 303):
        return "login" if urlsplit(response.headers["Location"]).path == "/login" else "redirect"
    return response.status_code


# --- the table --------------------------------------------------------------------------------


def everyone(result) -> dict:
    return dict.fromkeys(ACTORS, result)


def signed_in(result, *, signed_out="login") -> dict:
    """Any signed-in facilitator; the signed-out get `signed_out`."""
    return {actor: signed_out if actor in SIGNED_OUT else result for actor in ACTORS}


def runs_group(result) -> dict:
    """The group's facilitators (lead and co); other facilitators are told it doesn't exist."""
    return {**signed_in(404), "co": result, "lead": result}


def manages_group(result) -> dict:
    """The group's lead only: a co-facilitator is refused, others are told it doesn't exist."""
    return {**runs_group(result), "co": 403}


def admin_only(result) -> dict:
    return {**signed_in(403), "admin": result}


@dataclass
class Row:
    """A route and method: how to call it, and what each actor gets."""

    path: Callable[[World, dict], str]
    expected: dict
    data: Callable[[World], dict] = lambda _world: {}


GROUP_FORM = {
    "name": "Renamed",
    "crisis_resources": "Call 988",
    "min_aggregate_size": "3",
    "agenda-0-kind": "checkin",
    "agenda-0-title": "Check-in",
}
NEW_PASSWORD = {"password": "a brand new password", "confirm": "a brand new password"}

ROWS: dict[tuple[str, str], Row] = {
    # Open to everyone.
    ("health.healthz", "GET"): Row(lambda w, o: "/healthz", everyone(200)),
    ("static", "GET"): Row(lambda w, o: "/static/css/app.css", everyone(200)),
    ("sessions.start_page", "GET"): Row(lambda w, o: "/", everyone(200)),
    ("sessions.join_by_code", "POST"): Row(
        lambda w, o: "/join", everyone("redirect"), lambda w: {"code": w.own["live"].join_code}
    ),
    # A phone that already has its seat goes straight back to the room.
    ("sessions.join", "GET"): Row(
        lambda w, o: f"/j/{o['live'].join_token}", {**everyone(200), "participant": "redirect"}
    ),
    ("sessions.join", "POST"): Row(
        lambda w, o: f"/j/{o['live'].join_token}", everyone("redirect"), lambda w: {"display_name": "New"}
    ),
    # Only a seat opens the room; everyone else is sent to the join page.
    ("sessions.room", "GET"): Row(
        lambda w, o: f"/j/{o['live'].join_token}/room", {**everyone("redirect"), "participant": 200}
    ),
    # Where "Quick exit" leads: an ordinary page, the same for everyone.
    ("sessions.neutral_page", "GET"): Row(lambda w, o: "/weather", everyone(200)),
    # Asking for support over HTTP (the room's form): only a seat in the session; nobody else is
    # recognised (a kind page, 403).
    ("support.ask_for_support", "POST"): Row(
        lambda w, o: f"/j/{o['live'].join_token}/support",
        {**everyone(403), "participant": "redirect"},
        lambda w: {"client_id": "authorization-table", "urgency": "later"},
    ),
    ("summaries.take_home", "GET"): Row(lambda w, o: f"/take-home/{w.tokens['take_home']}", everyone(200)),
    # The group pulse after the end, from the take-home page: open to everyone, the phone's ticket
    # decides (a ticket nobody was given is not found).
    ("pulse.answer_late", "POST"): Row(
        lambda w, o: f"/take-home/{w.tokens['take_home']}/pulse",
        everyone(404),
        lambda w: {"ticket": "0" * 64, "client_id": "authorization-table", "heard": "5"},
    ),
    # Attendance receipts: made only for the phone that attended, where the group offers them (this
    # group doesn't: they are off by default; tests/receipts/ checks the phone that attended);
    # checked by anyone, on /verify or offline with the published keys.
    ("receipts.download_receipt", "POST"): Row(
        lambda w, o: f"/take-home/{w.tokens['take_home']}/receipt", everyone(403), lambda w: {"name": ""}
    ),
    ("receipts.verify", "GET"): Row(lambda w, o: "/verify", everyone(200)),
    ("receipts.verify", "POST"): Row(
        lambda w, o: "/verify", everyone(200), lambda w: {"code": "SWR1.not.a-receipt"}
    ),
    ("receipts.public_keys", "GET"): Row(lambda w, o: "/receipts/public-keys", everyone(200)),
    ("receipts.public_key_pem", "GET"): Row(lambda w, o: "/receipts/public-key.pem", everyone(200)),
    ("accounts.accept_invite", "GET"): Row(lambda w, o: f"/invite/{w.tokens['invite']}", everyone(200)),
    ("accounts.accept_invite", "POST"): Row(
        lambda w, o: f"/invite/{w.tokens['invite']}",
        everyone("redirect"),
        lambda w: {"display_name": "Newcomer", "email": "new@example.org", **NEW_PASSWORD},
    ),
    ("accounts.reset_password", "GET"): Row(lambda w, o: f"/reset/{w.tokens['reset']}", everyone(200)),
    ("accounts.reset_password", "POST"): Row(
        lambda w, o: f"/reset/{w.tokens['reset']}", everyone("login"), lambda w: NEW_PASSWORD
    ),
    # Set up already, so the setup page sends everyone to sign in; sign-up is off by default.
    ("accounts.setup", "GET"): Row(lambda w, o: "/setup", everyone("login")),
    ("accounts.setup", "POST"): Row(lambda w, o: "/setup", everyone("login")),
    ("accounts.signup", "GET"): Row(lambda w, o: "/signup", everyone(404)),
    ("accounts.signup", "POST"): Row(lambda w, o: "/signup", everyone(404)),
    ("accounts.login", "GET"): Row(lambda w, o: "/login", signed_in("redirect", signed_out=200)),
    ("accounts.login", "POST"): Row(
        lambda w, o: "/login",
        signed_in("redirect", signed_out=200),
        lambda w: {"email": "nobody@example.org", "password": "not the password"},
    ),
    ("accounts.logout", "POST"): Row(lambda w, o: "/logout", everyone("login")),
    # Any signed-in facilitator.
    ("accounts.change_password", "GET"): Row(lambda w, o: "/account/password", signed_in(200)),
    ("accounts.change_password", "POST"): Row(
        lambda w, o: "/account/password",
        signed_in("redirect"),
        lambda w: {"current_password": PASSWORD, **NEW_PASSWORD},
    ),
    ("groups.list_groups", "GET"): Row(lambda w, o: "/groups/", signed_in(200)),
    ("groups.create_group", "GET"): Row(lambda w, o: "/groups/new", signed_in(200)),
    ("groups.create_group", "POST"): Row(
        lambda w, o: "/groups/new", signed_in("redirect"), lambda w: GROUP_FORM
    ),
    # Admins only.
    ("accounts.list_facilitators", "GET"): Row(lambda w, o: "/facilitators", admin_only(200)),
    ("accounts.disable_facilitator", "POST"): Row(
        lambda w, o: f"/facilitators/{w.people['co'].id}/disable", admin_only("redirect")
    ),
    ("accounts.enable_facilitator", "POST"): Row(
        lambda w, o: f"/facilitators/{w.people['co'].id}/enable", admin_only("redirect")
    ),
    ("accounts.create_password_reset", "POST"): Row(
        lambda w, o: f"/facilitators/{w.people['co'].id}/reset-link", admin_only(200)
    ),
    ("accounts.invites", "GET"): Row(lambda w, o: "/invites", admin_only(200)),
    ("accounts.invites", "POST"): Row(
        lambda w, o: "/invites", admin_only(200), lambda w: {"note": "For Sam"}
    ),
    # The group's facilitators: they run its sessions and see what came of them.
    ("groups.show_group", "GET"): Row(lambda w, o: f"/groups/{o['group']}", runs_group(200)),
    ("summaries.group_trends", "GET"): Row(lambda w, o: f"/groups/{o['group']}/trends", runs_group(200)),
    ("summaries.export_group", "GET"): Row(lambda w, o: f"/groups/{o['group']}/export.csv", runs_group(200)),
    ("sessions.create_session", "POST"): Row(
        lambda w, o: f"/groups/{o['group']}/sessions", runs_group("redirect"), lambda w: {"title": "Next"}
    ),
    ("sessions.console", "GET"): Row(lambda w, o: f"/sessions/{o['live'].id}", runs_group(200)),
    ("sessions.shared_screen", "GET"): Row(lambda w, o: f"/sessions/{o['live'].id}/screen", runs_group(200)),
    ("sessions.join_qr", "GET"): Row(lambda w, o: f"/sessions/{o['live'].id}/qr.svg", runs_group(200)),
    ("sessions.start_session", "POST"): Row(
        lambda w, o: f"/sessions/{o['scheduled'].id}/start", runs_group("redirect")
    ),
    ("sessions.end_session", "POST"): Row(
        lambda w, o: f"/sessions/{o['live'].id}/end", runs_group("redirect")
    ),
    ("summaries.show_summary", "GET"): Row(
        lambda w, o: f"/sessions/{o['ended'].id}/summary", runs_group(200)
    ),
    ("summaries.export_session", "GET"): Row(
        lambda w, o: f"/sessions/{o['ended'].id}/summary.json", runs_group(200)
    ),
    ("summaries.save_notes", "POST"): Row(
        lambda w, o: f"/sessions/{o['ended'].id}/summary/notes",
        runs_group("redirect"),
        lambda w: {"notes": "Ok"},
    ),
    ("support.resolve_follow_up", "POST"): Row(
        lambda w, o: f"/sessions/{o['ended'].id}/support/{o['follow_up']}/resolve",
        runs_group("redirect"),
        lambda w: {"note": "Called her on Friday."},
    ),
    # The group's lead: its settings and who runs it.
    ("groups.edit_group", "GET"): Row(lambda w, o: f"/groups/{o['group']}/edit", manages_group(200)),
    ("groups.edit_group", "POST"): Row(
        lambda w, o: f"/groups/{o['group']}/edit", manages_group("redirect"), lambda w: GROUP_FORM
    ),
    ("groups.archive_group", "POST"): Row(
        lambda w, o: f"/groups/{o['group']}/archive", manages_group("redirect")
    ),
    ("groups.add_co_facilitator", "POST"): Row(
        lambda w, o: f"/groups/{o['group']}/facilitators",
        manages_group("redirect"),
        lambda w: {"email": w.people["admin"].email},
    ),
    # The group's grounding scripts (the small form on the group page, and deleting one).
    ("grounding.add_script", "POST"): Row(
        lambda w, o: f"/groups/{o['group']}/grounding-scripts",
        manages_group("redirect"),
        lambda w: {"title": "Feet on the floor", "lines-0-text": "Feel your feet.", "lines-0-seconds": "8"},
    ),
    ("grounding.delete_script", "POST"): Row(
        lambda w, o: f"/groups/{o['group']}/grounding-scripts/{o['script']}/delete", manages_group("redirect")
    ),
    ("groups.remove_co_facilitator", "POST"): Row(
        lambda w, o: f"/groups/{o['group']}/facilitators/{w.people['co'].id}/remove",
        manages_group("redirect"),
    ),
}


def test_every_route_has_a_row(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        # These two route socket events only (by long-polling, as a WebSocket); the Socket.IO server
        # answers their path.
        if rule.endpoint not in {"socketio", "socketio_websocket"}
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(ROWS)


def request(client, method: str, path: str, data: dict):
    return client.get(path) if method == "GET" else client.post(path, data=data)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("endpoint", "method"), sorted(ROWS))
def test_who_may_use_each_route(app, world, endpoint, method, actor):
    row = ROWS[(endpoint, method)]
    client = sign_in(app, world, actor)
    response = request(client, method, row.path(world, world.own), row.data(world))
    assert outcome(response) == row.expected[actor], response.get_data(as_text=True)[:500]


FOREIGN_ROWS = [key for key, row in ROWS.items() if row.expected["lead"] != row.expected["outsider"]]


@pytest.mark.parametrize("actor", ["co", "lead"])
@pytest.mark.parametrize(("endpoint", "method"), sorted(FOREIGN_ROWS))
def test_another_groups_ids_are_not_found(app, world, endpoint, method, actor):
    """The group's own facilitators are told another group's objects don't exist, and change nothing."""
    row = ROWS[(endpoint, method)]
    client = sign_in(app, world, actor)
    foreign_group = db.session.get(group_services.Group, world.foreign["group"])
    before = (foreign_group.name, foreign_group.archived_at, len(foreign_group.memberships))
    response = request(client, method, row.path(world, world.foreign), row.data(world))
    assert outcome(response) == 404
    db.session.expire_all()
    assert (foreign_group.name, foreign_group.archived_at, len(foreign_group.memberships)) == before
    assert world.foreign["live"].is_live
    assert world.foreign["scheduled"].state == "scheduled"
