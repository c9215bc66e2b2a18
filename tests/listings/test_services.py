from datetime import timedelta

import pytest

from exchange.clock import today_wib
from exchange.errors import Forbidden, IllegalTransition, Invalid, NotFound
from exchange.extensions import db
from exchange.listings import quantity, services
from exchange.listings.models import Listing, ListingStatus
from exchange.listings.services import InvalidListing
from exchange.pesantren.models import PesantrenStatus
from tests.factories import make_listing, make_manager, make_staff
from tests.listings.helpers import count_listings, events, salt_offer

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def test_a_manager_posts_an_offer_for_their_own_pesantren(app):
    with app.test_request_context():
        manager = make_manager("3529")
        listing, warnings = services.create_listing(
            manager, salt_offer(client_token="t1", halal_cert="ID35110001325901022")
        )
        assert warnings == []
        assert listing.pesantren_id == manager.pesantren_id
        assert (listing.quantity, listing.remaining, listing.status) == (5000, 5000, "active")
        assert listing.commodity.grade_label(listing.grade) == "K2"
        assert listing.grade == 2  # rank: K1=3, K2=2, K3=1
        assert (listing.lat, listing.lon) == (manager.pesantren.lat, manager.pesantren.lon)
        assert listing.geo_x is not None
        [event] = events("listing.created")
        assert (event.object_id, event.actor_id) == (listing.id, manager.id)


def test_a_request_keeps_its_distance_an_offer_has_none(app):
    with app.test_request_context():
        manager = make_manager()
        request, _ = services.create_listing(
            manager, salt_offer(side="request", max_distance_km=150.0)
        )
        offer, _ = services.create_listing(manager, salt_offer(max_distance_km=150.0))
        assert (request.max_distance_km, offer.max_distance_km) == (150.0, None)


def test_the_same_form_sent_twice_makes_one_listing(app):
    with app.test_request_context():
        manager = make_manager()
        first, _ = services.create_listing(manager, salt_offer(client_token="same"))
        second, _ = services.create_listing(manager, salt_offer(client_token="same"))
        assert first.id == second.id
        assert count_listings() == 1
        assert len(events("listing.created")) == 1


def test_a_double_submit_race_returns_the_listing_that_won(app, monkeypatch):
    """Both requests look the token up before either commits: the UNIQUE key decides."""
    with app.test_request_context():
        manager = make_manager()
        winner, _ = services.create_listing(manager, salt_offer(client_token="race"))
        real = services._by_token
        calls = []

        def not_yet_seen(token, pesantren_id):
            calls.append(token)
            return None if len(calls) == 1 else real(token, pesantren_id)

        monkeypatch.setattr(services, "_by_token", not_yet_seen)
        loser, _ = services.create_listing(manager, salt_offer(client_token="race"))
        assert loser.id == winner.id
        assert count_listings() == 1


def test_another_pesantrens_token_is_refused(app):
    with app.test_request_context():
        services.create_listing(make_manager(), salt_offer(client_token="mine"))
        with pytest.raises(Invalid):
            services.create_listing(make_manager(), salt_offer(client_token="mine"))
        assert count_listings() == 1


def test_a_refused_listing_stores_nothing_and_names_each_field(app):
    with app.test_request_context():
        manager = make_manager()
        with pytest.raises(InvalidListing) as refused:
            services.create_listing(
                manager, salt_offer(quantity=0, price=2_000_000_000, grade="Z", akad=())
            )
        errors = refused.value.errors
        assert set(errors) == {"quantity", "price", "grade", "akad"}
        assert "1.000.000.000" in errors["price"]
        assert "K1, K2, K3" in errors["grade"]
        assert count_listings() == 0
        assert events("listing.created") == []


def test_unknown_commodity_and_istisna_for_food_are_refused(app):
    with app.test_request_context():
        manager = make_manager()
        with pytest.raises(InvalidListing) as unknown:
            services.create_listing(manager, salt_offer(commodity="emas"))
        assert "commodity" in unknown.value.errors
        with pytest.raises(InvalidListing) as istisna:
            services.create_listing(manager, salt_offer(akad=("istisna",)))
        assert "istishna" in istisna.value.errors["akad"]


def test_halal_number_warns_but_is_kept_for_food_offers(app):
    with app.test_request_context():
        manager = make_manager()
        odd, warnings = services.create_listing(manager, salt_offer(halal_cert=" mui 123 "))
        assert odd.halal_cert == "MUI123"
        assert warnings and "halal.go.id" in warnings[0]
        good, warnings = services.create_listing(
            manager, salt_offer(halal_cert="id35110001325901022")
        )
        assert (good.halal_cert, warnings) == ("ID35110001325901022", [])
        request, _ = services.create_listing(
            manager, salt_offer(side="request", halal_cert="ID35110001325901022")
        )
        assert request.halal_cert is None


def test_pending_pesantren_staff_and_visitors_cannot_post(app):
    with app.test_request_context():
        pending = make_manager(status=PesantrenStatus.PENDING)
        with pytest.raises(Forbidden) as refused:
            services.create_listing(pending, salt_offer())
        assert "belum terverifikasi" in str(refused.value.message)
        with pytest.raises(Forbidden):
            services.create_listing(make_staff(), salt_offer())
        from flask_login import AnonymousUserMixin

        with pytest.raises(Forbidden):
            services.create_listing(AnonymousUserMixin(), salt_offer())
        assert count_listings() == 0


def test_edit_changes_the_listing_and_records_what_changed(app):
    with app.test_request_context():
        manager = make_manager()
        listing, _ = services.create_listing(manager, salt_offer())
        edited, _ = services.update_listing(
            manager, listing.id, salt_offer(price=1600, quantity=4000, grade="K1")
        )
        assert (edited.price, edited.quantity, edited.remaining) == (1600, 4000, 4000)
        assert edited.commodity.grade_label(edited.grade) == "K1"
        assert edited.version == 2
        [event] = events("listing.updated")
        assert event.data["changed"] == "grade,price,quantity"
        assert event.data["before_price"] == 1400


def test_edit_is_refused_once_something_is_committed(app):
    with app.test_request_context():
        manager = make_manager()
        listing, _ = services.create_listing(manager, salt_offer())
        assert quantity.reserve(listing.id, 100)
        db.session.commit()
        with pytest.raises(IllegalTransition):
            services.update_listing(manager, listing.id, salt_offer(price=1600))
        assert db.session.get(Listing, listing.id).price == 1400


def test_a_manager_cannot_touch_another_pesantrens_listing(app):
    with app.test_request_context():
        owner, other = make_manager(), make_manager()
        listing, _ = services.create_listing(owner, salt_offer())
        with pytest.raises(NotFound):
            services.update_listing(other, listing.id, salt_offer(price=1))
        with pytest.raises(NotFound):
            services.withdraw_listing(other, listing.id)
        with pytest.raises(NotFound):
            services.withdraw_listing(make_staff(), listing.id)
        assert db.session.get(Listing, listing.id).status == "active"


def test_withdraw_keeps_the_committed_quantity_with_its_deals(app):
    with app.test_request_context():
        manager = make_manager()
        listing, _ = services.create_listing(manager, salt_offer(quantity=100))
        assert quantity.reserve(listing.id, 30)
        db.session.commit()
        withdrawn = services.withdraw_listing(manager, listing.id)
        assert (withdrawn.status, withdrawn.remaining, withdrawn.committed) == (
            "withdrawn",
            70,
            30,
        )
        assert quantity.reserve(listing.id, 10) is False
        assert services.withdraw_listing(manager, listing.id).status == "withdrawn"
        [event] = events("listing.withdrawn")
        assert event.data["committed"] == 30


def test_a_fulfilled_listing_cannot_be_withdrawn(app):
    with app.test_request_context():
        manager = make_manager()
        listing = make_listing(manager.pesantren, quantity=10, start=today_wib())
        assert quantity.reserve(listing.id, 10)
        db.session.commit()
        with pytest.raises(IllegalTransition):
            services.withdraw_listing(manager, listing.id)


def test_expiry_marks_passed_windows_and_shows_them_expired_at_once(app, runner):
    with app.test_request_context():
        p = make_manager().pesantren
        today = today_wib()
        old = make_listing(p, start=today - timedelta(days=10), days=5)
        current = make_listing(p, start=today, days=5)
        assert old.status == "active" and old.display_status(today) == "expired"
        assert current.display_status(today) == "active"
        assert services.expire_listings(today) == 1
        assert db.session.get(Listing, old.id).status == ListingStatus.EXPIRED
        assert db.session.get(Listing, current.id).status == ListingStatus.ACTIVE
        assert len(events("listing.expired")) == 1
        later = (today + timedelta(days=6)).isoformat()
    result = runner.invoke(args=["exchange", "expire-listings", "--today", later])
    assert "expired=1" in result.output
    with app.test_request_context():
        assert db.session.get(Listing, current.id).status == ListingStatus.EXPIRED
    assert runner.invoke(args=["exchange", "expire-listings", "--today", "bad"]).exit_code != 0
