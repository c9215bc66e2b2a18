"""The deal lifecycle: one table of ``(state, action) -> (next state, who may)``.

The only place the lifecycle is defined. Services ask ``decide`` before every change, and the
pages ask ``available_actions`` which buttons to show. Pure: no Flask, no database, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


def N_(message: str) -> str:
    """Mark a message for translation; the shell translates it when it shows it."""
    return message


class State(StrEnum):
    NEGOTIATING = "negotiating"  # Negosiasi: a version of the terms waits for an answer
    REJECTED = "rejected"  # Ditolak
    WITHDRAWN = "withdrawn"  # Mundur: one side walked away before acceptance
    EXPIRED = "expired"  # Kedaluwarsa: a move was not answered in time
    SIGNED = "signed"  # Disepakati: contract made, quantity committed
    SHIPPED = "shipped"  # Dikirim
    RECEIVED = "received"  # Diterima: BAST recorded
    COMPLETED = "completed"  # Selesai
    DISPUTED = "disputed"  # Sengketa
    CANCELLED = "cancelled"  # Dibatalkan by agreement; the quantity returns


class Action(StrEnum):
    COUNTER = "counter"
    ACCEPT = "accept"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"
    PAY = "pay"
    SHIP = "ship"
    RECEIVE = "receive"
    COMPLETE = "complete"
    DISPUTE = "dispute"
    RESOLVE = "resolve"
    # Staff settle an open dispute (deals/disputes.py)
    SETTLE = "settle"  # an agreed settlement (islah), with a note: the deal goes on
    STAFF_CANCEL = "staff_cancel"  # cancel; the seller owes back what the buyer paid
    REFER = "refer"  # referred to Basyarnas; the dispute stays open until its award
    REQUEST_CANCEL = "request_cancel"
    AGREE_CANCEL = "agree_cancel"
    DECLINE_CANCEL = "decline_cancel"
    RATE = "rate"
    # Salam: goods missing on the due date; the buyer chooses (DOMAIN.md 7.1)
    WAIT = "wait"  # wait until a new due date
    CANCEL_REFUND = "cancel_refund"  # cancel, the seller refunds what was paid
    REFUND = "refund"  # the seller records money returned (overpaid, or a cancelled deal)
    # Salam: the seller confirms it received the price; unconfirmed by 24:00 WIB of the signing
    # day, the acceptance lapses (the system cancels it; the quantity returns)
    CONFIRM_RECEIPT = "confirm_receipt"
    LAPSE = "lapse"


class Side(StrEnum):
    SELLER = "seller"
    BUYER = "buyer"

    @property
    def other(self) -> Side:
        return Side.BUYER if self is Side.SELLER else Side.SELLER


class Who(StrEnum):
    """Who may make a move."""

    TURN = "turn"  # the side whose turn it is
    EITHER = "either"
    SELLER = "seller"
    BUYER = "buyer"
    SYSTEM = "system"  # the expiry job
    NOT_CANCEL_REQUESTER = "not_cancel_requester"  # the side that did not ask to cancel
    DISPUTER = "disputer"  # the side that raised the dispute
    STAFF = "staff"  # OPOP staff, acting for neither side


@dataclass(frozen=True)
class Move:
    next_state: State
    who: Who


S, A, W = State, Action, Who

TABLE: dict[tuple[State, Action], Move] = {
    (S.NEGOTIATING, A.COUNTER): Move(S.NEGOTIATING, W.TURN),
    (S.NEGOTIATING, A.ACCEPT): Move(S.SIGNED, W.TURN),
    (S.NEGOTIATING, A.REJECT): Move(S.REJECTED, W.TURN),
    (S.NEGOTIATING, A.WITHDRAW): Move(S.WITHDRAWN, W.EITHER),
    (S.NEGOTIATING, A.EXPIRE): Move(S.EXPIRED, W.SYSTEM),
    (S.SIGNED, A.PAY): Move(S.SIGNED, W.BUYER),
    # Only while a salam price waits for the seller's receipt (Context.receipt_pending)
    (S.SIGNED, A.CONFIRM_RECEIPT): Move(S.SIGNED, W.SELLER),
    (S.SIGNED, A.LAPSE): Move(S.CANCELLED, W.SYSTEM),
    (S.SIGNED, A.SHIP): Move(S.SHIPPED, W.SELLER),
    (S.SIGNED, A.DISPUTE): Move(S.DISPUTED, W.EITHER),
    (S.SIGNED, A.REQUEST_CANCEL): Move(S.SIGNED, W.EITHER),
    (S.SIGNED, A.AGREE_CANCEL): Move(S.CANCELLED, W.NOT_CANCEL_REQUESTER),
    (S.SIGNED, A.DECLINE_CANCEL): Move(S.SIGNED, W.NOT_CANCEL_REQUESTER),
    (S.SHIPPED, A.PAY): Move(S.SHIPPED, W.BUYER),
    (S.SHIPPED, A.RECEIVE): Move(S.RECEIVED, W.BUYER),
    (S.SHIPPED, A.DISPUTE): Move(S.DISPUTED, W.EITHER),
    (S.SHIPPED, A.REQUEST_CANCEL): Move(S.SHIPPED, W.EITHER),
    (S.SHIPPED, A.AGREE_CANCEL): Move(S.CANCELLED, W.NOT_CANCEL_REQUESTER),
    (S.SHIPPED, A.DECLINE_CANCEL): Move(S.SHIPPED, W.NOT_CANCEL_REQUESTER),
    (S.RECEIVED, A.PAY): Move(S.RECEIVED, W.BUYER),
    (S.RECEIVED, A.COMPLETE): Move(S.COMPLETED, W.SELLER),
    (S.RECEIVED, A.DISPUTE): Move(S.DISPUTED, W.EITHER),
    # RESOLVE returns to the state the dispute was raised from (kept on the deal)
    (S.DISPUTED, A.RESOLVE): Move(S.DISPUTED, W.DISPUTER),
    # Staff resolve a dispute: SETTLE returns to the state it was raised from, like RESOLVE.
    (S.DISPUTED, A.SETTLE): Move(S.DISPUTED, W.STAFF),
    (S.DISPUTED, A.STAFF_CANCEL): Move(S.CANCELLED, W.STAFF),
    (S.DISPUTED, A.REFER): Move(S.DISPUTED, W.STAFF),
    (S.DISPUTED, A.REQUEST_CANCEL): Move(S.DISPUTED, W.EITHER),
    (S.DISPUTED, A.AGREE_CANCEL): Move(S.CANCELLED, W.NOT_CANCEL_REQUESTER),
    (S.DISPUTED, A.DECLINE_CANCEL): Move(S.DISPUTED, W.NOT_CANCEL_REQUESTER),
    (S.COMPLETED, A.RATE): Move(S.COMPLETED, W.EITHER),
    # Only when the shortfall choice is open (Context.shortfall_choice) ...
    (S.SIGNED, A.WAIT): Move(S.SIGNED, W.BUYER),
    (S.SHIPPED, A.WAIT): Move(S.SIGNED, W.BUYER),  # the rest is shipped again later
    (S.SIGNED, A.CANCEL_REFUND): Move(S.CANCELLED, W.BUYER),
    # ... and only when money is owed back (Context.refund_owed)
    (S.RECEIVED, A.REFUND): Move(S.RECEIVED, W.SELLER),
    (S.CANCELLED, A.REFUND): Move(S.CANCELLED, W.SELLER),
}

TERMINAL = frozenset({S.REJECTED, S.WITHDRAWN, S.EXPIRED, S.CANCELLED})
# States in which the quantity is committed on the listings.
HOLDS_QUANTITY = frozenset({S.SIGNED, S.SHIPPED, S.RECEIVED, S.DISPUTED, S.COMPLETED})
# States that wait on someone (for "deals waiting for me").
OPEN = frozenset({S.NEGOTIATING, S.SIGNED, S.SHIPPED, S.RECEIVED, S.DISPUTED})


@dataclass(frozen=True)
class Context:
    """What the table needs to know about one deal besides its state."""

    state: State
    whose_turn: Side | None = None
    cancel_requested_by: Side | None = None
    disputed_by: Side | None = None
    resume_state: State | None = None
    # The open dispute has been referred to Basyarnas (it is referred once).
    dispute_referred: bool = False
    # After signing: the akad wants the buyer to pay before the seller ships (salam).
    buyer_pays_first: bool = False
    # Salam: the due date has come and the goods are not all handed over (wait or cancel).
    shortfall_choice: bool = False
    # The buyer paid more than the value due (short delivery, cancellation): a refund is owed.
    refund_owed: bool = False
    # After signing: the akad wants a payment from the buyer now (``deals/dues.py``): a salam
    # prepayment, an istisna' stage or a tempo/murabahah price whose date came, the price of
    # what was handed over.
    payment_due: bool = False
    # Salam: accepted, the seller has not yet confirmed it received the price (the contract
    # does not count as signed until it does)
    receipt_pending: bool = False
    # Something of the price is still unpaid (due now or later): the seller cannot complete
    unpaid: bool = False


@dataclass(frozen=True)
class Decision:
    allowed: bool
    next_state: State | None = None
    reason: str = ""


def _may(who: Who, side: Side | None, ctx: Context, staff: bool) -> bool:
    if who is Who.STAFF:
        return staff and side is None
    if staff:
        return False
    if who is Who.SYSTEM:
        return side is None
    if side is None:
        return False
    if who is Who.EITHER:
        return True
    if who is Who.TURN:
        return ctx.whose_turn == side
    if who is Who.SELLER:
        return side is Side.SELLER
    if who is Who.BUYER:
        return side is Side.BUYER
    if who is Who.NOT_CANCEL_REQUESTER:
        return ctx.cancel_requested_by is not None and ctx.cancel_requested_by != side
    if who is Who.DISPUTER:
        return ctx.disputed_by == side
    return False


def decide(ctx: Context, action: Action, side: Side | None, staff: bool = False) -> Decision:
    """May ``side`` (None: the system, or staff when ``staff``) make ``action`` now, and to
    which state does it lead?"""
    move = TABLE.get((ctx.state, action))
    if move is None:
        return Decision(
            False, reason=N_("Langkah ini tidak dapat dilakukan pada keadaan sekarang.")
        )
    if not _may(move.who, side, ctx, staff):
        if move.who is Who.STAFF:
            reason = N_("Hanya staf yang dapat melakukan langkah ini.")
        elif move.who is Who.TURN:
            reason = N_("Sekarang giliran pihak lain untuk menjawab.")
        elif move.who is Who.NOT_CANCEL_REQUESTER:
            reason = (
                N_("Pembatalan harus disetujui oleh pihak lain.")
                if ctx.cancel_requested_by is not None
                else N_("Belum ada permintaan pembatalan.")
            )
        elif move.who is Who.SELLER:
            reason = N_("Hanya penjual yang dapat melakukan langkah ini.")
        elif move.who is Who.BUYER:
            reason = N_("Hanya pembeli yang dapat melakukan langkah ini.")
        elif move.who is Who.DISPUTER:
            reason = N_("Hanya pihak yang mengajukan sengketa yang dapat mencabutnya.")
        else:
            reason = N_("Anda tidak berhak melakukan langkah ini.")
        return Decision(False, reason=reason)
    if action in (Action.WAIT, Action.CANCEL_REFUND) and not ctx.shortfall_choice:
        return Decision(
            False,
            reason=N_(
                "Pilihan menunggu atau membatalkan dengan pengembalian uang baru terbuka pada "
                "tanggal penyerahan akad salam bila barang belum diserahkan."
            ),
        )
    if action in (Action.CONFIRM_RECEIPT, Action.LAPSE) and not ctx.receipt_pending:
        return Decision(False, reason=N_("Tidak ada harga salam yang menunggu konfirmasi."))
    if action is Action.REFUND and not ctx.refund_owed:
        return Decision(False, reason=N_("Tidak ada kelebihan bayar yang perlu dikembalikan."))
    if action is Action.REQUEST_CANCEL and ctx.cancel_requested_by is not None:
        return Decision(False, reason=N_("Pembatalan sudah diminta; menunggu persetujuan."))
    if action is Action.REFER and ctx.dispute_referred:
        return Decision(False, reason=N_("Sengketa ini sudah dirujuk ke Basyarnas."))
    next_state = move.next_state
    if action in (Action.RESOLVE, Action.SETTLE):
        if ctx.resume_state is None:
            return Decision(False, reason=N_("Keadaan sebelum sengketa tidak diketahui."))
        next_state = ctx.resume_state
    return Decision(True, next_state=next_state)


def available_actions(ctx: Context, side: Side | None, staff: bool = False) -> list[Action]:
    """The moves ``side`` (or staff) may make now, in the table's order (the page's buttons)."""
    return [
        action
        for (state, action) in TABLE
        if state == ctx.state and decide(ctx, action, side, staff).allowed
    ]


def awaited_action(ctx: Context, side: Side) -> Action | None:
    """What the deal waits on ``side`` to do now (None: nothing). Reminders, digests and the
    dashboard read it; ``waits_on`` is the sides for which it is not None."""
    if ctx.state is State.NEGOTIATING:
        return Action.COUNTER if ctx.whose_turn == side else None
    if ctx.refund_owed and ctx.state in (State.RECEIVED, State.CANCELLED):
        return Action.REFUND if side is Side.SELLER else None  # money back before completion
    if ctx.state not in OPEN:
        return None
    if ctx.cancel_requested_by is not None:
        return Action.AGREE_CANCEL if ctx.cancel_requested_by.other == side else None
    if ctx.state is State.DISPUTED:
        return Action.RESOLVE if ctx.disputed_by == side else None
    if ctx.receipt_pending:
        return Action.CONFIRM_RECEIPT if side is Side.SELLER else None
    owes = ctx.payment_due or ctx.buyer_pays_first
    if side is Side.BUYER:
        if ctx.state is State.SHIPPED:
            return Action.RECEIVE
        if ctx.shortfall_choice:
            return Action.WAIT  # salam goods missing on the due date: wait or cancel
        return Action.PAY if owes else None
    if ctx.state is State.SIGNED:
        return None if ctx.buyer_pays_first else Action.SHIP
    if ctx.state is State.RECEIVED:  # completion needs the price paid (also not yet due)
        return None if owes or ctx.unpaid else Action.COMPLETE
    return None


def waits_on(ctx: Context) -> frozenset[Side]:
    """The sides the deal waits on (for "deals waiting for me" and notifications)."""
    return frozenset(side for side in Side if awaited_action(ctx, side) is not None)


def reachable(start: State = State.NEGOTIATING) -> set[State]:
    """Every state reachable from ``start`` by the table (RESOLVE returns to an earlier state)."""
    seen, todo = {start}, [start]
    while todo:
        state = todo.pop()
        for (s, _action), move in TABLE.items():
            if s == state and move.next_state not in seen:
                seen.add(move.next_state)
                todo.append(move.next_state)
    return seen
