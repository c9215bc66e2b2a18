"""The deal lists read deals as rows of one query (deals/rows.py); every fact a list shows or
sorts by must come out of a row as it comes out of the deal itself, in every stage of a deal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from exchange.clock import today_wib
from exchange.deals import acceptance, facts, fulfilment, services
from exchange.deals.models import Deal
from exchange.deals.queries import deal_rows, my_deal_rows, waiting_for
from exchange.deals.states import OPEN
from exchange.extensions import db
from tests.factories import deal_terms, make_deal, make_listing, make_manager

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _stages(seller, buyer) -> list[int]:
    """Deals between the two in many stages: negotiating (both turns), signed and partly paid
    (tempo), shipped, received short, cancellation asked, cancelled with money paid, completed."""
    ids = []

    def new(akad="tunai", **kw):
        offer = make_listing(seller.pesantren, quantity=1000, akad=["tunai", "tempo", "salam"])
        deal = make_deal(seller, buyer, offer=offer, terms=deal_terms(akad=akad, **kw))
        ids.append(deal.id)
        return deal.id

    new()  # the seller's turn
    countered = new()
    services.counter_offer(seller, countered, 1, deal_terms(unit_price=1600), "Naik sedikit")
    due = today_wib() + timedelta(days=30)
    tempo = new(akad="tempo", payment_due_date=due)
    acceptance.accept(seller, tempo, 1)
    fulfilment.record_payment(buyer, tempo, 40_000, today_wib())
    shipped = new()
    acceptance.accept(seller, shipped, 1)
    fulfilment.ship(seller, shipped)
    short = new(quantity=300)
    acceptance.accept(seller, short, 1)
    fulfilment.ship(seller, short)
    fulfilment.receive(buyer, short, 80, 1, today_wib(), "Kurang", "returned", paid_now=120_000)
    asked = new()
    acceptance.accept(seller, asked, 1)
    fulfilment.request_cancel(buyer, asked, "Dana belum siap")
    salam = new(akad="salam")
    acceptance.accept(seller, salam, 1)  # paid in full at signing
    fulfilment.request_cancel(buyer, salam, "Batal")
    fulfilment.agree_cancel(seller, salam)
    done = new()
    acceptance.accept(seller, done, 1)
    fulfilment.ship(seller, done)
    fulfilment.receive(buyer, done, 100, 2, today_wib(), "Lengkap", paid_now=150_000)
    fulfilment.complete(seller, done)
    return ids


def test_a_row_gives_the_facts_its_deal_gives(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        ids = _stages(seller, buyer)
        db.session.expire_all()
        rows = {r.id: r for r in deal_rows(Deal.id.in_(ids))}
        assert sorted(rows) == sorted(ids)
        for deal_id in ids:
            deal, row = db.session.get(Deal, deal_id), rows[deal_id]
            assert (row.paid, row.refunded) == (deal.paid, deal.refunded)
            assert facts.context(row) == facts.context(deal)
            assert facts.amount_due(row) == facts.amount_due(deal)
            assert facts.overpaid(row) == facts.overpaid(deal)
            assert row.due_date == deal.due_date
            for who in (seller, buyer):
                assert facts.awaited(row, who.pesantren_id) == facts.awaited(deal, who.pesantren_id)
            assert facts.awaited(row, None) is None
            assert (row.seller.name, row.buyer.name) == (deal.seller.name, deal.buyer.name)
            assert row.commodity.name("en") == deal.commodity.name("en")
            assert row.commodity.name("id") == deal.commodity.name("id")
            assert row.last_move_at == deal.last_move_at
        # Some stages wait on each side, so the comparison above saw both answers.
        assert any(facts.waits_for(r, seller.pesantren_id) for r in rows.values())
        assert any(facts.waits_for(r, buyer.pesantren_id) for r in rows.values())
        assert any(not facts.waits_for(r, seller.pesantren_id) for r in rows.values())


def test_the_lists_put_the_deals_waiting_on_me_first_and_only_mine(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        ids = _stages(seller, buyer)
        make_deal()  # between two others: in no list of theirs
        mine = my_deal_rows(seller)
        assert sorted(r.id for r in mine) == sorted(ids)
        flags = [facts.waits_for(r, seller.pesantren_id) for r in mine]
        assert flags == sorted(flags, reverse=True) and any(flags) and not all(flags)
        waiting = waiting_for(seller)
        assert [r.id for r in waiting] == [r.id for r in reversed(mine) if r in waiting]  # oldest
        # The dashboard lists the open deals among them (a refund owed on a cancelled deal
        # is flagged on the list, and the deal page asks for it).
        flagged = {r.id for r, f in zip(mine, flags, strict=True) if f and r.state in OPEN}
        assert {r.id for r in waiting} == flagged


def test_a_deal_and_a_row_both_have_every_member_of_the_declared_interface():
    from dataclasses import fields

    from exchange.deals.models import TermsVersion
    from exchange.deals.rows import DealFacts, DealRow, TermsFacts, TermsRow

    def members(protocol) -> set[str]:
        names = set(getattr(protocol, "__annotations__", {}))
        return names | {n for n in vars(protocol) if not n.startswith("_")}

    row_names = {f.name for f in fields(DealRow)} | set(dir(DealRow))
    for name in members(DealFacts):
        assert hasattr(Deal, name), name
        assert name in row_names, name
    terms_names = {f.name for f in fields(TermsRow)} | set(dir(TermsRow))
    for name in members(TermsFacts):
        assert hasattr(TermsVersion, name), name
        assert name in terms_names, name
