"""Write endpoints: listings (scope ``listings``) and deals (scope ``deals``). Each calls the
same service as the page's form; a refusal becomes problem+json in errors.py."""

from __future__ import annotations

from flask import g, url_for
from pydantic import ValidationError

from exchange.api import present, schemas, versions
from exchange.api import write_schemas as w
from exchange.api.guard import acting_user, needs
from exchange.api.idempotency import client_token, write
from exchange.api.messages import field_message
from exchange.api.read_views import deal_body
from exchange.api.scopes import Scope
from exchange.api.spec import RequestInvalid, responses, spec
from exchange.api.views import bp
from exchange.deals import acceptance, fulfilment
from exchange.deals import services as deals
from exchange.deals.akad import Stage, Terms
from exchange.deals.moves import load_deal
from exchange.errors import NotFound
from exchange.listings import queries as listing_queries
from exchange.listings import services as listings
from exchange.listings.rules import ListingInput


def endpoint(rule, scope: Scope, *, json=None, status=200, result=schemas.Deal, method="POST"):
    """One write endpoint: the route, its OpenAPI description (the body, the Idempotency-Key
    header, the answer), the token's scope and the idempotent replay, in that order."""

    def wrap(view):
        described = spec.validate(
            json=json,
            headers=w.WriteHeaders,
            resp=responses(status, result, write=True),
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


def deal_answer(deal_id: int):
    """The deal after a move, as GET /deals/{id} shows it (a 201 names it in Location)."""
    g.api_location = url_for("api.deal", deal_id=deal_id)  # a 201's Location: the deal shown
    return deal_body(load_deal(deal_id), acting_user())


def _terms(body: w.TermsIn) -> Terms:
    given = body.model_dump()
    given["schedule"] = tuple(Stage(s["due"], s["amount"]) for s in given["schedule"])
    return Terms(**given)


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
    versions.shows(listing.version)
    g.api_location = url_for("api.listing", listing_id=listing.id)
    return present.listing(listing), 201


@endpoint(
    "/listings/<int:listing_id>",
    Scope.LISTINGS,
    json=w.ListingIn,
    result=schemas.Listing,
    method="PUT",
)
def update_listing(listing_id: int, json: w.ListingIn, headers: w.WriteHeaders):
    """Replace one of the pesantren's listings while nothing of it is committed to deals: every
    field left out takes its default (PATCH changes only the fields sent)."""
    listing, _warnings = listings.update_listing(acting_user(), listing_id, _listing_input(json))
    versions.shows(listing.version)
    return present.listing(listing)


@endpoint(
    "/listings/<int:listing_id>",
    Scope.LISTINGS,
    json=w.ListingPatch,
    result=schemas.Listing,
    method="PATCH",
)
def patch_listing(listing_id: int, json: w.ListingPatch, headers: w.WriteHeaders):
    """Change some fields of one of the pesantren's listings (JSON merge patch, RFC 7396: the
    fields sent replace the listing's, ``null`` clears one); the others keep their values.
    With ``If-Match`` (the listing's ETag), a listing changed meanwhile answers 412."""
    user = acting_user()
    found = listing_queries.visible_listing(user, listing_id)
    if found is None or found.pesantren_id != user.pesantren_id:
        raise NotFound()
    now = present.listing(found)
    merged = {
        "side": now.side,
        "commodity": now.commodity,
        "quantity": now.quantity,
        "grade": now.grade,
        "price": now.price,
        "window_start": now.window_start,
        "window_end": now.window_end,
        "lat": now.lat,
        "lon": now.lon,
        "place_name": found.place_name or "",
        "max_distance_km": now.max_distance_km,
        "akad": now.akad,
        "note": now.note,
        "min_quantity": now.min_quantity,
        "halal_cert": now.halal_cert or "",
        "made_to_order": now.made_to_order,
    }
    for name, value in json.model_dump(exclude_unset=True).items():
        field = w.ListingIn.model_fields[name]
        merged[name] = value if value is not None or field.is_required() else field.default
    try:
        body = w.ListingIn.model_validate(merged)
    except ValidationError as error:  # null for a field a listing needs
        problems = [(".".join(map(str, e["loc"])), field_message(e)) for e in error.errors()]
        raise RequestInvalid(problems) from error
    listing, _warnings = listings.update_listing(user, listing_id, _listing_input(body))
    versions.shows(listing.version)
    return present.listing(listing)


@endpoint("/listings/<int:listing_id>/withdraw", Scope.LISTINGS, result=schemas.Listing)
def withdraw_listing(listing_id: int, headers: w.WriteHeaders):
    """Withdraw one of the pesantren's listings from the market."""
    listing = listings.withdraw_listing(acting_user(), listing_id)
    versions.shows(listing.version)
    return present.listing(listing)


@endpoint("/deals", Scope.DEALS, json=w.OpenIn, status=201)
def open_deal(json: w.OpenIn, headers: w.WriteHeaders):
    """Open a negotiation on another pesantren's listing, or from a clearing proposal. Without
    ``terms`` the deal opens on the terms the page's form starts from: a proposal's own
    quantity, price and akad (or ``akad``'s terms), a listing's defaults."""
    user = acting_user()
    listing_id, counter_id = json.listing_id, json.counter_listing_id
    if json.proposal_id is not None:
        proposal = deals.open_proposal(user, json.proposal_id)
        listing_id, counter_id = deals.proposal_listings(user, proposal)
    deal = deals.open_negotiation(
        user,
        listing_id or 0,
        counter_id,
        terms=_terms(json.terms) if json.terms is not None else None,
        message=json.message,
        proposal_id=json.proposal_id,
        client_token=client_token(headers.idempotency_key),
        akad=json.akad,
    )
    return deal_answer(deal.id), 201


@endpoint("/deals/<int:deal_id>/counter", Scope.DEALS, json=w.CounterIn)
def counter(deal_id: int, json: w.CounterIn, headers: w.WriteHeaders):
    """Counter with new terms (``seen_version``: the version the client answers)."""
    deals.counter_offer(acting_user(), deal_id, json.seen_version, _terms(json.terms), json.message)
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/accept", Scope.DEALS, json=w.AcceptIn)
def accept(deal_id: int, json: w.AcceptIn, headers: w.WriteHeaders):
    """Accept the other side's current terms: the contract is signed."""
    acceptance.accept(acting_user(), deal_id, json.seen_version)
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/reject", Scope.DEALS, json=w.NoteIn)
def reject(deal_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """Reject the negotiation (on the token's turn)."""
    deals.reject(acting_user(), deal_id, json.note)
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/withdraw", Scope.DEALS, json=w.NoteIn)
def withdraw(deal_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """Withdraw from the negotiation."""
    deals.withdraw(acting_user(), deal_id, json.note)
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/payments", Scope.DEALS, json=w.PaymentIn, status=201)
def pay(deal_id: int, json: w.PaymentIn, headers: w.WriteHeaders):
    """Record a payment (the buyer)."""
    fulfilment.record_payment(acting_user(), deal_id, json.amount, json.paid_on, json.note)
    return deal_answer(deal_id), 201


@endpoint("/deals/<int:deal_id>/ship", Scope.DEALS, json=w.NoteIn)
def ship(deal_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """Record the shipment (the seller)."""
    fulfilment.ship(acting_user(), deal_id, json.note)
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/receive", Scope.DEALS, json=w.ReceiveIn)
def receive(deal_id: int, json: w.ReceiveIn, headers: w.WriteHeaders):
    """Record the handover (BAST, the buyer), with any payment made at the handover."""
    fulfilment.receive(acting_user(), deal_id, **json.model_dump())
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/rating", Scope.DEALS, json=w.RatingIn, status=201)
def rate(deal_id: int, json: w.RatingIn, headers: w.WriteHeaders):
    """Rate the other pesantren after the deal is done."""
    fulfilment.rate(acting_user(), deal_id, json.score, json.comment)
    return deal_answer(deal_id), 201


@endpoint("/deals/<int:deal_id>/complete", Scope.DEALS, json=w.NoteIn)
def complete(deal_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """Complete the deal (the seller, once what was received is paid in full: *Selesaikan*);
    both sides may then rate."""
    fulfilment.complete(acting_user(), deal_id, json.note)
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/confirm-receipt", Scope.DEALS, json=w.NoteIn)
def confirm_receipt(deal_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """Salam: the seller confirms it received the price (the contract then counts as signed)."""
    fulfilment.confirm_salam_receipt(acting_user(), deal_id, json.note)
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/cancellation", Scope.DEALS, json=w.ReasonIn, status=201)
def request_cancel(deal_id: int, json: w.ReasonIn, headers: w.WriteHeaders):
    """Ask the other side to cancel the signed deal (with the reason); it agrees or declines."""
    fulfilment.request_cancel(acting_user(), deal_id, json.reason)
    return deal_answer(deal_id), 201


@endpoint("/deals/<int:deal_id>/cancellation/agree", Scope.DEALS, json=w.NoteIn)
def agree_cancel(deal_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """Agree to the other side's cancellation request: the quantity returns to the listings."""
    fulfilment.agree_cancel(acting_user(), deal_id, json.note)
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/cancellation/decline", Scope.DEALS, json=w.NoteIn)
def decline_cancel(deal_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """Decline the other side's cancellation request: the deal goes on."""
    fulfilment.decline_cancel(acting_user(), deal_id, json.note)
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/dispute", Scope.DEALS, json=w.ReasonIn, status=201)
def dispute(deal_id: int, json: w.ReasonIn, headers: w.WriteHeaders):
    """Raise a dispute with its reason (staff read it and may settle it)."""
    fulfilment.dispute(acting_user(), deal_id, json.reason)
    return deal_answer(deal_id), 201


@endpoint("/deals/<int:deal_id>/dispute/withdraw", Scope.DEALS, json=w.NoteIn)
def resolve(deal_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """The side that raised the dispute withdraws it; the deal goes on where it was."""
    fulfilment.resolve(acting_user(), deal_id, json.note)
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/refunds", Scope.DEALS, json=w.RefundIn, status=201)
def refund(deal_id: int, json: w.RefundIn, headers: w.WriteHeaders):
    """Record money returned to the buyer (the seller): an overpayment or a cancelled deal."""
    fulfilment.refund(acting_user(), deal_id, json.amount, json.refunded_on, json.note)
    return deal_answer(deal_id), 201


@endpoint("/deals/<int:deal_id>/wait", Scope.DEALS, json=w.WaitIn)
def wait(deal_id: int, json: w.WaitIn, headers: w.WriteHeaders):
    """Salam, goods missing on the due date: the buyer waits until a new date."""
    fulfilment.wait_for_goods(acting_user(), deal_id, json.new_due, json.note)
    return deal_answer(deal_id)


@endpoint("/deals/<int:deal_id>/cancel-refund", Scope.DEALS, json=w.NoteIn)
def cancel_refund(deal_id: int, json: w.NoteIn, headers: w.WriteHeaders):
    """Salam, goods missing on the due date: the buyer cancels; the seller owes back what was
    paid (then recorded with POST /deals/{deal_id}/refunds)."""
    fulfilment.cancel_with_refund(acting_user(), deal_id, json.note)
    return deal_answer(deal_id)
