import pytest

from facilitator.accounts.models import Facilitator
from facilitator.extensions import db

from ..conftest import PASSWORD, login, post_form


def test_fresh_install_leads_every_page_to_setup(client):
    for path in ("/", "/login", "/groups/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/setup"
    assert client.get("/healthz").status_code == 200


def test_setup_creates_the_admin_and_signs_in(client):
    response = post_form(
        client,
        "/setup",
        {"display_name": "Ana", "email": "ana@example.org", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302
    assert db.session.scalars(db.select(Facilitator)).one().is_admin
    assert "Your groups" in client.get("/groups/").get_data(as_text=True)
    # Once set up, the setup page leads to sign-in instead.
    assert client.get("/setup").headers["Location"] == "/login"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"display_name": "", "email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD},
            "Please tell us your name.",
        ),
        (
            {"display_name": "A" * 81, "email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD},
            "under 80 characters",
        ),
        (
            {"display_name": "Ana", "email": "not-an-email", "password": PASSWORD, "confirm": PASSWORD},
            "look like an e-mail",
        ),
        (
            {"display_name": "Ana", "email": "a@example.org", "password": "short", "confirm": "short"},
            "between 10 and 128",
        ),
        (
            {
                "display_name": "Ana",
                "email": "a@example.org",
                "password": PASSWORD,
                "confirm": "different one",
            },
            "don&#39;t match",
        ),
    ],
)
def test_setup_form_explains_bad_input(client, form, message):
    response = post_form(client, "/setup", form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Facilitator.id))) == 0


def test_wrong_password_is_refused_kindly(client, facilitator):
    response = post_form(client, "/login", {"email": facilitator.email, "password": "not it at all"})
    assert response.status_code == 200
    assert "don&#39;t match" in response.get_data(as_text=True)


def test_login_attempts_are_rate_limited(client, facilitator):
    for _ in range(5):
        post_form(client, "/login", {"email": facilitator.email, "password": "wrong password"})
    response = post_form(client, "/login", {"email": facilitator.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Please wait a little while" in response.get_data(as_text=True)


def test_forms_need_a_csrf_token(client, facilitator):
    response = client.post("/login", data={"email": facilitator.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "This form had expired" in response.get_data(as_text=True)
    assert client.get("/groups/").status_code == 302  # still signed out


def test_logout_ends_the_login(facilitator_client):
    response = post_form(facilitator_client, "/logout", {}, form_url="/groups/")
    assert response.headers["Location"] == "/login"
    assert facilitator_client.get("/groups/").headers["Location"].startswith("/login")


def test_session_cookie_is_httponly_and_samesite(client, facilitator):
    response = post_form(client, "/login", {"email": facilitator.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_invite_link_creates_a_facilitator(facilitator_client, app):
    response = post_form(facilitator_client, "/invites", {"note": "Sam"})
    html = response.get_data(as_text=True)
    link = html.split('readonly value="')[1].split('"')[0]
    path = link.removeprefix("http://localhost")
    newcomer = app.test_client()
    response = post_form(
        newcomer,
        path,
        {"display_name": "Sam", "email": "sam@example.org", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302
    assert newcomer.get(path).status_code == 404  # used up


def test_only_admins_invite(app, make_facilitator):
    colleague = make_facilitator("Co")
    client = app.test_client()
    login(client, colleague)
    assert client.get("/invites").status_code == 403


def test_unknown_invite_gets_a_kind_page(facilitator, client):
    response = client.get("/invite/not-a-real-token")
    assert response.status_code == 404
    assert "not valid any more" in response.get_data(as_text=True)


def test_signup_only_when_allowed(app, facilitator, client):
    assert client.get("/signup").status_code == 404
    app.config["ALLOW_SIGNUP"] = True
    response = post_form(
        client,
        "/signup",
        {"display_name": "Lee", "email": "lee@example.org", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302
