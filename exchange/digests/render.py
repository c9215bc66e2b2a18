"""Turning a Digest into an e-mail (text + light HTML) in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import gettext

from exchange import i18n
from exchange.digests.builder import Digest, share_text, whatsapp_link


class BabelFormatter:
    """The builder's Formatter over Flask-Babel: call it inside ``force_locale``."""

    def __init__(self, locale: str):
        self.locale = locale

    def gettext(self, msgid: str, **variables) -> str:
        return gettext(msgid, **variables)

    def rupiah(self, value: int) -> str:
        return i18n.rupiah(value)

    def number(self, value: int) -> str:
        return i18n.number(value)

    def date(self, value) -> str:
        return i18n.short_date(value)

    def datetime(self, value) -> str:
        return i18n.short_datetime(value)


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str


def render_email(digest: Digest, unsubscribe_url: str, preferences_url: str) -> RenderedDigest:
    """Render both parts; call inside ``force_locale(reader's locale)``."""
    context = {
        "digest": digest,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": preferences_url,
        # the same prefilled WhatsApp text as the digest page's share button
        "share_url": whatsapp_link(share_text(digest)),
    }
    return RenderedDigest(
        subject=digest.heading,
        text=render_template("digests/email.txt", **context),
        html=render_template("digests/email.html", **context),
    )
