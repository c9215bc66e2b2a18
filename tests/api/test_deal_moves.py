"""Every move the deal pages offer is an API operation calling the same service, and a deal says
what it waits for and from whom (issue 26's blockers)."""

from __future__ import annotations

import pytest

from exchange.api.tokens import create_token
from exchange.auth.models import User
from exchange.clock import today_wib
from exchange.extensions import db
from exchange.matching.services import run_clearing
from tests.api.helpers import bearer, build_world
from tests.factories import make_listing

TODAY = None


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


class Api:
    def __init__(self, client):
        self.client, self.n = client, 0

    def post(self, token, path, body=None):
        self.n += 1
        headers = bearer(token, **{"Idempotency-Key": f"k{self.n}"})
        return self.client.post(f"/api/v1{path}", json=body, headers=headers)

    def get(self, token, path):
        return self.client.get(f"/api/v1{path}", headers=bearer(token))


def _waits(deal) -> set[tuple[str, str]]:
    return {(a["side"], a["action"]) for a in deal["awaited_action"]}


def _signed(api, world) -> dict:
    opened = api.post(world.buyer_token, "/deals", {"listing_id": world.offer_id})
    assert opened.status_code == 201, opened.json
    deal = opened.json
    assert _waits(deal) == {("seller", "counter")}
    assert deal["my_actions"] == ["withdraw"]  # the buyer waits for the seller's answer
    seller_view = api.get(world.seller_token, f"/deals/{deal['id']}").json
    assert set(seller_view["my_actions"]) == {"counter", "accept", "reject", "withdraw"}
    signed = api.post(world.seller_token, f"/deals/{deal['id']}/accept", {"seen_version": 1})
    assert signed.status_code == 200, signed.json
    return signed.json


def test_a_deal_goes_from_opening_to_both_ratings_through_the_api(app, client, world):
    api = Api(client)
    deal = _signed(api, world)
    path = f"/deals/{deal['id']}"
    today = today_wib().isoformat()
    assert _waits(deal) == {("seller", "ship")}
    shipped = api.post(world.seller_token, f"{path}/ship", {})
    assert shipped.status_code == 200 and _waits(shipped.json) == {("buyer", "receive")}
    early = api.post(world.seller_token, f"{path}/complete", {})
    assert early.status_code == 409  # not received yet: the lifecycle table refuses
    assert early.mimetype == "application/problem+json"
    paid = api.post(  # cash (tunai): paid at the handover, recorded with the BAST
        world.buyer_token,
        f"{path}/receive",
        {
            "quantity_received": deal["versions"][-1]["quantity"],
            "received_on": today,
            "paid_now": deal["amount_due"],
        },
    )
    assert paid.status_code == 200, paid.json
    assert _waits(paid.json) == {("seller", "complete")}
    assert (paid.json["paid"], paid.json["balance"]) == (deal["amount_due"], 0)
    assert deal["balance"] == deal["amount_due"] and deal["unit"]
    seller_pid = paid.json["seller_pesantren_id"]
    assert paid.json["awaited_action"][0]["pesantren_id"] == seller_pid
    done = api.post(world.seller_token, f"{path}/complete", {"note": "lunas"})
    assert done.status_code == 200, done.json
    assert done.json["state"] == "completed" and done.json["awaited_action"] == []
    for token in (world.seller_token, world.buyer_token):
        rated = api.post(token, f"{path}/rating", {"score": 5, "comment": "amanah"})
        assert rated.status_code == 201, rated.json
    # the documents as PDF, for the parties only
    contract = api.get(world.buyer_token, f"{path}/contract.pdf")
    assert contract.status_code == 200 and contract.mimetype == "application/pdf"
    assert contract.data.startswith(b"%PDF")
    payment = done.json["payments"][0]["id"]
    receipt = api.get(world.seller_token, f"{path}/payments/{payment}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")
    bast = api.get(world.buyer_token, f"{path}/deliveries/{done.json['delivery']['id']}/bast.pdf")
    assert bast.status_code == 200 and bast.data.startswith(b"%PDF")
    assert api.get(world.outsider_token, f"{path}/contract.pdf").status_code == 404


def test_a_deal_not_yet_signed_has_no_documents_yet_and_says_so(client, world):
    """The deal exists for its parties (a 404 would say it does not): 409, wrong state."""
    api = Api(client)
    path = f"/deals/{world.deal_id}"
    early = api.get(world.buyer_token, f"{path}/contract.pdf")
    assert early.status_code == 409, early.text
    assert early.json["type"] == "/api/v1/problems/wrong-state"
    assert "menyetujui syarat" in early.json["detail"]
    assert api.get(world.outsider_token, f"{path}/contract.pdf").status_code == 404


def test_cancellation_is_asked_declined_asked_again_and_agreed(client, world):
    api = Api(client)
    path = f"/deals/{_signed(api, world)['id']}"
    assert api.post(world.buyer_token, f"{path}/cancellation", {"reason": ""}).status_code == 400
    asked = api.post(world.buyer_token, f"{path}/cancellation", {"reason": "gudang banjir"})
    assert asked.status_code == 201, asked.json
    assert _waits(asked.json) == {("seller", "agree_cancel")}
    assert "decline_cancel" in api.get(world.seller_token, path).json["my_actions"]
    refused = api.post(world.buyer_token, f"{path}/cancellation/agree", {})
    assert refused.status_code == 409  # the asker cannot agree with itself
    declined = api.post(world.seller_token, f"{path}/cancellation/decline", {})
    assert declined.status_code == 200 and declined.json["state"] == "signed"
    api.post(world.buyer_token, f"{path}/cancellation", {"reason": "gudang banjir lagi"})
    agreed = api.post(world.seller_token, f"{path}/cancellation/agree", {"note": "baik"})
    assert agreed.status_code == 200 and agreed.json["state"] == "cancelled"


def test_a_dispute_is_raised_and_withdrawn_by_its_side(client, world):
    api = Api(client)
    path = f"/deals/{_signed(api, world)['id']}"
    raised = api.post(world.seller_token, f"{path}/dispute", {"reason": "harga tidak sesuai"})
    assert raised.status_code == 201 and raised.json["state"] == "disputed"
    assert _waits(raised.json) == {("seller", "resolve")}
    assert api.post(world.buyer_token, f"{path}/dispute/withdraw", {}).status_code == 409
    back = api.post(world.seller_token, f"{path}/dispute/withdraw", {})
    assert back.status_code == 200 and back.json["state"] == "signed"


def test_an_overpayment_after_a_short_handover_is_refunded_by_the_seller(client, world):
    api = Api(client)
    deal = _signed(api, world)
    path, today = f"/deals/{deal['id']}", today_wib().isoformat()
    api.post(
        world.buyer_token, f"{path}/payments", {"amount": deal["amount_due"], "paid_on": today}
    )
    api.post(world.seller_token, f"{path}/ship", {})
    half = deal["versions"][-1]["quantity"] // 2
    got = api.post(
        world.buyer_token,
        f"{path}/receive",
        {"quantity_received": half, "received_on": today, "shortfall_outcome": "returned"},
    )
    assert got.status_code == 200, got.json
    assert _waits(got.json) == {("seller", "refund")}
    owed = deal["amount_due"] - got.json["amount_due"]
    back = api.post(world.seller_token, f"{path}/refunds", {"amount": owed, "refunded_on": today})
    assert back.status_code == 201, back.json
    assert _waits(back.json) == {("seller", "complete")}
    assert api.post(world.seller_token, f"{path}/complete", {}).json["state"] == "completed"


def _proposal(app, world, api) -> dict:
    """A proposal for part of both listings: the buyer's 450 are split between the outsider's
    cheaper 300 and the seller's 3,650, so the seller's proposal is for less than either
    listing's remaining (where the listings' default terms and the proposal's differ)."""
    with app.app_context():
        seller = db.session.get(User, world.seller_id)
        buyer = db.session.get(User, world.buyer_id)
        outsider = db.session.get(User, world.outsider_id)
        make_listing(seller.pesantren, slug="beras", quantity=3650, price=1200)
        make_listing(outsider.pesantren, slug="beras", quantity=300, price=1000)
        make_listing(buyer.pesantren, side="request", slug="beras", quantity=450, price=2000)
        run_clearing()
    found = api.get(world.buyer_token, "/proposals").json["items"]
    ours = [p for p in found if p["seller_pesantren_id"] == world.seller_pesantren]
    assert all(p["commodity"] == "beras" and p["created_at"] for p in found)
    assert ours and ours[0]["quantity"] < 450, found
    return ours[0]


def test_a_deal_opened_from_a_proposal_opens_on_the_proposals_terms(app, client, world):
    api = Api(client)
    proposal = _proposal(app, world, api)
    opened = api.post(world.buyer_token, "/deals", {"proposal_id": proposal["id"]})
    assert opened.status_code == 201, opened.json
    first = opened.json["versions"][0]
    assert (first["quantity"], first["unit_price"]) == (proposal["quantity"], proposal["price"])
    assert first["akad"] == proposal["akad"]


def test_an_opener_may_bring_its_own_terms_to_a_proposal(app, client, world):
    api = Api(client)
    proposal = _proposal(app, world, api)
    theirs = api.get(world.buyer_token, "/proposals").json["items"][0]
    assert theirs["id"] == proposal["id"]
    terms = {
        "quantity": 120,
        "unit_price": proposal["price"],
        "akad": "tunai",
        "handover_date": today_wib().isoformat(),
        "handover_place": "Gudang",
        "transport": "buyer",
    }
    opened = api.post(world.buyer_token, "/deals", {"proposal_id": proposal["id"], "terms": terms})
    assert opened.status_code == 201, opened.json
    assert opened.json["versions"][0]["quantity"] == 120


def test_a_party_declines_a_proposal_once_and_others_get_404(app, client, world):
    api = Api(client)
    proposal = _proposal(app, world, api)
    path = f"/proposals/{proposal['id']}/decline"
    assert api.post(world.outsider_token, path).status_code == 404
    declined = api.post(world.seller_token, path)
    assert declined.status_code == 200 and declined.json["status"] == "declined"
    assert api.post(world.buyer_token, path).status_code == 409
    gone = api.post(world.buyer_token, "/deals", {"proposal_id": proposal["id"]})
    assert gone.status_code == 404


def test_a_clearing_run_is_confirmed_by_its_parties_through_the_api(app, client):
    from exchange.netting import services as netting
    from tests.factories import make_staff
    from tests.netting.helpers import triangle

    api = Api(client)
    with app.app_context():
        parties, _deals = triangle()
        tokens = [create_token(u, "t", ["read", "deals"])[1] for u in parties]
        outsider = create_token(make_staff(), "s", ["read"])[1]
        run_id = netting.start_run(make_staff()).id
    mine = api.get(tokens[0], "/clearing").json["items"]
    assert [r["id"] for r in mine] == [run_id] and mine[0]["my_answer"] == "pending"
    assert mine[0]["cleared"] == 70_000
    assert api.get(outsider, f"/clearing/{run_id}").status_code == 404
    for token in tokens:
        answered = api.post(token, f"/clearing/{run_id}/confirm")
        assert answered.status_code == 200, answered.json
    assert answered.json["status"] == "applied" and answered.json["my_answer"] == "confirmed"


def test_declining_a_clearing_run_answers_declined(app, client):
    from exchange.netting import services as netting
    from tests.factories import make_staff
    from tests.netting.helpers import triangle

    api = Api(client)
    with app.app_context():
        parties, _deals = triangle()
        token = create_token(parties[0], "t", ["read", "deals"])[1]
        run_id = netting.start_run(make_staff()).id
    declined = api.post(token, f"/clearing/{run_id}/decline")
    assert declined.status_code in (200, 404), declined.json


def test_staff_settle_a_dispute_and_parties_cannot(client, world):
    api = Api(client)
    path = f"/deals/{_signed(api, world)['id']}"
    api.post(world.buyer_token, f"{path}/dispute", {"reason": "mutu beda"})
    deal_id = path.rsplit("/", 1)[1]
    staff_path = f"/staff/disputes/{deal_id}/settle"
    assert api.post(world.seller_token, staff_path, {"note": "islah"}).status_code == 403
    assert api.post(world.staff_token, staff_path, {"note": ""}).status_code == 400
    settled = api.post(world.staff_token, staff_path, {"note": "islah: harga turun 5%"})
    assert settled.status_code == 200, settled.json
    assert settled.json["state"] == "signed" and settled.json["my_actions"] == []
