"""Suggestions, reciprocal partners, the dashboard's proposals and the staff runs page."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from exchange.extensions import db
from exchange.listings.models import Side
from exchange.matching import services
from exchange.matching.models import MatchRun, Proposal, ProposalStatus
from tests.factories import make_listing, make_manager, make_staff


def ids_in_order(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'id="saran-(\d+)"', html)]


def test_suggestions_ranked_by_surplus_with_explanation(app, client, auth):
    with app.app_context():
        manager = make_manager("3529")
        seller = manager.pesantren
        offer = make_listing(seller, price=1200, grade=2).id
        near = make_manager("3528").pesantren  # Pamekasan, about 55 km by road
        far = make_manager("3578").pesantren  # Surabaya, about 165 km
        cheap = make_listing(near, side=Side.REQUEST, price=1600).id
        rich = make_listing(near, side=Side.REQUEST, price=2400).id
        far_rich = make_listing(far, side=Side.REQUEST, price=2400).id
        too_good = make_listing(near, side=Side.REQUEST, price=3000, grade=3).id  # wants K1
        own = make_listing(seller, side=Side.REQUEST, price=3000).id
        email = manager.email
    auth.login(email)  # the owner's page (anyone else: 404)
    html = client.get(f"/pasar/{offer}/saran").get_data(as_text=True)
    assert ids_in_order(html) == [rich, far_rich, cheap]
    assert too_good not in ids_in_order(html) and own not in ids_in_order(html)
    assert (
        "Untung bersama per satuan" in html
        and "Jarak jalan" in html
        and "Harga adil" in html
        and "Ongkos angkut" in html
    )
    assert f"#{rich}" in html  # no listing page yet: the id is shown


def test_suggestions_for_a_request_and_for_hidden_listings(app, client, auth):
    with app.app_context():
        buyer = make_manager("3528")
        request = make_listing(buyer.pesantren, side=Side.REQUEST, price=2000).id
        offer = make_listing(make_manager("3529").pesantren, price=1200).id
        withdrawn = make_listing(buyer.pesantren, side=Side.REQUEST, status="withdrawn").id
        buyer = buyer.email
    assert client.get(f"/pasar/{request}/saran").status_code == 404  # the owner's page
    assert client.get(f"/pasar/{withdrawn}/saran").status_code == 404
    assert client.get("/pasar/999999/saran").status_code == 404
    auth.login(buyer)
    assert ids_in_order(client.get(f"/pasar/{request}/saran").get_data(as_text=True)) == [offer]
    page = client.get(f"/pasar/{withdrawn}/saran")
    assert page.status_code == 200 and "tidak aktif" in page.get_data(as_text=True)


def test_reciprocal_partners(app, client, auth):
    with app.app_context():
        me = make_manager("3529")
        both = make_manager("3528").pesantren
        only_buys = make_manager("3526").pesantren
        make_listing(me.pesantren, slug="garam_krosok", quantity=500, price=1200)
        make_listing(
            me.pesantren, side=Side.REQUEST, slug="beras", quantity=80, price=14000, grade=1
        )
        make_listing(both, side=Side.REQUEST, slug="garam_krosok", quantity=300, price=2000)
        make_listing(both, slug="beras", quantity=100, price=12000, grade=2)
        make_listing(only_buys, side=Side.REQUEST, slug="garam_krosok", price=2500)
        both_id, both_name, only_name = both.id, both.name, only_buys.name
        my_pid, me = me.pesantren_id, me.email
    auth.login(me)
    html = client.get("/mitra").get_data(as_text=True)
    # Partners are a by-product of the clearing run: none before the first run.
    assert f'id="mitra-{both_id}"' not in html and "Belum ada pencocokan" in html
    with app.app_context():
        services.run_clearing()
    html = client.get("/mitra").get_data(as_text=True)
    assert "Dihitung pada pencocokan terakhir" in html
    assert f'id="mitra-{both_id}"' in html and both_name in html
    assert only_name not in html
    section = html[html.index(f'id="mitra-{both_id}"') :]
    assert "Beras" in section and "80" in section  # they supply our 80 kg of rice
    assert "Garam krosok" in section and "300" in section  # they buy up to 300 kg of salt
    assert " km" in section
    assert both_name in client.get(f"/pesantren/{my_pid}/mitra").get_data(as_text=True)
    home = client.get("/dasbor").get_data(as_text=True)
    assert f'id="mitra-{both_id}"' in home and "Dihitung pada pencocokan terakhir" in home


def test_dashboard_shows_proposals_and_a_party_declines(app, client, auth):
    with app.app_context():
        seller, buyer, stranger = make_manager("3529"), make_manager("3528"), make_manager("3526")
        make_listing(seller.pesantren, price=1200)
        make_listing(buyer.pesantren, side=Side.REQUEST, price=2000, quantity=400)
        services.run_clearing()
        pid = db.session.scalar(select(Proposal.id))
        buyer, stranger = buyer.email, stranger.email
    auth.login(stranger)
    assert f"usulan-{pid}" not in client.get("/dasbor").get_data(as_text=True)
    assert client.post(f"/usulan/{pid}/tolak").status_code == 404
    auth.logout()
    auth.login(buyer)
    html = client.get("/dasbor").get_data(as_text=True)
    assert "Usulan kesepakatan" in html and f'id="usulan-{pid}"' in html
    assert "Beli 400 kg" in html and "Tolak usulan" in html
    assert "Buka negosiasi" in html and f"proposal={pid}" in html  # opens a negotiation
    resp = client.post(f"/usulan/{pid}/tolak", data={"next": "/dasbor"}, follow_redirects=True)
    assert "Usulan ditolak" in resp.get_data(as_text=True)
    assert f'id="usulan-{pid}"' not in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Proposal, pid).status == ProposalStatus.DECLINED


def test_staff_runs_page_and_start(app, client, auth):
    with app.app_context():
        manager, staff = make_manager("3529"), make_staff()
        make_listing(manager.pesantren, price=1200)
        make_listing(make_manager("3528").pesantren, side=Side.REQUEST, price=2000)
        manager, staff_id, staff = manager.email, staff.id, staff.email
    auth.login(manager)
    assert client.get("/staf/pencocokan").status_code == 404
    assert client.post("/staf/pencocokan/jalankan").status_code == 404
    auth.logout()
    assert client.get("/staf/pencocokan").status_code == 302  # to sign-in
    auth.login(staff)
    assert "Belum ada putaran" in client.get("/staf/pencocokan").get_data(as_text=True)
    html = client.post("/staf/pencocokan/jalankan", follow_redirects=True).get_data(as_text=True)
    assert "Pencocokan selesai: 1 usulan dari 2 listing." in html
    assert 'id="run-1"' in html and "Rp\u00a0" in html and " ms" in html
    with app.app_context():
        assert db.session.scalar(select(MatchRun.started_by_id)) == staff_id


def test_decline_form_carries_csrf(app, client, auth, csrf_on):
    with app.app_context():
        seller, buyer = make_manager("3529"), make_manager("3528")
        make_listing(seller.pesantren, price=1200)
        make_listing(buyer.pesantren, side=Side.REQUEST, price=2000)
        services.run_clearing()
        pid = db.session.scalar(select(Proposal.id))
        buyer_email = buyer.email
    html = client.get("/akun/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    client.post(
        "/akun/masuk",
        data={"email": buyer_email, "password": "rahasia-sekali-123", "csrf_token": token},
    )
    assert client.post(f"/usulan/{pid}/tolak").status_code == 400
    page = client.get("/dasbor").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(f"/usulan/{pid}/tolak", data={"csrf_token": token})
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Proposal)
                .where(Proposal.status == ProposalStatus.DECLINED)
            )
            == 1
        )
