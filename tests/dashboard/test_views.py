"""Staff pages: who may see them, the CSV exports with the filters, the audit log, moderation."""

import csv
import io
import re

import pytest
from flask import url_for
from sqlalchemy import select

from exchange.audit.models import AuditEvent
from exchange.audit.services import record
from exchange.dashboard.reports import TABLES
from exchange.dashboard.views import bp
from exchange.extensions import db
from exchange.listings.models import Listing
from tests.dashboard import dataset
from tests.factories import make_admin, make_listing, make_manager, make_staff

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS

JAN = "dari=2027-01-01&sampai=2027-01-31"


def _urls(app):
    """Every URL of the staff blueprint, with an id filled in where the rule wants one."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(bp.name + "."):
            path = re.sub(r"<int:[^>]+>", "1", rule.rule)
            path = re.sub(r"<[^>]+>", "summary", path)
            method = "POST" if "POST" in rule.methods else "GET"
            urls.append((method, path))
    return sorted(urls)


def _csv(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_dashboard_lives_where_the_nav_expects_it(app):
    with app.test_request_context():
        assert url_for("staff.dashboard") == "/staf/dasbor"


def test_no_manager_reaches_any_staff_page_or_export(app, client, auth):
    with app.app_context():
        make_listing(make_manager().pesantren)
        email = make_manager().email
    urls = _urls(app)
    assert len(urls) >= 10
    auth.login(email)
    for method, path in urls:
        response = client.open(path, method=method, data={"reason": "x"})
        assert response.status_code == 404, (method, path)
    with app.app_context():
        assert db.session.scalar(select(Listing.status)) == "active"


def test_anonymous_visitors_are_sent_to_log_in(app, client):
    for method, path in _urls(app):
        response = client.open(path, method=method)
        assert response.status_code in (302, 401), path
        if response.status_code == 302:
            assert "/akun/masuk" in response.headers["Location"]


@pytest.mark.parametrize("maker", [make_staff, make_admin])
def test_staff_and_admin_see_the_figures(app, client, auth, maker):
    with app.app_context():
        dataset.load()
        email = maker().email
    auth.login(email)
    page = client.get(f"/staf/dasbor?{JAN}").get_data(as_text=True)
    assert "Kontrak disepakati" in page
    assert "Rp\u00a06.510.000" in page  # contracted value in January
    for path in ("arus", "jaringan", "permintaan", "harga"):
        assert client.get(f"/staf/dasbor/{path}?{JAN}").status_code == 200
    assert "<svg" in client.get(f"/staf/dasbor/arus?{JAN}").get_data(as_text=True)


def test_bad_filters_fall_back_with_a_message(app, client, auth):
    with app.app_context():
        email = make_staff().email
    auth.login(email)
    response = client.get("/staf/dasbor?dari=2027-02-01&sampai=2027-01-01&komoditas=emas")
    assert response.status_code == 200
    assert "Tanggal akhir sebelum tanggal awal." in response.get_data(as_text=True)


def test_summary_csv_keeps_the_filters_and_unformatted_numbers(app, client, auth):
    with app.app_context():
        dataset.load()
        email = make_staff().email
    auth.login(email)
    response = client.get(f"/staf/dasbor/ekspor/summary.csv?{JAN}&komoditas=garam_krosok")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = {r[0]: r[2] for r in _csv(response)[1:]}
    assert rows["signed"] == "3"
    assert rows["signed_value"] == "5210000"
    assert rows["match_rate"] == "0.75"
    comma = client.get(f"/staf/dasbor/ekspor/summary.csv?{JAN}&pemisah=koma")
    assert "signed_value,Nilai kontrak,6510000" in comma.get_data(as_text=True)


def test_every_dashboard_table_exports(app, client, auth):
    with app.app_context():
        dataset.load()
        email = make_staff().email
    auth.login(email)
    for name in TABLES:
        response = client.get(f"/staf/dasbor/ekspor/{name}.csv?{JAN}")
        assert response.status_code == 200, name
        assert len(_csv(response)[0]) >= 3, name
    flows = _csv(client.get(f"/staf/dasbor/ekspor/regency_flows.csv?{JAN}"))
    assert flows[1][:3] == ["3529", "Kab. Sumenep", "3578"]
    assert flows[1][-1] == "4700000"
    ponorogo = _csv(client.get(f"/staf/dasbor/ekspor/regency_flows.csv?{JAN}&kabupaten=3502"))
    assert [r[0] + ">" + r[2] for r in ponorogo[1:]] == ["3529>3502"]
    assert client.get("/staf/dasbor/ekspor/nothing.csv").status_code == 404


def test_audit_log_filters_and_csv(app, client, auth):
    with app.app_context():
        staff = make_staff(email="staf@opop.id")
        manager = make_manager()
        record("listing.created", None, actor=manager, pesantren_id=manager.pesantren_id, x=1)
        record("pesantren.verified", None, actor=staff, pesantren_id=manager.pesantren_id)
        record("deal.accepted", None, actor=manager, pesantren_id=manager.pesantren_id)
        db.session.commit()
        name = manager.pesantren.name
    auth.login("staf@opop.id")
    page = client.get("/staf/audit?jenis=listing.").get_data(as_text=True)
    assert "listing.created" in page and "deal.accepted" not in page
    page = client.get("/staf/audit?email=staf%40opop").get_data(as_text=True)
    assert "pesantren.verified" in page and "listing.created" not in page
    rows = _csv(client.get(f"/staf/audit.csv?pesantren={name}"))
    kinds = sorted(r[1] for r in rows[1:])
    assert kinds == ["deal.accepted", "listing.created", "pesantren.verified"]
    assert len(_csv(client.get("/staf/audit.csv?dari=2000-01-01&sampai=2000-01-02"))) == 1


def test_staff_hide_a_listing_with_a_reason_and_show_it_again(app, client, auth):
    with app.app_context():
        lid = make_listing(make_manager().pesantren).id
        email = make_staff().email
    auth.login(email)
    refused = client.post(f"/staf/listing/{lid}/sembunyikan", data={"reason": "  "})
    assert refused.status_code == 400
    assert "Tuliskan alasan" in refused.get_data(as_text=True)
    response = client.post(f"/staf/listing/{lid}/sembunyikan", data={"reason": "Foto palsu"})
    assert response.status_code == 302
    with app.app_context():
        hidden = db.session.get(Listing, lid)
        assert (hidden.status, hidden.status_reason) == ("hidden", "Foto palsu")
    assert "Foto palsu" in client.get("/staf/moderasi").get_data(as_text=True)
    client.post(f"/staf/listing/{lid}/tampilkan")
    with app.app_context():
        shown = db.session.get(Listing, lid)
        assert (shown.status, shown.status_reason) == ("active", None)
        kinds = db.session.scalars(select(AuditEvent.kind).order_by(AuditEvent.id)).all()
        assert kinds == ["listing.hidden", "listing.unhidden"]
    assert client.post(f"/staf/listing/{lid}/tampilkan").status_code == 409
