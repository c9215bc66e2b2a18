"""The demo data of ``make seed`` and ``make run``: each domain's demo, in dependency order.

Each domain seeds its own rows (``<domain>/demo.py``); this module only orders them, so no
domain's demo reaches into another's.
"""

from __future__ import annotations

import click

from exchange.catalogue.reference import load_reference_data
from exchange.deals.demo import seed_demo_deals
from exchange.listings.demo import seed_demo_listings
from exchange.matching.services import run_clearing
from exchange.netting.demo import seed_demo_netting
from exchange.pesantren.demo import DEMO_PASSWORD, demo_is_loaded, seed_demo_pesantren

__all__ = ["DEMO_PASSWORD", "register", "seed_demo", "seed_everything"]


def seed_demo() -> dict:
    """The market: pesantren across the 38 regencies, their managers, staff, admin, listings."""
    load_reference_data(commit=False)  # the regencies and the commodity catalogue
    counts = seed_demo_pesantren()
    counts["listings"] = seed_demo_listings()
    return counts


def seed_everything(echo=lambda line: None) -> None:
    """The market, a first clearing run (managers find proposals at once), deals and netting."""
    echo(_counts(seed_demo()))
    run = run_clearing()
    echo(f"clearing run {run.id}: proposals={run.proposals_count}")
    echo(_counts(seed_demo_deals()))
    echo(_counts(seed_demo_netting()))


def _counts(counts: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in counts.items())


def register(cli) -> None:
    @cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when pesantren already exist.")
    def seed_demo_cmd(if_empty):
        """Load demo data: pesantren across the 38 regencies, their managers, staff, admin."""
        if demo_is_loaded():
            if if_empty:
                click.echo("database already has data; demo data not loaded")
                return
            raise click.ClickException("the database already has pesantren; use an empty one")
        seed_everything(click.echo)
