"""The akad rules on the deal pages: what a manager sees and can do, and bad input answered
with a clear Indonesian message (never a 500)."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from exchange.clock import today_wib
from exchange.deals import acceptance, queries, reciprocal
from exchange.deals.models import Deal, TermsVersion
from exchange.extensions import db
from tests.factories import confirm_salam, deal_terms, make_deal, make_listing, make_manager

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _terms_data(**kw):
    data = {
        "quantity": 100,
        "unit_price": 1500,
        "grade": 2,
        "akad": "tunai",
        "handover_date": (today_wib() + timedelta(days=7)).isoformat(),
        "handover_place": "Gudang Kopontren",
        "transport": "seller",
        "version": 1,
    }
    data.update(kw)
    return data


def _negotiation(app, akad="tunai", message=""):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer = make_listing(seller.pesantren, akad=["tunai", "tempo", "salam"])
        deal = make_deal(seller, buyer, offer=offer, terms=deal_terms(akad=akad), message=message)
        return seller.email, buyer.email, deal.id


def test_a_huge_price_in_a_counter_offer_is_refused_with_a_message(app, client, auth):
    seller, _buyer, deal_id = _negotiation(app)
    auth.login(seller)
    for price in (99_999_999_999_999, 2**63 - 1, 2**70):
        resp = client.post(f"/kesepakatan/{deal_id}/tawar", data=_terms_data(unit_price=price))
        assert resp.status_code == 400
        assert "Harga satuan terlalu tinggi" in resp.text
    with app.app_context():
        assert db.session.get(Deal, deal_id).terms_version == 1


def test_denda_in_a_message_shows_what_is_allowed_on_negotiation_and_contract(app, client, auth):
    seller, _buyer, deal_id = _negotiation(app, message="Telat bayar kena DENDA 2%/bulan")
    auth.login(seller)
    page = client.get(f"/kesepakatan/{deal_id}").text
    assert "fatwa DSN-MUI 17/2000" in page and "dana sosial" in page
    client.post(f"/kesepakatan/{deal_id}/terima", data={"version": 1})
    assert "dana sosial" in client.get(f"/kesepakatan/{deal_id}/kontrak").text
    clean_seller, _, clean_id = _negotiation(app, message="Kirim pagi")
    auth.logout()
    auth.login(clean_seller)
    assert "dana sosial" not in client.get(f"/kesepakatan/{clean_id}").text


def test_salam_acceptance_says_it_records_the_full_price(app, client, auth):
    seller, _buyer, deal_id = _negotiation(app, akad="salam")
    auth.login(seller)
    page = client.get(f"/kesepakatan/{deal_id}").text
    assert "dibayar lunas saat akad" in page
    assert "penjual mengonfirmasi penerimaan harga" in page
    client.post(f"/kesepakatan/{deal_id}/terima", data={"version": 1})
    page = client.get(f"/kesepakatan/{deal_id}").text
    assert "Konfirmasi harga salam telah diterima" in page  # the seller's receipt (issue 25)
    client.post(f"/kesepakatan/{deal_id}/langkah/confirm_receipt", data={"note": ""})
    page = client.get(f"/kesepakatan/{deal_id}").text
    assert "Rp\xa0150.000 / Rp\xa0150.000" in page


def test_the_buyer_chooses_at_the_due_date_and_the_seller_records_the_refund(app, client, auth):
    seller, buyer, deal_id = _negotiation(app, akad="salam")
    with app.app_context():
        acceptance.accept(_user(seller), deal_id, 1)
        confirm_salam(deal_id, _user(seller))
        db.session.execute(
            update(TermsVersion)
            .where(TermsVersion.deal_id == deal_id)
            .values(handover_date=today_wib())
        )
        db.session.commit()
    auth.login(buyer)
    page = client.get(f"/kesepakatan/{deal_id}").text
    assert "Tunggu barang sampai tanggal baru" in page
    assert "Batalkan dengan pengembalian uang" in page
    bad = client.post(f"/kesepakatan/{deal_id}/tunggu", data={"new_due": today_wib().isoformat()})
    assert bad.status_code == 400 and "sesudah hari ini" in bad.text
    client.post(f"/kesepakatan/{deal_id}/langkah/cancel_refund")
    auth.logout()
    auth.login(seller)
    page = client.get(f"/kesepakatan/{deal_id}").text
    assert "wajib mengembalikan" in page and "Catat pengembalian uang" in page
    resp = client.post(
        f"/kesepakatan/{deal_id}/pengembalian",
        data={"amount": 150_000, "refunded_on": today_wib().isoformat(), "note": "Tunai"},
    )
    assert resp.status_code == 302
    page = client.get(f"/kesepakatan/{deal_id}").text
    assert "wajib mengembalikan" not in page and "Dikembalikan" in page


def _user(email):
    from sqlalchemy import select

    from exchange.auth.models import User

    return db.session.scalar(select(User).where(User.email == email))


def test_the_bundle_net_amount_is_recorded_from_the_page_and_can_be_untied(app, client, auth):
    with app.app_context():
        a, b = make_manager(), make_manager(regency_code="3578")
        salt = make_deal(a, b, terms=deal_terms(handover_date=today_wib()))
        sugar = make_deal(
            b,
            a,
            slug="gula_pasir",
            price=15000,
            terms=deal_terms(quantity=8, unit_price=15000, handover_date=today_wib()),
        )
        reciprocal.tie_bundle(a, salt.id, sugar.id)
        acceptance.accept(a, salt.id, 1)
        acceptance.accept(b, sugar.id, 1)
        ids, emails = (salt.id, sugar.id), (a.email, b.email)
    auth.login(emails[0])  # a is owed the difference: it does not record it
    page = client.get(f"/kesepakatan/{ids[0]}").text
    assert "Catat pembayaran selisih" not in page and "Minta paket dilepas" in page
    client.post(f"/kesepakatan/{ids[0]}/paket/lepas")
    auth.logout()
    auth.login(emails[1])
    page = client.get(f"/kesepakatan/{ids[1]}").text
    assert "Setujui pelepasan paket" in page and "Catat pembayaran selisih" in page
    resp = client.post(
        f"/kesepakatan/{ids[1]}/paket/selisih", data={"paid_on": today_wib().isoformat()}
    )
    assert resp.status_code == 302
    page = client.get(f"/kesepakatan/{ids[1]}").text
    assert "kedua kontrak lunas" in page
    with app.app_context():
        assert [db.session.get(Deal, i).paid for i in ids] == [150_000, 120_000]


def test_agreeing_to_untie_a_bundle_is_asked_first_on_a_page_without_javascript(app, client, auth):
    with app.app_context():
        a, b = make_manager(), make_manager(regency_code="3578")
        salt = make_deal(a, b, terms=deal_terms(handover_date=today_wib()))
        sugar = make_deal(
            b,
            a,
            slug="gula_pasir",
            price=15000,
            terms=deal_terms(quantity=8, unit_price=15000, handover_date=today_wib()),
        )
        reciprocal.tie_bundle(a, salt.id, sugar.id)
        ids, emails = (salt.id, sugar.id), (a.email, b.email)
    auth.login(emails[0])
    client.post(f"/kesepakatan/{ids[0]}/paket/lepas")
    auth.logout()
    auth.login(emails[1])
    page = client.get(f"/kesepakatan/{ids[1]}").text
    assert f'href="/kesepakatan/{ids[1]}/paket/lepas"' in page
    ask = client.get(f"/kesepakatan/{ids[1]}/paket/lepas")
    assert ask.status_code == 200 and "tidak dapat diurungkan" in ask.text
    with app.app_context():
        assert queries.bundle_of(ids[1]) is not None
    client.post(f"/kesepakatan/{ids[1]}/paket/lepas")
    with app.app_context():
        assert queries.bundle_of(ids[1]) is None
