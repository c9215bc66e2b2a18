"""The catalogue's sharia facts: made to order (istisna'), the ribawi class, rice grades."""

from exchange.deals import checks, services
from exchange.listings.models import Side
from tests.catalogue.test_views import _form, _staff
from tests.factories import commodity, deal_terms, make_listing, make_manager


def test_the_shipped_catalogue_marks_made_to_order_and_ribawi_goods(app):
    with app.app_context():
        assert commodity("batik_tulis").made_to_order and commodity("buku_kitab").made_to_order
        assert not commodity("sapi_potong").made_to_order  # live cattle is not made to order
        assert commodity("garam_krosok").ribawi_group == "food"
        assert commodity("sarung").ribawi_group is None
        assert commodity("beras").grades == ["Premium", "Medium 1", "Medium 2", "Medium 3"]


def test_staff_mark_a_commodity_made_to_order(app, client, auth):
    _staff(app, auth)
    form = client.get("/komoditas/baru").text
    assert 'name="made_to_order"' in form
    client.post("/komoditas/baru", data=_form(slug="mukena", is_food="", made_to_order="y"))
    with app.app_context():
        assert commodity("mukena").made_to_order
        assert checks.allowed_akad(
            [make_listing(make_manager().pesantren, slug="mukena", grade=1, akad=["istisna"])]
        ) == ["istisna"]


def test_a_premium_rice_offer_fills_a_medium_request(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        premium = make_listing(seller.pesantren, slug="beras", grade=4, price=14000)
        medium_wanted = make_listing(buyer.pesantren, side=Side.REQUEST, slug="beras", grade=3)
        terms = deal_terms(unit_price=14000, grade=4)
        deal = services.open_negotiation(buyer, premium.id, medium_wanted.id, terms)
        assert deal.current_terms.grade == 4
