"""A small market over several commodities (one declined pair), and the stored proposals as
plain rows to compare runs byte for byte."""

from __future__ import annotations

from sqlalchemy import select

from exchange.extensions import db
from exchange.listings.models import Side
from exchange.matching import services
from exchange.matching.models import Proposal
from tests.factories import make_listing, make_manager

SLUGS = ("beras", "gula_pasir", "garam_krosok", "jagung")
REGENCIES = ("3529", "3528", "3578", "3526", "3515", "3509")

COLUMNS = (
    Proposal.offer_id,
    Proposal.request_id,
    Proposal.seller_pesantren_id,
    Proposal.buyer_pesantren_id,
    Proposal.commodity_id,
    Proposal.quantity,
    Proposal.price,
    Proposal.akad,
    Proposal.surplus_per_unit,
    Proposal.distance_km,
    Proposal.transport_cost_per_unit,
)


def small_market() -> None:
    """Six pesantren; per commodity three offers and three requests; one pair declined."""
    pes = [make_manager(code).pesantren for code in REGENCIES]
    for k, slug in enumerate(SLUGS):
        for i in range(3):
            seller, buyer = pes[(i + k) % 6], pes[(i + k + 3) % 6]
            make_listing(seller, slug=slug, quantity=300 + 50 * i, price=1000 + 40 * i + 7 * k)
            make_listing(
                buyer, side=Side.REQUEST, slug=slug, quantity=200 + 70 * i, price=2100 - 30 * i
            )
    first = services.run_clearing()
    proposal = db.session.scalars(
        select(Proposal).where(Proposal.run_id == first.id).order_by(Proposal.id)
    ).first()
    services.decline_proposal(_manager_of(proposal.seller_pesantren_id), proposal.id)


def _manager_of(pesantren_id):
    from exchange.auth.models import User

    return db.session.scalar(select(User).where(User.pesantren_id == pesantren_id))


def proposal_rows(run_id: int) -> list[tuple]:
    return [
        tuple(r)
        for r in db.session.execute(
            select(*COLUMNS)
            .where(Proposal.run_id == run_id)
            .order_by(Proposal.offer_id, Proposal.request_id)
        )
    ]
