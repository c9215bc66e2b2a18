"""Digests over real matching and deal rows: proposals from a clearing run, suggestions,
reciprocal partners, negotiation moves, deal tasks, and staff's trade figures and disputes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.deals import acceptance, fulfilment
from exchange.digests import services
from exchange.extensions import db
from exchange.listings.models import Side
from exchange.mail.models import OutboxMessage
from exchange.matching.models import Proposal
from exchange.matching.services import run_clearing
from tests.factories import deal_terms, make_deal, make_listing, make_manager, make_staff

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS

NOW = datetime(2027, 1, 3, 23, 0, tzinfo=UTC)  # Monday 4 Jan 2027, 06:00 WIB
TODAY = date(2027, 1, 4)
BASE = "http://127.0.0.1:5000"


def mail_to(user, now=NOW) -> str:
    services.run_digests("daily", now=now)
    return db.session.scalar(
        select(OutboxMessage.text_body).where(OutboxMessage.to_address == user.email)
    )


def listing(user, side=Side.OFFER, age=timedelta(days=10), **kw):
    return make_listing(
        user.pesantren,
        side=side,
        start=TODAY - timedelta(days=5),
        days=30,
        created_at=NOW - age,
        **kw,
    )


def test_a_clearing_proposal_and_a_new_counterpart_reach_the_digest(app):
    with app.app_context():
        seller, buyer = make_manager("3529"), make_manager("3528")
        listing(seller, quantity=500, price=1200)
        request = listing(buyer, Side.REQUEST, age=timedelta(hours=3), quantity=200, price=2000)
        run = run_clearing(now=NOW - timedelta(hours=1))
        assert run.proposals_count == 1
        text = mail_to(seller)
        assert "Usulan baru untuk listing Anda" in text
        assert f"Garam krosok (garam rakyat): menjual ke {buyer.pesantren.name}" in text
        assert "200 kg @ Rp\u00a02.000" in text
        proposal = db.session.scalar(select(Proposal).where(Proposal.run_id == run.id))
        assert f"{BASE}/dasbor#usulan-{proposal.id}" in text
        # the buyer's request was posted this period: it is a new suggestion for the seller
        assert "Saran terbaik" in text
        assert f"{buyer.pesantren.name} ingin membeli Garam krosok (garam rakyat)" in text
        assert f"{BASE}/pasar/{request.id}" in text
        buyer_text = db.session.scalar(
            select(OutboxMessage.text_body).where(OutboxMessage.to_address == buyer.email)
        )
        assert f"Garam krosok (garam rakyat): membeli dari {seller.pesantren.name}" in buyer_text
        assert "Saran terbaik" not in buyer_text  # the seller's offer is ten days old


def test_a_proposal_of_an_earlier_period_is_not_repeated(app):
    with app.app_context():
        seller, buyer = make_manager("3529"), make_manager("3528")
        listing(seller, quantity=500, price=1200)
        listing(buyer, Side.REQUEST, quantity=200, price=2000)
        run_clearing(now=NOW - timedelta(days=2))
        text = mail_to(seller) or ""
        assert "Usulan baru" not in text


def test_a_reciprocal_partner_posted_this_period_is_new(app):
    with app.app_context():
        reader, partner = make_manager("3529"), make_manager("3529")
        listing(reader, quantity=500, price=1200)  # garam
        listing(reader, Side.REQUEST, slug="beras", quantity=300, price=13500)
        listing(partner, Side.REQUEST, age=timedelta(hours=2), quantity=300, price=2000)
        listing(partner, slug="beras", quantity=400, price=12000)
        text = mail_to(reader)
        assert "Mitra timbal balik baru" in text
        assert f"{partner.pesantren.name} (" in text
        assert "Mereka memasok Beras; Anda memasok Garam krosok (garam rakyat)" in text
        assert f"{BASE}/mitra" in text


def test_a_partnership_of_old_listings_is_not_new(app):
    with app.app_context():
        reader, partner = make_manager("3529"), make_manager("3529")
        listing(reader, quantity=500, price=1200)
        listing(reader, Side.REQUEST, slug="beras", quantity=300, price=13500)
        listing(partner, Side.REQUEST, quantity=300, price=2000)
        listing(partner, slug="beras", quantity=400, price=12000)
        listing(make_manager("3578"), slug="gabah", age=timedelta(hours=1))  # unrelated
        assert "Mitra timbal balik" not in (mail_to(reader) or "")


def test_moves_and_deal_tasks_wait_for_the_right_side(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager("3578")
        deal = make_deal(seller=seller, buyer=buyer)
        now = utcnow()
        text = mail_to(seller, now)
        assert "Tawar-menawar menunggu jawaban Anda" in text
        assert f"Garam krosok (garam rakyat): menjual ke {buyer.pesantren.name}" in text
        assert "100 kg @ Rp\u00a01.500 · berakhir" in text
        assert f"{BASE}/kesepakatan/{deal.id}" in text
        assert "Tawar-menawar" not in (mail_to(buyer, now) or "")  # not the buyer's turn


def test_a_signed_cash_deal_asks_the_seller_to_ship_and_after_handover_the_buyer_to_pay(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager("3578")
        deal = make_deal(seller=seller, buyer=buyer)
        acceptance.accept(seller, deal.id, 1)
        now = utcnow()
        services.run_digests("daily", now=now)
        texts = {m.to_address: m.text_body for m in db.session.scalars(select(OutboxMessage)).all()}
        assert f"Kirim barang: kesepakatan #{deal.id}" in texts[seller.email]
        assert buyer.email not in texts  # tunai: paid at the handover, nothing due yet
        # tunai is paid at the handover at the latest (the BAST records it): a tempo sale is
        # the one handed over before it is paid, and asks the buyer to pay from its due date
        deal = make_deal(
            seller=seller,
            buyer=buyer,
            terms=deal_terms(akad="tempo", payment_due_date=today_wib(now) + timedelta(days=7)),
        )
        acceptance.accept(seller, deal.id, 1)
        fulfilment.ship(seller, deal.id)
        fulfilment.receive(buyer, deal.id, 100, 2, today_wib(now))
        services.run_digests("daily", now=now + timedelta(days=8))
        text = db.session.scalar(
            select(OutboxMessage.text_body)
            .where(OutboxMessage.to_address == buyer.email)
            .order_by(OutboxMessage.id.desc())
        )
        assert f"Bayar: kesepakatan #{deal.id}" in text
        assert (
            f"Garam krosok (garam rakyat): membeli dari {seller.pesantren.name} · Rp\u00a0150.000"
            in text
        )
        assert f"{BASE}/kesepakatan/{deal.id}" in text


def test_staff_read_the_period_trade_and_open_disputes(app):
    with app.app_context():
        staff = make_staff()
        seller, buyer = make_manager(), make_manager("3578")
        deal = make_deal(seller=seller, buyer=buyer)
        acceptance.accept(seller, deal.id, 1)
        fulfilment.dispute(buyer, deal.id, "Barang belum dikirim")
        text = mail_to(staff, utcnow() + timedelta(minutes=1))
        assert "Perdagangan periode ini" in text
        assert "- Kesepakatan baru\n  1 (periode lalu 0)" in text
        assert "Rp\u00a0150.000 (periode lalu Rp\u00a00)" in text
        assert "Sengketa terbuka" in text
        assert f"Sengketa kesepakatan #{deal.id}" in text
        assert f"{seller.pesantren.name} – {buyer.pesantren.name}" in text
        assert f"{BASE}/kesepakatan/{deal.id}" in text


def test_a_suspended_reader_gets_no_suggestions_and_the_run_goes_on(app):
    with app.app_context():
        reader, other = make_manager("3529"), make_manager("3528")
        listing(reader, quantity=500, price=1200)
        listing(other, Side.REQUEST, age=timedelta(hours=3), quantity=200, price=2000)
        reader.pesantren.status = "suspended"
        db.session.commit()
        text = mail_to(reader) or ""
        assert "Saran terbaik" not in text
        assert "Saran terbaik" not in (mail_to(other) or "")  # the offer is old and suspended
