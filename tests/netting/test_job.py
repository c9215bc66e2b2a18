from datetime import datetime

import pytest

from exchange.clock import WIB
from exchange.extensions import db
from exchange.netting.models import NettingRun
from exchange.scheduler import jobs
from exchange.scheduler.runner import job_table
from tests.netting.helpers import triangle

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def test_netting_runs_weekly_on_monday_night(app):
    table = {job_id: trigger for job_id, _fn, trigger, _args in job_table(app)}
    tuesday_noon = datetime(2027, 1, 5, 12, 0, tzinfo=WIB)
    assert table["netting"].get_next_fire_time(None, tuesday_noon) == datetime(
        2027, 1, 11, 2, 0, tzinfo=WIB
    )


def test_the_job_proposes_a_run(app):
    with app.app_context():
        triangle()
        job = jobs.run_netting()  # the kliring job; the tests run it before it returns
        run = db.session.get(NettingRun, job.run_id)
        assert run.cleared == 210_000 and run.started_by_id is None


def test_the_command_prints_the_figures(app, runner):
    with app.app_context():
        triangle()
    result = runner.invoke(args=["exchange", "run-netting"])
    assert "cleared=210000" in result.output
