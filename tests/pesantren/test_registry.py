"""Directory, profiles, the manager's own pesantren and editing it."""

from sqlalchemy import select

from exchange.audit.models import AuditEvent
from exchange.extensions import db
from exchange.pesantren.models import Pesantren
from tests.factories import make_manager, make_pesantren, make_staff


def _edit_form(**changes):
    data = {
        "name": "Pondok Pesantren Baru",
        "kopontren_name": "Kopontren Baru",
        "kopontren_legal_number": "",
        "regency_code": "3528",
        "address": "Jl. Baru 2",
        "lat": "-7.16",
        "lon": "113.48",
        "phone": "+62 812 1111 2222",
        "santri_count": "1200",
        "products": "garam",
        "halal_certificates": "",
    }
    data.update(changes)
    return data


def test_directory_lists_only_verified(app, client):
    with app.app_context():
        make_pesantren(name="Pesantren Terverifikasi")
        make_pesantren(name="Pesantren Menunggu", status="pending")
    page = client.get("/pesantren/").get_data(as_text=True)
    assert "Pesantren Terverifikasi" in page and "Pesantren Menunggu" not in page
    filtered = client.get("/pesantren/?q=tidak-ada&kabupaten=3501").get_data(as_text=True)
    assert "Pesantren Terverifikasi" not in filtered


def test_profile_shows_phone_only_to_signed_in_users(app, client, auth):
    with app.app_context():
        p = make_pesantren(phone="+6281299998888")
        pid = p.id
        viewer = make_manager()
        email = viewer.email
    page = client.get(f"/pesantren/{pid}").get_data(as_text=True)
    assert "+6281299998888" not in page and "Masuk untuk melihat nomor telepon" in page
    auth.login(email)
    assert "+6281299998888" in client.get(f"/pesantren/{pid}").get_data(as_text=True)


def test_unverified_profile_is_404_except_for_its_manager_and_staff(app, client, auth):
    with app.app_context():
        owner = make_manager(status="pending")
        other, staff = make_manager(), make_staff()
        pid, owner_email = owner.pesantren_id, owner.email
        other_email, staff_email = other.email, staff.email
    assert client.get(f"/pesantren/{pid}").status_code == 404
    auth.login(other_email)
    assert client.get(f"/pesantren/{pid}").status_code == 404
    auth.logout()
    auth.login(owner_email)
    assert client.get(f"/pesantren/{pid}").status_code == 200
    auth.logout()
    auth.login(staff_email)
    assert client.get(f"/pesantren/{pid}").status_code == 200


def test_manager_edits_own_pesantren(app, client, auth):
    with app.app_context():
        manager = make_manager()
        pid, email = manager.pesantren_id, manager.email
    auth.login(email)
    assert client.get(f"/pesantren/{pid}/ubah").status_code == 200
    response = client.post(f"/pesantren/{pid}/ubah", data=_edit_form())
    assert response.status_code == 302
    with app.app_context():
        p = db.session.get(Pesantren, pid)
        assert (p.name, p.regency_code, p.phone, p.santri_count) == (
            "Pondok Pesantren Baru",
            "3528",
            "+6281211112222",
            1200,
        )
        assert (p.lat, p.lon) == (-7.16, 113.48)
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "pesantren.edited"))


def test_manager_cannot_read_or_change_another_pesantren(app, client, auth):
    with app.app_context():
        mine, theirs = make_manager(), make_manager(status="pending")
        email, their_id = mine.email, theirs.pesantren_id
    auth.login(email)
    assert client.get(f"/pesantren/{their_id}/ubah").status_code == 404
    assert client.post(f"/pesantren/{their_id}/ubah", data=_edit_form()).status_code == 404
    assert client.get(f"/pesantren/{their_id}").status_code == 404
    with app.app_context():
        assert db.session.get(Pesantren, their_id).name != "Pondok Pesantren Baru"


def test_bad_edit_is_refused_and_nothing_changes(app, client, auth):
    with app.app_context():
        manager = make_manager()
        pid, email = manager.pesantren_id, manager.email
    auth.login(email)
    for changes, message in [
        ({"name": ""}, "Wajib diisi."),
        ({"address": "<img src=x onerror=alert(1)>"}, "tanpa tag HTML"),
        ({"phone": "abc"}, "Nomor telepon tidak valid"),
        ({"santri_count": "0"}, "Antara 1 dan 100.000."),
    ]:
        response = client.post(f"/pesantren/{pid}/ubah", data=_edit_form(**changes))
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Pesantren, pid).name.startswith("Pondok Pesantren Uji")


def test_staff_and_anonymous_cannot_edit(app, client, auth):
    with app.app_context():
        manager, staff = make_manager(), make_staff()
        pid, staff_email = manager.pesantren_id, staff.email
    assert client.get(f"/pesantren/{pid}/ubah").status_code == 302  # to sign-in
    auth.login(staff_email)
    assert client.get(f"/pesantren/{pid}/ubah").status_code == 404
    assert client.get("/pesantren/saya").status_code == 404
