import click


def register(cli):
    @cli.command("rebuild-facts")
    def rebuild_facts_cmd():
        """Rewrite every signed contract's row of contract_facts from the deals, terms and
        contracts (the services keep it up to date; this is for data loaded around them)."""
        from exchange.dashboard.facts import rebuild
        from exchange.extensions import db

        n = rebuild(db.session)
        db.session.commit()
        click.echo(f"contract facts: {n}")
