"""Reciprocal bundles through the API: a deal shows the deals it may be tied with, a party
ties two, the debtor records the net settlement once, and untying needs both sides; a
stranger gets 404 and the riba rules refuse with their reasons, as on the deal page."""

from __future__ import annotations

import pytest

from exchange.api.tokens import create_token
from exchange.clock import today_wib
from exchange.deals import acceptance
from exchange.extensions import db
from tests.api.helpers import bearer
from tests.factories import deal_terms, make_deal, make_listing, make_manager

pytestmark = pytest.mark.clocks  # the handover and settlement days are today


@pytest.fixture
def pair(app):
    """Rice a -> b (Rp 12.000.000) and salt b -> a (Rp 1.200.000), tunai, handed over today;
    a third deal a -> b runs the same way as the first."""
    with app.app_context():
        a, b, c = make_manager(), make_manager(regency_code="3578"), make_manager("3509")
        rice = make_listing(a.pesantren, slug="beras", quantity=3000, price=12000)
        salt = make_listing(b.pesantren, quantity=2000)
        today = today_wib()
        rice_terms = deal_terms(quantity=1000, unit_price=12000, handover_date=today)
        leg_a = make_deal(a, b, offer=rice, terms=rice_terms)
        leg_b = make_deal(b, a, offer=salt, terms=deal_terms(quantity=800, handover_date=today))
        same_way = make_deal(a, b, offer=rice, terms=rice_terms)
        scopes = ["read", "deals"]
        ids = {
            "a": create_token(a, "a", scopes)[1],
            "b": create_token(b, "b", scopes)[1],
            "c": create_token(c, "c", scopes)[1],
            "leg_a": leg_a.id,
            "leg_b": leg_b.id,
            "same_way": same_way.id,
            "users": (a.id, b.id),
        }
        db.session.remove()
        return ids


class Api:
    def __init__(self, client):
        self.client, self.n = client, 0

    def post(self, token, path, body=None, lang=None):
        self.n += 1
        headers = bearer(token, **{"Idempotency-Key": f"b{self.n}"})
        if lang:
            headers["Accept-Language"] = lang
        return self.client.post(f"/api/v1/deals{path}", json=body, headers=headers)

    def get(self, token, deal_id):
        return self.client.get(f"/api/v1/deals/{deal_id}", headers=bearer(token))


def test_a_deal_names_its_candidates_and_a_party_ties_them(client, pair):
    api = Api(client)
    shown = api.get(pair["a"], pair["leg_a"]).json
    assert shown["bundle"] is None and shown["bundle_candidates"] == [pair["leg_b"]]
    tied = api.post(pair["a"], f"/{pair['leg_a']}/bundle", {"other_deal_id": pair["leg_b"]})
    assert tied.status_code == 201, tied.text
    assert tied.headers["Location"].endswith(f"/api/v1/deals/{pair['leg_a']}")
    assert tied.json["bundle"]["other_deal_id"] == pair["leg_b"]
    assert tied.json["bundle"]["settled"] is False and tied.json["bundle_candidates"] == []
    other = api.get(pair["b"], pair["leg_b"]).json
    assert other["bundle"]["other_deal_id"] == pair["leg_a"]
    again = api.post(pair["b"], f"/{pair['leg_b']}/bundle", {"other_deal_id": pair["leg_a"]})
    assert again.status_code == 409 and again.json["type"] == "/api/v1/problems/changed-meanwhile"


def test_deals_running_the_same_way_are_refused_in_the_requests_language(client, pair):
    api = Api(client)
    refused = api.post(
        pair["a"], f"/{pair['leg_a']}/bundle", {"other_deal_id": pair["same_way"]}, lang="en"
    )
    assert refused.status_code == 400
    assert "opposite directions" in refused.json["detail"]
    assert api.get(pair["a"], pair["leg_a"]).json["bundle"] is None


def test_a_stranger_gets_404_and_nothing_is_tied(client, pair):
    api = Api(client)
    answer = api.post(pair["c"], f"/{pair['leg_a']}/bundle", {"other_deal_id": pair["leg_b"]})
    assert answer.status_code == 404
    assert api.post(pair["c"], f"/{pair['leg_a']}/bundle/untie").status_code == 404
    assert api.get(pair["a"], pair["leg_a"]).json["bundle"] is None


def test_the_debtor_records_the_net_settlement_once(app, client, pair):
    api = Api(client)
    api.post(pair["a"], f"/{pair['leg_a']}/bundle", {"other_deal_id": pair["leg_b"]})
    with app.app_context():  # each seller accepts the buyer's opening terms
        from exchange.auth.models import User

        a, b = (db.session.get(User, i) for i in pair["users"])
        acceptance.accept(a, pair["leg_a"], 1)
        acceptance.accept(b, pair["leg_b"], 1)
    today = today_wib().isoformat()
    by_creditor = api.post(pair["a"], f"/{pair['leg_a']}/bundle/settle", {"paid_on": today})
    assert by_creditor.status_code == 400  # the creditor does not record what it is paid
    settled = api.post(
        pair["b"], f"/{pair['leg_b']}/bundle/settle", {"paid_on": today, "note": "BSI"}
    )
    assert settled.status_code == 200, settled.text
    assert settled.json["bundle"]["settled"] is True and settled.json["balance"] == 0
    rice = api.get(pair["a"], pair["leg_a"]).json
    assert rice["paid"] == 12_000_000 and rice["balance"] == 0
    twice = api.post(pair["b"], f"/{pair['leg_b']}/bundle/settle", {"paid_on": today})
    assert twice.status_code == 409
    untie = api.post(pair["a"], f"/{pair['leg_a']}/bundle/untie")
    assert untie.status_code == 400  # settled: no longer untied by agreement


def test_untying_is_asked_by_one_side_and_agreed_by_the_other(client, pair):
    api = Api(client)
    api.post(pair["a"], f"/{pair['leg_a']}/bundle", {"other_deal_id": pair["leg_b"]})
    asked = api.post(pair["a"], f"/{pair['leg_a']}/bundle/untie")
    assert asked.status_code == 200 and asked.json["bundle"]["untie_asked_by"] is not None
    assert api.post(pair["a"], f"/{pair['leg_a']}/bundle/untie").status_code == 409
    agreed = api.post(pair["b"], f"/{pair['leg_b']}/bundle/untie")
    assert agreed.status_code == 200 and agreed.json["bundle"] is None
    assert sorted(agreed.json["bundle_candidates"]) == sorted([pair["leg_a"], pair["same_way"]])
