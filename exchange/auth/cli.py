import click

from exchange.auth.policy import Role
from exchange.auth.services import create_user
from exchange.errors import DomainError


def register(cli):
    @cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--password", required=True)
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--name", default="")
    @click.option(
        "--pesantren",
        "pesantren_id",
        type=int,
        default=None,
        help="The pesantren a manager acts for (its id).",
    )
    def create_user_cmd(email, password, role, name, pesantren_id):
        """Create an account (the first staff account, scripts)."""
        try:
            user = create_user(email, password, role, name=name, pesantren_id=pesantren_id)
        except DomainError as exc:
            raise click.ClickException(str(exc.message)) from exc
        click.echo(f"created user {user.id} <{user.email}> role={user.role}")
