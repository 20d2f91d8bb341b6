"""The Alembic migrations build the same schema as the models, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from config import TestConfig
from facilitator import create_app
from facilitator.extensions import db


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


@pytest.mark.postgres
def test_migrations_on_a_fresh_postgresql_database(tmp_path, postgres_url):
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS stepwise_migrations"))
        connection.execute(text("CREATE DATABASE stepwise_migrations"))
    admin.dispose()
    url = postgres_url.rsplit("/", 1)[0] + "/stepwise_migrations"
    assert_schema_matches_models(
        migrated_app(tmp_path, url.replace("postgresql://", "postgresql+psycopg://"))
    )
