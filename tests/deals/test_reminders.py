"""Reminders follow whose turn it is for each akad: the buyer is reminded to pay."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from exchange.clock import today_wib
from exchange.deals import acceptance, fulfilment
from exchange.deals.akad import Stage
from exchange.deals.reminders import send_reminders
from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from tests.factories import confirm_salam, deal_terms, make_deal, make_listing, make_manager

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def reminder_to(user) -> str | None:
    return db.session.scalar(
        select(OutboxMessage.text_body)
        .where(OutboxMessage.to_address == user.email)
        .where(OutboxMessage.dedupe_key.like("reminder:%"))
    )


def signed(akad: str, slug: str = "garam_krosok", **terms):
    seller, buyer = make_manager(), make_manager("3578")
    offer = make_listing(seller.pesantren, slug=slug, akad=[akad])
    deal = make_deal(seller, buyer, offer=offer, terms=deal_terms(akad=akad, **terms))
    acceptance.accept(seller, deal.id, 1)
    confirm_salam(deal.id, seller)  # a salam seller confirms the price (issue 25)
    return seller, buyer, deal.id


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 0, 0, tzinfo=UTC)  # 07:00 WIB


def test_an_unpaid_tempo_deal_reminds_the_buyer_from_its_due_date(app):
    """Not from the handover (issue 25): a tempo price is owed from its due date."""
    with app.app_context():
        due = today_wib() + timedelta(days=30)
        seller, buyer, deal_id = signed("tempo", payment_due_date=due)
        fulfilment.ship(seller, deal_id)
        fulfilment.receive(buyer, deal_id, 100, 2, today_wib())
        assert send_reminders(at(today_wib() + timedelta(days=1))) == 0
        assert send_reminders(at(due + timedelta(days=1))) == 1
        text = reminder_to(buyer)
        assert f"#{deal_id} Garam krosok (garam rakyat): Membayar Rp\u00a0150.000" in text
        assert "paling lambat" in text
        assert reminder_to(seller) is None  # the seller can only complete once it is paid


def test_a_salam_deal_is_prepaid_at_signing_so_the_seller_is_reminded_to_ship(app):
    """The acceptance records the salam's full price (fatwa 05/2000): nothing left to prepay."""
    with app.app_context():
        seller, buyer, deal_id = signed("salam", payment_due_date=today_wib())
        assert send_reminders(at(today_wib() + timedelta(days=1))) == 1
        assert f"#{deal_id} Garam krosok (garam rakyat): Mengirim barang" in reminder_to(seller)
        assert reminder_to(buyer) is None


def test_an_istisna_stage_that_came_due_reminds_the_buyer(app):
    with app.app_context():
        today = today_wib()
        stages = (Stage(today, 1_000_000), Stage(today + timedelta(days=20), 2_500_000))
        seller, buyer, deal_id = signed(
            "istisna", slug="batik_tulis", quantity=10, unit_price=350_000, schedule=stages
        )
        assert send_reminders(at(today + timedelta(days=1))) == 2
        assert f"#{deal_id} Batik tulis: Membayar Rp\u00a01.000.000" in reminder_to(buyer)
        assert f"#{deal_id} Batik tulis: Mengirim barang" in reminder_to(seller)
