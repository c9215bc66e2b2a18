"""Deals: a negotiation between a seller and a buyer, its terms versions, events and after-life.

TermsVersion, DealEvent and Contract rows are never changed once written (an ORM guard refuses
updates and deletes); the Deal row carries the current state and is changed only by services.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.akad import Akad
from exchange.db import UTCDateTime, enum_type, intpk, rupiah, timestamp
from exchange.deals.rows import DealParties, TermsTotal
from exchange.deals.states import Side, State
from exchange.extensions import db

STATE_VALUES = ", ".join(f"'{s.value}'" for s in State)


class Deal(DealParties, db.Model):
    __tablename__ = "deals"
    __table_args__ = (
        CheckConstraint(f"state IN ({STATE_VALUES})", name="state_known"),
        CheckConstraint("whose_turn IN ('seller', 'buyer')", name="turn_side"),
        CheckConstraint("seller_pesantren_id <> buyer_pesantren_id", name="two_parties"),
        CheckConstraint("reserved_quantity >= 0", name="reserved_nonnegative"),
        Index("ix_deals_state_last_move", "state", "last_move_at"),
    )

    id: Mapped[intpk]
    seller_pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    buyer_pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"), index=True)
    commodity_id: Mapped[int] = mapped_column(ForeignKey("commodities.id"), index=True)
    # The matching engine's proposal this negotiation came from.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    state: Mapped[State] = mapped_column(
        enum_type(State, 20, "state_valid"), default=State.NEGOTIATING
    )
    whose_turn: Mapped[Side | None] = mapped_column(enum_type(Side, 10, "whose_turn_valid"))
    terms_version: Mapped[int] = mapped_column(Integer, default=1)  # the current version number
    accepted_version: Mapped[int | None] = mapped_column(Integer)
    # What acceptance took from the listings; released on cancellation and short delivery.
    reserved_quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    cancel_requested_by: Mapped[Side | None] = mapped_column(
        enum_type(Side, 10, "cancel_requested_by_valid")
    )
    disputed_by: Mapped[Side | None] = mapped_column(enum_type(Side, 10, "disputed_by_valid"))
    dispute_reason: Mapped[str | None] = mapped_column(String(1000))
    # where a dispute returns to
    resume_state: Mapped[State | None] = mapped_column(enum_type(State, 20, "resume_state_valid"))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The opening form's token: a retried POST (lost response) finds this deal, not a second one
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Optimistic lock: every state change is UPDATE ... WHERE version = :seen.
    version: Mapped[int] = mapped_column(Integer, default=1)
    last_move_at: Mapped[timestamp]
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Salam: the buyer chose to wait for missing goods; the new due date (None: the terms' date)
    delivery_due: Mapped[date | None] = mapped_column(Date)
    # Settled in the same session: the full price and the handover (BAST) were recorded
    # together (on one WIB day); the time of the later of the two. None: not (yet) so.
    same_session_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[timestamp]

    seller = relationship("Pesantren", foreign_keys=[seller_pesantren_id], lazy="joined")
    buyer = relationship("Pesantren", foreign_keys=[buyer_pesantren_id], lazy="joined")
    commodity = relationship("Commodity", lazy="joined")
    offer = relationship("Listing", foreign_keys=[offer_id])
    request = relationship("Listing", foreign_keys=[request_id])
    versions = relationship(
        "TermsVersion", order_by="TermsVersion.number", back_populates="deal", viewonly=True
    )
    events = relationship("DealEvent", order_by="DealEvent.id", viewonly=True)
    payments = relationship("Payment", order_by="Payment.id", viewonly=True)
    refunds = relationship("Refund", order_by="Refund.id", viewonly=True)
    contract = relationship("Contract", uselist=False, viewonly=True)
    delivery = relationship("Delivery", uselist=False, viewonly=True)
    ratings = relationship("Rating", viewonly=True)

    @property
    def current_terms(self) -> TermsVersion:
        return next(v for v in self.versions if v.number == self.terms_version)

    @property
    def paid(self) -> int:
        return sum(p.amount for p in self.payments)

    @property
    def refunded(self) -> int:
        return sum(r.amount for r in self.refunds)

    # side_of, pesantren_of, due_date: DealParties (deals/rows.py), shared with the list rows


class TermsVersion(TermsTotal, db.Model):
    """One proposal of the terms; immutable once written."""

    __tablename__ = "deal_terms"
    __table_args__ = (
        UniqueConstraint("deal_id", "number"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price > 0", name="price_positive"),
        CheckConstraint("transport IN ('seller', 'buyer')", name="transport_side"),
        CheckConstraint("author_side IN ('seller', 'buyer')", name="author_side"),
    )

    id: Mapped[intpk]
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(BigInteger)
    unit_price: Mapped[rupiah]
    grade: Mapped[int | None] = mapped_column(Integer)
    akad: Mapped[Akad] = mapped_column(enum_type(Akad, 12, "akad_valid"))
    handover_date: Mapped[date] = mapped_column(Date)
    handover_place: Mapped[str] = mapped_column(String(255))
    handover_lat: Mapped[float | None] = mapped_column(Float)
    handover_lon: Mapped[float | None] = mapped_column(Float)
    transport: Mapped[str] = mapped_column(String(10))  # who transports: seller | buyer
    payment_due_date: Mapped[date | None] = mapped_column(Date)
    # istisna': [{"due": "2027-01-04", "amount": 500000}, ...]
    payment_schedule: Mapped[list] = mapped_column(JSON, default=list)
    cost_price: Mapped[int | None] = mapped_column(BigInteger)  # murabahah, per unit
    margin: Mapped[int | None] = mapped_column(BigInteger)  # murabahah, per unit
    # murabahah: the seller states it owns the goods (with cost and margin, only the seller)
    seller_owns: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    message: Mapped[str] = mapped_column(String(1000), default="")
    author_side: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[timestamp]

    deal = relationship(Deal, back_populates="versions")
    author = relationship("User")


class DealEvent(db.Model):
    """Every move of a deal: who, when, from, to, the terms version, a note. Append-only."""

    __tablename__ = "deal_events"

    id: Mapped[intpk]
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the system
    actor_side: Mapped[str | None] = mapped_column(String(10))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    terms_version: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[timestamp]

    actor = relationship("User")


class Contract(db.Model):
    """The signed akad: a snapshot of both parties and the accepted terms. One per deal."""

    __tablename__ = "deal_contracts"

    id: Mapped[intpk]
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), unique=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # BP/2027/01/000123
    terms_version: Mapped[int] = mapped_column(Integer)
    total: Mapped[rupiah]
    # parties (name, NSPP, kopontren, signing manager), goods, grade label, unit, akad ...
    snapshot: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[timestamp]


class Payment(db.Model):
    __tablename__ = "deal_payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("method IN ('cash', 'offset', 'setoff')", name="method_known"),
    )

    id: Mapped[intpk]
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    amount: Mapped[rupiah]
    # cash: money paid; offset: set against the other leg of a reciprocal bundle;
    # setoff: cleared in a multilateral netting run (kliring, muqassah; exchange/netting)
    method: Mapped[str] = mapped_column(String(10), default="cash", server_default="cash")
    paid_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[timestamp]


class Refund(db.Model):
    """Money the seller returned: overpaid for goods not delivered, or a cancelled deal."""

    __tablename__ = "deal_refunds"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[intpk]
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    amount: Mapped[rupiah]
    refunded_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[timestamp]

    recorded_by = relationship("User")


class Delivery(db.Model):
    """The handover record (BAST): what was received, in which grade; the shortfall's fate."""

    __tablename__ = "deal_deliveries"
    __table_args__ = (
        CheckConstraint("quantity_received >= 0", name="received_nonnegative"),
        CheckConstraint(
            "shortfall_outcome IN ('returned', 'cancelled')", name="shortfall_outcome_known"
        ),
    )

    id: Mapped[intpk]
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), unique=True)
    quantity_received: Mapped[int] = mapped_column(BigInteger)
    grade_received: Mapped[int | None] = mapped_column(Integer)
    shortfall: Mapped[int] = mapped_column(BigInteger, default=0)
    # returned: the rest goes back to the listing(s); cancelled: dropped by agreement
    shortfall_outcome: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[timestamp]


class Rating(db.Model):
    __tablename__ = "deal_ratings"
    __table_args__ = (
        UniqueConstraint("deal_id", "rater_pesantren_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[intpk]
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    rater_pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"))
    ratee_pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(1000), default="")
    rater_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[timestamp]


class Notification(db.Model):
    """An in-app notice for one user. The text is a msgid with params, shown in their language."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # e.g. "deal.countered"
    message: Mapped[str] = mapped_column(String(500))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str | None] = mapped_column(String(255))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[timestamp]


class Bundle(db.Model):
    """A reciprocal agreement: two sales running both ways between the same two pesantren."""

    __tablename__ = "deal_bundles"
    __table_args__ = (CheckConstraint("leg_a_id <> leg_b_id", name="two_legs"),)

    id: Mapped[intpk]
    leg_a_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), unique=True)
    leg_b_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[timestamp]
    # The net amount was recorded (once): both legs' payments show it
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Untying needs both: the pesantren that asked first waits for the other
    untie_requested_by: Mapped[int | None] = mapped_column(ForeignKey("pesantren.id"))
    # Ribawi legs of one class not handed over in one session: the handover was recorded late
    # and the same-session rule is breached; the parties may undo the exchange (untie: each
    # sale is then settled in cash)
    breach_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    leg_a = relationship(Deal, foreign_keys=[leg_a_id], lazy="joined")
    leg_b = relationship(Deal, foreign_keys=[leg_b_id], lazy="joined")


def _refuse_change(mapper, connection, target):
    raise RuntimeError(f"{type(target).__name__} rows are append-only")


for _model in (TermsVersion, DealEvent, Contract, Refund):
    event.listen(_model, "before_update", _refuse_change)
    event.listen(_model, "before_delete", _refuse_change)
