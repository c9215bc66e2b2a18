"""Reciprocal bundles within the riba rules (DOMAIN.md 7.5), settled once by the net amount,
untied by agreement."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange.clock import today_wib
from exchange.deals import acceptance, fulfilment, queries, reciprocal
from exchange.deals.models import Bundle, Deal
from exchange.deals.queries import bundle_candidates
from exchange.deals.ribawi import Leg, check_bundle
from exchange.errors import Conflict, Invalid
from exchange.extensions import db
from tests.factories import deal_terms, make_deal, make_listing, make_manager

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def rice() -> Leg:
    """1,000 kg of rice handed over today, on one side of a bundle."""
    return Leg(1, "food", 1000, False, today_wib())


def codes(reasons):
    return {r.code for r in reasons}


def test_the_pure_riba_rules():
    assert codes(check_bundle(rice(), Leg(1, "food", 800, True, today_wib()))) == {
        "ribawi_deferred",
        "ribawi_equal",
    }
    salt_later = Leg(2, "food", 50, True, today_wib() + timedelta(days=75))
    assert codes(check_bundle(rice(), salt_later)) == {"ribawi_deferred", "ribawi_session"}
    assert (
        check_bundle(rice(), Leg(2, "food", 50, False, today_wib())) == []
    )  # any ratio, one session
    assert check_bundle(rice(), Leg(1, "food", 1000, False, today_wib())) == []
    batik = Leg(3, None, 5, True, today_wib() + timedelta(days=30))
    assert check_bundle(rice(), batik) == []  # not ribawi: free


def _pair(a_terms=None, b_slug="beras", b_terms=None, b_akad=("tunai", "tempo")):
    a, b = make_manager(), make_manager(regency_code="3578")
    rice_a = make_listing(a.pesantren, slug="beras", quantity=2000, price=12000)
    leg_a = make_deal(
        a, b, offer=rice_a, terms=a_terms or deal_terms(quantity=1000, unit_price=12000)
    )
    offer_b = make_listing(b.pesantren, slug=b_slug, quantity=2000, price=1500, akad=list(b_akad))
    leg_b = make_deal(b, a, offer=offer_b, terms=b_terms or deal_terms(quantity=800))
    return a, b, leg_a.id, leg_b.id


def test_rice_for_rice_unequal_or_deferred_is_refused(app):
    with app.app_context():
        a, b, leg_a, leg_b = _pair(
            b_terms=deal_terms(
                quantity=800, akad="tempo", payment_due_date=today_wib() + timedelta(days=30)
            )
        )
        with pytest.raises(Invalid) as refused:
            reciprocal.tie_bundle(a, leg_a, leg_b)
        assert "riba" in str(refused.value.message)
        assert db.session.scalar(select(func.count(Bundle.id))) == 0


def test_rice_tunai_tied_with_salt_tempo_75_days_is_refused(app):
    with app.app_context():
        a, b, leg_a, leg_b = _pair(
            b_slug="garam_krosok",
            b_terms=deal_terms(
                quantity=800,
                akad="tempo",
                handover_date=today_wib() + timedelta(days=20),
                payment_due_date=today_wib() + timedelta(days=75),
            ),
        )
        with pytest.raises(Invalid):
            reciprocal.tie_bundle(b, leg_b, leg_a)


def _settleable():
    """Rice (a -> b, Rp 12.000.000) and salt (b -> a, 800 x 1500 = Rp 1.200.000), both tunai,
    handed over today: b owes the difference of Rp 10.800.000."""
    a, b = make_manager(), make_manager(regency_code="3578")
    rice = make_listing(a.pesantren, slug="beras", quantity=2000, price=12000)
    salt = make_listing(b.pesantren, quantity=2000)
    rice_terms = deal_terms(quantity=1000, unit_price=12000, handover_date=today_wib())
    leg_a = make_deal(a, b, offer=rice, terms=rice_terms)
    leg_b = make_deal(b, a, offer=salt, terms=deal_terms(quantity=800, handover_date=today_wib()))
    reciprocal.tie_bundle(a, leg_a.id, leg_b.id)
    acceptance.accept(a, leg_a.id, 1)  # each seller accepts the buyer's opening terms
    acceptance.accept(b, leg_b.id, 1)
    return a, b, leg_a.id, leg_b.id


def test_net_settlement_is_recorded_once_and_settles_both_legs(app):
    with app.app_context():
        a, b, leg_a, leg_b = _settleable()
        with pytest.raises(Invalid):  # the creditor does not record what the debtor pays
            reciprocal.settle_bundle(a, leg_a, today_wib())
        reciprocal.settle_bundle(b, leg_a, today_wib(), "Transfer BSI")
        with pytest.raises(Conflict):
            reciprocal.settle_bundle(b, leg_b, today_wib())
        db.session.expire_all()
        rice, salt = db.session.get(Deal, leg_a), db.session.get(Deal, leg_b)
        assert rice.paid == 12_000_000 and salt.paid == 1_200_000
        assert sorted((p.method, p.amount) for p in rice.payments) == [
            ("cash", 10_800_000),
            ("offset", 1_200_000),
        ]
        assert [(p.method, p.amount) for p in salt.payments] == [("offset", 1_200_000)]
        # both legs can now be handed over (tunai: paid) in the same session and completed
        # (a leg completes once both were handed over, issue 25)
        for seller, buyer, deal_id, q in ((a, b, leg_a, 1000), (b, a, leg_b, 800)):
            fulfilment.ship(seller, deal_id)
            fulfilment.receive(buyer, deal_id, q, 2, today_wib())
        for seller, deal_id in ((a, leg_a), (b, leg_b)):
            fulfilment.complete(seller, deal_id)
        db.session.expire_all()
        assert all(db.session.get(Deal, i).same_session_at for i in (leg_a, leg_b))


def test_completed_deals_are_not_offered_as_partners(app):
    with app.app_context():
        a, b = make_manager(), make_manager(regency_code="3578")
        done = make_deal(
            b,
            a,
            slug="batik_tulis",
            price=100_000,
            terms=deal_terms(unit_price=100_000, quantity=1),
        )
        acceptance.accept(b, done.id, 1)
        fulfilment.ship(b, done.id)
        fulfilment.receive(a, done.id, 1, 2, today_wib(), paid_now=100_000)
        fulfilment.complete(b, done.id)
        fresh = make_deal(a, b)
        assert bundle_candidates(db.session.get(Deal, fresh.id)) == []
        with pytest.raises(Invalid):
            reciprocal.tie_bundle(a, fresh.id, done.id)


def test_a_bundle_is_untied_by_agreement_before_it_is_settled(app):
    with app.app_context():
        a, b, leg_a, leg_b = _settleable()
        assert reciprocal.untie_bundle(a, leg_a) is not None  # asked
        with pytest.raises(Conflict):
            reciprocal.untie_bundle(a, leg_b)
        assert reciprocal.untie_bundle(b, leg_b) is None  # agreed: gone
        assert queries.bundle_of(leg_a) is None
        reciprocal.tie_bundle(a, leg_a, leg_b)
        reciprocal.settle_bundle(b, leg_a, today_wib())
        with pytest.raises(Invalid):
            reciprocal.untie_bundle(a, leg_a)
