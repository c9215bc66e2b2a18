"""The app side of matching: clearing runs and the proposals they store.

The engine (`engine.py` and friends) stays pure; these models only record what it proposed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.akad import Akad
from exchange.db import UTCDateTime, enum_type, intpk, rupiah, timestamp
from exchange.extensions import db
from exchange.matching.policy import ProposalStatus, RunStatus  # noqa: F401 re-export


class MatchRun(db.Model):
    """One clearing run: when, over how many listings, what it proposed, how long it took."""

    __tablename__ = "match_runs"

    id: Mapped[intpk]
    started_at: Mapped[timestamp]
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[RunStatus] = mapped_column(
        enum_type(RunStatus, 12, "status_valid"), default=RunStatus.COMPLETED
    )
    listings_count: Mapped[int] = mapped_column(Integer, default=0)
    candidate_pairs: Mapped[int] = mapped_column(BigInteger, default=0)
    proposals_count: Mapped[int] = mapped_column(Integer, default=0)
    # Sum over proposals of quantity x surplus per unit, rounded to whole rupiah.
    welfare: Mapped[rupiah] = mapped_column(default=0)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)

    started_by = relationship("User")


class Proposal(db.Model):
    """A sale for money the engine proposes: `quantity` units of an offer to a request."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("seller_pesantren_id <> buyer_pesantren_id", name="two_parties"),
        Index("ix_proposals_status_seller", "status", "seller_pesantren_id"),
        Index("ix_proposals_status_buyer", "status", "buyer_pesantren_id"),
    )

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    seller_pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"))
    buyer_pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"))
    commodity_id: Mapped[int] = mapped_column(ForeignKey("commodities.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    # Per unit at the seller's gate: the fair split of the surplus (docs/matching.md).
    price: Mapped[rupiah]
    # The proposed contract type: the buyer's first preference the seller accepts
    # (model.choose_akad). None only on proposals stored before format 2.
    akad: Mapped[Akad | None] = mapped_column(enum_type(Akad, 12, "akad_valid"))
    surplus_per_unit: Mapped[float] = mapped_column(Float)
    distance_km: Mapped[float] = mapped_column(Float)
    transport_cost_per_unit: Mapped[float] = mapped_column(Float)
    status: Mapped[ProposalStatus] = mapped_column(
        enum_type(ProposalStatus, 12, "status_valid"), default=ProposalStatus.PROPOSED
    )
    declined_by_pesantren_id: Mapped[int | None] = mapped_column(ForeignKey("pesantren.id"))
    # The negotiation opened from it (deals domain). use_alter: deals.proposal_id points back.
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", use_alter=True))
    created_at: Mapped[timestamp]
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    run = relationship("MatchRun")
    offer = relationship("Listing", foreign_keys=[offer_id])
    request = relationship("Listing", foreign_keys=[request_id])
    seller = relationship("Pesantren", foreign_keys=[seller_pesantren_id])
    buyer = relationship("Pesantren", foreign_keys=[buyer_pesantren_id])
    commodity = relationship("Commodity")

    @property
    def total(self) -> int:
        return self.quantity * self.price


# By-products of a clearing run: what the engine's compatibility rule says about the market it
# cleared, stored with the run so the pages read them instead of re-running the rule per view.
# Only the latest run's rows are kept (run_clearing replaces them).


class RunPartnerFlow(db.Model):
    """Between two reciprocal partners (each can sell to the other), what could move one way:
    `quantity` of a commodity from seller to buyer (min of the compatible supply and demand)."""

    __tablename__ = "run_partner_flows"
    __table_args__ = (
        Index("ix_run_partner_flows_run_seller", "run_id", "seller_pesantren_id"),
        Index("ix_run_partner_flows_run_buyer", "run_id", "buyer_pesantren_id"),
    )

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id"))
    seller_pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"))
    buyer_pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"))
    commodity_id: Mapped[int] = mapped_column(ForeignKey("commodities.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    distance_km: Mapped[float] = mapped_column(Float)  # nearest compatible pair's road km


class RunUnmetRequest(db.Model):
    """An open request no compatible offer covers in full (matching.reach.Gap), per run."""

    __tablename__ = "run_unmet_requests"

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("listings.id"))
    unmet: Mapped[int] = mapped_column(BigInteger)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"))
    distance_km: Mapped[float | None] = mapped_column(Float)
    delivered_price: Mapped[int | None] = mapped_column(BigInteger)
    price_gap: Mapped[int | None] = mapped_column(BigInteger)
    blocked_by: Mapped[str] = mapped_column(String(12))


class RunIdleOffer(db.Model):
    """An open offer's quantity no open request can take (matching.reach.Reach.idle), per run."""

    __tablename__ = "run_idle_offers"

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("listings.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
