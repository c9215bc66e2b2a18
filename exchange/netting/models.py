"""A netting run: the debts that entered, the set-off proposed on each, every party's answer."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import UTCDateTime, intpk, rupiah, timestamp
from exchange.extensions import db


class RunStatus(StrEnum):
    PROPOSED = "proposed"  # Diusulkan: waiting for the parties' answers
    APPLIED = "applied"  # Diterapkan: the set-off was recorded as payments
    EMPTY = "empty"  # Kosong: nothing could be cleared
    SUPERSEDED = "superseded"  # Diganti: a newer run replaced it before it took effect


class Answer(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


STATUS_LABELS = {
    RunStatus.PROPOSED: _l("Menunggu konfirmasi"),
    RunStatus.APPLIED: _l("Diterapkan"),
    RunStatus.EMPTY: _l("Tidak ada yang diperhitungkan"),
    RunStatus.SUPERSEDED: _l("Digantikan putaran baru"),
}
ANSWER_LABELS = {
    Answer.PENDING: _l("Belum menjawab"),
    Answer.CONFIRMED: _l("Mengonfirmasi"),
    Answer.DECLINED: _l("Menolak"),
}


class NettingRun(db.Model):
    __tablename__ = "netting_runs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('proposed', 'applied', 'empty', 'superseded')", name="status_known"
        ),
        CheckConstraint("cleared >= 0 AND cleared <= total", name="cleared_bounded"),
    )

    id: Mapped[intpk]
    status: Mapped[str] = mapped_column(String(12), default=RunStatus.PROPOSED.value)
    horizon: Mapped[date] = mapped_column(Date)  # debts due on or before this day may enter
    total: Mapped[rupiah] = mapped_column(default=0)  # all eligible debt when computed
    cleared: Mapped[rupiah] = mapped_column(default=0)  # the proposed (or applied) set-off
    rounds: Mapped[int] = mapped_column(Integer, default=1)  # recomputations after declines
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: scheduler
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The parties answer by then; silence after it counts as declining (the run shrinks)
    answer_by: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[timestamp]

    items = relationship("NettingItem", order_by="NettingItem.id", viewonly=True)
    parties = relationship("NettingParty", order_by="NettingParty.pesantren_id", viewonly=True)


class NettingItem(db.Model):
    """One debt (a deal's unpaid price) in a run and the set-off proposed on it."""

    __tablename__ = "netting_items"
    __table_args__ = (
        UniqueConstraint("run_id", "deal_id"),
        CheckConstraint("set_off >= 0 AND set_off <= amount", name="set_off_bounded"),
    )

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("netting_runs.id"), index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    amount: Mapped[rupiah]  # outstanding when the run was computed
    set_off: Mapped[rupiah] = mapped_column(default=0)
    # Set when the item's cleared group applied (every member of the group confirmed)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("deal_payments.id"))

    deal = relationship("Deal")
    debtor = relationship("Pesantren", foreign_keys=[debtor_id], lazy="joined")
    creditor = relationship("Pesantren", foreign_keys=[creditor_id], lazy="joined")


class NettingParty(db.Model):
    """A pesantren with a proposed set-off in the run, and its answer."""

    __tablename__ = "netting_parties"
    __table_args__ = (
        UniqueConstraint("run_id", "pesantren_id"),
        CheckConstraint("answer IN ('pending', 'confirmed', 'declined')", name="answer_known"),
    )

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("netting_runs.id"), index=True)
    pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    answer: Mapped[str] = mapped_column(String(10), default=Answer.PENDING.value)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    pesantren = relationship("Pesantren", lazy="joined")
