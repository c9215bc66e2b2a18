"""The clearing run: what it stores, what it supersedes, and declines that stay declined."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange.audit.models import AuditEvent
from exchange.clock import today_wib
from exchange.extensions import db
from exchange.listings.models import ListingStatus, Side
from exchange.matching import services
from exchange.matching.models import MatchRun, Proposal, ProposalStatus
from exchange.pesantren.models import PesantrenStatus
from tests.factories import make_deal, make_listing, make_manager, make_pesantren, make_staff

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def proposals(status=None):
    q = select(Proposal).order_by(Proposal.id)
    if status:
        q = q.where(Proposal.status == status)
    return list(db.session.scalars(q))


def test_run_respects_remaining_quantities_and_stores_figures(app):
    with app.app_context():
        seller = make_manager("3529").pesantren
        b1, b2 = make_manager("3528").pesantren, make_manager("3526").pesantren
        offer = make_listing(seller, quantity=1000, remaining=300, price=1200)
        r1 = make_listing(b1, side=Side.REQUEST, quantity=200, price=2000)
        r2 = make_listing(b2, side=Side.REQUEST, quantity=250, price=2000)
        run = services.run_clearing()
        stored = proposals()
        assert run.proposals_count == len(stored) > 0
        assert sum(p.quantity for p in stored) == 300  # the offer's remaining, not its 1000
        for p in stored:
            assert p.offer_id == offer.id and p.seller_pesantren_id == seller.id
            assert p.quantity <= {r1.id: 200, r2.id: 250}[p.request_id]
            assert 1200 <= p.price <= 2000
        assert run.listings_count == 3 and run.candidate_pairs == 2
        assert run.welfare == round(sum(p.quantity * p.surplus_per_unit for p in stored))
        assert run.finished_at >= run.started_at
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.kind == "matching.run")
            )
            == 1
        )


def test_inactive_listings_are_left_out(app):
    with app.app_context():
        seller = make_manager("3529").pesantren
        buyer = make_manager("3528").pesantren
        pending = make_pesantren(regency_code="3526", status=PesantrenStatus.PENDING)
        make_listing(seller, status="withdrawn")
        make_listing(seller, start=today_wib() - timedelta(days=40), days=10)  # window over
        make_listing(seller, remaining=0)
        make_listing(pending)
        make_listing(buyer, side=Side.REQUEST, price=2500)
        run = services.run_clearing()
        assert run.listings_count == 1 and run.proposals_count == 0


def test_new_run_supersedes_untouched_proposals_only_and_never_repeats_a_decline(app):
    with app.app_context():
        seller = make_manager("3529")
        buyers = [make_manager(code) for code in ("3528", "3526", "3527")]
        make_listing(seller.pesantren, quantity=900, price=1200)
        for b in buyers:
            make_listing(b.pesantren, side=Side.REQUEST, quantity=300, price=2000)
        first = services.run_clearing()
        declined, acted, untouched = proposals()
        services.decline_proposal(
            buyers[0] if declined.buyer_pesantren_id == buyers[0].pesantren_id else seller,
            declined.id,
        )
        elsewhere = make_deal()  # a real negotiation (proposals.deal_id is a foreign key)
        elsewhere.offer.status = ListingStatus.WITHDRAWN  # not in the next clearing
        assert services.mark_acted(acted.id, deal_id=elsewhere.id)
        db.session.commit()
        second = services.run_clearing()
        assert second.id != first.id
        db.session.expire_all()
        assert db.session.get(Proposal, declined.id).status == ProposalStatus.DECLINED
        assert db.session.get(Proposal, acted.id).status == ProposalStatus.ACTED
        assert db.session.get(Proposal, acted.id).deal_id == elsewhere.id
        assert db.session.get(Proposal, untouched.id).status == ProposalStatus.SUPERSEDED
        fresh = proposals(ProposalStatus.PROPOSED)
        assert all(p.run_id == second.id for p in fresh)
        pairs = {(p.offer_id, p.request_id) for p in fresh}
        assert (declined.offer_id, declined.request_id) not in pairs
        # A run after that keeps the decline too.
        services.run_clearing()
        again = {(p.offer_id, p.request_id) for p in proposals(ProposalStatus.PROPOSED)}
        assert (declined.offer_id, declined.request_id) not in again


def test_decline_only_by_a_party(app):
    import pytest

    from exchange.errors import IllegalTransition, NotFound

    with app.app_context():
        seller, buyer, stranger = make_manager("3529"), make_manager("3528"), make_manager("3526")
        make_listing(seller.pesantren, price=1200)
        make_listing(buyer.pesantren, side=Side.REQUEST, price=2000)
        services.run_clearing()
        (p,) = proposals()
        for outsider in (stranger, make_staff()):
            with pytest.raises(NotFound):
                services.decline_proposal(outsider, p.id)
        with pytest.raises(NotFound):
            services.decline_proposal(buyer, p.id + 1000)
        services.decline_proposal(buyer, p.id)
        assert (
            p.status == ProposalStatus.DECLINED and p.declined_by_pesantren_id == buyer.pesantren_id
        )
        with pytest.raises(IllegalTransition):
            services.decline_proposal(seller, p.id)
        assert not services.mark_acted(p.id, 5)


def test_run_by_a_manager_is_refused(app):
    import pytest

    from exchange.errors import NotFound

    with app.app_context():
        with pytest.raises(NotFound):
            services.run_clearing(make_manager())
        assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 0


def test_cli_match_prints_the_run(app, runner):
    with app.app_context():
        make_listing(make_manager("3529").pesantren, price=1200)
        make_listing(make_manager("3528").pesantren, side=Side.REQUEST, price=2000)
    result = runner.invoke(args=["exchange", "match"])
    assert result.exit_code == 0, result.output
    assert "listings=2" in result.output and "proposals=1" in result.output
    assert "welfare=Rp " in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 1
