import click


def register(cli):
    @cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when pesantren already exist.")
    def seed_demo_cmd(if_empty):
        """Load demo data: pesantren across the 38 regencies, their managers, staff, admin."""
        from exchange.pesantren.demo import demo_is_loaded, seed_demo

        if demo_is_loaded():
            if if_empty:
                click.echo("database already has data; demo data not loaded")
                return
            raise click.ClickException("the database already has pesantren; use an empty one")
        counts = seed_demo()
        click.echo(", ".join(f"{k}={v}" for k, v in counts.items()))
        # A first clearing run, so that managers find proposals on their dashboard at once.
        from exchange.matching.services import run_clearing

        run = run_clearing()
        click.echo(f"clearing run {run.id}: proposals={run.proposals_count}")
        from exchange.deals.demo import seed_demo_deals

        deals = seed_demo_deals()
        click.echo(", ".join(f"{k}={v}" for k, v in deals.items()))
        from exchange.netting.demo import seed_demo_netting

        click.echo(", ".join(f"{k}={v}" for k, v in seed_demo_netting().items()))

    @cli.command("load-reference")
    def load_reference_cmd():
        """Insert missing regencies and commodities from exchange/data/."""
        from exchange.catalogue.reference import load_reference_data

        r, c = load_reference_data()
        click.echo(f"regencies added={r} commodities added={c}")
