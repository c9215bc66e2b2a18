"""What a deal's terms must satisfy, with every reason they do not: the akad rules, the listings'
grades, windows and quantities, salam resale and the riba rules of bundles. Also the terms a
negotiation starts from. Reads, never writes."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from exchange.clock import today_wib
from exchange.deals import akad as rules
from exchange.deals import bounds, prefill, ribawi
from exchange.deals.facts import terms_of
from exchange.deals.models import Bundle, Deal
from exchange.deals.queries import salam_blocks_relisting
from exchange.deals.states import N_
from exchange.errors import Invalid
from exchange.extensions import db
from exchange.i18n import number, rupiah, short_date
from exchange.listings.models import Listing
from exchange.listings.models import Side as ListingSide
from exchange.listings.places import place_words
from exchange.matching import queries as engine_view


class TermsRefused(Invalid):
    """The terms break one or more akad rules; ``reasons`` lists them all for the form."""

    def __init__(self, reasons: list[rules.Reason]):
        self.reasons = reasons
        super().__init__(reason_text(reasons[0]), field=reasons[0].field)

    @property
    def details(self) -> list[tuple]:
        return [(reason_text(r), r.field) for r in self.reasons]


def reason_text(reason: rules.Reason):
    params = {}
    for key, value in reason.params.items():
        if isinstance(value, int):
            value = rupiah(value)
        elif isinstance(value, date):
            value = short_date(value)
        elif key == "what":  # a msgid naming the date
            value = _l(value)
        params[key] = value
    return _l(reason.message, **params)


goods_of = prefill.goods  # the catalogue's facts the akad rules read


def allowed_akad(deal_or_listings) -> list[str]:
    listings = [x for x in deal_or_listings if x is not None]
    return rules.offered_akad([x.akad or [] for x in listings], goods_of(listings[0].commodity))


def salam_resale_reasons(seller_pesantren_id: int | None, commodity_id: int) -> list:
    """A salam buyer may not sell the goods before receiving them, by any path (a new or an
    older offer, answering a request, a bundle): the reasons, empty when it may sell."""
    if seller_pesantren_id is None:
        return []

    return salam_blocks_relisting(seller_pesantren_id, commodity_id)


def listing_reasons(terms: rules.Terms, listings, seller_pesantren_id=None) -> list:
    """What the listings of a deal demand of its terms: the grades (the deal's grade is the
    offer's, at least the request's minimum), the handover date inside both windows, and that
    the seller is not re-selling undelivered salam goods."""
    listings = [x for x in listings if x is not None]
    offer = next((x for x in listings if x.side == ListingSide.OFFER), None)
    request = next((x for x in listings if x.side == ListingSide.REQUEST), None)
    commodity = listings[0].commodity
    ranks = range(1, len(commodity.grades) + 1)
    if terms.grade is not None and terms.grade not in ranks:
        return [rules.Reason("grade_unknown", N_("Pilih salah satu mutu komoditas ini."), "grade")]
    reasons = rules.check_grade(
        terms.grade,
        offer.grade if offer else None,
        request.grade if request else None,
        lambda rank: commodity.grade_label(rank) if rank in ranks else str(rank),
    )
    reasons += bounds.check_in_windows(
        terms.handover_date, [(x.window_start, x.window_end) for x in listings]
    )
    reasons += salam_resale_reasons(seller_pesantren_id, commodity.id)
    return reasons


def check_terms(
    terms: rules.Terms, listings, today: date, seller_pesantren_id: int | None = None
) -> list[rules.Reason]:
    listings = [x for x in listings if x is not None]
    goods = goods_of(listings[0].commodity)
    reasons = rules.check_terms(terms, goods, allowed_akad(listings), today)
    reasons += listing_reasons(terms, listings, seller_pesantren_id)
    least = max((x.min_quantity or 0) for x in listings)
    if 0 < terms.quantity < least:
        reasons.append(
            rules.Reason(
                "quantity_minimum",
                N_("Jumlah kurang dari minimal pembelian per transaksi (%(least)s)."),
                "quantity",
                {"least": number(least)},
            )
        )
    for listing in listings:
        if terms.quantity > listing.remaining:
            reasons.append(
                rules.Reason(
                    "quantity_remaining",
                    N_("Jumlah melebihi sisa listing (%(left)s)."),
                    "quantity",
                    {"left": str(listing.remaining)},
                )
            )
            break
    return reasons


def default_terms(
    listing: Listing, counter: Listing | None = None, akad: str | None = None
) -> rules.Terms:
    """Terms to start from, complete for the akad chosen (deals/prefill.py): ``akad`` when the
    opener chose one. With the actor's own listing of the other side (a suggestion), the
    matching engine's terms for that pair: its fair price at the seller's gate (the buyer
    collects) and, unless one was chosen, its akad."""
    offer = listing if listing.side == ListingSide.OFFER else counter
    request = listing if listing.side == ListingSide.REQUEST else counter
    price, transport = None, "seller"
    if offer is not None and request is not None:
        quote = engine_view.pair_quote(offer, request, today_wib())
        price, akad, transport = quote.fair_price, akad or quote.akad, "buyer"
    return _prefilled(offer, request, unit_price=price, akad=akad, transport=transport)


def _prefilled(offer, request, transport: str, **given) -> rules.Terms:
    return prefill.terms_for(
        _facts(offer),
        _facts(request),
        allowed=allowed_akad((offer, request)),
        today=today_wib(),
        handover_place=handover_place(offer or request),
        transport=transport,
        **given,
    )


def _facts(listing: Listing | None) -> prefill.Facts | None:
    if listing is None:
        return None
    return prefill.Facts(
        price=listing.price,
        grade=listing.grade,
        remaining=listing.remaining,
        window_start=listing.window_start,
        window_end=listing.window_end,
        akad=tuple(listing.akad or ()),
        min_quantity=listing.min_quantity,
    )


def handover_place(listing: Listing) -> str:
    """Where the goods of a listing are, in words: its pesantren and regency, or the place it
    names near the regency seat closest to it (never bare coordinates: listings/places.py)."""
    return place_words(listing)[:255]


def acceptance_reasons(deal: Deal) -> list[rules.Reason]:
    """Every reason the deal's current terms cannot be accepted now (the page shows them)."""
    terms = terms_of(deal.current_terms)
    listings = [x for x in (deal.offer, deal.request) if x is not None]
    reasons = rules.check_terms(
        terms, goods_of(deal.commodity), allowed_akad(listings), today_wib()
    )
    reasons += listing_reasons(terms, listings, deal.seller_pesantren_id)
    reasons += rules.check_disclosure(terms, stated_by_seller(deal))
    return reasons + bundled_reasons(deal, terms)


def seller_disclosure(deal: Deal) -> tuple | None:
    """The murabahah cost, margin and ownership the seller last stated (None: never)."""
    for version in reversed(deal.versions):
        if version.author_side == "seller":
            return terms_of(version).disclosure
    return None


def stated_by_seller(deal: Deal) -> bool:
    """Do the current terms carry the seller's own statement of cost, margin and ownership?"""
    current = deal.current_terms
    if current.author_side == "seller":
        return True
    return terms_of(current).disclosure == seller_disclosure(deal)


def ribawi_leg(deal: Deal, terms: rules.Terms | None = None) -> ribawi.Leg:
    terms = terms or terms_of(deal.current_terms)
    return ribawi.Leg(
        commodity_id=deal.commodity_id,
        ribawi_class=deal.commodity.ribawi_group,
        quantity=terms.quantity,
        deferred=rules.is_deferred(terms),
        handover_date=terms.handover_date,
        total=terms.total,
    )


def ribawi_reasons(a: Deal, b: Deal, a_terms: rules.Terms | None = None) -> list[rules.Reason]:
    """The riba rules for two legs of a reciprocal bundle (``ribawi.check_bundle``)."""
    return ribawi.check_bundle(ribawi_leg(a, a_terms), ribawi_leg(b))


def bundled_reasons(deal: Deal, terms: rules.Terms) -> list[rules.Reason]:
    """A leg of a bundle keeps to the riba rules with the other leg, also when countered."""
    bundle = db.session.scalar(
        select(Bundle).where((Bundle.leg_a_id == deal.id) | (Bundle.leg_b_id == deal.id))
    )
    if bundle is None:
        return []
    other = bundle.leg_b if bundle.leg_a_id == deal.id else bundle.leg_a
    return rules.check_set_off(terms.akad) + ribawi_reasons(deal, other, terms)
