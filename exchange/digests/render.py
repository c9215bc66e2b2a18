"""Turning a Digest into an e-mail (text + light HTML) in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import get_translations

from exchange import i18n
from exchange.digests.builder import Digest, share_text, whatsapp_link


class BabelFormatter:
    """The builder's Formatter over Flask-Babel: make it inside ``force_locale``.

    A digest run formats hundreds of thousands of numbers and messages: the translations are
    looked up once per formatter, and formatted numbers and dates are kept per locale (the same
    prices and quantities recur across readers).
    """

    _memo: dict = {}  # (locale, kind, value) -> text; bounded by the values a run meets

    def __init__(self, locale: str):
        self.locale = locale
        self._translations = get_translations()

    def gettext(self, msgid: str, **variables) -> str:
        text = self._translations.ugettext(msgid)
        return text % variables if variables else text

    def _cached(self, kind: str, value, format_) -> str:
        key = (self.locale, kind, value)
        text = self._memo.get(key)
        if text is None:
            if len(self._memo) > 200_000:
                self._memo.clear()
            text = self._memo[key] = format_(value)
        return text

    def rupiah(self, value: int) -> str:
        return self._cached("rupiah", value, i18n.rupiah)

    def number(self, value: int) -> str:
        return self._cached("number", value, i18n.number)

    def date(self, value) -> str:
        return self._cached("date", value, i18n.short_date)

    def datetime(self, value) -> str:
        return i18n.short_datetime(value)


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str


def render_email(
    digest: Digest, unsubscribe_url: str, preferences_url: str, fmt: BabelFormatter | None = None
) -> RenderedDigest:
    """Render both parts; call inside ``force_locale(reader's locale)``. With the reader's
    ``fmt``, the templates translate through it (its translations are already looked up)."""
    context = {
        "digest": digest,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": preferences_url,
        # the same prefilled WhatsApp text as the digest page's share button
        "share_url": whatsapp_link(share_text(digest)),
    }
    if fmt is not None:
        context["_"] = fmt.gettext
    return RenderedDigest(
        subject=digest.heading,
        text=render_template("digests/email.txt", **context),
        html=render_template("digests/email.html", **context),
    )
