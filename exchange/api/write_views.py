"""Write endpoints: listings (scope ``listings``) and deals (scope ``deals``). Each calls the
same service as the page's form; a refusal becomes problem+json in errors.py."""

from __future__ import annotations

from exchange.api import present, schemas
from exchange.api import write_schemas as w
from exchange.api.guard import acting_user, needs
from exchange.api.idempotency import client_token, write
from exchange.api.scopes import Scope
from exchange.api.spec import responses, spec
from exchange.api.views import bp
from exchange.deals import acceptance, fulfilment
from exchange.deals import services as deals
from exchange.deals.akad import Stage, Terms
from exchange.deals.facts import amount_due
from exchange.deals.moves import load_deal
from exchange.listings import services as listings
from exchange.listings.rules import ListingInput


def endpoint(rule, scope: Scope, *, json=None, status=200, result=schemas.Deal, method="POST"):
    """One write endpoint: the route, its OpenAPI description (the body, the Idempotency-Key
    header, the answer), the token's scope and the idempotent replay, in that order."""

    def wrap(view):
        described = spec.validate(
            json=json,
            headers=w.WriteHeaders,
            resp=responses(status, result),
            tags=(scope.value,),
        )(needs(scope)(write(view)))
        return bp.route(rule, methods=[method])(described)

    return wrap


def _listing_input(body: w.ListingIn, token: str | None = None) -> ListingInput:
    return ListingInput(
        side=body.side,
        commodity=body.commodity,
        quantity=body.quantity,
        grade=body.grade,
        price=body.price,
        window_start=body.window_start,
        window_end=body.window_end,
        lat=body.lat,
        lon=body.lon,
        place_name=body.place_name,
        max_distance_km=body.max_distance_km,
        akad=tuple(body.akad),
        note=body.note,
        min_quantity=body.min_quantity,
        halal_cert=body.halal_cert,
        made_to_order=body.made_to_order,
        client_token=token,
    )


def _deal(deal_id: int):
    deal = load_deal(deal_id)
    return present.deal(deal, acting_user(), amount_due(deal))


@endpoint("/listings", Scope.LISTINGS, json=w.ListingIn, status=201, result=schemas.Listing)
def create_listing(json: w.ListingIn, headers: w.WriteHeaders):
    """Post an offer or a request for the token's pesantren."""
    user = acting_user()
    if user.pesantren is not None and user.pesantren.lat is not None:
        json = json.model_copy(
            update={"lat": json.lat or user.pesantren.lat, "lon": json.lon or user.pesantren.lon}
        )
    token = client_token(headers.idempotency_key)
    listing, _warnings = listings.create_listing(user, _listing_input(json, token))
    return present.listing(listing), 201


@endpoint(
    "/listings/<int:listing_id>",
    Scope.LISTINGS,
    json=w.ListingIn,
    result=schemas.Listing,
    method="PUT",
)
def update_listing(listing_id: int, json: w.ListingIn, headers: w.WriteHeaders):
    """Change one of the pesantren's listings while nothing of it is committed to deals."""
    listing, _warnings = listings.update_listing(acting_user(), listing_id, _listing_input(json))
    return present.listing(listing)


@endpoint("/listings/<int:listing_id>/withdraw", Scope.LISTINGS, result=schemas.Listing)
def withdraw_listing(listing_id: int, headers: w.WriteHeaders):
    """Withdraw one of the pesantren's listings from the market."""
    return present.listing(listings.withdraw_listing(acting_user(), listing_id))


@endpoint("/deals", Scope.DEALS, json=w.OpenIn, status=201)
def open_deal(json: w.OpenIn, headers: w.WriteHeaders):
    """Open a negotiation on another pesantren's listing, or from a clearing proposal."""
    user = acting_user()
    listing_id, counter_id = json.listing_id, json.counter_listing_id
    if json.proposal_id is not None:
        proposal = deals.open_proposal(user, json.proposal_id)
        listing_id, counter_id = deals.proposal_listings(user, proposal)
    deal = deals.open_negotiation(
        user,
        listing_id or 0,
        counter_id,
        message=json.message,
        proposal_id=json.proposal_id,
        client_token=client_token(headers.idempotency_key),
    )
    return _deal(deal.id), 201


@endpoint("/deals/<int:deal_id>/counter", Scope.DEALS, json=w.CounterIn)
def counter(deal_id: int, json: w.CounterIn, headers: w.WriteHeaders):
    """Counter with new terms (``seen_version``: the version the client answers)."""
    given = json.terms.model_dump()
    given["schedule"] = tuple(Stage(s["due"], s["amount"]) for s in given["schedule"])
    terms = Terms(**given)
    deals.counter_offer(acting_user(), deal_id, json.seen_version, terms, json.message)
    return _deal(deal_id)


@endpoint("/deals/<int:deal_id>/accept", Scope.DEALS, json=w.AcceptIn)
def accept(deal_id: int, json: w.AcceptIn, headers: w.WriteHeaders):
    """Accept the other side's current terms: the contract is signed."""
    acceptance.accept(acting_user(), deal_id, json.seen_version)
    return _deal(deal_id)


@endpoint("/deals/<int:deal_id>/reject", Scope.DEALS, json=w.NoteIn)
def reject(deal_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """Reject the negotiation (on the token's turn)."""
    deals.reject(acting_user(), deal_id, json.note)
    return _deal(deal_id)


@endpoint("/deals/<int:deal_id>/withdraw", Scope.DEALS, json=w.NoteIn)
def withdraw(deal_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """Withdraw from the negotiation."""
    deals.withdraw(acting_user(), deal_id, json.note)
    return _deal(deal_id)


@endpoint("/deals/<int:deal_id>/payments", Scope.DEALS, json=w.PaymentIn, status=201)
def pay(deal_id: int, json: w.PaymentIn, headers: w.WriteHeaders):
    """Record a payment (the buyer)."""
    fulfilment.record_payment(acting_user(), deal_id, json.amount, json.paid_on, json.note)
    return _deal(deal_id), 201


@endpoint("/deals/<int:deal_id>/ship", Scope.DEALS, json=w.NoteIn)
def ship(deal_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """Record the shipment (the seller)."""
    fulfilment.ship(acting_user(), deal_id, json.note)
    return _deal(deal_id)


@endpoint("/deals/<int:deal_id>/receive", Scope.DEALS, json=w.ReceiveIn)
def receive(deal_id: int, json: w.ReceiveIn, headers: w.WriteHeaders):
    """Record the handover (BAST, the buyer), with any payment made at the handover."""
    fulfilment.receive(acting_user(), deal_id, **json.model_dump())
    return _deal(deal_id)


@endpoint("/deals/<int:deal_id>/rating", Scope.DEALS, json=w.RatingIn, status=201)
def rate(deal_id: int, json: w.RatingIn, headers: w.WriteHeaders):
    """Rate the other pesantren after the deal is done."""
    fulfilment.rate(acting_user(), deal_id, json.score, json.comment)
    return _deal(deal_id), 201
