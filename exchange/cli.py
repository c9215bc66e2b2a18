"""``flask --app wsgi exchange ...``: every domain adds its commands to this group."""

import click
from flask.cli import AppGroup

from exchange.auth.cli import register as auth_cmds
from exchange.catalogue.cli import register as catalogue_cmds
from exchange.dashboard.cli import register as dashboard_cmds
from exchange.deals.cli import register as deal_cmds
from exchange.demo import register as demo_cmds
from exchange.jobs.cli import register as job_cmds
from exchange.listings.cli import register as listings_cmds
from exchange.mail.cli import register as mail_cmds
from exchange.matching.cli import register as matching_cmds
from exchange.scheduler.cli import register as scheduler_cmds
from exchange.whatsapp.cli import register as whatsapp_cmds

cli = AppGroup("exchange", help="Bursa Pesantren commands.")


def _register():
    for register in (
        auth_cmds,
        mail_cmds,
        catalogue_cmds,
        listings_cmds,
        matching_cmds,
        deal_cmds,
        scheduler_cmds,
        job_cmds,
        demo_cmds,
        dashboard_cmds,
        whatsapp_cmds,
    ):
        register(cli)


_register()

__all__ = ["cli", "click"]
