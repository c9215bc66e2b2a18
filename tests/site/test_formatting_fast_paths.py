"""The display formats write numbers and dates without Babel's pattern machinery on every call
(a market page formats hundreds); they must say exactly what Babel says, in both languages."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, format_date, format_datetime, format_decimal

from exchange.i18n import decimal, km, number, rupiah, short_date, short_datetime

NUMBERS = [0, 7, 999, 1000, 12_500, -12_500, 1_234_567, 10**12 + 3, -5]


@pytest.mark.parametrize("locale", ["id", "en"])
def test_whole_numbers_and_rupiah_are_grouped_as_babel_does(app, locale):
    with app.test_request_context(), force_locale(locale):
        for n in NUMBERS:
            assert number(n) == format_decimal(n, format="#,##0")
            assert rupiah(n) == "Rp\u00a0" + format_decimal(n, format="#,##0")
        assert number(2.5) == format_decimal(2.5, format="#,##0.#")


@pytest.mark.parametrize("locale", ["id", "en"])
def test_dates_and_wib_days_are_written_as_babel_does(app, locale):
    with app.test_request_context(), force_locale(locale):
        for k in range(0, 366, 17):
            day = date(2027, 1, 1) + timedelta(days=k)
            assert short_date(day) == format_date(day, "d MMM yyyy")
            # 17:30 UTC is already the next day in WIB (UTC+7)
            moment = datetime(day.year, day.month, day.day, 17, 30, tzinfo=UTC)
            assert short_date(moment) == format_datetime(moment, "d MMM yyyy")
        assert short_date(date(2027, 5, 4)) == ("4 Mei 2027" if locale == "id" else "4 May 2027")


@pytest.mark.parametrize("locale", ["id", "en"])
def test_times_are_written_in_wib_as_babel_does(app, locale):
    with app.test_request_context(), force_locale(locale):
        start = datetime(2027, 1, 1, 0, 5, tzinfo=UTC)
        for k in range(0, 366 * 24, 97):  # every month, at hours and minutes all round the clock
            moment = start + timedelta(hours=k, minutes=k % 60)
            # the locale's own separator: 14.14 in Indonesian, 14:14 in English (issue 27)
            pattern = "d MMM yyyy HH.mm" if locale == "id" else "d MMM yyyy HH:mm"
            expected = format_datetime(moment, pattern) + " WIB"
            assert short_datetime(moment) == expected
            assert short_datetime(moment.replace(tzinfo=None)) == expected  # naive: UTC
        assert short_datetime(datetime(2027, 5, 4, 17, 5, tzinfo=UTC)) == (
            "5 Mei 2027 00.05 WIB" if locale == "id" else "5 May 2027 00:05 WIB"
        )


DECIMALS = [0, 0.0, -0.0, 0.05, 0.15, 0.25, 0.35, 0.45, -0.04, -0.05, 2.5, 999.95, 12, 34.349]
DECIMALS += [1234567.891, 1e-9, Decimal("2.50"), Decimal("-0.05"), 7.0, 10.25, 123456.75]


@pytest.mark.parametrize("locale", ["id", "en"])
def test_decimals_and_distances_round_and_group_as_babel_does(app, locale):
    """Half-even rounding of the value's decimal text (0.35 -> 0.4, 0.25 -> 0.2), the signed zero
    and the grouping: as Babel's ``#,##0.#`` patterns say."""
    values = DECIMALS + [k * 0.0137 for k in range(-500, 4000, 7)]
    with app.test_request_context(), force_locale(locale):
        for v in values:
            for places in (0, 1, 2):
                pattern = "#,##0." + "#" * places if places else "#,##0"
                assert decimal(v, places) == format_decimal(v, format=pattern), (v, places)
                assert km(v, places) == format_decimal(v, format=pattern) + " km"
            assert number(v) == (
                format_decimal(v, format="#,##0.#")
                if v != int(v)
                else format_decimal(int(v), format="#,##0")
            )
        assert decimal(1234.5) == ("1.234,5" if locale == "id" else "1,234.5")
