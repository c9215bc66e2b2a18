"""The audit log in words (issue 27): every kind the code records has a label, states and
amounts are written as readers say them, and one object is "Deal #4", not "Deals #4"."""

from __future__ import annotations

import re

from flask_babel import force_locale

from exchange.dashboard import audit_labels
from tests.security.crawl import ROOT

RECORDED = re.compile(r"""record\(\s*["']([a-z_]+\.[a-z_]+)["']""")


def _recorded_kinds() -> set[str]:
    kinds = set()
    for path in (ROOT / "exchange").rglob("*.py"):
        kinds.update(RECORDED.findall(path.read_text()))
    from exchange.deals.states import Action
    from exchange.netting.models import Answer

    kinds.update(f"deal.{a.value}" for a in Action)
    kinds.update(f"netting.{a.value}" for a in Answer)
    kinds.update(f"pesantren.{s}" for s in ("pending", "verified", "rejected", "suspended"))
    return kinds


def test_every_recorded_kind_has_words(app):
    kinds = _recorded_kinds()
    assert len(kinds) > 40
    with app.test_request_context(), force_locale("en"):
        raw = sorted(k for k in kinds if audit_labels.kind_label(k) == k)
        assert raw == []
        assert audit_labels.kind_label("privacy.anonymised") == "Personal data anonymised"


def test_details_are_written_in_words(app):
    with app.test_request_context(), force_locale("en"):
        assert audit_labels.object_label("deal") == "Deal"
        assert audit_labels.value_label("from_state", "signed") == "Agreed"
        assert audit_labels.value_label("cleared", 200000) == "Rp\u00a0200,000"
        assert audit_labels.value_label("window_end", "2027-05-04") == "4 May 2027"
        assert audit_labels.value_label("committed", True) == "yes"
    with app.test_request_context(), force_locale("id"):
        assert audit_labels.object_label("deal") == "Kesepakatan"
        assert audit_labels.value_label("to_state", "signed") == "Disepakati"
        assert audit_labels.value_label("cleared", 200000) == "Rp\u00a0200.000"


def test_the_english_audit_page_shows_no_raw_state(app, client, auth):
    from tests.factories import make_staff
    from tests.security.crawl import world_with_everything

    with app.app_context():
        world_with_everything(app)
        email = make_staff().email
    auth.login(email)
    client.post("/bahasa/en")
    page = client.get("/staf/audit").get_data(as_text=True)
    assert "Deal #" in page and "Deals #" not in page
    assert "from status:</span> Negotiation" in page
    assert "signed;" not in page and "to status:</span> signed" not in page
    assert "Personal data anonymised" in page or "Data deletion requested" in page
