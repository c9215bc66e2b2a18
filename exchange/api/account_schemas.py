"""The bodies of the account endpoints: the reader's message channels (WhatsApp, e-mail)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# whatsapp.policy.Kind and Channel, spelled out so the document lists them (an agreement test
# in tests/api/test_account_channels.py pins them to the enums)
KindName = Literal["proposal", "counter", "signed", "payment_due", "goods", "kliring", "digest"]
ChannelName = Literal["email", "whatsapp", "both"]


class WhatsAppState(BaseModel):
    enabled: bool = Field(description="The server sends WhatsApp messages at all.")
    number: str | None = Field(description="The confirmed number, masked (+62 812-****-7890).")
    stopped: bool = Field(description="WhatsApp is stopped (BERHENTI or the page): e-mail only.")


class Channels(BaseModel):
    whatsapp: WhatsAppState
    channels: dict[KindName, ChannelName] = Field(
        description="Per kind of message: by e-mail, on WhatsApp or both. Without a confirmed "
        "number, or when stopped, everything goes by e-mail."
    )


class ChannelsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channels: dict[KindName, ChannelName] = Field(default_factory=dict)
    stopped: bool | None = Field(default=None, description="Stop or restart WhatsApp.")
