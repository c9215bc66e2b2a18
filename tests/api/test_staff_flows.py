"""The staff's trade flows through the API name the pesantren and their regencies, as the
staff dashboard's network page does."""

from __future__ import annotations

from exchange.api.tokens import create_token
from exchange.extensions import db
from exchange.pesantren.models import Pesantren
from tests.api.helpers import bearer
from tests.factories import make_deal, make_manager, make_staff, sign


def test_flows_name_the_seller_the_buyer_and_their_regencies(app, client):
    with app.app_context():
        seller, buyer = make_manager("3529"), make_manager("3578")
        sign(make_deal(seller, buyer), seller, buyer)
        names = {p.id: p.name for p in db.session.query(Pesantren)}
        ids = seller.pesantren_id, buyer.pesantren_id
        token = create_token(make_staff(), "dinas", ["read", "staff"])[1]
    flows = client.get("/api/v1/staff/flows", headers=bearer(token))
    assert flows.status_code == 200, flows.json
    (row,) = flows.json["items"]
    assert (row["seller_id"], row["buyer_id"]) == ids
    assert (row["seller_name"], row["buyer_name"]) == (names[ids[0]], names[ids[1]])
    assert (row["seller_regency"], row["buyer_regency"]) == ("3529", "3578")
    assert row["seller_regency_name"] == "Kabupaten Sumenep"
    assert row["buyer_regency_name"] == "Kota Surabaya"
