"""Mail senders: .eml files for development, SMTP for production and the SMTP tests."""

from __future__ import annotations

import binascii
import contextlib
import re
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path


class TemporaryFailure(Exception):
    """Try again later (server down, 4xx reply)."""


class PermanentFailure(Exception):
    """Do not retry (5xx reply: bad address, refused)."""


@dataclass(frozen=True)
class RawMessage:
    """A message ready for the wire: the envelope and the bytes (CRLF line ends)."""

    sender: str
    to: str
    data: bytes


class MessageWriter:
    """Builds the bytes of a message directly, without the ``email`` package's object tree.

    ``EmailMessage`` builds and flattens a tree per message (about 8 ms each); a digest run sends
    thousands, so the constant parts (From, the boundary, the part headers) are made once per
    writer and each message only encodes its own bodies (quoted-printable, in C) and headers.
    The boundary starts with ``=_``, which quoted-printable text can never contain.
    """

    def __init__(self, config):
        self.from_header = _header_value(config["MAIL_FROM"])
        self.sender = parseaddr(config["MAIL_FROM"])[1] or config["MAIL_FROM"]
        self.boundary = "=_bursa_" + secrets.token_hex(12)
        self.text_part = (
            f"--{self.boundary}\r\n"
            'Content-Type: text/plain; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        ).encode()
        self.html_part = (
            f"\r\n--{self.boundary}\r\n"
            'Content-Type: text/html; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        ).encode()
        self.end = f"\r\n--{self.boundary}--\r\n".encode()

    def write(self, *, to, subject, text, html=None, headers=None) -> RawMessage:
        lines = [
            f"From: {self.from_header}",
            f"To: {_header_value(to)}",
            f"Subject: {_header_value(subject)}",
            f"Date: {formatdate()}",
            f"Message-ID: {make_msgid(domain='bursa-pesantren.local')}",
            "MIME-Version: 1.0",
        ]
        lines += [f"{_header_name(k)}: {_header_value(v)}" for k, v in (headers or {}).items()]
        if html:
            lines.append(f'Content-Type: multipart/alternative; boundary="{self.boundary}"')
            head = ("\r\n".join(lines) + "\r\n\r\n").encode()
            body = self.text_part + _qp(text) + self.html_part + _qp(html) + self.end
        else:
            lines.append('Content-Type: text/plain; charset="utf-8"')
            lines.append("Content-Transfer-Encoding: quoted-printable")
            head = ("\r\n".join(lines) + "\r\n\r\n").encode()
            body = _qp(text) + b"\r\n"
        return RawMessage(self.sender, to, head + body)


def _qp(text: str) -> bytes:
    encoded = binascii.b2a_qp(text.encode("utf-8"), istext=True)
    return encoded.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _header_name(name: str) -> str:
    if not _TOKEN.fullmatch(name):
        raise ValueError(f"bad mail header name {name!r}")
    return name


def _header_value(value) -> str:
    """One line (no header injection); RFC 2047 words when it is not ASCII."""
    value = " ".join(str(value).splitlines())
    if value.isascii():
        return value
    return Header(value, "utf-8", maxlinelen=10_000).encode()


_TOKEN = re.compile(r"[A-Za-z0-9-]+")


def _raw(message) -> RawMessage:
    if isinstance(message, RawMessage):
        return message
    sender = parseaddr(message["From"])[1]
    return RawMessage(sender, message["To"], bytes(message))


class FileBackend:
    def __init__(self, config):
        self.directory = Path(config["MAIL_FILE_DIR"])

    def send(self, message: RawMessage | EmailMessage, key: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / f"{key}.eml").write_bytes(_raw(message).data)

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

    def send(self, message: RawMessage | EmailMessage, key: str) -> None:
        raw = _raw(message)
        if self.conn is None:
            self.conn = self._connect()
        try:
            self.conn.sendmail(raw.sender, [raw.to], raw.data)
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
