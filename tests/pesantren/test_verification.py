from sqlalchemy import select

from exchange.audit.models import AuditEvent
from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from exchange.pesantren.models import Pesantren, PesantrenStatusChange
from tests.factories import make_manager, make_staff
from tests.pesantren.test_registry import _edit_form


def _setup(app, status="pending"):
    with app.app_context():
        manager, staff = make_manager(status=status), make_staff()
        return manager.pesantren_id, manager.email, staff.email, staff.id


def test_queue_is_for_staff_only(app, client, auth):
    pid, manager_email, staff_email, _ = _setup(app)
    assert client.get("/pesantren/verifikasi").status_code == 302
    auth.login(manager_email)
    assert client.get("/pesantren/verifikasi").status_code == 404
    assert client.post(f"/pesantren/{pid}/verifikasi").status_code == 404
    auth.logout()
    auth.login(staff_email)
    page = client.get("/pesantren/verifikasi").get_data(as_text=True)
    assert f'id="p{pid}"' in page


def test_verify_records_who_when_and_tells_the_manager(app, client, auth):
    pid, manager_email, staff_email, staff_id = _setup(app)
    auth.login(staff_email)
    response = client.post(f"/pesantren/{pid}/verifikasi", data={"reason": ""})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Pesantren, pid).status == "verified"
        change = db.session.scalar(select(PesantrenStatusChange))
        assert (change.actor_id, change.from_status, change.to_status) == (
            staff_id,
            "pending",
            "verified",
        )
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "pesantren.verified"))
        assert event.actor_id == staff_id and event.pesantren_id == pid
        mail = db.session.scalar(select(OutboxMessage))
        assert mail.to_address == manager_email and "terverifikasi" in mail.subject


def test_reject_needs_a_reason_and_the_manager_reads_it(app, client, auth):
    pid, manager_email, staff_email, _ = _setup(app)
    auth.login(staff_email)
    page = client.post(
        f"/pesantren/{pid}/tolak", data={"reason": "  "}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Tuliskan alasannya" in page
    html = client.post(
        f"/pesantren/{pid}/tolak", data={"reason": "<b>x</b>"}, follow_redirects=True
    )
    assert "tanpa tag HTML" in html.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Pesantren, pid).status == "pending"
    client.post(f"/pesantren/{pid}/tolak", data={"reason": "NSPP tidak cocok dengan EMIS"})
    auth.logout()
    auth.login(manager_email)
    page = client.get("/pesantren/saya").get_data(as_text=True)
    assert "ditolak" in page and "NSPP tidak cocok dengan EMIS" in page
    # the manager corrects the data: back in the queue
    client.post(f"/pesantren/{pid}/ubah", data=_edit_form())
    with app.app_context():
        assert db.session.get(Pesantren, pid).status == "pending"


def test_suspend_and_reinstate(app, client, auth):
    pid, _, staff_email, _ = _setup(app, status="verified")
    auth.login(staff_email)
    client.post(f"/pesantren/{pid}/bekukan", data={"reason": ""})
    with app.app_context():
        assert db.session.get(Pesantren, pid).status == "verified"  # no reason, no suspension
    client.post(f"/pesantren/{pid}/bekukan", data={"reason": "Keluhan mutu berulang"})
    assert client.get(f"/pesantren/{pid}", follow_redirects=True).status_code == 200
    with app.app_context():
        assert db.session.get(Pesantren, pid).status == "suspended"
    client.post(f"/pesantren/{pid}/pulihkan", data={"reason": ""})
    with app.app_context():
        assert db.session.get(Pesantren, pid).status == "verified"
        assert len(db.session.scalars(select(PesantrenStatusChange)).all()) == 2


def test_illegal_move_is_a_clear_message(app, client, auth):
    pid, _, staff_email, _ = _setup(app, status="verified")
    auth.login(staff_email)
    page = client.post(f"/pesantren/{pid}/verifikasi", follow_redirects=True)
    assert page.status_code == 409  # the queue again, the message next to the card (issue 27)
    assert "tidak dapat dilakukan" in page.get_data(as_text=True)
    assert client.post("/pesantren/99999/verifikasi").status_code == 404
