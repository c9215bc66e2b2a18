from datetime import date

import click

from exchange.listings.services import expire_listings


def register(cli):
    @cli.command("expire-listings")
    @click.option("--today", help="The day to expire against (YYYY-MM-DD); default today in WIB.")
    def expire_listings_cmd(today):
        """Mark active listings whose handover window has passed as expired."""
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--today") from exc
        click.echo(f"expired={expire_listings(day)}")
