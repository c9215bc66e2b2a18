"""Random sequences of moves by both sides: the deal is always in a legal state and the
quantities always add up (listing remaining + what live deals hold = listing quantity)."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import select

from exchange.clock import today_wib
from exchange.deals import acceptance, facts, fulfilment, services
from exchange.deals.models import Deal
from exchange.deals.states import HOLDS_QUANTITY, State
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.listings.models import Listing
from tests.depth import examples
from tests.factories import deal_terms, make_deal, make_listing, make_manager

QUANTITY = 500


@pytest.fixture
def machine_app(app):
    return app


@pytest.mark.slow
@pytest.mark.deep
def test_random_moves_keep_deals_legal_and_quantities_whole(machine_app):
    app = machine_app

    class DealMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.ctx = app.app_context()
            self.ctx.push()
            self.seller = make_manager()
            self.buyers = [make_manager(regency_code="3578") for _ in range(2)]
            self.offer = make_listing(self.seller.pesantren, quantity=QUANTITY)
            self.deals = []

        def teardown(self):
            db.session.remove()
            self.ctx.pop()

        def _party(self, deal_id, side):
            deal = db.session.get(Deal, deal_id)
            if side == "seller":
                return self.seller
            return next(b for b in self.buyers if b.pesantren_id == deal.buyer_pesantren_id)

        def _try(self, call):
            try:
                call()
            except DomainError:
                db.session.rollback()

        @precondition(lambda self: len(self.deals) < 4)
        @rule(buyer=st.integers(0, 1), q=st.integers(1, 300))
        def open(self, buyer, q):
            try:
                deal = make_deal(
                    self.seller, self.buyers[buyer], offer=self.offer, terms=deal_terms(quantity=q)
                )
                self.deals.append(deal.id)
            except DomainError:
                db.session.rollback()

        @precondition(lambda self: self.deals)
        @rule(
            i=st.integers(0, 3),
            side=st.sampled_from(["seller", "buyer"]),
            action=st.sampled_from(
                [
                    "accept",
                    "counter",
                    "reject",
                    "withdraw",
                    "ship",
                    "pay",
                    "receive",
                    "complete",
                    "request_cancel",
                    "agree_cancel",
                    "dispute",
                    "resolve",
                ]
            ),
            q=st.integers(1, 300),
            short=st.integers(0, 20),
        )
        def move(self, i, side, action, q, short):
            deal_id = self.deals[i % len(self.deals)]
            user = self._party(deal_id, side)
            deal = db.session.get(Deal, deal_id)
            version = deal.terms_version
            calls = {
                "accept": lambda: acceptance.accept(user, deal_id, version),
                "counter": lambda: services.counter_offer(
                    user, deal_id, version, deal_terms(quantity=q)
                ),
                "reject": lambda: services.reject(user, deal_id),
                "withdraw": lambda: services.withdraw(user, deal_id),
                "ship": lambda: fulfilment.ship(user, deal_id),
                "pay": lambda: fulfilment.record_payment(
                    user, deal_id, facts.amount_due(deal) - deal.paid, today_wib()
                ),
                "receive": lambda: fulfilment.receive(
                    user,
                    deal_id,
                    max(deal.current_terms.quantity - short, 0),
                    2,
                    today_wib(),
                    "",
                    "returned",
                ),
                "complete": lambda: fulfilment.complete(user, deal_id),
                "request_cancel": lambda: fulfilment.request_cancel(user, deal_id),
                "agree_cancel": lambda: fulfilment.agree_cancel(user, deal_id),
                "dispute": lambda: fulfilment.dispute(user, deal_id, "alasan"),
                "resolve": lambda: fulfilment.resolve(user, deal_id),
            }
            self._try(calls[action])

        @invariant()
        def quantities_add_up(self):
            db.session.expire_all()
            listing = db.session.get(Listing, self.offer.id)
            deals = db.session.scalars(select(Deal).where(Deal.offer_id == listing.id)).all()
            held = sum(d.reserved_quantity for d in deals if State(d.state) in HOLDS_QUANTITY)
            assert listing.remaining >= 0
            assert listing.remaining + held == listing.quantity
            for d in deals:
                assert d.state in set(State)
                if State(d.state) not in HOLDS_QUANTITY:
                    assert d.reserved_quantity == 0
                if d.state == "negotiating":
                    assert d.whose_turn in ("seller", "buyer")

    DealMachine.TestCase.settings = settings(
        max_examples=examples(6, 40),
        stateful_step_count=examples(15, 30),
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    DealMachine.TestCase().runTest()
