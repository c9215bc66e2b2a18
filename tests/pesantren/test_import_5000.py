"""The issue's bar: a 5,000-row registry imported twice; the second time changes nothing.
(Its speed is measured by ``make bench-import``, never asserted.)"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exchange.auth.models import PasswordReset, User
from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from exchange.pesantren import importing
from exchange.pesantren.models import Pesantren
from tests.factories import make_staff
from tests.pesantren.import_helpers import registry_rows, registry_xlsx


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Pesantren, User, PasswordReset, OutboxMessage)
    )


@pytest.mark.slow
def test_five_thousand_rows_twice(app):
    with app.test_request_context():
        staff = make_staff()
        data = registry_xlsx(registry_rows(5000))
        first = importing.confirm(staff, importing.upload_registry(staff, "a.xlsx", data).token)
        assert (first.created, first.same, first.refused) == (5000, 0, 0)
        after_first = _counts()
        assert after_first == (5000, 5001, 5000, 5000)
        second = importing.confirm(staff, importing.upload_registry(staff, "a.xlsx", data).token)
        assert (second.created, second.same, second.refused) == (0, 5000, 0)
        assert _counts() == after_first
