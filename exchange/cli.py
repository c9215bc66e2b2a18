"""``flask --app wsgi exchange ...``: every domain adds its commands to this group."""

import click
from flask.cli import AppGroup

cli = AppGroup("exchange", help="Bursa Pesantren commands.")


def _register():
    from exchange.auth.cli import register as auth_cmds
    from exchange.mail.cli import register as mail_cmds
    from exchange.matching.cli import register as matching_cmds
    from exchange.pesantren.cli import register as pesantren_cmds

    for register in (auth_cmds, mail_cmds, matching_cmds, pesantren_cmds):
        register(cli)


_register()

__all__ = ["cli", "click"]
