"""UU PDP: a manager downloads their data and asks for deletion; staff anonymise them while
contracts and the audit trail stay."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from exchange.audit.models import AuditEvent
from exchange.auth.models import User
from exchange.deals import acceptance
from exchange.deals.models import Contract, Deal
from exchange.extensions import db
from tests.factories import TEST_PASSWORD, make_deal, make_manager, make_staff
from tests.security.world import signed_in


def _signed_deal():
    seller = make_manager()
    buyer = make_manager(regency_code="3578")
    deal = make_deal(seller, buyer)
    acceptance.accept(seller, deal.id, 1)
    return seller, buyer, deal.id


def test_a_manager_downloads_everything_stored_about_them(app):
    with app.app_context():
        seller, buyer, deal_id = _signed_deal()
        email, uid = buyer.email, buyer.id
    c = signed_in(app, email)
    response = c.get("/akun/data-saya.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == email and data["account"]["id"] == uid
    assert "password_hash" not in data["account"]
    assert any(row["id"] == deal_id for row in data["records"]["deals"])  # opened by them
    assert data["records"]["audit_events"]  # what they did
    assert "password_hash" not in json.dumps(data)


def test_deletion_anonymises_the_person_and_keeps_contracts_and_audit(app):
    with app.app_context():
        seller, buyer, deal_id = _signed_deal()
        email, uid = buyer.email, buyer.id
        staff_email = make_staff().email
        audit_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    c = signed_in(app, email)
    page = c.get("/akun/data-saya").get_data(as_text=True)
    assert "Minta data saya dihapus" in page
    assert c.post("/akun/data-saya/hapus", data={"reason": "Pindah tugas"}).status_code == 302
    again = c.post("/akun/data-saya/hapus", data={}, follow_redirects=True)
    assert "sudah tercatat" in again.get_data(as_text=True)
    staff = signed_in(app, staff_email)
    queue = staff.get("/staf/privasi").get_data(as_text=True)
    assert email in queue and "Pindah tugas" in queue
    with app.app_context():
        from exchange.privacy.models import DeletionRequest

        request_id = db.session.scalar(select(DeletionRequest.id))
    assert (
        staff.post(f"/staf/privasi/{request_id}/laksanakan", data={"confirmed": "1"}).status_code
        == 302
    )
    with app.app_context():
        user = db.session.get(User, uid)
        assert user.email != email and email not in user.email and user.name == "Pengguna dihapus"
        assert user.phone is None and not user.check_password(TEST_PASSWORD)
        assert db.session.get(Deal, deal_id) is not None
        assert db.session.scalar(select(Contract).where(Contract.deal_id == deal_id)) is not None
        after = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert after > audit_before  # kept, and the erasure itself recorded
    assert c.get("/akun/").status_code == 302  # their session ended
    login = app.test_client().post("/akun/masuk", data={"email": email, "password": TEST_PASSWORD})
    assert login.status_code == 400
    assert staff.post(f"/staf/privasi/{request_id}/tolak", data={"answer": "x"}).status_code == 302


def test_staff_decline_with_a_reason_the_person_reads(app):
    with app.app_context():
        manager = make_manager()
        email = manager.email
        staff_email = make_staff().email
    c = signed_in(app, email)
    c.post("/akun/data-saya/hapus", data={})
    staff = signed_in(app, staff_email)
    with app.app_context():
        from exchange.privacy.models import DeletionRequest

        request_id = db.session.scalar(select(DeletionRequest.id))
    empty = staff.post(
        f"/staf/privasi/{request_id}/tolak", data={"answer": ""}, follow_redirects=True
    )
    assert "Tuliskan alasan" in empty.get_data(as_text=True)
    staff.post(
        f"/staf/privasi/{request_id}/tolak", data={"answer": "Masih ada kesepakatan berjalan"}
    )
    assert "Masih ada kesepakatan berjalan" in c.get("/akun/data-saya").get_data(as_text=True)


def test_privacy_page_in_both_languages(client):
    page = client.get("/privasi").get_data(as_text=True)
    assert "Kebijakan Privasi" in page and "UU PDP" in page
    assert 'href="/privasi"' in client.get("/").get_data(as_text=True)
    client.get("/bahasa/en")
    english = client.get("/privasi").get_data(as_text=True)
    assert "Privacy Policy" in english and "Personal Data Protection" in english
