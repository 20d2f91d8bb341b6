"""The Alembic migrations build the same schema as the models, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from config import TestConfig
from facilitator import create_app
from facilitator.accounts import services as account_services
from facilitator.extensions import db
from facilitator.groups import services as group_services
from facilitator.groups.models import DEFAULT_AGENDA
from facilitator.sessions import services as session_services

from .conftest import PASSWORD, fresh_postgres_database


def migrated_app(tmp_path, database_url):
    config = TestConfig()
    config.INSTANCE_DIR = tmp_path / "instance"
    config.SQLALCHEMY_DATABASE_URI = database_url
    return create_app(config)


def assert_schema_matches_models(app):
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], "the models changed without a migration (flask db migrate)"
        tables = set(inspect(db.engine).get_table_names())
        assert {"facilitator", "group", "live_session", "participant", "audit_entry"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_migrations_on_a_fresh_sqlite_database(tmp_path):
    assert_schema_matches_models(migrated_app(tmp_path, f"sqlite:///{tmp_path / 'fresh.db'}"))


def test_migrating_down_and_up_keeps_sessions_and_participants_on_sqlite(tmp_path):
    """Batch migrations copy and drop tables on SQLite: nothing that refers to them may go with them."""
    app = migrated_app(tmp_path, f"sqlite:///{tmp_path / 'kept.db'}")
    with app.app_context():
        upgrade()
        facilitator = account_services.create_facilitator("keep@example.org", "Kim", PASSWORD)
        group = group_services.create_group(
            facilitator,
            name="Thursday group",
            description="",
            crisis_resources=app.config["DEFAULT_CRISIS_RESOURCES"],
            agenda=DEFAULT_AGENDA,
            min_aggregate_size=3,
        )
        live_session = session_services.create_session(facilitator, group, title="Week 1", waiting_room=False)
        session_services.join_session(live_session, "Ash")
        db.session.commit()

        def counts() -> tuple[int, ...]:
            with db.engine.connect() as connection:
                return tuple(
                    connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                    for table in ("group", "live_session", "participant")
                )

        before = counts()
        db.session.remove()
        downgrade(revision="503dd6cf2836")
        upgrade()
        assert counts() == before == (1, 1, 1)
        db.engine.dispose()


@pytest.mark.postgres
def test_migrations_on_a_fresh_postgresql_database(tmp_path, postgres_url):
    url = fresh_postgres_database(postgres_url, "stepwise_migrations")
    assert_schema_matches_models(migrated_app(tmp_path, url))
