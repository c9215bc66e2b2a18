"""The display formats write numbers and dates without Babel's pattern machinery on every call
(a market page formats hundreds); they must say exactly what Babel says, in both languages."""

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale, format_date, format_datetime, format_decimal

from exchange.i18n import number, rupiah, short_date, short_datetime

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
            expected = format_datetime(moment, "d MMM yyyy HH.mm") + " WIB"
            assert short_datetime(moment) == expected
            assert short_datetime(moment.replace(tzinfo=None)) == expected  # naive: UTC
        assert short_datetime(datetime(2027, 5, 4, 17, 5, tzinfo=UTC)) == (
            "5 Mei 2027 00.05 WIB" if locale == "id" else "5 May 2027 00.05 WIB"
        )
