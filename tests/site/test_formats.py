"""One formatter for each kind of number, in the reader's language, and one parser for input."""

import pytest

from exchange import i18n
from exchange.numbers import parse_decimal, parse_whole


def _in(app, locale):
    ctx = app.test_request_context("/", headers={"Cookie": f"lang={locale}"})
    ctx.push()
    return ctx


@pytest.mark.parametrize(
    ("locale", "km", "rating", "pct", "rp", "qty"),
    [
        ("id", "34,3 km", "4,5 / 5", "14,5%", "Rp\u00a012.500", "2.050 kg"),
        ("en", "34.3 km", "4.5 / 5", "14.5%", "Rp\u00a012,500", "2,050 kg"),
    ],
)
def test_formats_follow_the_readers_language(app, locale, km, rating, pct, rp, qty):
    ctx = _in(app, locale)
    try:
        assert i18n.km(34.27) == km
        assert i18n.rating(4.5) == rating
        assert i18n.percent(0.145) == pct
        assert i18n.rupiah(12500) == rp
        assert i18n.quantity(2050, "kg") == qty
        assert i18n.akad("salam") == ("Akad Salam" if locale == "id" else "Salam")
    finally:
        ctx.pop()


def test_akad_names_are_translated_for_english_readers(app):
    ctx = _in(app, "en")
    try:
        assert "salam" not in i18n.akad("salam").split()  # a name, not the stored code
    finally:
        ctx.pop()


@pytest.mark.parametrize(
    ("text", "value"),
    [("12500", 12500), ("12.500", 12500), ("Rp 12.500", 12500), ("Rp12.500", 12500), ("-5", -5)],
)
def test_one_parser_reads_rupiah_and_quantities(text, value):
    assert parse_whole(text) == value


@pytest.mark.parametrize("text", ["12,5", "12,500", "1.23", "dua belas", "", "12.50.0"])
def test_the_parser_refuses_what_is_not_a_whole_amount(text):
    with pytest.raises(ValueError):
        parse_whole(text)


def test_decimals_take_a_comma_or_a_point():
    assert parse_decimal("2,5") == parse_decimal("2.5") == 2.5
    assert parse_decimal("1.234,5") == 1234.5
