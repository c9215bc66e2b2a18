import click

from exchange.matching.services import run_clearing


def register(cli):
    @cli.command("match")
    def match_cmd():
        """Run the clearing: match every active listing's remaining quantity and store the
        proposals (earlier untouched proposals are superseded)."""
        run = run_clearing()
        t = run.timings
        click.echo(
            f"run {run.id}: listings={run.listings_count} pairs={run.candidate_pairs} "
            f"proposals={run.proposals_count} welfare=Rp {run.welfare:,} "
            f"time={t['total_ms']:.0f} ms (load {t['load_ms']:.0f}, solve {t['solve_ms']:.0f}, "
            f"store {t['store_ms']:.0f})".replace(",", ".")
        )
