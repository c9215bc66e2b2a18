"""``flask exchange whatsapp-sandbox`` (a local Cloud API that prints what it receives) and
``flask exchange whatsapp-reply`` (a signed webhook to the app, as if a manager replied)."""

from __future__ import annotations

import json
import time
import urllib.request

import click
from flask import current_app

from exchange.whatsapp import sandbox, templates
from exchange.whatsapp.webhook import signature

SANDBOX_PHONE_NUMBER_ID = "100000000000001"
SANDBOX_TOKEN = "sandbox-token"  # noqa: S105 - the local stand-in's credential


def register(cli):
    @cli.command("whatsapp-sandbox")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5198, show_default=True, type=int)
    def sandbox_cmd(host, port):
        """Run a local WhatsApp Cloud API that prints every template message it accepts."""
        config = current_app.config
        box = sandbox.Sandbox(
            phone_number_id=str(config.get("WHATSAPP_PHONE_NUMBER_ID") or SANDBOX_PHONE_NUMBER_ID),
            token=str(config.get("WHATSAPP_TOKEN") or SANDBOX_TOKEN),
        )
        site = config["BASE_URL"]

        def show(message: sandbox.Accepted) -> None:
            text = templates.preview(
                message.template, message.language, message.body, message.button, site=site
            )
            click.echo(
                f"--- to +{message.to} ({message.template}, {message.language}) {message.id}"
            )
            click.echo(text, nl=True)

        box.on_accept = show
        server = sandbox.serve(box, host, port)
        click.echo(f"WhatsApp sandbox at http://{host}:{port}/v21.0 (Ctrl+C stops it). The app:")
        click.echo(f"  EXCHANGE_WHATSAPP_API_BASE=http://{host}:{port}/v21.0")
        click.echo(f"  EXCHANGE_WHATSAPP_PHONE_NUMBER_ID={box.phone_number_id}")
        click.echo(f"  EXCHANGE_WHATSAPP_TOKEN={box.token}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
            server.server_close()

    @cli.command("whatsapp-reply")
    @click.argument("phone")
    @click.argument("text")
    @click.option("--url", default=None, help="The app's webhook (default: BASE_URL's).")
    def reply_cmd(phone, text, url):
        """Send the app a signed webhook as if PHONE (digits, 628...) replied TEXT."""
        config = current_app.config
        secret = str(config.get("WHATSAPP_APP_SECRET") or "")
        if not secret:
            raise click.ClickException("set EXCHANGE_WHATSAPP_APP_SECRET (the app's and this one)")
        wa_id = phone.lstrip("+")
        payload = {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "0",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "contacts": [{"wa_id": wa_id, "profile": {"name": wa_id}}],
                                "messages": [
                                    {
                                        "from": wa_id,
                                        "id": f"wamid.reply{int(time.time())}",
                                        "timestamp": str(int(time.time())),
                                        "type": "text",
                                        "text": {"body": text},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
        raw = json.dumps(payload).encode()
        target = url or config["BASE_URL"].rstrip("/") + "/whatsapp/webhook"
        if not target.startswith(("https://", "http://")):
            raise click.ClickException("the webhook URL must be http(s)")
        request = urllib.request.Request(  # noqa: S310 - the operator's own app
            target,
            data=raw,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": signature(secret, raw),
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
            click.echo(f"{response.status} from {target}")
