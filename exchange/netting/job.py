"""The kliring run as a job (exchange/jobs): no parts to spread (the set-off is one small
computation over the open debts), so the store step computes and writes it in one
transaction, exactly once, like the clearing's."""

from __future__ import annotations

from exchange.auth.models import User
from exchange.extensions import db
from exchange.netting.services import compute_run


class NettingJob:
    run_endpoint = "netting.show"
    runs_endpoint = "netting.runs"

    def prepare(self, job) -> tuple[None, list]:
        return None, []

    def solve(self, payload: str) -> str:
        raise RuntimeError("a kliring job has no parts")

    def store(self, job, snapshot, results) -> int:
        actor = db.session.get(User, job.started_by_id) if job.started_by_id else None
        run = compute_run(actor, now=job.as_of)
        db.session.flush()
        return run.id

    def after_store(self, run_id: int) -> None:
        return None


HANDLER = NettingJob()
