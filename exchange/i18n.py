"""Language choice and the display formats: Rupiah, dates and times in WIB."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale, gettext
from flask_login import current_user

from exchange.akad import AKAD_LABELS
from exchange.clock import today_wib

LANG_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def rupiah(value) -> str:
    """``Rp 12.500`` (Indonesian grouping; English readers get ``Rp 12,500``)."""
    if value is None:
        return "-"
    return "Rp\u00a0" + format_decimal(int(value), format="#,##0")


def number(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float | Decimal) and value != int(value):
        return format_decimal(value, format="#,##0.#")
    return format_decimal(int(value), format="#,##0")


def decimal(value, places: int = 1) -> str:
    """``34,3`` in Indonesian, ``34.3`` in English: up to ``places`` decimals, grouped."""
    if value is None:
        return "-"
    return format_decimal(value, format="#,##0." + "#" * places if places else "#,##0")


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


def short_date(value: date | datetime | None) -> str:
    """``4 Jan 2027``; datetimes are shown on their WIB calendar day."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return format_datetime(value, "d MMM yyyy")
    return format_date(value, "d MMM yyyy")


def short_datetime(value: datetime | None) -> str:
    """``4 Jan 2027 10.00 WIB``."""
    if value is None:
        return "-"
    return format_datetime(value, "d MMM yyyy HH.mm") + " WIB"


def register_formatting(app: Flask) -> None:
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
    )

    app.jinja_env.globals["today_wib"] = today_wib

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale() or "id")}
