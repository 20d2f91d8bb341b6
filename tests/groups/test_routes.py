import pytest

from facilitator.audit.models import AuditEntry
from facilitator.extensions import db
from facilitator.groups import services as group_services
from facilitator.groups.models import Group, Role
from facilitator.realtime.rooms import FACILITATOR_NS

from ..conftest import facilitator_socket, login, post_form

GOOD_GROUP = {
    "name": "Thursday Anxiety Group",
    "description": "A calm place to talk.",
    "crisis_resources": "Call 988",
    "min_aggregate_size": "3",
    "agenda-0-kind": "checkin",
    "agenda-0-title": "Arrive",
    "agenda-0-prompt": "How are you arriving?",
    "agenda-1-kind": "wins",
    "agenda-1-title": "Small wins",
    "agenda-1-prompt": "",
}


def test_new_group_form_starts_with_defaults(facilitator_client):
    html = facilitator_client.get("/groups/new").get_data(as_text=True)
    assert "988" in html  # default crisis resources
    assert 'value="Check-in"' in html  # default agenda


def test_create_group_and_see_it(facilitator_client):
    response = post_form(facilitator_client, "/groups/new", GOOD_GROUP)
    assert response.status_code == 302
    group = db.session.scalars(db.select(Group)).one()
    assert [step["title"] for step in group.agenda] == ["Arrive", "Small wins"]
    page = facilitator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thursday Anxiety Group" in page
    assert "How are you arriving?" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Please give the group a name."),
        ({"name": "x" * 81}, "under 80 characters"),
        ({"crisis_resources": ""}, "Participants must always see where to get urgent help."),
        ({"min_aggregate_size": "1"}, "from 2 to 20"),
        ({"min_aggregate_size": "lots"}, "from 2 to 20"),
        ({"agenda-0-title": "", "agenda-1-title": ""}, "at least one step"),
        ({"agenda-0-prompt": "p" * 201}, "under 200 characters"),
    ],
)
def test_group_form_explains_bad_input(facilitator_client, change, message):
    response = post_form(facilitator_client, "/groups/new", {**GOOD_GROUP, **change}, form_url="/groups/new")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Group.id))) == 0


def test_group_name_is_escaped(facilitator_client):
    post_form(facilitator_client, "/groups/new", {**GOOD_GROUP, "name": "<script>alert(1)</script>"})
    html = facilitator_client.get("/groups/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_edit_and_archive(facilitator_client, group):
    response = post_form(facilitator_client, f"/groups/{group.id}/edit", {**GOOD_GROUP, "name": "Renamed"})
    assert response.status_code == 302
    assert group.name == "Renamed"
    post_form(facilitator_client, f"/groups/{group.id}/archive", {}, form_url=f"/groups/{group.id}")
    assert group.is_archived
    assert "Archived" in facilitator_client.get("/groups/").get_data(as_text=True)


def test_other_facilitators_groups_are_not_found(app, group, make_facilitator):
    client = app.test_client()
    login(client, make_facilitator("Other"))
    assert client.get(f"/groups/{group.id}").status_code == 404
    assert client.get(f"/groups/{group.id}/edit").status_code == 404
    assert "Tuesday" not in client.get("/groups/").get_data(as_text=True)


def test_add_co_facilitator_by_email(facilitator_client, group, make_facilitator):
    colleague = make_facilitator("Sam Co", email="sam@example.org")
    response = post_form(
        facilitator_client,
        f"/groups/{group.id}/facilitators",
        {"email": "sam@example.org"},
        form_url=f"/groups/{group.id}",
    )
    assert response.status_code == 302
    assert group.is_run_by(colleague)
    page = facilitator_client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Sam Co now helps run this group." in page


def test_pages_need_a_signed_in_facilitator(client, facilitator, group):
    response = client.get(f"/groups/{group.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --- who may manage a group -------------------------------------------------------------------


def signed_in(app, facilitator):
    client = app.test_client()
    login(client, facilitator)
    return client


def add_member(group, facilitator, *, is_admin: bool = False, name: str = "Sam Co"):
    """Make a facilitator and add them to the group as a co-facilitator."""
    colleague = facilitator(name, is_admin=is_admin)
    lead = next(membership.facilitator for membership in group.memberships if membership.role == Role.LEAD)
    group_services.add_co_facilitator(lead, group, colleague.email)
    db.session.commit()
    return colleague


@pytest.fixture
def co_facilitator(group, make_facilitator):
    return add_member(group, make_facilitator)


@pytest.fixture
def co_client(app, co_facilitator):
    return signed_in(app, co_facilitator)


def managing_requests(group_id: int, co_id: int) -> list[tuple[str, dict | None]]:
    """Every request that changes a group's settings or who runs it: (url, form data or None for GET)."""
    return [
        (f"/groups/{group_id}/edit", None),
        (f"/groups/{group_id}/edit", {**GOOD_GROUP, "name": "Mine now", "min_aggregate_size": "9"}),
        (f"/groups/{group_id}/archive", {}),
        (f"/groups/{group_id}/facilitators", {"email": "new@example.org"}),
        (f"/groups/{group_id}/facilitators/{co_id}/remove", {}),
    ]


def send(client, url: str, data: dict | None):
    return client.get(url) if data is None else post_form(client, url, data, form_url="/groups/")


def group_state(group) -> tuple:
    db.session.expire_all()
    audited = db.session.scalar(db.select(db.func.count(AuditEntry.id)))
    return group.name, group.min_aggregate_size, group.archived_at, group.facilitator_ids(), audited


@pytest.mark.parametrize("request_number", range(5))
def test_co_facilitators_cannot_manage_the_group(
    co_client, group, co_facilitator, make_facilitator, request_number
):
    make_facilitator("New", email="new@example.org")
    other_co = add_member(group, make_facilitator, name="Other Co")
    url, data = managing_requests(group.id, other_co.id)[request_number]
    before = group_state(group)
    response = send(co_client, url, data)
    assert response.status_code == 403
    assert "Only the group&#39;s lead, or an admin who helps run it" in response.get_data(as_text=True)
    assert group_state(group) == before


@pytest.mark.parametrize("request_number", range(5))
def test_admins_outside_a_group_are_told_it_does_not_exist(
    app, group, co_facilitator, make_facilitator, request_number
):
    admin_client = signed_in(app, make_facilitator("Ada Admin", is_admin=True))
    before = group_state(group)
    url, data = managing_requests(group.id, co_facilitator.id)[request_number]
    assert send(admin_client, url, data).status_code == 404
    assert admin_client.get(f"/groups/{group.id}").status_code == 404
    assert group_state(group) == before


def test_co_facilitators_run_sessions_and_see_trends(co_client, group):
    assert co_client.get(f"/groups/{group.id}").status_code == 200
    started = post_form(co_client, f"/groups/{group.id}/sessions", {"title": "Week 1"}, form_url="/groups/")
    assert started.status_code == 302
    assert co_client.get(started.headers["Location"]).status_code == 200
    assert co_client.get(f"/groups/{group.id}/trends").status_code == 200


@pytest.mark.parametrize("manager_role", ["lead", "admin co-facilitator"])
def test_the_lead_and_admin_members_manage_the_group(app, make_group, make_facilitator, manager_role):
    lead = make_facilitator("Lee Lead")
    group = make_group(lead)
    manager = lead if manager_role == "lead" else add_member(group, make_facilitator, is_admin=True)
    client = signed_in(app, manager)
    colleague = make_facilitator("New", email="new@example.org")
    base = f"/groups/{group.id}"

    assert client.get(f"{base}/edit").status_code == 200
    assert send(client, f"{base}/edit", {**GOOD_GROUP, "name": "Renamed"}).status_code == 302
    assert send(client, f"{base}/facilitators", {"email": colleague.email}).status_code == 302
    assert group.name == "Renamed"
    assert group.is_run_by(colleague)
    assert send(client, f"{base}/facilitators/{colleague.id}/remove", {}).status_code == 302
    assert send(client, f"{base}/archive", {}).status_code == 302
    assert group.is_archived
    assert send(client, f"{base}/archive", {}).status_code == 302
    assert not group.is_archived
    assert not group.is_run_by(colleague)


def test_removing_a_co_facilitator_closes_their_console_at_once(
    app, facilitator_client, console, co_client, co_facilitator, group, live_session
):
    co_console = facilitator_socket(app, co_client, live_session)
    assert co_console.is_connected(FACILITATOR_NS)
    response = post_form(
        facilitator_client,
        f"/groups/{group.id}/facilitators/{co_facilitator.id}/remove",
        {},
        form_url="/groups/",
    )
    assert response.status_code == 302
    assert not co_console.is_connected(FACILITATOR_NS)
    assert console.is_connected(FACILITATOR_NS)  # the lead's console stays open
    assert co_client.get(f"/sessions/{live_session.id}").status_code == 404


MANAGE_CONTROLS = ["Edit group", "Add co-facilitator", "Archive group", "Remove<span"]
ROLE_POWERS = [
    "<strong>Co-facilitators</strong> start and run sessions, and see summaries, trends and exports.",
    "<strong>The lead</strong>, and any admin who helps run the group, can do all that too, and also change",
]


@pytest.mark.parametrize(("who", "sees_controls"), [("lead", True), ("co-facilitator", False)])
def test_group_page_explains_roles_and_shows_controls_only_to_managers(
    facilitator_client, co_client, group, who, sees_controls
):
    client = facilitator_client if who == "lead" else co_client
    html = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert all(power in html for power in ROLE_POWERS)
    assert [control in html for control in MANAGE_CONTROLS] == [sees_controls] * len(MANAGE_CONTROLS)


def test_the_group_form_sets_a_share_timer_and_showing_the_queue_s_order(facilitator_client):
    form = {
        **GOOD_GROUP,
        "agenda-1-kind": "sharing",
        "agenda-1-title": "Sharing",
        "agenda-1-timer_minutes": "4",
        "show_share_order": "y",
    }
    response = post_form(facilitator_client, "/groups/new", form)
    assert response.status_code == 302
    group = db.session.scalars(db.select(Group)).one()
    assert group.agenda[1] == {"kind": "sharing", "title": "Sharing", "prompt": "", "timer_minutes": 4}
    assert group.show_share_order is True
    edit = facilitator_client.get(f"/groups/{group.id}/edit").get_data(as_text=True)
    assert '<option selected value="4">Timer: 4 min</option>' in edit
    assert '<input aria-describedby="show-share-order-hint" checked id="show_share_order"' in edit


@pytest.mark.parametrize("minutes", ["11", "soon"])
def test_the_group_form_explains_a_bad_share_timer(facilitator_client, minutes):
    form = {**GOOD_GROUP, "agenda-1-kind": "sharing", "agenda-1-timer_minutes": minutes}
    response = post_form(facilitator_client, "/groups/new", form, form_url="/groups/new")
    assert response.status_code == 200
    assert "Please choose a share timer of 1 to 10 minutes, or none." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Group.id))) == 0
