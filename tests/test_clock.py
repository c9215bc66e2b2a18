"""The one clock: tests set it, and every "today in WIB" of the app follows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from exchange import clock
from exchange.db import utcnow
from tests.site.test_form_feedback import _signed

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def test_frozen_clock_sets_now_and_today_in_wib_then_runs_again():
    evening_utc = datetime(2027, 1, 4, 17, 30, tzinfo=UTC)  # 00.30 WIB on 5 January
    with clock.frozen(evening_utc):
        assert utcnow() == evening_utc  # the column defaults read the same clock
        assert clock.now_wib().hour == 0
        assert clock.today_wib() == date(2027, 1, 5)
    assert clock.utcnow() != evening_utc


def test_the_clock_refuses_a_naive_time():
    with pytest.raises(ValueError):
        clock.set_now(datetime(2027, 1, 4, 12, 0))


def test_the_deal_page_dates_a_payment_on_the_frozen_wib_day(app, client, auth):
    _, buyer_email, deal_id = _signed(app)
    auth.login(buyer_email)
    with clock.frozen(datetime(2027, 1, 4, 17, 30, tzinfo=UTC)):
        page = client.get(f"/kesepakatan/{deal_id}")
    assert 'value="2027-01-05"' in page.text


def test_now_given_to_a_command_is_wib_without_a_zone():
    from datetime import UTC, datetime

    from exchange.clock import WIB, parse_now

    assert parse_now("2027-01-04T06:00") == datetime(2027, 1, 4, 6, 0, tzinfo=WIB)
    assert parse_now("2027-01-04T06:00+00:00") == datetime(2027, 1, 4, 6, 0, tzinfo=UTC)
