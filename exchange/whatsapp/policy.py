"""The WhatsApp channel's vocabulary and who gets what where. Pure: no Flask, no database."""

from __future__ import annotations

from enum import StrEnum


def N_(message: str) -> str:  # noqa: N802 - the gettext marker babel.cfg extracts
    """Marks a msgid for extraction; pages translate it when they show it."""
    return message


class Kind(StrEnum):
    """The kinds of message a manager chooses a channel for."""

    PROPOSAL = "proposal"  # a new negotiation waits for an answer
    COUNTER = "counter"  # a counter-offer waits for an answer
    SIGNED = "signed"  # the contract is made
    PAYMENT_DUE = "payment_due"  # the daily reminder of a payment due
    GOODS = "goods"  # the seller recorded the delivery: record the receipt (BAST)
    KLIRING = "kliring"  # a netting run waits for the pesantren's confirmation
    DIGEST = "digest"  # the daily or weekly digest


class Channel(StrEnum):
    EMAIL = "email"
    WHATSAPP = "whatsapp"
    BOTH = "both"


KIND_LABELS = {
    Kind.PROPOSAL: N_("Negosiasi baru"),
    Kind.COUNTER: N_("Tawaran balik menunggu jawaban"),
    Kind.SIGNED: N_("Kontrak ditandatangani"),
    Kind.PAYMENT_DUE: N_("Pembayaran jatuh tempo"),
    Kind.GOODS: N_("Barang dikirim, catat penerimaan"),
    Kind.KLIRING: N_("Kliring menunggu persetujuan"),
    Kind.DIGEST: N_("Ringkasan"),
}
CHANNEL_LABELS = {
    Channel.EMAIL: N_("E-mail"),
    Channel.WHATSAPP: N_("WhatsApp"),
    Channel.BOTH: N_("Keduanya"),
}
#: The template of each kind (files in message_templates/<language>/<name>.json).
TEMPLATES = {
    Kind.PROPOSAL: "bursa_proposal",
    Kind.COUNTER: "bursa_counter",
    Kind.SIGNED: "bursa_signed",
    Kind.PAYMENT_DUE: "bursa_payment_due",
    Kind.GOODS: "bursa_goods",
    Kind.KLIRING: "bursa_kliring",
    Kind.DIGEST: "bursa_digest",
}
CODE_TEMPLATE = "bursa_code"
#: The reply that stops every WhatsApp message to the number (and its English twin).
STOP_WORDS = frozenset({"BERHENTI", "STOP"})


def choice(preferences: dict, kind: Kind) -> Channel:
    """The manager's stored choice for a kind; e-mail when none was made (as before)."""
    try:
        return Channel(preferences.get(kind.value, Channel.EMAIL.value))
    except ValueError:
        return Channel.EMAIL


def wants_whatsapp(preferences: dict, kind: Kind, reachable: bool) -> bool:
    """A WhatsApp message of this kind goes out: chosen, and the number is reachable (the
    channel is configured, the number confirmed and not opted out)."""
    return reachable and choice(preferences, kind) in (Channel.WHATSAPP, Channel.BOTH)


def wants_email(preferences: dict, kind: Kind, reachable: bool) -> bool:
    """The e-mail of this kind goes out: chosen, or WhatsApp cannot carry it (the fallback)."""
    return not reachable or choice(preferences, kind) in (Channel.EMAIL, Channel.BOTH)


def is_stop_reply(text: str) -> bool:
    """A reply asking us to stop (``BERHENTI``, any case, spaces and a full stop allowed)."""
    return (text or "").strip().rstrip(".!").strip().upper() in STOP_WORDS
