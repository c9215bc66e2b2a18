"""The account endpoints: the token owner's message channels (the account page's WhatsApp
card). Reading needs ``read``; changing them needs ``account``. A number is added and
confirmed on the page only (the code goes to the phone)."""

from __future__ import annotations

from exchange.api import account_schemas as a
from exchange.api import write_schemas as w
from exchange.api.guard import acting_user, needs
from exchange.api.scopes import Scope
from exchange.api.spec import responses, spec
from exchange.api.views import bp
from exchange.api.write_views import endpoint
from exchange.phones import masked
from exchange.whatsapp import services as whatsapp
from exchange.whatsapp.policy import Kind, choice


def _channels(user) -> a.Channels:
    contact = whatsapp.contact_of(user)
    preferences = dict(contact.preferences or {}) if contact else {}
    number = contact.confirmed_phone if contact else None
    return a.Channels(
        whatsapp=a.WhatsAppState(
            enabled=whatsapp.channel_on(),
            number=masked(number) if number else None,
            stopped=bool(contact and contact.opted_out_at),
        ),
        channels={k.value: choice(preferences, k).value for k in Kind},
    )


@bp.get("/account/channels")
@spec.validate(resp=responses(200, a.Channels), tags=("account",))
@needs(Scope.READ)
def channels():
    """How each kind of message reaches the token's account: e-mail, WhatsApp or both."""
    return _channels(acting_user())


@endpoint("/account/channels", Scope.ACCOUNT, json=a.ChannelsIn, result=a.Channels, method="PUT")
def update_channels(json: a.ChannelsIn, headers: w.WriteHeaders):
    """Choose the channel of some kinds of message, and stop or restart WhatsApp."""
    user = acting_user()
    whatsapp.update_channels(user, dict(json.channels), json.stopped)
    return _channels(user)
