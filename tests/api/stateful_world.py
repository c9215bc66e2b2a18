"""The seeded world of the stateful schemathesis run: the token's pesantren (S) with listings,
a proposal, and deals with a neighbour (B) in every state a write needs, plus the objects other
pesantren act on (a clearing run, pools open, matched and closed, a shared trip), S's standing
request, and a staff token for disputes and the registry import (an upload not yet confirmed,
a manager invited who has not chosen a password).

``Actors`` says which token a call is made with: the object in its path belongs to one
pesantren, and for a deal the side that may make the move now (else the seller)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from exchange import clock
from exchange.api.tokens import create_token
from exchange.auth.models import User
from exchange.clock import today_wib
from exchange.deals import acceptance, facts, fulfilment, reciprocal
from exchange.deals.models import Deal
from exchange.events import delivery
from exchange.extensions import db
from exchange.freight.models import TripDeal
from exchange.listings import standing
from exchange.listings.models import Listing
from exchange.listings.services import ListingInput
from exchange.matching.models import Proposal
from exchange.matching.services import run_clearing
from exchange.netting import services as netting
from exchange.pesantren import importing
from exchange.pools import services as pools
from tests.factories import (
    deal_terms,
    make_deal,
    make_listing,
    make_manager,
    make_pesantren,
    make_staff,
    manager_of,
    sign,
)
from tests.freight.helpers import trip_with
from tests.netting.helpers import triangle
from tests.pesantren.import_helpers import registry_csv, registry_rows
from tests.pools.helpers import kitchens, pool_input

ALL = ["read", "listings", "deals", "account"]


@dataclass
class Actors:
    token_of: dict[int, str]  # pesantren id -> its token (every scope but staff)
    home: str  # the token's pesantren's (S)
    staff: str
    listing_ids: list[int]
    deal_ids: list[int]
    run_tokens: dict[int, str]
    pool_tokens: dict[int, str]
    trip_deals: dict[tuple[int, int], str] = field(default_factory=dict)  # (trip, deal) -> token
    # operation -> the seeded deals (a pool move: pools) on which it is a move either side (or
    # staff) may make at a scenario's start
    ready: dict[str, list[int]] = field(default_factory=dict)
    proposal_ids: list[int] = field(default_factory=list)  # the clearing's, between S and B
    # (operation, pool) -> the token that may make that move on that pool (else pool_tokens)
    pool_moves: dict[tuple[str, int], str] = field(default_factory=dict)
    standing_ids: list[int] = field(default_factory=list)  # S's standing requests
    import_tokens: list[str] = field(default_factory=list)  # staff's uploads, not confirmed
    invited_ids: list[int] = field(default_factory=list)  # managers invited, no password yet

    def token_for(self, operation_id: str, path: dict) -> str:
        """The token a call is made with (read in the database: who may act now)."""
        if operation_id in STAFF_OPS:
            return self.staff
        if "run_id" in path:
            return self.run_tokens.get(path["run_id"], self.home)
        if "pool_id" in path:
            moved = self.pool_moves.get((operation_id, path["pool_id"]))
            return moved or self.pool_tokens.get(path["pool_id"], self.home)
        if operation_id == "repeat_listing":  # an own request: the owner's (a pool's share)
            return self._owner(path.get("listing_id"))
        if "trip_id" in path:
            key = (path["trip_id"], path.get("deal_id"))
            return self.trip_deals.get(key) or next(iter(self.trip_deals.values()))
        if "deal_id" in path:
            return self._deal_side(operation_id, path["deal_id"])
        if "listing_id" in path:  # the listing's owner (another's answers 404)
            return self._owner(path["listing_id"])
        return self.home

    def _owner(self, listing_id) -> str:
        known = isinstance(listing_id, int) and 1 <= listing_id < 2**31
        listing = db.session.get(Listing, listing_id) if known else None
        owner = listing.pesantren_id if listing is not None else None
        db.session.rollback()
        return self.token_of.get(owner, self.home)

    def _deal_side(self, operation_id: str, deal_id) -> str:
        known = isinstance(deal_id, int) and 1 <= deal_id < 2**31
        deal = db.session.get(Deal, deal_id) if known else None
        if deal is None:
            return self.home
        db.session.refresh(deal)
        sides = (deal.seller_pesantren_id, deal.buyer_pesantren_id)
        try:
            for pesantren_id in sides:
                if operation_id in {m.value for m in facts.moves_of(deal, pesantren_id)}:
                    return self.token_of.get(pesantren_id, self.home)
        finally:
            db.session.rollback()
        return self.token_of.get(sides[0], self.home)


STAFF_OPS = {
    "start_staff_job",
    "staff_job",
    "settle_dispute",
    "cancel_disputed",
    "refer_dispute",
    "upload_registry",
    "registry_import",
    "confirm_registry_import",
    "invitations",
    "resend_invitation",
}


def _registry(staff) -> tuple[list[str], list[int]]:
    """An upload of two new pesantren waiting for its confirmation, and a manager invited by
    an import confirmed (rows 0 to 2 of the import helpers; the run's own uploads use others)."""
    invited = importing.upload_registry(staff, "undangan.csv", registry_csv(registry_rows(1)))
    importing.confirm(staff, invited.token)
    waiting = importing.upload_registry(staff, "binaan.csv", registry_csv(registry_rows(2, 1)))
    invited_ids = db.session.scalars(select(User.id).where(User.email == "impor0@contoh.id")).all()
    return [waiting.token], list(invited_ids)


def _token(user, name: str = "stateful") -> str:
    return create_token(user, name, ALL)[1]


def _salam_overdue(seller, buyer) -> int:
    """A salam deal paid and confirmed ten days ago whose goods were due three days ago: the
    buyer may wait or cancel with a refund."""
    with clock.frozen(datetime.now(UTC) - timedelta(days=10)):
        offer = make_listing(seller.pesantren, akad=["salam", "tunai"], quantity=2000)
        terms = deal_terms(akad="salam", handover_date=today_wib() + timedelta(days=7))
        deal = make_deal(seller, buyer, offer=offer, terms=terms)
        sign(db.session.get(Deal, deal.id), seller, buyer)
        deal = db.session.get(Deal, deal.id)
        if facts.receipt_pending(deal) or deal.paid <= 0:
            fulfilment.record_payment(buyer, deal.id, facts.amount_due(deal), today_wib(), "")
            if facts.receipt_pending(db.session.get(Deal, deal.id)):
                fulfilment.confirm_salam_receipt(seller, deal.id)
    return deal.id


def _signed_tunai(seller, buyer, offer) -> Deal:
    deal = make_deal(seller, buyer, offer=offer)
    sign(deal, seller, buyer)
    return db.session.get(Deal, deal.id)


def _later_states(seller, buyer, offer) -> list[int]:
    """Deals further on, one in each state a move of its own needs: a salam price awaiting the
    seller's confirmation (confirm_receipt), a cancellation asked (agree, decline), a dispute
    staff may settle, cancel or refer (and its raiser withdraw: resolve), a paid shipment
    awaiting the handover (receive), a handover paid in full awaiting completion (complete), a
    completed deal (rate), and a salam cancelled with the price owed back (refund)."""
    ids = []
    salam_offer = make_listing(seller.pesantren, akad=["salam", "tunai"], quantity=2000)
    terms = deal_terms(akad="salam", handover_date=today_wib() + timedelta(days=7))
    pending = make_deal(seller, buyer, offer=salam_offer, terms=terms)
    acceptance.accept(seller, pending.id, pending.terms_version)  # not confirmed yet
    ids.append(pending.id)

    asked = _signed_tunai(seller, buyer, offer)  # B may agree to or decline S's request
    fulfilment.request_cancel(seller, asked.id, "Gudang kami terendam banjir")
    ids.append(asked.id)

    disputed = _signed_tunai(seller, buyer, offer)
    fulfilment.dispute(buyer, disputed.id, "Barang belum sesuai contoh")
    ids.append(disputed.id)

    for step in ("ship", "receive", "complete"):
        deal = _signed_tunai(seller, buyer, offer)
        fulfilment.record_payment(buyer, deal.id, facts.amount_due(deal), today_wib(), "")
        fulfilment.ship(seller, deal.id, "")
        if step in ("receive", "complete"):
            quantity = db.session.get(Deal, deal.id).current_terms.quantity
            fulfilment.receive(buyer, deal.id, quantity, None, today_wib())
        if step == "complete":
            fulfilment.complete(seller, deal.id)
        ids.append(deal.id)

    cancelled = _salam_overdue(seller, buyer)
    fulfilment.cancel_with_refund(buyer, cancelled, "")
    ids.append(cancelled)
    db.session.commit()
    return ids


STAFF_MOVES = {"settle_dispute", "cancel_disputed", "refer_dispute"}


def _reciprocal(seller, buyer) -> tuple[int, int]:
    """Rice S -> B (Rp 12.000.000) and sugar B -> S (Rp 1.200.000), tunai, handed over
    today: two deals that may be tied into a reciprocal bundle (B owes the difference). Not
    salt: B has salt bought by salam and not yet received, which it may not resell."""
    today = today_wib()
    rice = make_listing(seller.pesantren, slug="beras", quantity=3000, price=12000)
    sugar = make_listing(buyer.pesantren, slug="gula_pasir", quantity=2000, price=15000)
    terms = deal_terms(quantity=1000, unit_price=12000, handover_date=today)
    leg_a = make_deal(seller, buyer, offer=rice, terms=terms)
    sugar_terms = deal_terms(quantity=80, unit_price=15000, handover_date=today)
    leg_b = make_deal(buyer, seller, offer=sugar, terms=sugar_terms)
    return leg_a.id, leg_b.id


def _bundles(seller, buyer) -> dict[str, list[int]]:
    """Two deals to tie, and a tied pair both sides signed (to settle, or to untie)."""
    loose = _reciprocal(seller, buyer)
    tied = _reciprocal(seller, buyer)
    reciprocal.tie_bundle(seller, *tied)
    acceptance.accept(seller, tied[0], 1)
    acceptance.accept(buyer, tied[1], 1)
    return {"tie_bundle": list(loose), "settle_bundle": list(tied), "untie_bundle": list(tied)}


def _ready(deal_ids: list[int]) -> dict[str, list[int]]:
    ready: dict[str, list[int]] = {}
    for deal_id in deal_ids:
        deal = db.session.get(Deal, deal_id)
        moves = {
            m.value
            for pesantren_id in (deal.seller_pesantren_id, deal.buyer_pesantren_id)
            for m in facts.moves_of(deal, pesantren_id)
        }
        if deal.state == "disputed":
            moves |= STAFF_MOVES
        for move in sorted(moves):
            ready.setdefault(move, []).append(deal_id)
    return ready


def _pools(seller) -> tuple[dict, dict, dict, dict]:
    """Three pools, one for each pool move: an open one at S's door (a neighbour joins it, its
    coordinator leaves it, S sees it in its list and agrees to supply it with one of its
    offers), one near a hub elsewhere matched to S with every share signed (S ships to the
    hub), and one closed without a seller (a member turns its share into its own request,
    which it may then repeat). Returns the tokens by pool, by (move, pool), the member's
    token by its pesantren, and the pool on which each move may be made."""
    c, d, e, f = kitchens(4)
    closed = pools.open_pool(c, pool_input(window_start=today_wib() + timedelta(days=2)))
    pools.join_pool(d, closed.id, 700)
    pools.close_unmatched(closed.window_start)  # the only pool whose window has begun then
    rice = make_listing(
        seller.pesantren,
        slug="beras",
        quantity=6000,
        price=11000,
        grade=3,
        start=today_wib() + timedelta(days=1),
    )
    matched = pools.open_pool(e, pool_input())
    pools.join_pool(f, matched.id, 500)
    for deal_id in pools.agree(seller, matched.id, rice.id):
        deal = db.session.get(Deal, deal_id)
        member = next(u for u in (e, f) if u.pesantren_id == deal.buyer_pesantren_id)
        acceptance.accept(member, deal_id, deal.terms_version)
    here = seller.pesantren
    a, b = (
        manager_of(make_pesantren(regency_code=here.regency_code, lat=here.lat + 0.01 * i,
                                  lon=here.lon))
        for i in (1, 2)
    )  # fmt: skip
    hub = {"hub_lat": here.lat, "hub_lon": here.lon, "hub_address": "Gudang Kopontren S"}
    opened = pools.open_pool(a, pool_input(**hub))
    home, member = _token(seller), _token(d)
    tokens = {opened.id: _token(b), matched.id: home, closed.id: member}
    moves = {
        ("pool", opened.id): home,  # S reads it: its offers are named, to agree with
        ("agree_pool", opened.id): home,
        ("leave_pool", opened.id): _token(a),
    }
    ready = {
        "join_pool": [opened.id],
        "leave_pool": [opened.id],
        "agree_pool": [opened.id],
        "ship_pool": [matched.id],
        "share_to_request": [closed.id],
    }
    return tokens, moves, {d.pesantren_id: member}, ready


def _standing(seller) -> list[int]:
    """S's standing request for rice, its first period starting tomorrow (none posted yet)."""
    start = today_wib() + timedelta(days=1)
    inp = ListingInput(
        side="request",
        commodity="beras",
        quantity=500,
        grade="Medium 3",
        price=13000,
        window_start=start,
        window_end=start + timedelta(days=6),
        akad=("tunai", "tempo"),
    )
    return [standing.create_standing(seller, inp, "weekly").id]


def build() -> Actors:
    """Call inside an app context."""
    seller, buyer = make_manager(), make_manager(regency_code="3578")
    outsider = make_manager(regency_code="3515")
    staff = make_staff()
    s_offer = make_listing(seller.pesantren, quantity=5000)
    b_request = make_listing(buyer.pesantren, side="request", quantity=3000, price=2000)
    o_offer = make_listing(outsider.pesantren, quantity=3000)
    # listings no deal is on, which their owners may still edit (PUT, PATCH) or withdraw
    s_free = make_listing(seller.pesantren, slug="beras", quantity=900, price=12500)
    b_free = make_listing(buyer.pesantren, side="request", slug="beras", quantity=400)
    listing_ids = [s_offer.id, b_request.id, o_offer.id, s_free.id, b_free.id]

    deal_ids = []
    for _ in range(3):  # negotiating: B opened on S's offer, S's turn
        deal_ids.append(make_deal(seller, buyer, offer=s_offer).id)
    for _ in range(3):  # negotiating: S opened on B's request, B's turn
        deal_ids.append(make_deal(buyer, seller, offer=make_listing(buyer.pesantren)).id)
    for _ in range(4):  # signed, tunai
        deal = make_deal(seller, buyer, offer=s_offer)
        sign(deal, seller, buyer)
        deal_ids.append(deal.id)
    for _ in range(2):  # S buys: signed
        deal = make_deal(buyer, seller, offer=make_listing(buyer.pesantren))
        sign(db.session.get(Deal, deal.id), buyer, seller)
        deal_ids.append(deal.id)
    shipped = make_deal(seller, buyer, offer=s_offer)
    sign(shipped, seller, buyer)
    fulfilment.ship(seller, shipped.id, "")
    deal_ids.append(shipped.id)
    for _ in range(2):
        deal_ids.append(_salam_overdue(seller, buyer))
    deal_ids.extend(_later_states(seller, buyer, s_offer))
    bundle_ready = _bundles(seller, buyer)
    deal_ids.extend(sorted({d for ids in bundle_ready.values() for d in ids}))

    # a proposal of the clearing engine between S and B
    make_listing(seller.pesantren, slug="beras", quantity=3650, price=1200)
    make_listing(buyer.pesantren, side="request", slug="beras", quantity=450, price=2000)
    run_clearing()
    # S's own request, after the clearing run (it changes no proposal): it may repeat it
    listing_ids.append(make_listing(seller.pesantren, side="request", quantity=800).id)

    parties, _debts = triangle()
    run_id = netting.start_run(staff).id
    pool_tokens, pool_moves, members, pool_ready = _pools(seller)
    standing_ids = _standing(seller)
    import_tokens, invited_ids = _registry(staff)
    trip_manager = make_manager(regency_code="3529")
    trip_id, trip_deal = trip_with(trip_manager)
    trip_token = _token(trip_manager)

    delivery.set_endpoint(seller, "https://koperasi.example/hooks/bursa", "a-secret-of-16-chars")
    token_of = {u.pesantren_id: _token(u) for u in (seller, buyer, outsider)} | members
    trip_deals = {
        (row.trip_id, row.deal_id): trip_token
        for row in db.session.scalars(select(TripDeal).where(TripDeal.trip_id == trip_id))
    }
    actors = Actors(
        token_of=token_of,
        home=token_of[seller.pesantren_id],
        staff=create_token(staff, "staf", ["read", "staff"])[1],
        listing_ids=listing_ids,
        deal_ids=deal_ids,
        run_tokens={run_id: _token(parties[0])},
        pool_tokens=pool_tokens,
        trip_deals=trip_deals,
        ready=_ready(deal_ids) | pool_ready | bundle_ready,
        proposal_ids=list(db.session.scalars(select(Proposal.id).order_by(Proposal.id))),
        pool_moves=pool_moves,
        standing_ids=standing_ids,
        import_tokens=import_tokens,
        invited_ids=invited_ids,
    )
    assert trip_deal in {d for _t, d in trip_deals}
    db.session.remove()
    return actors


class Snapshot:
    """Every row of the database, taken once the world is built and put back before each
    scenario: each scenario starts from the same state, as Hypothesis's replays need."""

    def __init__(self):
        db.session.remove()
        self.tables = list(db.metadata.sorted_tables)
        with db.engine.connect() as conn:
            self.rows = {
                t.name: [dict(r) for r in conn.execute(t.select()).mappings()] for t in self.tables
            }

    def restore(self) -> None:
        db.session.remove()
        with db.engine.begin() as conn:
            postgres = conn.dialect.name == "postgresql"
            if postgres:
                names = ", ".join(f'"{t.name}"' for t in self.tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(self.tables):
                    conn.execute(table.delete())
            for table in self.tables:
                if self.rows[table.name]:
                    conn.execute(table.insert(), self.rows[table.name])
                    if postgres and "id" in table.c and table.c.id.autoincrement is not False:
                        conn.execute(
                            text(
                                "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                                f'(SELECT max(id) FROM "{table.name}"))'
                            ),
                            {"t": table.name},
                        )
