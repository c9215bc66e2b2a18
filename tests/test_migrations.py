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
from tests.pgcheck import drop_database, ensure_database


@pytest.fixture
def empty_database_url(tmp_path):
    """A fresh, empty database of the kind under test."""
    base = os.environ.get("EXCHANGE_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = make_url(base).set(database=f"mig_{uuid.uuid4().hex[:10]}")
    url = url.render_as_string(hide_password=False)
    ensure_database(url)
    yield url
    drop_database(url)


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


def test_single_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


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
