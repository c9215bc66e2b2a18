from datetime import date

import pytest

from exchange.netting.eligibility import Candidate, eligible, reasons

H = date(2027, 1, 31)


def debt(**kw):
    base = {
        "akad": "tempo",
        "state": "signed",
        "outstanding": 1000,
        "payment_due_date": date(2027, 1, 10),
    }
    return Candidate(**{**base, **kw})


def test_a_tempo_or_murabahah_debt_due_in_the_horizon_may_enter():
    assert eligible(debt(), H)
    assert eligible(debt(akad="murabahah", state="received"), H)
    # a leg of a bundle settles with its bundle (issue 25: partly set off, it never could)
    assert not eligible(debt(bundle_leg=True), H)


@pytest.mark.parametrize(
    "kw",
    [
        {"akad": "salam"},
        {"akad": "istisna"},
        {"akad": "tunai"},
        {"state": "disputed"},
        {"disputed": True},
        {"state": "completed"},
        {"state": "cancelled"},
        {"outstanding": 0},
        {"payment_due_date": date(2027, 2, 1)},
        {"payment_due_date": None},
        {"bundle_leg": True, "ribawi": True},
        {"bundle_leg": True, "bundle_settled": True},
    ],
)
def test_every_other_debt_is_refused_with_a_reason(kw):
    assert reasons(debt(**kw), H)


def test_a_salam_prepayment_names_the_debt_release_rule():
    assert any("pembebasan utang" in r for r in reasons(debt(akad="salam"), H))
