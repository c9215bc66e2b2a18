"""``flask --app wsgi exchange expire-negotiations``: expire unanswered moves."""

from __future__ import annotations

import click

from exchange.clock import parse_now
from exchange.deals.services import expire_stale_moves


def register(cli) -> None:
    @cli.command("expire-negotiations")
    @click.option("--now", default=None, help="Pretend it is this time (ISO 8601; WIB if naive).")
    def expire_negotiations(now: str | None) -> None:
        """Expire negotiations whose last move waited more than NEGOTIATION_EXPIRY_DAYS."""
        count = expire_stale_moves(parse_now(now) if now else None)
        click.echo(f"expired negotiations: {count}")
