import pytest
from sqlalchemy import func, select

from exchange.audit.models import AuditEvent
from exchange.auth.models import User
from exchange.extensions import db
from exchange.pesantren.models import Pesantren, PesantrenStatusChange
from tests.factories import TEST_PASSWORD, make_pesantren


def form(**changes):
    data = {
        "user_name": "Ahmad Fauzi",
        "email": "ahmad@kopontren.id",
        "password": TEST_PASSWORD,
        "confirm": TEST_PASSWORD,
        "nspp": "510035290001",
        "name": "Pondok Pesantren Al-Ikhlas",
        "kopontren_name": "Kopontren Al-Ikhlas",
        "kopontren_legal_number": "188/BH/XVI.9/2019",
        "regency_code": "3529",
        "address": "Jl. Raya Sumenep 1",
        "lat": "",
        "lon": "",
        "phone": "0812-3456 7890",
        "santri_count": "850",
        "products": "garam krosok",
        "halal_certificates": "ID35110001325901022: Garam beryodium",
    }
    data.update(changes)
    return data


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(User)),
            db.session.scalar(select(func.count()).select_from(Pesantren)),
        )


def test_register_creates_pending_pesantren_then_the_manager_signs_in(client, app):
    response = client.post("/akun/daftar", data=form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/masuk"  # the same for a taken address
    signed = client.post(
        "/akun/masuk", data={"email": "ahmad@kopontren.id", "password": TEST_PASSWORD}
    )
    assert signed.status_code == 302
    page = client.get("/pesantren/saya").get_data(as_text=True)
    assert "menunggu verifikasi" in page
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ahmad@kopontren.id"))
        p = user.pesantren
        assert user.role == "manager" and user.check_password(TEST_PASSWORD)
        assert p.status == "pending"
        assert p.phone == "+6281234567890"
        assert p.nspp == "510035290001"
        # no coordinates given: the regency seat
        assert (p.lat, p.lon) == (p.regency.lat, p.regency.lon)
        assert p.halal_certificates == [
            {"number": "ID35110001325901022", "product": "Garam beryodium", "format_ok": True}
        ]
        change = db.session.scalar(select(PesantrenStatusChange))
        assert change.to_status == "pending"
        kinds = set(db.session.scalars(select(AuditEvent.kind)))
        assert {"pesantren.registered", "user.created"} <= kinds


def test_unusual_halal_number_warns_but_is_stored(client, app):
    response = client.post(
        "/akun/daftar", data=form(halal_certificates="00150012345: Kecap"), follow_redirects=True
    )
    assert "Format nomor sertifikat halal 00150012345 tidak biasa" in response.get_data(
        as_text=True
    )
    with app.app_context():
        p = db.session.scalar(select(Pesantren))
        assert p.halal_certificates[0]["format_ok"] is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"user_name": ""}, "Wajib diisi."),
        ({"name": ""}, "Wajib diisi."),
        ({"name": "x" * 256}, "Maksimal 255 karakter."),
        ({"name": "<script>alert(1)</script>"}, "tanpa tag HTML"),
        ({"products": "<b>garam</b>"}, "tanpa tag HTML"),
        ({"email": "bukan-email"}, "Alamat e-mail tidak valid."),
        ({"password": "pendek", "confirm": "pendek"}, "Kata sandi minimal 10 karakter."),
        ({"confirm": "lain-lain-lain"}, "Kedua kata sandi tidak sama."),
        ({"phone": "12345"}, "Nomor telepon tidak valid"),
        ({"regency_code": "9999"}, "Pilihan tidak valid."),
        ({"santri_count": "-3"}, "Antara 1 dan 100.000."),
        ({"santri_count": "banyak"}, "Tulis bilangan bulat"),
        ({"lat": "-7.0"}, "Isi lintang dan bujur, atau kosongkan keduanya."),
        ({"lat": "1.3", "lon": "103.8"}, "Koordinat ini di luar Jawa Timur."),
    ],
)
def test_bad_registration_is_refused_and_stores_nothing(client, app, changes, message):
    response = client.post("/akun/daftar", data=form(**changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "<script>alert(1)</script>" not in page  # what was typed comes back escaped
    assert counts(app) == (0, 0)


def test_duplicate_nspp_is_refused(client, app):
    with app.app_context():
        make_pesantren(nspp="510035290001")
    before = counts(app)
    response = client.post("/akun/daftar", data=form())
    assert response.status_code == 400
    assert "NSPP ini sudah terdaftar" in response.get_data(as_text=True)
    assert counts(app) == before


def test_a_taken_email_stores_nothing_and_is_not_told(client, app):
    first = client.post("/akun/daftar", data=form())
    response = client.post(
        "/akun/daftar", data=form(email="AHMAD@kopontren.id", nspp="510035290002")
    )
    assert (response.status_code, response.headers["Location"]) == (
        first.status_code,
        first.headers["Location"],
    )
    assert "sudah terdaftar" not in client.get("/akun/masuk").get_data(as_text=True)
    assert counts(app) == (1, 1)  # the owner is mailed instead (tests/auth/test_round_three.py)


def test_register_form_keeps_what_was_typed(client):
    page = client.post("/akun/daftar", data=form(email="bukan-email")).get_data(as_text=True)
    assert 'value="Pondok Pesantren Al-Ikhlas"' in page


@pytest.mark.parametrize("nspp", ["", "12345", "51003529000A"])
def test_nspp_is_optional_and_an_odd_one_only_gets_a_hint(client, app, nspp):
    response = client.post("/akun/daftar", data=form(nspp=nspp), follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "NSPP belum diisi" in page or "NSPP biasanya 12 angka" in page
    assert counts(app) == (1, 1)


def test_every_problem_of_a_registration_shows_in_one_round(client, app):
    """Form errors and the service's own checks together (issue 27): a bad e-mail, a short
    password, a taken NSPP, a bad phone, coordinates outside East Java and no name."""
    with app.app_context():
        make_pesantren(nspp="510035290001")
    response = client.post(
        "/akun/daftar",
        data=form(
            email="bukan-email",
            password="pendek",
            confirm="pendek",
            phone="12345",
            lat="1.3",
            lon="103.8",
            user_name="",
        ),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for message in (
        "Alamat e-mail tidak valid.",
        "Kata sandi minimal 10 karakter.",
        "NSPP ini sudah terdaftar",
        "Nomor telepon tidak valid",
        "Koordinat ini di luar Jawa Timur.",
        "Wajib diisi.",
    ):
        assert message in page, message
    assert "sudah terdaftar" not in page.replace("NSPP ini sudah terdaftar", "")  # no e-mail
    assert counts(app) == (0, 1)  # nothing stored: the one pesantren made above


def test_a_registration_refused_by_the_service_alone_lists_every_problem(client, app):
    with app.app_context():
        make_pesantren(nspp="510035290001")
    page = client.post("/akun/daftar", data=form(phone="12345")).get_data(as_text=True)
    assert "NSPP ini sudah terdaftar" in page and "Nomor telepon tidak valid" in page
