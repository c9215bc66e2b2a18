"""The pesantren edit form posted without some of its fields (an old page, a script): a clear
answer, never a 500, and the certificates on file are kept (issue 23)."""

from __future__ import annotations

from exchange.extensions import db
from exchange.pesantren.models import Pesantren
from tests.factories import make_manager


def test_the_edit_form_without_its_halal_field_keeps_the_certificates(app, client, auth):
    with app.app_context():
        manager = make_manager()
        pesantren = manager.pesantren
        pesantren.halal_certificates = [
            {"number": "ID35110001325901022", "product": "Teh", "format_ok": True}
        ]
        db.session.commit()
        form = {
            "name": pesantren.name,
            "kopontren_name": pesantren.kopontren_name,
            "regency_code": pesantren.regency_code,
            "phone": "0812 3456 7890",
            "santri_count": 400,
        }
        email, pid = manager.email, pesantren.id
    auth.login(email)
    response = client.post(f"/pesantren/{pid}/ubah", data=form)
    assert response.status_code == 302
    with app.app_context():
        kept = db.session.get(Pesantren, pid).halal_certificates
        assert [c["number"] for c in kept] == ["ID35110001325901022"]
