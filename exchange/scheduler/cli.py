"""``flask --app wsgi exchange scheduler`` and the jobs run by hand."""

from __future__ import annotations

import logging
import signal
from datetime import datetime

import click
from flask import current_app
from prometheus_client import start_http_server

from exchange.clock import now_wib, parse_now
from exchange.extensions import db
from exchange.jobs.services import finish
from exchange.matching.models import MatchRun
from exchange.netting.models import NettingRun
from exchange.scheduler.jobs import (
    expire,
    plan_freight,
    run_clearing,
    run_netting,
    send_digests,
    send_reminders,
)
from exchange.scheduler.lock import acquire, make_lock
from exchange.scheduler.runner import build_scheduler, job_table


class NowType(click.ParamType):
    """``2027-01-04T06:00+07:00``; without a zone the time is read as WIB."""

    name = "datetime"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            return parse_now(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO date-time like 2027-01-04T06:00+07:00", param, ctx)


NOW = click.option("--now", type=NowType(), default=None, help="Run as if it were this time.")


def register(cli):
    @cli.command("scheduler")
    @click.option("--wait", is_flag=True, help="Wait for a running scheduler to stop, then run.")
    @click.option("--list", "list_jobs", is_flag=True, help="Print the jobs and their next times.")
    def scheduler_cmd(wait, list_jobs):
        """Run the periodic jobs (one process; never inside web workers)."""
        app = current_app._get_current_object()
        if list_jobs:
            now = now_wib()
            for job_id, _fn, trigger, args in job_table(app):
                nxt = trigger.get_next_fire_time(None, now)
                label = " ".join([job_id, *args])
                click.echo(f"{label:<22} next {nxt:%Y-%m-%d %H:%M %Z}  ({trigger})")
            return
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        lock = make_lock(app, db.engine)
        poll = max(int(app.config["SCHEDULER_LEASE_SECONDS"]) // 3, 1)
        if not acquire(lock, wait=wait, poll_seconds=poll):
            raise click.ClickException(
                f"another scheduler is already running (it holds the {lock.kind}); "
                "this one exits. Use --wait to take over when it stops."
            )
        scheduler = build_scheduler(app, lock)
        if port := int(app.config["SCHEDULER_METRICS_PORT"]):
            # The job durations live in this process: Prometheus scrapes them here.
            start_http_server(port, addr=app.config["SCHEDULER_METRICS_ADDRESS"])
        signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
        click.echo(f"scheduler started ({lock.kind} held); Ctrl+C stops it", err=True)
        try:
            scheduler.start()
        finally:
            lock.release()
            click.echo("scheduler stopped", err=True)

    @cli.command("send-digests")
    @click.option("--period", type=click.Choice(["daily", "weekly"]), required=True)
    @NOW
    def send_digests_cmd(period, now):
        """Queue this period's digests (once per person), then deliver due mail."""
        counts = send_digests(period, now=now)
        delivery = counts.pop("delivery")
        click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
        click.echo(" ".join(f"{k}={v}" for k, v in delivery.items()))

    @cli.command("expire")
    @NOW
    def expire_cmd(now):
        """Expire listings past their window and unanswered negotiation moves."""
        result = expire(now=now)
        click.echo(f"listings expired={result['listings']} moves expired={result['moves']}")

    @cli.command("send-reminders")
    @NOW
    def send_reminders_cmd(now):
        """Remind people of deals waiting on them."""
        click.echo(f"reminders={send_reminders(now=now)}")

    @cli.command("run-netting")
    @NOW
    def run_netting_cmd(now):
        """Start a netting run (kliring) now; the parties confirm it on their pages."""
        run = db.session.get(NettingRun, finish(run_netting(now=now)).run_id)
        click.echo(f"netting: run={run.id} total={run.total} cleared={run.cleared}")

    @cli.command("plan-freight")
    @NOW
    def plan_freight_cmd(now):
        """Propose shared trips for signed deals not yet shipped (angkutan bersama)."""
        result = plan_freight(now=now)
        click.echo(" ".join(f"{k}={v}" for k, v in result.items()))

    @cli.command("run-clearing")
    @NOW
    def run_clearing_cmd(now):
        """Run the matching engine's clearing run now."""
        run = db.session.get(MatchRun, finish(run_clearing(now=now)).run_id)
        click.echo(
            f"clearing: run={run.id} listings={run.listings_count} proposals={run.proposals_count}"
        )
