from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.audit.models import AuditEvent
from exchange.clock import today_wib
from exchange.deals import fulfilment
from exchange.deals.models import Deal, Notification, Payment
from exchange.errors import Conflict, Invalid, NotFound
from exchange.extensions import db
from exchange.netting import services
from exchange.netting.models import NettingRun, RunStatus
from tests.factories import make_manager, make_staff
from tests.netting.helpers import tempo_deal, triangle

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _set_offs(run_id):
    db.session.expire_all()
    run = db.session.get(NettingRun, run_id)
    return {i.deal_id: i.set_off for i in run.items}


def test_a_run_proposes_the_cycle_and_applies_when_all_confirm(app):
    with app.app_context():
        (a, b, c), (ab, bc, ca) = triangle()
        run = services.start_run(make_staff())
        assert (run.total, run.cleared) == (260_000, 210_000)
        assert _set_offs(run.id) == {ab: 70_000, bc: 70_000, ca: 70_000}
        assert db.session.scalar(
            select(Notification).where(
                Notification.user_id == a.id, Notification.kind == "netting.proposed"
            )
        )
        services.confirm(a, run.id)
        services.confirm(b, run.id)
        assert db.session.get(NettingRun, run.id).status == RunStatus.PROPOSED
        assert not db.session.scalars(select(Payment).where(Payment.method == "setoff")).all()
        services.confirm(c, run.id)
        db.session.expire_all()
        run = db.session.get(NettingRun, run.id)
        assert run.status == RunStatus.APPLIED
        pays = db.session.scalars(select(Payment).where(Payment.method == "setoff")).all()
        assert sorted((p.deal_id, p.amount) for p in pays) == [
            (ab, 70_000),
            (bc, 70_000),
            (ca, 70_000),
        ]
        assert db.session.get(Deal, ab).paid == 70_000
        kinds = set(db.session.scalars(select(AuditEvent.kind)))
        assert {
            "netting.started",
            "netting.confirmed",
            "netting.applied",
            "netting.payment",
        } <= kinds


def test_a_decline_shrinks_the_run_to_the_others(app):
    with app.app_context():
        (a, b, c), (ab, bc, ca) = triangle()
        d = make_manager(regency_code="3507")
        # A second cycle A -> D -> A of 20.000 each way
        ad = tempo_deal(d, a, 20)
        da = tempo_deal(a, d, 20)
        run = services.start_run(make_staff())
        assert run.cleared == 210_000 + 40_000
        services.confirm(a, run.id)
        services.decline(c, run.id)
        offs = _set_offs(run.id)
        assert offs[ad] == offs[da] == 20_000
        assert ab not in offs or offs[ab] == 0
        run = db.session.get(NettingRun, run.id)
        assert run.cleared == 40_000 and run.rounds == 2
        with pytest.raises(NotFound):  # B has nothing left in the run
            services.confirm(b, run.id)
        # A's lines changed: it must confirm again; D confirms; it applies
        services.confirm(d, run.id)
        assert db.session.get(NettingRun, run.id).status == RunStatus.PROPOSED
        services.confirm(a, run.id)
        db.session.expire_all()
        assert db.session.get(NettingRun, run.id).status == RunStatus.APPLIED
        assert db.session.get(Deal, ab).paid == 0
        assert db.session.get(Deal, ad).paid == 20_000


def test_a_deal_paid_meanwhile_is_not_over_settled(app):
    with app.app_context():
        (a, b, c), (ab, bc, ca) = triangle()
        run = services.start_run(make_staff())
        services.confirm(a, run.id)
        services.confirm(b, run.id)
        # B pays C most of its debt in cash before C confirms
        fulfilment.record_payment(b, bc, 50_000, today_wib())
        with pytest.raises(Conflict):
            services.confirm(c, run.id)
        db.session.expire_all()
        run = db.session.get(NettingRun, run.id)
        assert run.status == RunStatus.PROPOSED and run.cleared == 3 * 20_000
        assert not db.session.scalars(select(Payment).where(Payment.method == "setoff")).all()
        for user in (a, b, c):
            services.confirm(user, run.id)
        db.session.expire_all()
        assert db.session.get(Deal, bc).paid == 70_000  # 50.000 cash + 20.000 set off


def test_only_staff_start_a_run_and_outsiders_get_404(app):
    with app.app_context():
        (a, b, c), _ = triangle()
        with pytest.raises(NotFound):
            services.start_run(a)
        run = services.start_run(None)  # the scheduler
        outsider = make_manager(regency_code="3507")
        with pytest.raises(NotFound):
            services.load_run(outsider, run.id)
        with pytest.raises(NotFound):
            services.confirm(outsider, run.id)
        services.decline(a, run.id)
        assert db.session.get(NettingRun, run.id).status == RunStatus.EMPTY
        with pytest.raises(Invalid):  # the run closed: nothing left to clear
            services.confirm(a, run.id)


def test_salam_and_far_debts_stay_out(app):
    with app.app_context():
        a, b = make_manager(), make_manager(regency_code="3578")
        tempo_deal(b, a, 100)
        tempo_deal(a, b, 100)
        run = services.start_run(None, horizon=today_wib() + timedelta(days=2))
        assert run.total == 0 and run.status == RunStatus.EMPTY
        run = services.start_run(None)
        assert run.cleared == 200_000
