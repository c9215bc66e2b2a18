"""The dashboard's own tables: one narrow row per signed contract, and their sums per day
(``facts.py`` keeps both)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String
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
    signed_on: Mapped[date] = mapped_column(Date, index=True)  # the WIB calendar day
    commodity_id: Mapped[int] = mapped_column(ForeignKey("commodities.id"))
    seller_pesantren_id: Mapped[int] = mapped_column(Integer)
    buyer_pesantren_id: Mapped[int] = mapped_column(Integer)
    seller_regency: Mapped[str] = mapped_column(String(8))
    buyer_regency: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[int] = mapped_column(BigInteger)  # the contract's total
    unit_price: Mapped[int] = mapped_column(BigInteger)
    request_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # From the later of the offer's and the request's posting to the signing; None without both.
    seconds_to_contract: Mapped[float | None] = mapped_column(Float)


#: ``ContractDay.regency_code`` of the rows that count every contract once (no regency filter).
ALL_REGENCIES = ""


class ContractDay(db.Model):
    """Contracts signed on a WIB day, per commodity and state: how many, their volume and value.
    Per regency too: a contract counts under its seller's and its buyer's regency (once when
    both are the same), and once under ALL_REGENCIES; so a regency's rows are its contracts as
    seller or buyer, as the dashboard's regency filter means."""

    __tablename__ = "contract_days"

    regency_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    commodity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(20), primary_key=True)
    contracts: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[int] = mapped_column(BigInteger)


class FactsVersion(db.Model):
    """One row: a fresh random number written by every transaction that rewrites contract facts
    (``facts.refresh``). Results computed from the facts are cached under it (``memo.py``);
    random, not a counter, so two databases (or a database dropped and made again) never
    share a number."""

    __tablename__ = "contract_facts_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
