"""The suggestions page of a listing is its owner's, as the API's and the authorization table
say: anyone else gets 404, one answer for every path (issue 23)."""

from __future__ import annotations

from exchange.listings.models import Side
from tests.factories import make_listing, make_manager, make_staff
from tests.security.world import signed_in


def test_only_the_owner_reads_an_active_listings_suggestions(app):
    with app.app_context():
        owner = make_manager("3529")
        offer = make_listing(owner.pesantren, price=1200).id
        other = make_manager("3528")
        make_listing(other.pesantren, side=Side.REQUEST, price=2400)
        emails = {"owner": owner.email, "other": other.email, "staff": make_staff().email}
    path = f"/pasar/{offer}/saran"
    assert signed_in(app, emails["owner"]).get(path).status_code == 200
    for who in (None, emails["other"], emails["staff"]):
        assert signed_in(app, who).get(path).status_code == 404, who
    # and the listing page no longer points others at it
    assert path not in signed_in(app, emails["other"]).get(f"/pasar/{offer}").get_data(as_text=True)
