"""Listings through a spreadsheet: a manager round-trips their listings through XLSX."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from exchange.clock import today_wib
from exchange.errors import Forbidden, NotFound
from exchange.extensions import db
from exchange.listings import sheet_services
from exchange.listings.models import Listing, ListingStatus
from exchange.listings.sheet import COLUMNS, Action, read_rows
from tests.factories import make_listing, make_manager

pytestmark = pytest.mark.clocks


def _edit(data: bytes, change) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    change(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(user, data: bytes, name: str = "listing.xlsx"):
    upload = sheet_services.upload_listings(user, name, data)
    return upload, sheet_services.preview(user, upload.token)[1]


def _listings() -> list[tuple]:
    return list(
        db.session.execute(
            select(Listing.id, Listing.quantity, Listing.price, Listing.status).order_by(Listing.id)
        ).tuples()
    )


def test_a_manager_round_trips_listings_through_xlsx(app):
    with app.test_request_context():
        manager = make_manager()
        first = make_listing(manager.pesantren, quantity=1000, price=1500)
        second = make_listing(manager.pesantren, side="request", slug="beras", grade=3)
        data = sheet_services.own_listings_file(manager, "xlsx")
        upload, rows = _upload(manager, data)
        assert [r.action for r in rows] == [Action.UNCHANGED, Action.UNCHANGED]

        start = today_wib() + timedelta(days=1)

        def change(sheet):
            sheet.cell(row=2, column=COLUMNS.index("jumlah") + 1, value=800)
            sheet.cell(row=3, column=COLUMNS.index("tarik") + 1, value="ya")
            new = dict.fromkeys(COLUMNS, "")
            new |= {
                "jenis": "penawaran",
                "komoditas": "beras",
                "mutu": "Medium 1",
                "jumlah": 20,
                "satuan_dagang": "karung",
                "isi_per_satuan": 50,
                "harga": "600.000",  # per karung of 50 kg: Rp 12.000 per kg
                "mulai": start.isoformat(),
                "selesai": (start + timedelta(days=20)).isoformat(),
                "akad": "tunai, tempo",
            }
            sheet.append([new[c] for c in COLUMNS])
            sheet.append([new[c] if c != "mutu" else "Super" for c in COLUMNS])

        edited = _edit(data, change)
        upload, rows = _upload(manager, edited)
        assert [r.action for r in rows] == [
            Action.CHANGE,
            Action.WITHDRAW,
            Action.CREATE,
            Action.REFUSED,
        ]
        assert rows[0].changed == ("quantity",)
        assert "mutu" in rows[3].messages[0] and "Premium" in rows[3].messages[0]
        assert len(_listings()) == 2  # the preview wrote nothing
        counts = sheet_services.confirm(manager, upload.token)
        assert counts[Action.CREATE] == 1 and counts[Action.CHANGE] == 1
        assert db.session.get(Listing, first.id).quantity == 800
        assert db.session.get(Listing, second.id).status == ListingStatus.WITHDRAWN
        new = db.session.scalar(select(Listing).where(Listing.id > second.id))
        assert (new.quantity, new.price) == (1000, 12000)

        before = _listings()
        upload, rows = _upload(manager, edited)  # the same file again
        assert {r.action for r in rows} == {Action.UNCHANGED, Action.REFUSED}
        sheet_services.confirm(manager, upload.token)
        assert _listings() == before
        with pytest.raises(NotFound):
            sheet_services.confirm(manager, upload.token)  # confirmed once


def test_another_pesantren_s_listing_and_an_unverified_manager_are_refused(app):
    with app.test_request_context():
        manager, other = make_manager(), make_manager(regency_code="3515")
        theirs = make_listing(other.pesantren)
        data = sheet_services.own_listings_file(other, "csv")
        _upload_, rows = _upload(manager, data, "listing.csv")
        assert rows[0].action == Action.REFUSED and f"{theirs.id}" in rows[0].messages[0]
        pending = make_manager(status="pending")
        with pytest.raises(Forbidden):
            sheet_services.upload_listings(pending, "a.csv", data)
        assert db.session.scalar(select(func.count()).select_from(Listing)) == 1


def test_rows_are_read_with_reasons():
    header = list(COLUMNS)
    base = dict.fromkeys(COLUMNS, "")
    base |= {"jenis": "penawaran", "komoditas": "beras", "mutu": "Premium", "jumlah": "10"}
    base |= {"harga": "13.000", "mulai": "04/01/2027", "selesai": "2027-01-30", "akad": "tunai"}
    rows = [
        [base[c] for c in COLUMNS],
        [(base | {"jumlah": "=1+1"})[c] for c in COLUMNS],
        [(base | {"satuan_dagang": "kodi"})[c] for c in COLUMNS],
        [(base | {"mulai": "besok"})[c] for c in COLUMNS],
        [(base | {"tarik": "ya"})[c] for c in COLUMNS],
    ]
    read = read_rows(header, rows, {"beras": "kg"})
    assert read[0].inp.price == 13000 and read[0].inp.window_start.isoformat() == "2027-01-04"
    assert read[0].inp.client_token and read[0].action is None
    assert [r.problems[0][:2] for r in read[1:]] == [
        ("jumlah", "formula"),
        ("satuan_dagang", "unit_mismatch"),
        ("mulai", "date"),
        ("tarik", "withdraw_needs_id"),
    ]


def test_the_pages_upload_preview_and_confirm_without_javascript(app, client, auth):
    with app.test_request_context():
        manager = make_manager()
        make_listing(manager.pesantren, quantity=1000, price=1500)
        email = manager.email
    auth.login(email)
    page = client.get("/listing/lembar")
    assert page.status_code == 200 and b'type="file"' in page.data
    csv = client.get("/listing/lembar/listing-saya.csv")
    assert csv.data.startswith(b"\xef\xbb\xbfid;jenis")
    edited = csv.data.replace(b";1000;", b";900;")
    sent = client.post(
        "/listing/lembar",
        data={"file": (io.BytesIO(edited), "listing.csv")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    preview = client.get(sent.location).get_data(as_text=True)
    assert "diubah: <strong>1</strong>" in preview and "berubah: jumlah" in preview
    done = client.post(sent.location, follow_redirects=True)
    assert "1 diubah" in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Listing.quantity)) == 900


def test_a_row_that_cannot_be_written_at_confirm_writes_nothing(app, monkeypatch):
    from exchange.errors import IllegalTransition, Invalid
    from exchange.listings import services

    with app.test_request_context():
        manager = make_manager()
        first = make_listing(manager.pesantren, quantity=1000)
        second = make_listing(manager.pesantren, quantity=700)
        data = sheet_services.own_listings_file(manager, "csv")
        data = data.replace(b";1000;", b";900;").replace(b";700;", b";600;")
        upload = sheet_services.upload_listings(manager, "a.csv", data)

        def taken(user, listing_id, inp, commit=True):  # a deal took it a moment ago
            if listing_id == second.id:
                raise IllegalTransition("baru saja berubah")
            return real(user, listing_id, inp, commit=commit)

        real = services.update_listing
        monkeypatch.setattr(services, "update_listing", taken)
        with pytest.raises(Invalid, match="Baris 3"):
            sheet_services.confirm(manager, upload.token)
        db.session.expire_all()
        assert db.session.get(Listing, first.id).quantity == 1000  # the first row too: nothing
