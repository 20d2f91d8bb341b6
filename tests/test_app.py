"""Health, security headers, configuration and error pages."""

import pytest

from config import Config
from facilitator import create_app

from .conftest import ROOT


def test_healthz_reports_app_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "app": "ok", "database": "ok"}


def test_healthz_says_when_the_database_is_gone(app, client, tmp_path):
    app.config["SQLALCHEMY_DATABASE_URI"]
    from facilitator.extensions import db

    db.session.close()
    db.engine.dispose()
    (tmp_path / "stepwise.db").unlink()
    (tmp_path / "stepwise.db").mkdir()  # a directory where the file was: SQLite can't open it
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"


@pytest.mark.parametrize("path", ["/", "/login", "/healthz"])
def test_security_headers_on_every_page(client, facilitator, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client, facilitator):
    assert client.get("/static/css/app.css").headers.get("Cache-Control") != "no-store"


def test_templates_have_no_inline_script_or_style():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and "style=" not in text and "<style" not in text, template
        assert "http://" not in text and "https://" not in text, f"{template} loads something from elsewhere"


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    class Fresh(Config):
        SECRET_KEY = ""
        INSTANCE_DIR = tmp_path
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'db.sqlite'}"

    first = create_app(Fresh).config["SECRET_KEY"]
    second = create_app(Fresh).config["SECRET_KEY"]
    assert first == second
    assert len(first) > 40
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_database_url_accepts_the_usual_postgres_spellings(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/stepwise")
    assert importlib.reload(config).Config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u:p@db/stepwise"
    monkeypatch.delenv("DATABASE_URL")
    importlib.reload(config)


def test_unexpected_errors_show_a_kind_page_without_a_trace(app, client, facilitator):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_https_base_url_makes_cookies_secure(tmp_path):
    class Public(Config):
        SECRET_KEY = "x" * 40
        INSTANCE_DIR = tmp_path
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'db.sqlite'}"
        BASE_URL = "https://groups.example.org"
        SESSION_COOKIE_SECURE = True
        REMEMBER_COOKIE_SECURE = True

    app = create_app(Public)
    client = app.test_client()
    assert client.get("/healthz").status_code == 302  # plain http is sent to https
    response = client.get("/healthz", base_url="https://groups.example.org")
    assert response.status_code == 200
    assert "max-age" in response.headers["Strict-Transport-Security"]
    with app.app_context():
        from facilitator.extensions import db

        db.create_all()
    page = client.get("/setup", base_url="https://groups.example.org")
    assert "Secure" in page.headers["Set-Cookie"]
