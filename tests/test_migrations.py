"""The migrations build exactly the models' schema, have one head, and go down and up again."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, event, inspect, text

from exchange import create_app
from exchange.extensions import db


@pytest.fixture
def mig_app(tmp_path):
    """An app on a fresh, empty database of the kind under test.

    On PostgreSQL that is a new schema of the test database, alone on the search path of every
    connection: ``DROP SCHEMA`` at the end is quick, where ``DROP DATABASE`` waits for a
    checkpoint (minutes on a busy machine)."""
    base = os.environ.get("EXCHANGE_TEST_DATABASE_URL")
    if not base:
        app = create_app("testing", DATABASE_URL=f"sqlite:///{tmp_path / 'migrations.sqlite3'}")
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
        return
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    app = create_app("testing", DATABASE_URL=base)
    app.config["MIGRATION_TEST_SCHEMA"] = schema
    try:
        with app.app_context():
            _on_search_path(db.engine, schema)
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _on_search_path(engine, schema: str) -> None:
    """Every new connection of ``engine`` sees only ``schema`` (SQLAlchemy's recipe)."""

    @event.listens_for(engine, "connect", insert=True)
    def set_search_path(dbapi_connection, _record):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f'SET SESSION search_path TO "{schema}"')
        dbapi_connection.autocommit = autocommit


def engine_for(app):
    """A separate engine on the migration test's database (and schema)."""
    engine = create_engine(app.config["DATABASE_URL"])
    if schema := app.config.get("MIGRATION_TEST_SCHEMA"):
        _on_search_path(engine, schema)
    return engine


def _diff(app):
    engine = engine_for(app)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(ctx, db.metadata)
    finally:
        engine.dispose()


def test_single_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.mark.slow
def test_upgrade_gives_exactly_the_models_schema(mig_app):
    upgrade()
    assert _diff(mig_app) == []


@pytest.mark.slow
def test_downgrade_then_upgrade(mig_app):
    upgrade()
    downgrade(revision="base")
    engine = engine_for(mig_app)
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert tables == set()
    upgrade()
    assert _diff(mig_app) == []
