"""The audit log's pesantren filter with an id past any id column (issue 23): the page and the
CSV answer as for a name that matches nothing, never a broken download."""

from __future__ import annotations

import csv
import io

import pytest

from exchange.audit.services import record
from exchange.extensions import db
from tests.factories import make_pesantren, make_staff
from tests.security.world import signed_in


@pytest.mark.parametrize("term", ["2147483648", "99999999999999999999999", "0"])
def test_the_audit_filter_with_an_out_of_range_id(app, term):
    with app.app_context():
        p = make_pesantren(name="PP Range")
        record("pesantren.edited", p, pesantren_id=p.id)
        db.session.commit()
        staff = make_staff().email
    client = signed_in(app, staff)
    page = client.get("/staf/audit", query_string={"pesantren": term})
    assert page.status_code == 200
    download = client.get("/staf/audit.csv", query_string={"pesantren": term})
    assert download.status_code == 200
    text = download.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 1  # the header: no event names that pesantren
