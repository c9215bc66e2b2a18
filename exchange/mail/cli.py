import click

from exchange.mail.outbox import deliver_pending


def register(cli):
    @cli.command("send-mail")
    def send_mail_cmd():
        """Deliver due messages from the outbox (retries temporary failures)."""
        counts = deliver_pending()
        click.echo(f"sent={counts['sent']} retry={counts['retry']} failed={counts['failed']}")
