from exchange.extensions import db
from exchange.listings import quantity
from exchange.listings.models import Listing, ListingStatus
from tests.factories import make_listing, make_manager


def test_reserve_takes_quantity_and_refuses_more_than_remains(app):
    with app.app_context():
        seller = make_manager()
        offer = make_listing(seller.pesantren, quantity=100)
        assert quantity.reserve(offer.id, 60) is True
        assert quantity.reserve(offer.id, 60) is False
        db.session.commit()
        assert db.session.get(Listing, offer.id).remaining == 40


def test_reserving_everything_fulfils_and_release_reopens(app):
    with app.app_context():
        seller = make_manager()
        offer = make_listing(seller.pesantren, quantity=100)
        assert quantity.reserve(offer.id, 100)
        db.session.commit()
        assert db.session.get(Listing, offer.id).status == ListingStatus.FULFILLED
        quantity.release(offer.id, 30)
        db.session.commit()
        listing = db.session.get(Listing, offer.id)
        assert (listing.remaining, listing.status) == (30, ListingStatus.ACTIVE)


def test_release_never_exceeds_quantity(app):
    with app.app_context():
        offer = make_listing(make_manager().pesantren, quantity=100)
        quantity.release(offer.id, 5)
        db.session.commit()
        assert db.session.get(Listing, offer.id).remaining == 100


def test_withdrawn_listing_cannot_be_reserved(app):
    with app.app_context():
        offer = make_listing(make_manager().pesantren, quantity=100, status=ListingStatus.WITHDRAWN)
        assert quantity.reserve(offer.id, 1) is False
