"""An admin's management of accounts: switching them off and on, and password-reset links."""

import hashlib
import re
from datetime import timedelta

import pytest

from facilitator.accounts.models import PasswordReset
from facilitator.audit.models import AuditEntry
from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.realtime.rooms import FACILITATOR_NS
from facilitator.sessions import services as session_services

from ..conftest import PASSWORD, facilitator_socket, login, post_form

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def colleague(make_facilitator):
    return make_facilitator("Sam Okafor", email="sam@example.org")


@pytest.fixture
def colleague_console(app, colleague, make_group):
    """The colleague, signed in, with the console of their own live session open."""
    browser = app.test_client()
    login(browser, colleague)
    live_session = session_services.create_session(
        colleague, make_group(colleague, "Thursday Circle"), title="Week 1", waiting_room=False
    )
    db.session.commit()
    console = facilitator_socket(app, browser, live_session)
    assert console.is_connected(FACILITATOR_NS)
    return browser, console


def _try_login(app, email: str, password: str):
    return post_form(app.test_client(), "/login", {"email": email, "password": password})


def _reset_path(facilitator_client, colleague) -> str:
    response = post_form(
        facilitator_client, f"/facilitators/{colleague.id}/reset-link", {}, form_url="/facilitators"
    )
    link = re.search(r'readonly value="([^"]+)"', response.get_data(as_text=True)).group(1)
    return link.removeprefix("http://localhost")


def test_an_admin_sees_every_account(facilitator_client, colleague):
    html = facilitator_client.get("/facilitators").get_data(as_text=True)
    assert "Sam Okafor" in html
    assert "sam@example.org" in html
    assert html.count("Switch off") == 1  # not on the admin's own account


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/facilitators"),
        ("post", "/facilitators/{id}/disable"),
        ("post", "/facilitators/{id}/enable"),
        ("post", "/facilitators/{id}/reset-link"),
    ],
)
def test_non_admins_get_a_kind_403(app, facilitator, colleague, method, path):
    browser = app.test_client()
    login(browser, colleague)
    url = path.format(id=facilitator.id)
    response = browser.get(url) if method == "get" else post_form(browser, url, {}, form_url="/groups/")
    assert response.status_code == 403
    assert "Only an admin" in response.get_data(as_text=True)
    assert facilitator.is_active
    assert db.session.scalar(db.select(db.func.count(PasswordReset.id))) == 0


def test_admin_pages_need_a_sign_in(client, facilitator):
    assert client.get("/facilitators").headers["Location"].startswith("/login")


def test_disabling_closes_consoles_and_refuses_sign_in(
    app, facilitator, facilitator_client, colleague, colleague_console
):
    browser, console = colleague_console
    response = post_form(
        facilitator_client, f"/facilitators/{colleague.id}/disable", {}, form_url="/facilitators"
    )
    assert response.headers["Location"] == "/facilitators"
    assert not console.is_connected(FACILITATOR_NS)
    assert browser.get("/groups/").headers["Location"].startswith("/login")
    refused = _try_login(app, colleague.email, PASSWORD)
    assert refused.status_code == 200
    assert "switched off for now" in refused.get_data(as_text=True)
    # Someone without the password learns nothing about the account.
    assert "switched off" not in _try_login(app, colleague.email, "wrong password").get_data(as_text=True)

    post_form(facilitator_client, f"/facilitators/{colleague.id}/enable", {}, form_url="/facilitators")
    assert _try_login(app, colleague.email, PASSWORD).status_code == 302
    actions = db.session.scalars(
        db.select(AuditEntry.action).where(AuditEntry.facilitator_id == facilitator.id)
    )
    assert {"account.disabled", "account.enabled"} <= set(actions)


def test_an_admin_cannot_switch_themselves_off(facilitator_client, facilitator):
    response = post_form(
        facilitator_client, f"/facilitators/{facilitator.id}/disable", {}, form_url="/facilitators"
    )
    assert response.status_code == 403
    assert "your own account" in response.get_data(as_text=True)
    assert facilitator_client.get("/groups/").status_code == 200


def test_managing_an_unknown_account_is_a_kind_404(facilitator_client):
    response = post_form(facilitator_client, "/facilitators/999/disable", {}, form_url="/facilitators")
    assert response.status_code == 404
    assert "couldn&#39;t find that facilitator" in response.get_data(as_text=True)


def test_a_reset_link_works_once_and_signs_out_everywhere(
    app, facilitator_client, colleague, colleague_console
):
    browser, console = colleague_console
    path = _reset_path(facilitator_client, colleague)
    token = path.removeprefix("/reset/")
    stored = db.session.scalars(db.select(PasswordReset)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()

    visitor = app.test_client()
    assert visitor.get(path).status_code == 200
    response = post_form(visitor, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/login"
    assert "Your new password is set" in visitor.get("/login").get_data(as_text=True)
    assert not console.is_connected(FACILITATOR_NS)
    assert browser.get("/groups/").headers["Location"].startswith("/login")
    assert _try_login(app, colleague.email, PASSWORD).status_code == 200
    assert _try_login(app, colleague.email, NEW_PASSWORD).status_code == 302

    used = visitor.get(path)
    assert used.status_code == 404
    assert "isn&#39;t valid any more" in used.get_data(as_text=True)


def test_a_reset_link_expires(app, facilitator_client, colleague):
    path = _reset_path(facilitator_client, colleague)
    assert app.test_client().get(path).status_code == 200
    reset = db.session.scalars(db.select(PasswordReset)).one()
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert "ask your Stepwise admin for a new one" in response.get_data(as_text=True)


def test_a_reset_link_lasts_the_configured_hours(app, facilitator_client, colleague):
    app.config["PASSWORD_RESET_VALID_HOURS"] = 2
    _reset_path(facilitator_client, colleague)
    reset = db.session.scalars(db.select(PasswordReset)).one()
    assert timedelta(hours=1, minutes=59) < reset.expires_at - utcnow() <= timedelta(hours=2)


def test_an_unknown_reset_link_gets_a_kind_page(client, facilitator):
    response = client.get("/reset/not-a-real-token")
    assert response.status_code == 404
    assert "isn&#39;t valid any more" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"password": "", "confirm": ""}, "Please choose a password."),
        ({"password": "short", "confirm": "short"}, "between 10 and 128"),
        ({"password": "x" * 129, "confirm": "x" * 129}, "between 10 and 128"),
        ({"password": NEW_PASSWORD, "confirm": "something else"}, "don&#39;t match"),
    ],
)
def test_a_reset_link_explains_bad_input_and_stays_usable(app, facilitator_client, colleague, form, message):
    path = _reset_path(facilitator_client, colleague)
    visitor = app.test_client()
    response = post_form(visitor, path, form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert visitor.get(path).status_code == 200
