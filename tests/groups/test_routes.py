import pytest

from facilitator.extensions import db
from facilitator.groups.models import Group

from ..conftest import login, post_form

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
