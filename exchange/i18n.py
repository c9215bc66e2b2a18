"""Language choice and the display formats: Rupiah, dates and times in WIB."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import format_decimal, get_locale, gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape

from exchange.akad import AKAD_LABELS
from exchange.clock import WIB, today_wib
from exchange.phones import masked

LANG_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        # The API reads no cookie or session: the client says its language in Accept-Language.
        best = request.accept_languages.best_match(languages)
        return best or current_app.config["BABEL_DEFAULT_LOCALE"]
    if g.get("database_unavailable"):
        # The 503 page of a database that does not answer: no user to read, so the language
        # cookie, else the browser's (site/outage.py).
        chosen = request.cookies.get(LANG_COOKIE)
        if chosen in languages:
            return chosen
        best = request.accept_languages.best_match(languages)
        return best or current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@lru_cache(maxsize=16)
def _conventions(locale: str) -> tuple[str, tuple[str, ...], str]:
    """The locale's grouping symbol, abbreviated month names (1-12) and decimal symbol, from
    Babel once."""
    months = Locale.parse(locale).months["format"]["abbreviated"]
    return (
        get_group_symbol(locale),
        tuple(months[m] for m in range(1, 13)),
        get_decimal_symbol(locale),
    )


@lru_cache(maxsize=16)
def _time_separator(locale: str) -> str:
    """Between hours and minutes: ``14.14`` in Indonesian, ``14:14`` in English (the character
    after the hours in the locale's short time pattern)."""
    from babel.dates import get_time_format

    pattern = get_time_format("short", locale=locale).pattern
    after = pattern.lstrip("Hh")
    return after[0] if after and not after[0].isalpha() else ":"


def _locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _grouped(value: int) -> str:
    """``format_decimal(value, format="#,##0")`` for a whole number, without Babel's pattern
    machinery on every call (a market page formats a few hundred numbers)."""
    return f"{value:,}".replace(",", _conventions(_locale())[0])


def rupiah(value) -> str:
    """``Rp 12.500`` (Indonesian grouping; English readers get ``Rp 12,500``)."""
    if value is None:
        return "-"
    return "Rp\u00a0" + _grouped(int(value))


def number(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float | Decimal) and value != int(value):
        return _places(value, 1)
    return _grouped(int(value))


def _places(value, places: int) -> str:
    """``format_decimal(value, format="#,##0.##")`` with ``places`` optional decimals, without
    Babel's pattern machinery (the partner and proposal cards write one per row): Babel's
    rounding (half even, on the value's decimal text) and its signed zero."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    group, _months, point = _conventions(_locale())
    text = f"{int(whole):,}".replace(",", group)
    fraction = fraction.rstrip("0")
    return ("-" if rounded.is_signed() else "") + text + (point + fraction if fraction else "")


def decimal(value, places: int = 1) -> str:
    """``34,3`` in Indonesian, ``34.3`` in English: up to ``places`` decimals, grouped."""
    if value is None:
        return "-"
    return _places(value, places)


def km(value, places: int = 1) -> str:
    """A distance: ``34,3 km`` (id) / ``34.3 km`` (en)."""
    if value is None:
        return "-"
    return decimal(value, places) + " km"


def rating(value) -> str:
    """An average rating: ``4,5 / 5`` (id) / ``4.5 / 5`` (en)."""
    if value is None:
        return "-"
    return format_decimal(value, format="0.0") + " / 5"


def percent(value, places: int = 1) -> str:
    """A share (0.145) as ``14,5%`` (id) / ``14.5%`` (en)."""
    if value is None:
        return "-"
    return decimal(float(value) * 100, places) + "%"


def quantity(value, unit: str | None = None) -> str:
    """``2.050 kg`` / ``2,050 kg``: an amount of goods with its unit."""
    text = number(value)
    return f"{text} {unit}" if unit and value is not None else text


def akad(code) -> str:
    """An akad's name in the reader's language ("Akad Salam"), never the stored code; the names
    are the contract rules' (``exchange.akad.AKAD_LABELS``)."""
    return gettext(AKAD_LABELS[code]) if code in AKAD_LABELS else str(code)


def _wib(value: datetime) -> datetime:
    if value.tzinfo is None:  # Babel reads a naive datetime as UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(WIB)


def short_date(value: date | datetime | None) -> str:
    """``4 Jan 2027``; datetimes are shown on their WIB calendar day."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = _wib(value)
    return f"{value.day} {_conventions(_locale())[1][value.month - 1]} {value.year}"


def short_datetime(value: datetime | None) -> str:
    """``4 Jan 2027 10.00 WIB`` (id) / ``4 Jan 2027 10:00 WIB`` (en): a 24-hour clock in WIB
    with the locale's separator, without Babel's pattern machinery on every call (the deal
    lists show one per row)."""
    if value is None:
        return "-"
    value = _wib(value)
    locale = _locale()
    month = _conventions(locale)[1][value.month - 1]
    sep = _time_separator(locale)
    return f"{value.day} {month} {value.year} {value.hour:02d}{sep}{value.minute:02d} WIB"


def _lazy_text_as_html(self) -> Markup:
    """A lazy message is text: its ``%(name)s`` values are whatever the caller passed (a filter
    value from the query string, a name typed into a form), so it is escaped like any string."""
    return escape(str(self))


def escape_lazy_strings() -> None:
    """Make Flask-Babel's lazy strings escape when rendered.

    Flask-Babel's ``LazyString.__html__`` returns the text as it is, so Jinja's autoescape and
    MarkupSafe took every ``lazy_gettext(..., value=user_input)`` for markup already made safe:
    the market echoed its filter values into the page unescaped. No message of ours holds
    markup (``tests/site/test_markup_escaped.py`` checks the catalogue), so escaping them all is
    right. Process-wide and idempotent; called once by ``register_formatting``.
    """
    LazyString.__html__ = _lazy_text_as_html


def register_formatting(app: Flask) -> None:
    escape_lazy_strings()
    app.jinja_env.filters.update(
        rupiah=rupiah,
        number=number,
        decimal=decimal,
        km=km,
        rating=rating,
        percent=percent,
        quantity=quantity,
        akad=akad,
        date=short_date,
        datetime=short_datetime,
        masked_phone=masked,
    )

    app.jinja_env.globals["today_wib"] = today_wib

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale() or "id")}
