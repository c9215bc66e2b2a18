"""The session hooks are installed in one place (exchange/hooks.py), once, however many apps."""

from sqlalchemy import event
from sqlalchemy.orm import Session

from exchange import hooks
from exchange.dashboard import facts
from exchange.events import feed as events
from exchange.extensions import db
from exchange.listings import versions
from tests.factories import make_listing, make_pesantren


def test_every_hook_is_listening_after_create_app(app):
    assert {h for _, h in hooks.HOOKS} == {
        h for _, h in (*events.SESSION_HOOKS, *versions.SESSION_HOOKS, *facts.SESSION_HOOKS)
    }
    for name, hook in hooks.HOOKS:
        assert event.contains(Session, name, hook)


def test_installing_again_adds_nothing(app):
    """Installed twice, a market write still moves the version by one, not two."""
    hooks.install()
    hooks.install()
    with app.app_context():
        pesantren = make_pesantren()
        before = db.session.get(versions.MarketVersion, versions.ROW_ID).version
        make_listing(pesantren)
        db.session.expire_all()
        assert db.session.get(versions.MarketVersion, versions.ROW_ID).version == before + 1
