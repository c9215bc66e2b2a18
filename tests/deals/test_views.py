from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.clock import today_wib
from exchange.deals import checks
from exchange.deals.models import Deal
from exchange.extensions import db
from tests.factories import make_deal, make_listing, make_manager, make_staff

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _setup(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal = make_deal(seller, buyer, message="Mohon dikirim")
        return seller.email, buyer.email, deal.id


def test_opening_a_negotiation_from_a_listing(app, client, auth):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer_id = make_listing(seller.pesantren).id
        buyer_email = buyer.email
    auth.login(buyer_email)
    page = client.get(f"/kesepakatan/baru?listing={offer_id}")
    assert page.status_code == 200 and "Buka negosiasi" in page.text
    bad = client.post(
        f"/kesepakatan/baru?listing={offer_id}",
        data={
            "quantity": 50,
            "unit_price": 1500,
            "grade": 2,
            "akad": "tempo",
            "handover_date": (today_wib() + timedelta(days=5)).isoformat(),
            "handover_place": "Gudang",
            "transport": "seller",
        },
    )
    assert "tanggal jatuh tempo" in bad.text  # tempo without a due date, shown at the field
    ok = client.post(
        f"/kesepakatan/baru?listing={offer_id}",
        data={
            "quantity": 50,
            "unit_price": 1500,
            "grade": 2,
            "akad": "tunai",
            "handover_date": (today_wib() + timedelta(days=5)).isoformat(),
            "handover_place": "Gudang",
            "transport": "buyer",
            "message": "Kami ambil",
        },
    )
    assert ok.status_code == 302
    with app.app_context():
        deal = db.session.scalar(select(Deal))
        assert deal.current_terms.transport == "buyer"


def test_the_other_side_counters_then_accepts_and_sees_the_contract(app, client, auth):
    seller_email, buyer_email, deal_id = _setup(app)
    auth.login(seller_email)
    page = client.get(f"/kesepakatan/{deal_id}")
    assert "Terima versi 1" in page.text and "Mohon dikirim" in page.text
    resp = client.post(
        f"/kesepakatan/{deal_id}/tawar",
        data={
            "quantity": 100,
            "unit_price": 1700,
            "grade": 2,
            "akad": "tunai",
            "handover_date": (today_wib() + timedelta(days=7)).isoformat(),
            "handover_place": "Gudang Kopontren",
            "transport": "seller",
            "version": 1,
            "message": "Harga naik",
        },
    )
    assert resp.status_code == 302
    page = client.get(f"/kesepakatan/{deal_id}")
    assert 'class="changed">Rp' in page.text and "Terima versi" not in page.text
    auth.logout()
    auth.login(buyer_email)
    assert client.get("/kesepakatan/").text.count("Menunggu Anda") == 1
    client.post(f"/kesepakatan/{deal_id}/terima", data={"version": 2})
    client.post(f"/kesepakatan/{deal_id}/terima", data={"version": 2})  # a double click
    page = client.get(f"/kesepakatan/{deal_id}/kontrak")
    assert page.status_code == 200
    assert "BP/" in page.text and "seratus tujuh puluh ribu rupiah" in page.text
    assert "Tidak ada tambahan" not in page.text  # tunai, not tempo
    pdf = client.get(f"/kesepakatan/{deal_id}/kontrak.pdf")
    assert pdf.data.startswith(b"%PDF") and pdf.headers["Content-Type"] == "application/pdf"


def test_strangers_get_404_and_staff_read_only(app, client, auth):
    _, _, deal_id = _setup(app)
    with app.app_context():
        stranger, staff = make_manager(regency_code="3509"), make_staff()
        stranger_email, staff_email = stranger.email, staff.email
    auth.login(stranger_email)
    assert client.get(f"/kesepakatan/{deal_id}").status_code == 404
    assert client.post(f"/kesepakatan/{deal_id}/langkah/withdraw").status_code == 404
    with app.app_context():
        assert db.session.get(Deal, deal_id).state == "negotiating"
    auth.logout()
    auth.login(staff_email)
    page = client.get(f"/kesepakatan/{deal_id}")
    assert page.status_code == 200 and "hanya baca" in page.text
    assert "Langkah Anda" not in page.text
    assert client.post(f"/kesepakatan/{deal_id}/langkah/withdraw").status_code == 403


def test_illegal_move_is_refused_clearly(app, client, auth):
    _, buyer_email, deal_id = _setup(app)
    auth.login(buyer_email)
    resp = client.post(f"/kesepakatan/{deal_id}/langkah/reject", follow_redirects=True)
    assert "giliran pihak lain" in resp.text
    assert client.post(f"/kesepakatan/{deal_id}/langkah/nope").status_code == 404


def test_notifications_are_listed_and_marked_read(app, client, auth):
    seller_email, _, _ = _setup(app)
    auth.login(seller_email)
    page = client.get("/kesepakatan/notifikasi")
    assert "menunggu jawaban Anda" in page.text
    client.post("/kesepakatan/notifikasi")
    assert 'class="unread"' not in client.get("/kesepakatan/notifikasi").text


def test_the_akad_reasons_show_before_accepting(app, client, auth):
    seller_email, _, deal_id = _setup(app)
    with app.app_context():
        # the offer stops accepting cash after the negotiation opened
        deal = db.session.get(Deal, deal_id)
        deal.offer.akad = ["tempo"]
        db.session.commit()
    auth.login(seller_email)
    page = client.get(f"/kesepakatan/{deal_id}")
    assert "belum dapat diterima" in page.text and "Terima versi" not in page.text
    with app.app_context():
        assert checks.allowed_akad((db.session.get(Deal, deal_id).offer,)) == ["tempo"]
