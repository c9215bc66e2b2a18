"""Security headers on every response, no-store on private pages, and CSV cells that never
run as formulas."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from exchange import create_app
from exchange.audit.services import record
from exchange.dashboard.tables import Column, safe_cell, write_csv
from exchange.deals import acceptance
from exchange.extensions import db
from tests.factories import make_deal, make_manager, make_pesantren, make_staff
from tests.security.world import signed_in

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _assert_headers(response):
    h = response.headers
    csp = h["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert h["X-Frame-Options"] == "DENY"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")


def test_every_kind_of_response_has_the_security_headers(app, client):
    for path in ("/", "/pasar", "/akun/masuk", "/tidak-ada", "/healthz", "/static/style.css"):
        _assert_headers(client.get(path))
    _assert_headers(client.post("/akun/masuk", data={}))
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_production_sends_hsts(database_url, monkeypatch):
    monkeypatch.setenv("EXCHANGE_SECRET_KEY", "x" * 32)
    app = create_app("production", DATABASE_URL=database_url)
    response = app.test_client().get("/static/style.css")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_contracts_pdfs_and_account_pages_are_never_stored(app):
    with app.app_context():
        seller = make_manager()
        deal = make_deal(seller)
        acceptance.accept(seller, deal.id, 1)
        email, deal_id = seller.email, deal.id
    c = signed_in(app, email)
    for path in (
        f"/kesepakatan/{deal_id}/kontrak",
        f"/kesepakatan/{deal_id}/kontrak.pdf",
        "/akun/",
    ):
        response = c.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    assert c.get("/pasar").headers.get("Cache-Control") == "no-store"  # signed in: every page
    assert app.test_client().get("/pasar").headers.get("Cache-Control") != "no-store"


def test_templates_hold_no_inline_script_style_or_handlers():
    """The CSP allows none; e-mail templates are not web pages and keep their inline styles."""
    bad = []
    pattern = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    for path in TEMPLATES.rglob("*.html"):
        if "digests/email" in str(path):
            continue
        for match in pattern.finditer(path.read_text()):
            bad.append((path.name, match.group(0)))
    assert bad == []


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+62 812", "'+62 812"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Pondok", "Pondok"),
        (-5, "-5"),
        (1.5, "1.5"),
        (None, ""),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_write_csv_neutralises_every_cell():
    text = "".join(write_csv([Column("a", "=a")], [("=1+1",), ("ok",)]))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows == [["'=a"], ["'=1+1"], ["ok"]]


def test_a_pesantren_named_like_a_formula_is_plain_text_in_the_audit_csv(app):
    with app.app_context():
        p = make_pesantren(name='=HYPERLINK("http://evil.example","klik")')
        record("pesantren.edited", p, pesantren_id=p.id, note="@SUM(1)")
        db.session.commit()
        staff = make_staff().email
    c = signed_in(app, staff)
    text = c.get("/staf/audit.csv").get_data(as_text=True).lstrip("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    assert [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")] == []
