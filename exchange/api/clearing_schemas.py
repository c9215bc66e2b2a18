"""The bodies of the clearing (kliring) endpoints: a netting run as one party sees it."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from exchange.api.vocab import one_of
from exchange.netting.models import Answer, RunStatus


class ClearingDebt(BaseModel):
    deal_id: int
    debtor_id: int
    creditor_id: int
    amount: int = Field(description="Outstanding when the run was computed (rupiah).")
    set_off: int = Field(description="The part cleared by the run (rupiah).")


class ClearingRun(BaseModel):
    """A netting run: the set-off proposed on the token's pesantren's debts and claims, and
    its answer (every party confirms, or the run is recomputed without who declines)."""

    id: int
    status: one_of(RunStatus)
    horizon: date
    answer_by: datetime | None
    my_answer: one_of(Answer) | None
    cleared: int = Field(description="The token's pesantren's debts cleared (rupiah).")
    debts: list[ClearingDebt]
    claims: list[ClearingDebt]
    created_at: datetime


class ClearingRunList(BaseModel):
    items: list[ClearingRun]
