"""The pools' words: a pool's state and where a member's share stands (as the hub's handover
list says it, in the pool's own words)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from exchange.deals.policy import State
from exchange.pools.policy import PoolState

POOL_STATE_LABELS = {
    PoolState.OPEN: _l("Terbuka"),
    PoolState.MATCHED: _l("Mendapat penjual"),
    PoolState.CLOSED: _l("Ditutup"),
}

SHARE_LABELS = {
    State.NEGOTIATING: _l("Menunggu tanda tangan anggota"),
    State.SIGNED: _l("Kontrak ditandatangani"),
    State.SHIPPED: _l("Dikirim ke titik kumpul"),
    State.RECEIVED: _l("Diterima, BAST ditandatangani"),
    State.COMPLETED: _l("Selesai"),
    State.DISPUTED: _l("Sengketa"),
}


def share_label(state: str | None):
    """The share's standing; a share that ended otherwise (declined, cancelled) says so."""
    if state is None:
        return ""
    return SHARE_LABELS.get(State(state), _l("Tidak dilanjutkan"))
