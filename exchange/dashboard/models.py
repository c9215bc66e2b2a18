"""The dashboard's own table: one narrow row per signed contract (``facts.py`` keeps it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from exchange.db import UTCDateTime
from exchange.extensions import db


class ContractFact(db.Model):
    """What the staff pages sum about a contract, joined once when it changes instead of on
    every view: its signing time, commodity, parties and their regencies (as of now), state,
    volume, value, unit price, the request it answered and the time from posting to signing."""

    __tablename__ = "contract_facts"
    __table_args__ = (Index("ix_contract_facts_commodity_signed", "commodity_id", "signed_at"),)

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), primary_key=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    commodity_id: Mapped[int] = mapped_column(ForeignKey("commodities.id"))
    seller_pesantren_id: Mapped[int] = mapped_column(Integer)
    buyer_pesantren_id: Mapped[int] = mapped_column(Integer)
    seller_regency: Mapped[str] = mapped_column(String(8))
    buyer_regency: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[int] = mapped_column(BigInteger)  # the contract's total
    unit_price: Mapped[int] = mapped_column(BigInteger)
    request_id: Mapped[int | None] = mapped_column(Integer)
    # From the later of the offer's and the request's posting to the signing; None without both.
    seconds_to_contract: Mapped[float | None] = mapped_column(Float)
