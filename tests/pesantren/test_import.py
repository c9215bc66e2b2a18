"""The registry import: preview with per-row reasons, one confirmed write, idempotent."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from exchange.auth.models import User
from exchange.errors import Invalid, NotFound
from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from exchange.pesantren import import_rows, importing
from exchange.pesantren.import_rows import RowStatus
from exchange.pesantren.models import Pesantren, PesantrenStatus
from tests.factories import make_manager, make_pesantren, make_staff
from tests.pesantren.import_helpers import registry_csv, registry_rows, registry_xlsx


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _import(staff, data: bytes, name: str = "binaan.csv"):
    upload = importing.upload_registry(staff, name, data)
    return importing.confirm(staff, upload.token)


def test_rows_are_imported_verified_with_invitations_and_a_second_upload_changes_nothing(app):
    with app.test_request_context():
        staff = make_staff()
        data = registry_csv(registry_rows(40))
        result = _import(staff, data)
        assert (result.created, result.same, result.refused) == (40, 0, 0)
        assert _count(Pesantren) == 40
        statuses = set(db.session.scalars(select(Pesantren.status)))
        assert statuses == {PesantrenStatus.VERIFIED}
        sidoarjo = db.session.scalar(select(Pesantren).where(Pesantren.nspp == "510035100000"))
        assert sidoarjo.regency_code == "3515" and sidoarjo.phone == "+6281200000000"
        assert _count(OutboxMessage) == 40
        before = (_count(Pesantren), _count(User), _count(OutboxMessage))
        again = _import(staff, data)
        assert (again.created, again.same, again.refused) == (0, 40, 0)
        assert (_count(Pesantren), _count(User), _count(OutboxMessage)) == before


def test_xlsx_is_read_like_csv(app):
    with app.test_request_context():
        staff = make_staff()
        result = _import(staff, registry_xlsx(registry_rows(5)), "binaan.xlsx")
        assert result.created == 5


def test_preview_writes_nothing_and_says_why_each_bad_row_is_refused(app):
    with app.test_request_context():
        staff = make_staff()
        taken = make_manager()
        make_pesantren(name="Pondok Lama", nspp="510035159999", regency_code="3515")
        rows = registry_rows(8)
        rows[0] = ("Pesantren A", "12345", *rows[0][2:])  # bad NSPP
        rows[1] = (*rows[1][:2], "Kabupaten Antah", *rows[1][3:])
        rows[2] = (rows[2][0], "510035159999", *rows[2][2:])  # NSPP of another pesantren
        rows[3] = (*rows[3][:7], taken.email, *rows[3][8:])  # e-mail used
        rows[4] = ('=HYPERLINK("http://x")', *rows[4][1:])  # a formula
        rows[5] = ("Pondok Lama", "", "Kabupaten Sidoarjo", *rows[5][3:])  # name + regency
        rows[6] = (*rows[6][:2], "Malang", *rows[6][3:])  # kabupaten or kota?
        rows[7] = (*rows[7][:8], "12345", *rows[7][9:])  # bad phone
        data = registry_csv(rows).replace(b"'=HYPERLINK", b"=HYPERLINK")  # not neutralised
        upload = importing.upload_registry(staff, "binaan.csv", data)
        _upload, checked = importing.preview(staff, upload.token)
        assert [r.status for r in checked] == [RowStatus.REFUSED] * 8
        reasons = [" ".join(importing.problems_text(r)) for r in checked]
        assert "12 angka" in reasons[0]
        assert "Kabupaten Antah" in reasons[1]
        assert "sudah terdaftar untuk Pondok Lama" in reasons[2]
        assert "sudah dipakai akun lain" in reasons[3]
        assert "rumus" in reasons[4]
        assert "Pondok Lama sudah terdaftar" in reasons[5]
        assert "Kabupaten Malang" in reasons[6]
        assert "telepon" in reasons[7]
        assert _count(Pesantren) == 2


def test_a_row_repeated_in_the_file_is_refused_once(app):
    with app.test_request_context():
        staff = make_staff()
        rows = registry_rows(2)
        rows.append((*rows[0][:7], "lain@contoh.id", *rows[0][8:]))
        rows.append((*registry_rows(1, 50)[0][:7], rows[1][7], *rows[1][8:]))
        result = _import(staff, registry_csv(rows))
        assert (result.created, result.refused) == (2, 2)


def test_limits_and_unreadable_files_are_told_clearly(app):
    with app.test_request_context():
        staff = make_staff()
        with pytest.raises(Invalid, match="10 MB"):
            importing.upload_registry(staff, "besar.csv", b"x" * (10 * 1024 * 1024 + 1))
        with pytest.raises(Invalid, match="10.000 baris"):
            importing.upload_registry(staff, "a.csv", registry_csv(registry_rows(10001)))
        with pytest.raises(Invalid, match="CSV atau XLSX"):
            importing.upload_registry(staff, "a.xlsx", b"PK\x03\x04 not a zip")
        with pytest.raises(Invalid, match="nama_pesantren"):
            importing.upload_registry(staff, "a.csv", b"kolom;lain\r\n1;2\r\n")


def test_only_staff_import_and_an_upload_is_confirmed_once(app):
    with app.test_request_context():
        staff, manager = make_staff(), make_manager()
        with pytest.raises(NotFound):
            importing.upload_registry(manager, "a.csv", registry_csv(registry_rows(1)))
        upload = importing.upload_registry(staff, "a.csv", registry_csv(registry_rows(1)))
        with pytest.raises(NotFound):
            importing.preview(make_staff(), upload.token)  # another staff member's upload
        importing.confirm(staff, upload.token)
        with pytest.raises(NotFound):
            importing.confirm(staff, upload.token)


def test_the_invited_manager_sets_a_password_once_and_signs_in(app, client, auth):
    with app.test_request_context():
        _import(make_staff(), registry_csv(registry_rows(1)))
        body = db.session.scalar(select(OutboxMessage.text_body))
    link = re.search(r"http\S+/akun/undangan/(\S+)", body)
    assert link, body
    path = "/akun/undangan/" + link.group(1)
    assert auth.login("impor0@contoh.id", "apa-saja-123456").status_code != 302  # no password yet
    assert client.get(path).status_code == 200
    new = {"password": "kata-sandi-baru-1", "confirm": "kata-sandi-baru-1"}
    response = client.post(path, data=new)
    assert response.status_code == 302
    assert auth.login("impor0@contoh.id", "kata-sandi-baru-1").status_code == 302
    assert client.get(path).status_code == 404  # used


def test_staff_upload_preview_confirm_and_resend_through_the_pages(app, client, auth):
    with app.app_context():
        staff, manager = make_staff().email, make_manager().email
    auth.login(manager)
    assert client.get("/pesantren/impor").status_code == 404
    auth.logout()
    auth.login(staff)
    page = client.get("/pesantren/impor")
    assert page.status_code == 200 and b"contoh.xlsx" in page.data
    template = client.get("/pesantren/impor/contoh.xlsx")
    assert template.status_code == 200 and template.data.startswith(b"PK")
    rows = registry_rows(3)
    rows[2] = (rows[2][0], "123", *rows[2][2:])
    sent = client.post(
        "/pesantren/impor",
        data={"file": (io.BytesIO(registry_xlsx(rows)), "binaan.xlsx")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302, sent.data
    preview = client.get(sent.location)
    text = preview.get_data(as_text=True)
    assert "2 baris akan ditambahkan" in text and "NSPP 123 tidak valid" in text
    with app.app_context():
        assert _count(Pesantren) == 1  # the manager's own, nothing imported yet
    done = client.post(sent.location, follow_redirects=True)
    assert "2 pesantren ditambahkan" in done.get_data(as_text=True)
    assert "impor0@contoh.id" in done.get_data(as_text=True)
    with app.app_context():
        invited = db.session.scalar(select(User.id).where(User.email == "impor0@contoh.id"))
    again = client.post(f"/pesantren/undangan/{invited}")
    assert again.status_code == 200
    assert "https://wa.me/6281200000000?text=" in again.get_data(as_text=True)
    bad = client.post(
        "/pesantren/impor",
        data={"file": (io.BytesIO(b"tidak;berguna\r\n1;2\r\n"), "a.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "nama_pesantren" in bad.get_data(as_text=True)


def test_the_template_row_fills_every_column():
    """The example row of the template has a value under each heading, in the same order."""
    assert len(importing.TEMPLATE_ROW) == len(import_rows.COLUMNS) == len(import_rows.HEADERS)
