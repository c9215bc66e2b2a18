import click

from exchange.catalogue.reference import load_reference_data


def register(cli):
    @cli.command("load-reference")
    def load_reference_cmd():
        """Insert missing regencies and commodities from exchange/data/."""
        r, c = load_reference_data()
        click.echo(f"regencies added={r} commodities added={c}")
