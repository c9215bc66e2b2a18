"""The mail tests' real SMTP server (aiosmtpd) for the digest tests that follow sent mail."""

from tests.mail.conftest import smtp_port, smtp_server  # noqa: F401 - fixtures
