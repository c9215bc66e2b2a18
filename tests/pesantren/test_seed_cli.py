import pytest
from sqlalchemy import func, select

from exchange.auth.models import User
from exchange.deals.models import Deal, Rating
from exchange.extensions import db
from exchange.matching.models import Proposal

pytestmark = pytest.mark.slow


def test_seed_demo_loads_once_and_leaves_proposals_on_the_dashboards(app, runner):
    result = runner.invoke(args=["exchange", "seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "pesantren=43" in result.output and "clearing run 1" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Proposal)) > 0
        # Some proposals became negotiations, contracts and completed, rated deals.
        states = set(db.session.scalars(select(Deal.state)))
        assert {"negotiating", "signed", "completed"} <= states
        assert db.session.scalar(select(func.count()).select_from(Rating)) > 0
        users = db.session.scalar(select(func.count()).select_from(User))
    again = runner.invoke(args=["exchange", "seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == users
