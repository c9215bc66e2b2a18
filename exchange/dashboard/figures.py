"""The overview's figures for one period and filter: what ``queries.figures`` answers. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figures:
    active_pesantren: int
    open_offers: int
    open_offer_quantity: int
    open_offer_value: int
    open_requests: int
    open_request_quantity: int
    open_request_value: int
    proposals_made: int  # pairs the clearing runs proposed in the period
    proposals_acted: int  # of those, pairs a negotiation was opened from
    signed: int
    signed_volume: int
    signed_value: int
    delivered: int
    delivered_volume: int
    delivered_value: int
    completed: int
    completed_volume: int
    completed_value: int
    cancelled: int
    requested_quantity: int
    matched_quantity: int
    median_hours_to_contract: float | None
    disputes_raised: int
    disputes_open: int

    @property
    def match_rate(self) -> float | None:
        if not self.requested_quantity:
            return None
        return self.matched_quantity / self.requested_quantity
