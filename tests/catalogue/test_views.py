from sqlalchemy import func, select

from exchange.catalogue.models import Commodity
from exchange.extensions import db
from tests.factories import commodity, make_listing, make_manager, make_pesantren, make_staff


def _form(**changes):
    data = {
        "slug": "kopi_robusta_ose",
        "name_id": "Kopi robusta ose",
        "name_en": "Robusta green coffee",
        "category": "perkebunan",
        "unit": "kg",
        "grades": "Besar\nKecil",
        "reference_price": "62000",
        "price_source": "estimasi",
        "transport_cost_per_unit_km": "2.5",
        "is_food": "y",
        "active": "y",
    }
    data.update(changes)
    return data


def _staff(app, auth):
    with app.app_context():
        email = make_staff().email
    auth.login(email)


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Commodity))


def test_catalogue_is_listed_with_rupiah(client):
    page = client.get("/komoditas/").get_data(as_text=True)
    assert "Garam krosok" in page and "Rp\u00a01.500" in page
    assert "/komoditas/baru" not in page


def test_staff_add_a_commodity(app, client, auth):
    _staff(app, auth)
    response = client.post("/komoditas/baru", data=_form())
    assert response.status_code == 302
    with app.app_context():
        c = commodity("kopi_robusta_ose")
        assert c.grades == ["Besar", "Kecil"] and c.reference_price == 62000
        assert c.is_food and not c.is_ribawi and c.transport_cost_per_unit_km == 2.5


def test_bad_commodity_input_is_refused(app, client, auth):
    _staff(app, auth)
    before = _count(app)
    for changes, message in [
        ({"slug": "garam_krosok"}, "Kode ini sudah dipakai"),
        ({"slug": "Kopi Robusta"}, "Huruf kecil, angka dan _ saja."),
        ({"name_id": ""}, "Wajib diisi."),
        ({"name_en": "<i>x</i>"}, "tanpa tag HTML"),
        ({"grades": "A\na"}, "Setiap mutu hanya sekali."),
        ({"reference_price": "0"}, "Harga harus lebih dari nol."),
        ({"reference_price": "dua ribu"}, "Tulis bilangan bulat"),
        ({"unit": "x" * 21}, "Maksimal 20 karakter."),
    ]:
        response = client.post("/komoditas/baru", data=_form(**changes))
        assert response.status_code == 400, changes
        assert message in response.get_data(as_text=True), changes
    assert _count(app) == before


def test_staff_edit_keeps_slug(app, client, auth):
    _staff(app, auth)
    with app.app_context():
        cid = commodity("garam_krosok").id
    data = _form(
        slug="diganti", name_id="Garam rakyat", grades="K1\nK2\nK3", reference_price="1600"
    )
    assert client.post(f"/komoditas/{cid}/ubah", data=data).status_code == 302
    with app.app_context():
        c = db.session.get(Commodity, cid)
        assert (c.slug, c.name_id, c.reference_price) == ("garam_krosok", "Garam rakyat", 1600)


def test_grades_are_locked_once_listings_use_them(app, client, auth):
    with app.app_context():
        make_listing(make_pesantren())
        cid = commodity("garam_krosok").id
    _staff(app, auth)
    response = client.post(f"/komoditas/{cid}/ubah", data=_form(grades="K1\nK2"))
    assert response.status_code == 400
    assert "sudah dipakai listing" in response.get_data(as_text=True)


def test_managers_cannot_edit_the_catalogue(app, client, auth):
    with app.app_context():
        email = make_manager().email
        cid = commodity("garam_krosok").id
    auth.login(email)
    assert client.get("/komoditas/baru").status_code == 404
    assert client.post(f"/komoditas/{cid}/ubah", data=_form()).status_code == 404
