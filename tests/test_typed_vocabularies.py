"""The status, role and akad columns are typed by their enums: read back as members, and the
database refuses a value outside the vocabulary (the CHECKs generated from the enums)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from exchange.akad import Akad
from exchange.auth.models import User
from exchange.auth.policy import DigestFrequency, Role
from exchange.deals.models import TermsVersion
from exchange.extensions import db
from exchange.pesantren.models import Pesantren
from exchange.pesantren.policy import PesantrenStatus
from tests.factories import make_deal


def test_the_columns_read_back_enum_members(app):
    with app.app_context():
        deal = make_deal()
        ids = deal.seller_pesantren_id, deal.id
        db.session.expire_all()
        assert db.session.get(Pesantren, ids[0]).status is PesantrenStatus.VERIFIED
        user = db.session.scalars(db.select(User)).first()
        assert user.role is Role.MANAGER and user.digest_frequency is DigestFrequency.DAILY
        terms = db.session.scalars(db.select(TermsVersion).filter_by(deal_id=ids[1])).one()
        assert terms.akad is Akad.TUNAI


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("pesantren", "status"),
        ("users", "role"),
        ("users", "digest_frequency"),
        ("deal_terms", "akad"),
    ],
)
def test_the_database_refuses_a_value_outside_the_vocabulary(app, table, column):
    with app.app_context():
        make_deal()
        with pytest.raises(IntegrityError):
            db.session.execute(text(f"UPDATE {table} SET {column} = 'bogus'"))  # noqa: S608
        db.session.rollback()
