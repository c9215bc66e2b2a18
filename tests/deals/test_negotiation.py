from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange.db import utcnow
from exchange.deals import acceptance, checks, services
from exchange.deals.models import Contract, Deal, DealEvent, Notification, TermsVersion
from exchange.errors import Conflict, IllegalTransition, Invalid, NotFound
from exchange.extensions import db
from exchange.listings.models import Listing, Side
from tests.factories import deal_terms, make_deal, make_listing, make_manager

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _reload(deal_id):
    db.session.expire_all()
    return db.session.get(Deal, deal_id)


def test_opening_on_an_offer_makes_the_buyer_wait_for_the_seller(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal = make_deal(seller, buyer, message="Bisa kirim minggu depan?")
        deal = _reload(deal.id)
        assert (deal.state, deal.whose_turn) == ("negotiating", "seller")
        assert deal.buyer_pesantren_id == buyer.pesantren_id
        assert deal.current_terms.message == "Bisa kirim minggu depan?"
        notices = db.session.scalars(select(Notification)).all()
        assert [n.user_id for n in notices] == [seller.id]


def test_opening_on_a_request_makes_the_opener_the_seller(app):
    with app.app_context():
        buyer, seller = make_manager(), make_manager(regency_code="3578")
        request = make_listing(buyer.pesantren, side=Side.REQUEST, price=1600)
        deal = services.open_negotiation(seller, request.id, terms=deal_terms())
        deal = _reload(deal.id)
        assert (deal.seller_pesantren_id, deal.whose_turn) == (seller.pesantren_id, "buyer")
        assert deal.request_id == request.id and deal.offer_id is None


def test_cannot_negotiate_with_own_listing_or_break_akad_rules(app):
    with app.app_context():
        seller = make_manager()
        offer = make_listing(seller.pesantren)
        with pytest.raises(Invalid):
            services.open_negotiation(seller, offer.id, terms=deal_terms())
        buyer = make_manager(regency_code="3578")
        with pytest.raises(checks.TermsRefused) as refused:
            services.open_negotiation(
                buyer, offer.id, terms=deal_terms(akad="salam", quantity=5000)
            )
        codes = {r.code for r in refused.value.reasons}
        assert codes == {"akad_not_offered", "quantity_remaining"}
        assert db.session.scalar(select(func.count(Deal.id))) == 0


def test_turns_alternate_and_every_version_is_kept(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal = make_deal(seller, buyer)
        with pytest.raises(IllegalTransition):
            services.counter_offer(buyer, deal.id, 1, deal_terms(unit_price=1400))
        services.counter_offer(seller, deal.id, 1, deal_terms(unit_price=1700), "Harga naik")
        services.counter_offer(buyer, deal.id, 2, deal_terms(unit_price=1600))
        deal = _reload(deal.id)
        assert deal.whose_turn == "seller" and deal.terms_version == 3
        prices = [v.unit_price for v in deal.versions]
        assert prices == [1500, 1700, 1600]
        assert [v.author_side for v in deal.versions] == ["buyer", "seller", "buyer"]


def test_answering_an_old_version_is_refused(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal = make_deal(seller, buyer)
        services.counter_offer(seller, deal.id, 1, deal_terms(unit_price=1700))
        with pytest.raises(Conflict):
            acceptance.accept(buyer, deal.id, 1)
        assert _reload(deal.id).state == "negotiating"


def test_accepting_commits_quantity_makes_one_contract_even_twice(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal = make_deal(seller, buyer, quantity=300)
        first = acceptance.accept(seller, deal.id, 1)
        again = acceptance.accept(seller, deal.id, 1)
        assert first.id == again.id
        assert first.number.startswith("BP/") and first.number.endswith(f"/{deal.id:06d}")
        assert db.session.scalar(select(func.count(Contract.id))) == 1
        deal = _reload(deal.id)
        assert deal.state == "signed" and deal.reserved_quantity == 100
        assert db.session.get(Listing, deal.offer_id).remaining == 200
        snapshot = first.snapshot
        assert snapshot["seller"]["signer"] == seller.name
        assert snapshot["buyer"]["signer"] == buyer.name
        assert snapshot["total"] == 150_000


def test_acceptance_refused_when_quantity_is_gone(app):
    with app.app_context():
        seller = make_manager()
        offer = make_listing(seller.pesantren, quantity=150)
        a = make_deal(seller, offer=offer)
        b = make_deal(seller, buyer=make_manager(regency_code="3509"), offer=offer)
        acceptance.accept(seller, a.id, 1)
        with pytest.raises(Invalid) as refused:
            acceptance.accept(seller, b.id, 1)
        assert "tinggal 50" in str(refused.value.message)
        assert _reload(b.id).state == "negotiating"
        assert db.session.get(Listing, offer.id).remaining == 50


def test_reject_and_withdraw_close_the_negotiation(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal = make_deal(seller, buyer)
        with pytest.raises(IllegalTransition):
            services.reject(buyer, deal.id)
        services.reject(seller, deal.id, "Stok habis")
        assert _reload(deal.id).state == "rejected"
        with pytest.raises(IllegalTransition):
            services.withdraw(buyer, deal.id)
        other = make_deal(seller, buyer)
        services.withdraw(buyer, other.id)
        assert _reload(other.id).state == "withdrawn"


def test_other_managers_get_not_found(app):
    with app.app_context():
        deal = make_deal()
        stranger = make_manager(regency_code="3509")
        with pytest.raises(NotFound):
            acceptance.accept(stranger, deal.id, 1)


def test_every_move_writes_an_event_with_from_and_to(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal = make_deal(seller, buyer)
        services.counter_offer(seller, deal.id, 1, deal_terms(unit_price=1700), "naik")
        acceptance.accept(buyer, deal.id, 2)
        events = db.session.scalars(select(DealEvent).order_by(DealEvent.id)).all()
        assert [(e.action, e.from_state, e.to_state, e.terms_version) for e in events] == [
            ("open", "negotiating", "negotiating", 1),
            ("counter", "negotiating", "negotiating", 2),
            ("accept", "negotiating", "signed", 2),
        ]
        assert events[1].note == "naik" and events[2].actor_id == buyer.id


def test_terms_versions_and_events_cannot_be_changed(app):
    with app.app_context():
        deal = make_deal()
        version = db.session.scalar(select(TermsVersion).where(TermsVersion.deal_id == deal.id))
        version.unit_price = 1
        with pytest.raises(RuntimeError):
            db.session.commit()
        db.session.rollback()


def test_unanswered_moves_expire(app, runner):
    with app.app_context():
        deal = make_deal()
        assert services.expire_stale_moves(utcnow() + timedelta(days=2)) == 0
        assert services.expire_stale_moves(utcnow() + timedelta(days=4)) == 1
        assert _reload(deal.id).state == "expired"
        fresh_id = make_deal().id
        stale_at = (utcnow() + timedelta(days=10)).isoformat()
    result = runner.invoke(args=["exchange", "expire-negotiations", "--now", stale_at])
    assert "expired negotiations: 1" in result.output
    with app.app_context():
        assert _reload(fresh_id).state == "expired"


def test_a_stale_move_cannot_be_accepted_before_the_job_runs(app):
    with app.app_context():
        deal = make_deal()
        db.session.execute(
            Deal.__table__.update().values(last_move_at=utcnow() - timedelta(days=5))
        )
        db.session.commit()
        seller_id = _reload(deal.id).seller_pesantren_id
        from exchange.auth.models import User

        seller = db.session.scalar(select(User).where(User.pesantren_id == seller_id))
        with pytest.raises(IllegalTransition):
            acceptance.accept(seller, deal.id, 1)
