"""Issue 25: kliring and the riba rules (major 5), per cleared group with an answer deadline
(major 6)."""

from datetime import date, timedelta

import pytest

from exchange.clock import today_wib
from exchange.deals import fulfilment
from exchange.deals.models import Deal
from exchange.extensions import db
from exchange.netting import core, services
from exchange.netting.models import Answer, NettingRun, RunStatus
from tests.factories import make_manager, make_staff
from tests.netting.helpers import tempo_deal, triangle

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS

DAY = date(2027, 1, 4)


def _ob(i, debtor, creditor, amount, cls=None, delivered=False):
    return core.Obligation(i, debtor, creditor, amount, DAY, cls, delivered)


def test_the_core_leaves_out_undelivered_ribawi_legs_of_one_class_in_a_cleared_group():
    rice_pair = [_ob(1, 2, 1, 10_000, "food"), _ob(2, 1, 2, 8_000, "food")]
    assert core.optimise(rice_pair).cleared == 16_000  # what the plain optimum would do
    result = core.optimise_within_riba(rice_pair)
    assert (result.cleared, result.left_out, result.total) == (0, {1, 2}, 18_000)
    # three parties, rice -> salt -> sugar, all food, nothing delivered: all left out
    ring = [_ob(1, 2, 1, 50, "food"), _ob(2, 3, 2, 50, "food"), _ob(3, 1, 3, 50, "food")]
    assert core.optimise_within_riba(ring).cleared == 0
    # rice for soap: one ribawi leg only, it may be set off
    mixed = [_ob(1, 2, 1, 10_000, "food"), _ob(2, 1, 2, 8_000, None)]
    assert core.optimise_within_riba(mixed).cleared == 16_000
    # both delivered: nothing deferred, may be set off
    done = [_ob(1, 2, 1, 10_000, "food", True), _ob(2, 1, 2, 8_000, "food", True)]
    assert core.optimise_within_riba(done).cleared == 16_000


def test_kliring_never_nets_an_untied_deferred_rice_for_rice_pair(app):
    with app.app_context():
        c, d = make_manager(), make_manager(regency_code="3578")
        cd = tempo_deal(c, d, 1000, unit_price=10_000, slug="beras")  # D owes C 10.000.000
        dc = tempo_deal(d, c, 800, unit_price=10_000, slug="beras")  # C owes D 8.000.000
        run = services.start_run(make_staff())
        assert run.cleared == 0
        assert {i.deal_id: i.set_off for i in run.items} == {cd: 0, dc: 0}
        # once C's rice is handed over, D's undelivered rice is still left out
        deal = db.session.get(Deal, cd)
        fulfilment.ship(c, cd, "")
        fulfilment.receive(d, cd, 1000, deal.current_terms.grade, today_wib(), "")
        assert services.start_run(make_staff()).cleared == 0


def test_a_deal_with_a_pending_cancellation_stays_out_of_kliring():
    from exchange.netting.eligibility import Candidate, reasons

    c = Candidate("tempo", "signed", 100, DAY, cancel_requested=True)
    assert "Pembatalan kesepakatan ini sedang diminta." in reasons(c, DAY)


# 6. Applied per cleared group; silence past the deadline counts as declining --------------------


def test_one_silent_pesantren_holds_up_only_its_own_group(app):
    with app.app_context():
        (a, b, c), (ab, bc, ca) = triangle()
        d, e = make_manager(regency_code="3509"), make_manager(regency_code="3510")
        de = tempo_deal(e, d, 50)  # D owes E 50.000
        ed = tempo_deal(d, e, 30)  # E owes D 30.000
        run = services.start_run(make_staff())
        assert run.answer_by is not None
        assert {i.deal_id: i.set_off for i in run.items}[de] == 30_000
        services.confirm(d, run.id)
        services.confirm(e, run.id)  # D and E's group applies at once
        db.session.expire_all()
        assert db.session.get(Deal, de).paid == 30_000
        assert db.session.get(Deal, ed).paid == 30_000
        assert db.session.get(Deal, ab).paid == 0
        run = db.session.get(NettingRun, run.id)
        assert run.status == RunStatus.PROPOSED  # the triangle still waits
        services.confirm(a, run.id)
        services.confirm(b, run.id)
        # C stays silent; before the deadline nothing lapses
        assert services.expire_answers(run.answer_by - timedelta(minutes=1)) == 0
        assert services.expire_answers(run.answer_by + timedelta(minutes=1)) == 1
        db.session.expire_all()
        run = db.session.get(NettingRun, run.id)
        answers = {p.pesantren_id: p.answer for p in run.parties}
        assert answers[c.pesantren_id] == Answer.DECLINED
        # without C nothing more clears: the run is applied with D and E's group only
        assert (run.status, run.cleared) == (RunStatus.APPLIED, 60_000)
        assert db.session.get(Deal, ab).paid == 0
