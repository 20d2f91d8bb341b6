"""Small wins on the pages: the per-session setting on the new-session form, and where wins show."""

import pytest
from flask import url_for

from facilitator.extensions import db
from facilitator.sessions.models import LiveSession

from ..conftest import post_form


@pytest.mark.parametrize(("form", "need_approval"), [({}, True), ({"wins_show_at_once": "y"}, False)])
def test_new_sessions_approve_wins_first_unless_asked_to_show_them_at_once(
    facilitator_client, group, form, need_approval
):
    page = facilitator_client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Show small wins at once, without checking them first" in page
    post_form(
        facilitator_client,
        f"/groups/{group.id}/sessions",
        {"title": "Week 1", **form},
        form_url=f"/groups/{group.id}",
    )
    assert db.session.scalars(db.select(LiveSession)).one().wins_need_approval is need_approval


def _static_url(app, filename: str) -> str:
    """The static file's URL as pages link it (a content-hashed name)."""
    with app.test_request_context():
        return url_for("static", filename=filename)


def test_the_room_offers_the_share_form_and_the_wall(app, join, live_session):
    phone = join(live_session, "Quiet Heron", connect=False)
    html = phone.client.get(f"/j/{live_session.join_token}/room").get_data(as_text=True)
    assert 'id="win-form"' in html and 'id="win-wall"' in html
    assert 'maxlength="280"' in html
    assert "Felt it and stayed" in html
    assert _static_url(app, "js/room-wins.js") in html


def test_the_console_has_a_wins_card_with_the_setting(app, facilitator_client, live_session):
    html = facilitator_client.get(f"/sessions/{live_session.id}").get_data(as_text=True)
    assert 'id="wins-panel"' in html and 'id="win-queue"' in html
    assert 'id="wins-need-approval" checked' in html
    assert _static_url(app, "js/console-wins.js") in html


def test_the_shared_screen_shows_the_step_and_the_wall_but_no_names(
    app, facilitator_client, join, live_session
):
    join(live_session, "Private Person", connect=False)
    html = facilitator_client.get(f"/sessions/{live_session.id}/screen").get_data(as_text=True)
    assert 'id="screen-step-title">Check-in<' in html
    assert 'id="win-wall"' in html and _static_url(app, "js/screen.js") in html
    assert f'data-session-id="{live_session.id}"' in html
    assert "Private Person" not in html
