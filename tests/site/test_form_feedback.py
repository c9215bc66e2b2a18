"""A refused form says what went wrong where the manager looks: the summary names and links each
field, a closed section holding an error opens itself, and the form lands at itself."""

import re
from datetime import UTC, date, datetime, timedelta

from exchange.clock import today_wib
from exchange.deals import acceptance, fulfilment
from exchange.deals.models import Deal, Payment
from exchange.extensions import db
from tests.factories import deal_terms, make_deal, make_listing, make_manager


def _open_data(**kw):
    data = {
        "quantity": "50",
        "unit_price": "1.500",
        "grade": "2",
        "akad": "tempo",
        "handover_date": (today_wib() + timedelta(days=5)).isoformat(),
        "handover_place": "Gudang",
        "transport": "seller",
    }
    return data | kw


def _signed(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer = make_listing(seller.pesantren, quantity=100, akad=["tunai", "tempo"])
        deal = make_deal(
            seller,
            buyer,
            offer=offer,
            terms=deal_terms(akad="tempo", payment_due_date=today_wib() + timedelta(days=20)),
        )
        acceptance.accept(seller, deal.id, 1)
        return seller.email, buyer.email, deal.id


def test_tempo_without_due_date_shows_its_field_and_links_it(app, client, auth):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer_id = make_listing(seller.pesantren).id
        buyer_email = buyer.email
    auth.login(buyer_email)
    page = client.post(f"/kesepakatan/baru?listing={offer_id}&akad=tempo", data=_open_data())
    assert page.status_code == 400
    summary = page.text[page.text.index('class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'href="#payment_due_date"' in summary  # the summary names and links the field
    assert "Jatuh tempo pembayaran" in summary
    # the opening form shows the chosen akad's fields themselves, in no closed section
    assert 'name="payment_due_date"' in page.text and "<details" not in page.text.split("syarat")[1]
    assert re.search(r'<form method="post" id="syarat" action="[^"]*#syarat"', page.text)


def test_a_section_without_errors_stays_closed(app, client, auth):
    """The counter-offer form is a section of the deal page: closed while nothing in it holds an
    error, open once its POST is refused."""
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal_id = make_deal(seller, buyer).id
        seller_email = seller.email
    auth.login(seller_email)
    summary = r"<details[^>]*>\s*<summary>Tawaran balik"
    section = re.search(summary, client.get(f"/kesepakatan/{deal_id}").text)
    assert " open" not in section.group(0)
    data = _open_data(akad="tunai", quantity="", version="1")
    page = client.post(f"/kesepakatan/{deal_id}/tawar", data=data)
    assert page.status_code == 400 and 'href="#quantity"' in page.text
    assert " open" in re.search(summary, page.text).group(0)


def test_payment_takes_a_grouped_amount_and_refuses_text_with_one_message(app, client, auth):
    _, buyer_email, deal_id = _signed(app)
    auth.login(buyer_email)
    page = client.get(f"/kesepakatan/{deal_id}")
    assert f'value="{today_wib().isoformat()}"' in page.text  # paid on: today in WIB
    assert f'action="/kesepakatan/{deal_id}/bayar#bayar"' in page.text
    bad = client.post(
        f"/kesepakatan/{deal_id}/bayar", data={"amount": "dua belas", "paid_on": "2027-01-04"}
    )
    assert bad.status_code == 400
    assert bad.text.count('class="error" id="amount-error"') == 1  # one message, not two
    assert "Isi dengan bilangan bulat" in bad.text
    assert re.search(r"<details open>\s*<summary>Catat pembayaran", bad.text)
    ok = client.post(
        f"/kesepakatan/{deal_id}/bayar",
        data={"amount": "Rp 12.500", "paid_on": today_wib().isoformat()},
    )
    assert ok.status_code == 302 and ok.location.endswith("#pesan")
    with app.app_context():
        assert db.session.get(Deal, deal_id).paid == 12500
        assert [p.amount for p in db.session.query(Payment)] == [12500]
    history = client.get(f"/kesepakatan/{deal_id}").text
    history = history[history.index("Riwayat") :]
    assert "<strong>Rp\u00a012.500</strong>" in history and ": <em>12500" not in history
    assert "Negosiasi → Negosiasi" not in history  # no transition that is not one


def test_today_in_wib_is_tomorrow_in_utc_evening():
    assert today_wib(datetime(2027, 1, 4, 18, 30, tzinfo=UTC)) == date(2027, 1, 5)
    assert today_wib(datetime(2027, 1, 4, 16, 59, tzinfo=UTC)) == date(2027, 1, 4)


def test_reject_and_withdraw_are_asked_once(app, client, auth):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal_id = make_deal(seller, buyer).id
        seller_email, stranger = seller.email, make_manager(regency_code="3507").email
    auth.login(seller_email)
    detail = client.get(f"/kesepakatan/{deal_id}").text
    assert f'href="/kesepakatan/{deal_id}/langkah/reject"' in detail  # a link, not a POST
    ask = client.get(f"/kesepakatan/{deal_id}/langkah/reject")
    assert ask.status_code == 200 and "Tolak tawaran ini?" in ask.text
    assert f'action="/kesepakatan/{deal_id}/langkah/reject#konfirmasi"' in ask.text
    with app.app_context():
        assert db.session.get(Deal, deal_id).state == "negotiating"  # asking changed nothing
    assert client.get(f"/kesepakatan/{deal_id}/langkah/ship").status_code == 404
    done = client.post(f"/kesepakatan/{deal_id}/langkah/reject", data={"confirmed": "1"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Deal, deal_id).state == "rejected"
    auth.logout()
    auth.login(stranger)
    assert client.get(f"/kesepakatan/{deal_id}/langkah/reject").status_code == 404


def test_a_cancellation_request_needs_its_reason(app, client, auth):
    seller_email, _, deal_id = _signed(app)
    auth.login(seller_email)
    ask = client.get(f"/kesepakatan/{deal_id}/langkah/request_cancel")
    assert ask.status_code == 200 and "Alasan pembatalan" in ask.text
    refused = client.post(f"/kesepakatan/{deal_id}/langkah/request_cancel", data={"note": " "})
    assert refused.status_code == 400 and "Tuliskan alasan pembatalan." in refused.text
    with app.app_context():
        assert db.session.get(Deal, deal_id).cancel_requested_by is None
    done = client.post(
        f"/kesepakatan/{deal_id}/langkah/request_cancel", data={"note": "Gudang kami banjir"}
    )
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Deal, deal_id).cancel_requested_by == "seller"
    assert "Gudang kami banjir" in client.get(f"/kesepakatan/{deal_id}").text


def test_withdrawing_a_listing_is_asked_once(app, client, auth):
    with app.app_context():
        manager = make_manager()
        listing_id = make_listing(manager.pesantren).id
        email, other = manager.email, make_manager(regency_code="3578").email
    auth.login(email)
    assert f'href="/listing/{listing_id}/tarik"' in client.get(f"/pasar/{listing_id}").text
    ask = client.get(f"/listing/{listing_id}/tarik")
    assert ask.status_code == 200 and "Tarik listing ini dari pasar?" in ask.text
    auth.logout()
    auth.login(other)
    assert client.get(f"/listing/{listing_id}/tarik").status_code == 404


def test_fulfilment_is_untouched_by_asking(app):
    # The service still takes the note as the reason (the confirmation page is only the view).
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer = make_listing(seller.pesantren, quantity=100)
        deal = make_deal(seller, buyer, offer=offer)
        acceptance.accept(seller, deal.id, 1)
        fulfilment.request_cancel(buyer, deal.id, "Dana belum siap")
        assert db.session.get(Deal, deal.id).cancel_requested_by == "buyer"
