"""The migrations build exactly the models' schema, have one head, and go down and up again."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from exchange import create_app
from exchange.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    """A fresh, empty database of the kind under test."""
    base = os.environ.get("EXCHANGE_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    import psycopg

    u = make_url(base)
    name = f"mig_{uuid.uuid4().hex[:10]}"
    params = {
        "host": u.host,
        "port": u.port or 5432,
        "user": u.username,
        "password": u.password or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield u.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def mig_app(empty_database_url):
    app = create_app("testing", DATABASE_URL=empty_database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _diff(app):
    engine = create_engine(app.config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(ctx, db.metadata)
    finally:
        engine.dispose()


def test_single_head(mig_app):
    script = ScriptDirectory.from_config(mig_app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1


def test_upgrade_gives_exactly_the_models_schema(mig_app):
    upgrade()
    assert _diff(mig_app) == []


def test_downgrade_then_upgrade(mig_app):
    upgrade()
    downgrade(revision="base")
    engine = create_engine(mig_app.config["DATABASE_URL"])
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert tables == set()
    upgrade()
    assert _diff(mig_app) == []
