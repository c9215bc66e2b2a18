"""``flask --app wsgi exchange expire-negotiations``: expire unanswered moves."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from exchange.deals.services import expire_stale_moves


def register(cli) -> None:
    @cli.command("expire-negotiations")
    @click.option("--now", default=None, help="Pretend it is this time (ISO 8601; UTC if naive).")
    def expire_negotiations(now: str | None) -> None:
        """Expire negotiations whose last move waited more than NEGOTIATION_EXPIRY_DAYS."""
        moment = None
        if now:
            moment = datetime.fromisoformat(now)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
        count = expire_stale_moves(moment)
        click.echo(f"expired negotiations: {count}")
