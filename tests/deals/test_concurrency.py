"""32 acceptances fired at one offer at once: never more than its quantity, no 500s."""

import threading

from sqlalchemy import func, select

from exchange.auth.models import User
from exchange.deals import acceptance
from exchange.deals.models import Contract, Deal
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.listings.models import Listing
from tests.factories import deal_terms, make_deal, make_listing, make_manager

BUYERS = 32


def test_concurrent_acceptances_never_oversell(app):
    with app.app_context():
        seller = make_manager()
        offer = make_listing(seller.pesantren, quantity=1000)
        deal_ids = [
            make_deal(
                seller,
                make_manager(regency_code="3578"),
                offer=offer,
                terms=deal_terms(quantity=70),
            ).id
            for _ in range(BUYERS)
        ]
        seller_id, offer_id = seller.id, offer.id

    barrier = threading.Barrier(BUYERS)
    outcomes: list = []

    def accept(deal_id):
        # Wait before touching the pool: 32 threads share at most 15 connections.
        barrier.wait()
        with app.app_context():
            try:
                acceptance.accept(db.session.get(User, seller_id), deal_id, 1)
                outcomes.append(("ok", deal_id))
            except DomainError as exc:
                outcomes.append(("refused", str(exc.message)))
            except Exception as exc:  # noqa: BLE001 - the test reports any other failure
                outcomes.append(("error", repr(exc)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(i,)) for i in deal_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    errors = [o for o in outcomes if o[0] == "error"]
    assert errors == []
    accepted = [o for o in outcomes if o[0] == "ok"]
    refused = [o for o in outcomes if o[0] == "refused"]
    assert len(accepted) + len(refused) == BUYERS
    assert len(accepted) == 1000 // 70  # 14 fit; the rest are refused
    assert all("tinggal" in msg or "sibuk" in msg for _, msg in refused)
    with app.app_context():
        remaining = db.session.get(Listing, offer_id).remaining
        assert remaining == 1000 - 70 * len(accepted)
        assert db.session.scalar(select(func.count(Contract.id))) == len(accepted)
        signed = db.session.scalar(
            select(func.sum(Deal.reserved_quantity)).where(Deal.state == "signed")
        )
        assert signed == 70 * len(accepted)


def test_a_double_click_on_accept_makes_one_contract(app):
    with app.app_context():
        seller = make_manager()
        deal_id = make_deal(seller).id
        seller_id = seller.id
    barrier = threading.Barrier(8)
    numbers: list = []

    def accept():
        barrier.wait()
        with app.app_context():
            try:
                numbers.append(
                    acceptance.accept(db.session.get(User, seller_id), deal_id, 1).number
                )
            except DomainError as exc:
                numbers.append(str(exc.message))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(numbers)) == 1 and numbers[0].startswith("BP/")
    with app.app_context():
        assert db.session.scalar(select(func.count(Contract.id))) == 1
        assert db.session.get(Listing, db.session.get(Deal, deal_id).offer_id).remaining == 900
