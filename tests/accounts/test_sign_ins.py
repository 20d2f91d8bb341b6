"""Sign-ins kept on the server: signing in and out, idle expiry, changing the password, limits."""

from datetime import timedelta

import pytest

from facilitator.accounts.models import SignIn
from facilitator.clock import utcnow
from facilitator.extensions import db, limiter
from facilitator.realtime.rooms import FACILITATOR_NS

from ..conftest import PASSWORD, facilitator_socket, login, post_form

NEW_PASSWORD = "a brand new password"


def _only_sign_in() -> SignIn:
    return db.session.scalars(db.select(SignIn)).one()


def _is_signed_out(client) -> bool:
    return client.get("/groups/").headers.get("Location", "").startswith("/login")


def _sign_out(client):
    return post_form(client, "/logout", {}, form_url="/groups/")


def test_a_copied_cookie_stops_working_after_sign_out(app, facilitator):
    browser, copy = app.test_client(), app.test_client()
    login(browser, facilitator)
    copy.set_cookie("session", browser.get_cookie("session").value)
    assert copy.get("/groups/").status_code == 200
    assert _sign_out(browser).headers["Location"] == "/login"
    assert _is_signed_out(copy)
    assert _only_sign_in().ended_reason == "signed_out"


def test_signing_in_renews_the_session(client, facilitator):
    with client.session_transaction() as session:
        session["left_from_before"] = "someone else's"
    login(client, facilitator)
    with client.session_transaction() as session:
        assert "left_from_before" not in session
        token = session["sign_in"]
    assert token not in _only_sign_in().token_hash


def test_signing_in_again_starts_a_new_sign_in(client, facilitator):
    login(client, facilitator)
    _sign_out(client)
    login(client, facilitator)
    assert [s.ended_reason for s in db.session.scalars(db.select(SignIn).order_by(SignIn.id))] == [
        "signed_out",
        None,
    ]


def test_an_idle_sign_in_expires(client, facilitator):
    login(client, facilitator)
    sign_in = _only_sign_in()
    sign_in.last_seen_at = utcnow() - timedelta(minutes=121)
    db.session.commit()
    assert _is_signed_out(client)
    assert sign_in.ended_reason == "expired"


def test_a_sign_in_in_use_stays_and_is_noted_at_most_once_a_minute(client, facilitator):
    login(client, facilitator)
    sign_in = _only_sign_in()
    seen = sign_in.last_seen_at
    assert client.get("/groups/").status_code == 200
    assert sign_in.last_seen_at == seen
    sign_in.last_seen_at = seen = utcnow() - timedelta(minutes=119)
    db.session.commit()
    assert client.get("/groups/").status_code == 200
    assert sign_in.last_seen_at > seen


def test_signing_out_closes_only_this_browsers_consoles(app, facilitator, live_session):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, facilitator)
    login(elsewhere, facilitator)
    console_here = facilitator_socket(app, here, live_session)
    console_elsewhere = facilitator_socket(app, elsewhere, live_session)
    _sign_out(here)
    assert not console_here.is_connected(FACILITATOR_NS)
    assert console_elsewhere.is_connected(FACILITATOR_NS)
    assert elsewhere.get("/groups/").status_code == 200


def test_changing_the_password_signs_out_other_browsers_only(app, facilitator, live_session):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, facilitator)
    login(elsewhere, facilitator)
    console_here = facilitator_socket(app, here, live_session)
    console_elsewhere = facilitator_socket(app, elsewhere, live_session)
    response = post_form(
        here,
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.headers["Location"] == "/groups/"
    assert "Your password is changed" in here.get("/groups/").get_data(as_text=True)
    assert not console_elsewhere.is_connected(FACILITATOR_NS)
    assert console_here.is_connected(FACILITATOR_NS)
    assert _is_signed_out(elsewhere)
    _sign_out(here)
    assert (
        post_form(here, "/login", {"email": facilitator.email, "password": NEW_PASSWORD}).status_code == 302
    )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"current_password": "", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, "enter your password"),
        (
            {"current_password": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            "isn&#39;t your current password",
        ),
        ({"current_password": PASSWORD, "password": "short", "confirm": "short"}, "between 10 and 128"),
        ({"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": "other"}, "don&#39;t match"),
    ],
)
def test_changing_the_password_explains_bad_input(facilitator_client, facilitator, form, message):
    response = post_form(facilitator_client, "/account/password", form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert facilitator_client.get("/groups/").status_code == 200
    _sign_out(facilitator_client)
    assert (
        post_form(
            facilitator_client, "/login", {"email": facilitator.email, "password": PASSWORD}
        ).status_code
        == 302
    )


def test_changing_the_password_needs_a_sign_in(client, facilitator):
    assert client.get("/account/password").headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    "target",
    [
        "/\x00evil",
        "/\\evil.com",
        "/\\\\evil.com",
        "/\tfoo",
        "/\nfoo",
        "/\x7ffoo",
        "//evil.com",
        "https://evil.example/",
    ],
)
def test_login_ignores_an_unsafe_next(client, facilitator, target):
    response = post_form(
        client, "/login", {"email": facilitator.email, "password": PASSWORD}, query_string={"next": target}
    )
    assert response.headers["Location"] == "/groups/"


def test_login_follows_a_plain_next(client, facilitator):
    response = post_form(
        client,
        "/login",
        {"email": facilitator.email, "password": PASSWORD},
        query_string={"next": "/groups/new"},
    )
    assert response.headers["Location"] == "/groups/new"


def test_the_per_account_limit_trips_for_one_email_only(app, client, facilitator, make_facilitator):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    colleague = make_facilitator()
    for _ in range(10):
        post_form(client, "/login", {"email": facilitator.email, "password": "wrong password"})
    refused = post_form(client, "/login", {"email": facilitator.email.upper(), "password": PASSWORD})
    assert refused.status_code == 429
    assert "Please wait" in refused.get_data(as_text=True)
    assert post_form(client, "/login", {"email": colleague.email, "password": PASSWORD}).status_code == 302
    assert not any(facilitator.email in str(key) for key in limiter.storage.storage)


def test_signing_in_does_not_count_against_the_account(app, facilitator):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "2 per hour"
    for _ in range(3):
        browser = app.test_client()
        login(browser, facilitator)
