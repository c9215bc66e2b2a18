"""Mail senders: .eml files for development, SMTP for production and the SMTP tests."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path


class TemporaryFailure(Exception):
    """Try again later (server down, 4xx reply)."""


class PermanentFailure(Exception):
    """Do not retry (5xx reply: bad address, refused)."""


def build_message(config, *, to, subject, text, html=None, headers=None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="bursa-pesantren.local")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


class FileBackend:
    def __init__(self, config):
        self.directory = Path(config["MAIL_FILE_DIR"])

    def send(self, message: EmailMessage, key: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / f"{key}.eml").write_bytes(bytes(message))

    def close(self) -> None:
        pass


class SMTPBackend:
    """One connection reused for a batch; 4xx and connection errors are temporary."""

    def __init__(self, config):
        self.config = config
        self.conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        try:
            if c["SMTP_SSL"]:
                conn = smtplib.SMTP_SSL(
                    c["SMTP_HOST"],
                    c["SMTP_PORT"],
                    timeout=c["SMTP_TIMEOUT"],
                    context=ssl.create_default_context(),
                )
            else:
                conn = smtplib.SMTP(c["SMTP_HOST"], c["SMTP_PORT"], timeout=c["SMTP_TIMEOUT"])
                if c["SMTP_TLS"]:
                    conn.starttls(context=ssl.create_default_context())
            if c["SMTP_USER"]:
                conn.login(c["SMTP_USER"], c["SMTP_PASSWORD"])
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"connect: {exc}") from exc
        return conn

    def send(self, message: EmailMessage, key: str) -> None:
        if self.conn is None:
            self.conn = self._connect()
        try:
            self.conn.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(str(exc.recipients)) from exc
            raise TemporaryFailure(str(exc.recipients)) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            if exc.smtp_code >= 500:
                raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            raise TemporaryFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise TemporaryFailure(str(exc)) from exc

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.conn.quit()
            self.conn = None


def make_backend(config):
    backends = {"files": FileBackend, "smtp": SMTPBackend}
    try:
        return backends[config["MAIL_BACKEND"]](config)
    except KeyError:
        raise ValueError(f"unknown EXCHANGE_MAIL_BACKEND {config['MAIL_BACKEND']!r}") from None
