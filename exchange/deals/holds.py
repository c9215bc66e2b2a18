"""The salam rule handed to listings and the engine as an offer hold (``listings.policy``):
a pesantren may not offer goods it bought by salam before it has received them (DOMAIN.md 7.1).
Registered once, at start-up, by ``app.create_app``; listings and matching import no deals."""

from __future__ import annotations

from exchange.akad import Akad
from exchange.deals.checks import reason_text
from exchange.deals.queries import salam_blocks_relisting, undelivered_salam_buyers
from exchange.listings.policy import register_offer_hold


class SalamHold:
    def refusals(self, pesantren_id: int, commodity_id: int) -> list:
        return [reason_text(r) for r in salam_blocks_relisting(pesantren_id, commodity_id)]

    def held(self) -> set[tuple[int, int]]:
        return undelivered_salam_buyers()


def register() -> None:
    register_offer_hold(Akad.SALAM, SalamHold())
