"""The migration makes rice premium and medium grades of one commodity (SNI 6128:2020), moving
the listings of a database that had the two commodities."""

import json
import logging

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tests.test_migrations import engine_for, mig_app  # noqa: F401 (a fixture)

NOW = "2027-01-04 00:00:00+00:00"


@pytest.fixture(autouse=True)
def _keep_loggers():
    """Alembic's env.py calls logging.config.fileConfig, which disables every logger that
    exists; later tests read those loggers' records, so they are switched back on."""
    yield
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.disabled = False


def _insert(conn, table, **values):
    cols = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({marks})"), values)  # noqa: S608


def _commodity(conn, slug, grades):
    _insert(
        conn,
        "commodities",
        slug=slug,
        name_id=slug,
        name_en=slug,
        category="pangan_pokok",
        unit="kg",
        grades=json.dumps(grades),
        reference_price=13500,
        price_source="",
        transport_cost_per_unit_km=2.0,
        is_ribawi=True,
        is_food=True,
        active=True,
    )
    return conn.execute(text("SELECT id FROM commodities WHERE slug = :s"), {"s": slug}).scalar()


@pytest.mark.slow
def test_rice_premium_and_medium_become_one_commodity_with_grades(mig_app):  # noqa: F811
    upgrade(revision="2dbc73436f3e")
    engine = engine_for(mig_app)
    with engine.begin() as conn:
        medium = _commodity(conn, "beras_medium", ["Medium 1", "Medium 2"])
        premium = _commodity(conn, "beras_premium", ["Premium A", "Premium B"])
        _insert(
            conn, "regencies", code="3524", name="Lamongan", kind="kabupaten", lat=-7.1, lon=112.4
        )
        _insert(
            conn,
            "pesantren",
            name="P",
            nspp="510035240001",
            kopontren_name="K",
            regency_code="3524",
            address="",
            lat=-7.1,
            lon=112.4,
            phone="+6281234567890",
            santri_count=100,
            products="",
            halal_certificates="[]",
            status="verified",
            created_at=NOW,
        )
        for commodity, grade in ((medium, 2), (medium, 1), (premium, 1)):
            _insert(
                conn,
                "listings",
                side="offer",
                pesantren_id=1,
                commodity_id=commodity,
                grade=grade,
                quantity=100,
                remaining=100,
                price=13000,
                window_start="2027-01-04",
                window_end="2027-02-04",
                lat=-7.1,
                lon=112.4,
                akad='["tunai"]',
                note="",
                status="active",
                version=1,
                created_at=NOW,
            )
    engine.dispose()
    upgrade()
    engine = engine_for(mig_app)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT slug, grades FROM commodities")).all()
        grades = [conn.execute(text("SELECT grade FROM listings ORDER BY id")).scalars().all()]
        ids = set(conn.execute(text("SELECT commodity_id FROM listings")).scalars())
    engine.dispose()
    assert [r[0] for r in rows] == ["beras"]
    stored = rows[0][1] if isinstance(rows[0][1], list) else json.loads(rows[0][1])
    assert stored == ["Premium", "Medium 1", "Medium 2", "Medium 3"]
    assert grades == [[3, 2, 4]]  # Medium 1, Medium 2, Premium as ranks of the one commodity
    assert ids == {medium}
