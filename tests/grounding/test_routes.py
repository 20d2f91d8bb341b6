"""The group page's grounding scripts (the small form and the list), and the panels on the live pages."""

import re

from flask import url_for

from facilitator.extensions import db
from facilitator.grounding import services
from facilitator.grounding.models import GroundingScript
from facilitator.groups import services as group_services
from facilitator.sessions import services as session_services

from ..conftest import login, post_form


def script_form(title: str, *lines: tuple[str, str]) -> dict:
    data = {"title": title}
    for number, (text, seconds) in enumerate(lines):
        data[f"lines-{number}-text"] = text
        data[f"lines-{number}-seconds"] = seconds
    return data


def add(client, group, data: dict):
    return post_form(client, f"/groups/{group.id}/grounding-scripts", data, form_url=f"/groups/{group.id}")


def test_the_lead_writes_a_script_on_the_group_page(facilitator_client, group):
    page = facilitator_client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Grounding scripts" in page and "Write a script" in page
    assert page.count('aria-label="Words of line') == 10
    ids = re.findall(r'\sid="([^"]+)"', page)
    for target in re.findall(r'<label for="([^"]+)"', page):  # each label names its own field
        assert ids.count(target) == 1, target

    response = add(
        facilitator_client,
        group,
        script_form(
            "Feet on the floor", ("Feel your feet <b>on</b> the floor.", "8"), ("", ""), ("Breathe out.", "")
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/groups/{group.id}#grounding-heading")
    [script] = services.scripts_of(group)
    assert script.lines == [
        {"text": "Feel your feet <b>on</b> the floor.", "seconds": 8},
        {"text": "Breathe out.", "seconds": services.LINE_DEFAULT_SECONDS},
    ]
    page = facilitator_client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "is ready to use in this group" in page
    assert "Feel your feet &lt;b&gt;on&lt;/b&gt; the floor." in page and "<b>on</b>" not in page
    assert "2 lines, 18 s" in page


def test_a_refused_script_comes_back_with_its_words_and_what_to_change(facilitator_client, group):
    response = add(facilitator_client, group, script_form("Too quick", ("Blink.", "1"), ("Breathe.", "soon")))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert page.count("Please give each line 3 to 60 seconds.") == 2
    assert 'value="Blink."' in page and '<details class="script-editor" open>' in page
    assert db.session.query(GroundingScript).count() == 0

    response = add(facilitator_client, group, script_form("", ("Breathe.", "5")))
    assert response.status_code == 400
    assert "Please give the script a title." in response.get_data(as_text=True)
    response = add(facilitator_client, group, script_form("Empty"))
    assert "Please write at least one line." in response.get_data(as_text=True)
    assert db.session.query(GroundingScript).count() == 0


def test_a_co_facilitator_sees_the_scripts_but_cannot_change_them(app, facilitator, group, make_facilitator):
    co = make_facilitator("Co")
    group_services.add_co_facilitator(facilitator, group, co.email)
    script = services.add_script(facilitator, group, title="Calm", lines=[{"text": "Breathe.", "seconds": 5}])
    db.session.commit()
    client = app.test_client()
    login(client, co)
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert (
        "Calm" in page
        and "Write a script" not in page
        and "The group's lead can add or delete scripts." in page
    )
    assert add(client, group, script_form("Mine", ("Breathe.", "5"))).status_code == 403
    response = post_form(
        client, f"/groups/{group.id}/grounding-scripts/{script.id}/delete", {}, form_url=f"/groups/{group.id}"
    )
    assert response.status_code == 403
    assert services.scripts_of(group) == [script]


def test_the_lead_deletes_a_script(facilitator_client, group, facilitator):
    script = services.add_script(facilitator, group, title="Calm", lines=[{"text": "Breathe.", "seconds": 5}])
    db.session.commit()
    response = post_form(
        facilitator_client,
        f"/groups/{group.id}/grounding-scripts/{script.id}/delete",
        {},
        form_url=f"/groups/{group.id}",
    )
    assert response.status_code == 302
    assert services.scripts_of(group) == []
    again = post_form(
        facilitator_client,
        f"/groups/{group.id}/grounding-scripts/{script.id}/delete",
        {},
        form_url=f"/groups/{group.id}",
    )
    assert again.status_code == 302
    assert "find that script" in facilitator_client.get(f"/groups/{group.id}").get_data(as_text=True)


def _static_url(app, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


def test_the_live_pages_carry_the_exercise_and_its_script(
    app, facilitator_client, facilitator, live_session, join
):
    services.add_script(
        facilitator, live_session.group, title="Evening", lines=[{"text": "Breathe.", "seconds": 5}]
    )
    db.session.commit()
    console = facilitator_client.get(f"/sessions/{live_session.id}").get_data(as_text=True)
    assert 'id="grounding-panel"' in console and 'id="grounding-stop"' in console
    assert re.search(r'<option value="\d+">Evening \(5 s\)</option>', console)
    assert _static_url(app, "js/console-grounding.js") in console
    screen = facilitator_client.get(f"/sessions/{live_session.id}/screen").get_data(as_text=True)
    assert (
        'class="grounding grounding-screen"' in screen
        and _static_url(app, "js/screen-grounding.js") in screen
    )
    phone = join(live_session, connect=False)
    room = phone.client.get(f"/j/{live_session.join_token}/room").get_data(as_text=True)
    assert 'id="grounding-close"' in room and _static_url(app, "js/room-grounding.js") in room
    assert "This closes it on your phone only. Nobody is told." in room


def test_the_console_notes_a_grounding_step_of_the_agenda(facilitator_client, facilitator, make_group):
    group = make_group(
        facilitator,
        name="Grounded",
        agenda=[
            {"kind": "grounding", "title": "Arrive", "prompt": ""},
            {"kind": "checkin", "title": "Check-in"},
        ],
    )
    live_session = session_services.create_session(facilitator, group, title="W", waiting_room=False)
    db.session.commit()
    page = facilitator_client.get(f"/sessions/{live_session.id}").get_data(as_text=True)
    note = re.search(r'<p class="notice" id="grounding-step-note"\s*(hidden)?>', page)
    assert note and note.group(1) is None
    session_services.move_to_step(facilitator, live_session, 1)
    db.session.commit()
    page = facilitator_client.get(f"/sessions/{live_session.id}").get_data(as_text=True)
    assert re.search(r'<p class="notice" id="grounding-step-note"\s*hidden>', page)


def test_grounding_is_a_kind_of_agenda_step(facilitator_client, group):
    page = facilitator_client.get(f"/groups/{group.id}/edit").get_data(as_text=True)
    assert '<option value="grounding">Grounding exercise</option>' in page
    assert group_services.clean_agenda([{"kind": "grounding", "title": "Arrive"}]) == [
        {"kind": "grounding", "title": "Arrive", "prompt": ""}
    ]
