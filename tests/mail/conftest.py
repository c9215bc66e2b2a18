"""A real SMTP server (aiosmtpd) on a free local port, and the app pointed at it."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller


class Recorder:
    """Keeps what the server received; ``refuse`` makes it answer 550."""

    def __init__(self):
        self.messages: list = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp_server(app, smtp_port):
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_port)
    yield handler
    controller.stop()


@pytest.fixture
def smtp_config(app, smtp_port):
    """The app pointed at an SMTP port where nothing listens (yet)."""
    app.config.update(
        MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_port, SMTP_TIMEOUT=3
    )
    return smtp_port
