import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange.deals.bundle import Leg, settle


def test_the_bigger_buyer_pays_the_difference():
    salt = Leg(seller_id=1, buyer_id=2, total=1_500_000)
    rice = Leg(seller_id=2, buyer_id=1, total=1_200_000)
    s = settle(salt, rice)
    assert (s.debtor_id, s.creditor_id, s.net) == (2, 1, 300_000)
    s = settle(rice, salt)
    assert (s.debtor_id, s.creditor_id, s.net) == (2, 1, 300_000)


def test_equal_legs_cancel_out():
    s = settle(Leg(1, 2, 100), Leg(2, 1, 100))
    assert (s.debtor_id, s.net) == (None, 0)


def test_legs_must_run_both_ways():
    with pytest.raises(ValueError):
        settle(Leg(1, 2, 100), Leg(1, 2, 100))


@given(st.integers(0, 10**12), st.integers(0, 10**12))
def test_net_is_the_difference_of_the_two_totals(a, b):
    s = settle(Leg(1, 2, a), Leg(2, 1, b))
    assert s.net == abs(a - b)
    if a != b:
        assert s.debtor_id == (2 if a > b else 1)
