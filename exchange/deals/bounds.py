"""Sanity bounds on money, quantities and dates: the same everywhere (listing forms, negotiation
forms, payments, handover records, instalments and the services behind them). Pure.

- A unit price is 1 .. ``MAX_UNIT_PRICE`` (Rp 1.000.000.000), a quantity 1 .. ``MAX_QUANTITY``,
  and a total (quantity x price, a payment, a stage) fits a signed 64-bit integer (BigInteger).
- Dates agreed for later (handover, payment due date, istisna' stages, a new salam due date) lie
  between the contract date (today while negotiating) and ``MAX_FUTURE_DAYS`` days after today.
- Dates of what happened (a payment, a handover record, a refund) lie between the contract date
  and today: never before the contract, never in the future.
"""

from __future__ import annotations

from datetime import date, timedelta

from exchange.deals.reasons import Reason
from exchange.deals.states import N_
from exchange.listings.policy import MAX_QUANTITY, MAX_UNIT_PRICE  # noqa: F401 one definition

MAX_TOTAL = 2**63 - 1  # BigInteger
MAX_FUTURE_DAYS = 366


def check_unit_price(value: int | None, field: str = "unit_price") -> list[Reason]:
    if value is None or value <= 0:
        return [Reason("price", N_("Harga satuan harus lebih dari nol."), field)]
    if value > MAX_UNIT_PRICE:
        return [
            Reason(
                "price_max",
                N_("Harga satuan terlalu tinggi: paling banyak %(max)s."),
                field,
                {"max": MAX_UNIT_PRICE},
            )
        ]
    return []


def check_quantity(value: int | None, field: str = "quantity") -> list[Reason]:
    if value is None or value <= 0:
        return [Reason("quantity", N_("Jumlah harus lebih dari nol."), field)]
    if value > MAX_QUANTITY:
        return [
            Reason(
                "quantity_max",
                N_("Jumlah terlalu besar: paling banyak %(max)s."),
                field,
                {"max": str(MAX_QUANTITY)},
            )
        ]
    return []


def check_amount(value: int | None, field: str = "amount") -> list[Reason]:
    """A sum of money (a payment, a refund, a stage): more than 0 and within BigInteger."""
    if value is None or value <= 0:
        return [Reason("amount_positive", N_("Jumlah uang harus lebih dari nol."), field)]
    if value > MAX_TOTAL:
        return [Reason("amount_max", N_("Jumlah uang terlalu besar."), field)]
    return []


def latest_future(today: date) -> date:
    return today + timedelta(days=MAX_FUTURE_DAYS)


def check_agreed_date(
    value: date | None, earliest: date, today: date, field: str, label: str
) -> list[Reason]:
    """A date agreed for later: not before ``earliest`` (the contract date, or today), not more
    than MAX_FUTURE_DAYS after today. ``label`` is a msgid naming the date."""
    if value is None:
        return []
    if value < earliest:
        return [
            Reason(
                "date_before_contract",
                N_("%(what)s tidak boleh sebelum tanggal akad (%(day)s)."),
                field,
                {"what": label, "day": earliest},
            )
        ]
    if value > latest_future(today):
        return [
            Reason(
                "date_far",
                N_("%(what)s paling lambat %(days)s hari dari hari ini."),
                field,
                {"what": label, "days": str(MAX_FUTURE_DAYS)},
            )
        ]
    return []


def check_recorded_date(
    value: date | None, contract_date: date | None, today: date, field: str, label: str
) -> list[Reason]:
    """The date of something that happened: not before the contract, not in the future."""
    if value is None:
        return [Reason("date_required", N_("Isi tanggal."), field)]
    if contract_date is not None and value < contract_date:
        return [
            Reason(
                "date_before_contract",
                N_("%(what)s tidak boleh sebelum tanggal akad (%(day)s)."),
                field,
                {"what": label, "day": contract_date},
            )
        ]
    if value > today:
        return [
            Reason(
                "date_future",
                N_("%(what)s tidak boleh di masa depan."),
                field,
                {"what": label},
            )
        ]
    return []


def window_overlap(windows) -> tuple[date, date] | None:
    """The days common to every (start, end) window, inclusive; None when they do not meet."""
    windows = list(windows)
    if not windows:
        return None
    start = max(w[0] for w in windows)
    end = min(w[1] for w in windows)
    return (start, end) if start <= end else None


def check_in_windows(value: date | None, windows) -> list[Reason]:
    """The handover date lies in the overlap of the listings' windows."""
    windows = list(windows)
    if value is None or not windows:
        return []
    overlap = window_overlap(windows)
    if overlap is None:
        return [
            Reason(
                "windows_apart",
                N_("Jangka penyerahan kedua listing tidak bertemu."),
                "handover_date",
            )
        ]
    if not overlap[0] <= value <= overlap[1]:
        return [
            Reason(
                "handover_window",
                N_("Tanggal penyerahan harus di antara %(start)s dan %(end)s."),
                "handover_date",
                {"start": overlap[0], "end": overlap[1]},
            )
        ]
    return []
