"""UU PDP, round three (issue 23): concurrent deletion requests make one; the signatory's name
leaves the public profile with the person; the export holds the signatory fields."""

from __future__ import annotations

import json
import threading

from sqlalchemy import func, select

from exchange.extensions import db
from exchange.privacy.models import DeletionRequest
from tests.factories import make_manager, make_staff
from tests.security.world import signed_in

CLIENTS = 8


def test_concurrent_deletion_requests_make_one(app):
    with app.app_context():
        email = make_manager().email
    clients = [signed_in(app, email) for _ in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)
    codes: list[int] = []

    def ask(client):
        barrier.wait()
        codes.append(client.post("/akun/data-saya/hapus", data={"reason": "x"}).status_code)

    threads = [threading.Thread(target=ask, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [302] * CLIENTS  # each one a page saying what happened, no 500
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DeletionRequest)) == 1


def test_after_deletion_the_signatory_is_not_on_the_public_profile(app):
    with app.app_context():
        manager = make_manager(
            signatory_name="H. Ahmad Faqih", signatory_position="Ketua Pengurus Kopontren"
        )
        email, pid = manager.email, manager.pesantren_id
        staff = make_staff().email
    visitor = app.test_client()
    assert "H. Ahmad Faqih" in visitor.get(f"/pesantren/{pid}").get_data(as_text=True)
    assert signed_in(app, email).post("/akun/data-saya/hapus", data={}).status_code == 302
    with app.app_context():
        request_id = db.session.scalar(select(DeletionRequest.id))
    assert (
        signed_in(app, staff)
        .post(f"/staf/privasi/{request_id}/laksanakan", data={"confirmed": "1"})
        .status_code
        == 302
    )
    page = visitor.get(f"/pesantren/{pid}").get_data(as_text=True)
    assert "H. Ahmad Faqih" not in page
    assert "Ketua Pengurus Kopontren" not in page


def test_the_export_holds_the_signatory_fields(app):
    with app.app_context():
        manager = make_manager(signatory_name="Hj. Siti Aminah", signatory_position="Ketua")
        email = manager.email
    data = json.loads(signed_in(app, email).get("/akun/data-saya.json").get_data(as_text=True))
    assert data["pesantren"]["signatory_name"] == "Hj. Siti Aminah"
    assert data["pesantren"]["signatory_position"] == "Ketua"
