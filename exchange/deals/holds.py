"""Deals' rules handed to the domains below it, registered once at start-up by
``app.create_app``, so listings and matching import no deals:

- the salam hold on offers (``listings.policy``): a pesantren may not offer goods it bought by
  salam before it has received them (DOMAIN.md 7.1); the engine leaves such offers out too;
- the akad a contract may use for a commodity (``matching.policy.contract_akad``).
"""

from __future__ import annotations

from exchange.akad import Akad
from exchange.deals.checks import reason_text
from exchange.deals.prefill import contract_akad
from exchange.deals.queries import salam_blocks_relisting, undelivered_salam_buyers
from exchange.listings.policy import register_offer_hold
from exchange.matching.policy import register_contract_akad


class SalamHold:
    def refusals(self, pesantren_id: int, commodity_id: int) -> list:
        return [reason_text(r) for r in salam_blocks_relisting(pesantren_id, commodity_id)]

    def held(self) -> set[tuple[int, int]]:
        return undelivered_salam_buyers()


def register() -> None:
    register_offer_hold(Akad.SALAM, SalamHold())
    register_contract_akad(contract_akad)
