"""``GET /api/v1/me``: who the token acts as, for which pesantren, with which scopes and budget."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, g
from pydantic import BaseModel, Field

from exchange.api.guard import acting_user, needs
from exchange.api.scopes import Scope, parse_scopes
from exchange.api.spec import responses, spec
from exchange.api.views import bp
from exchange.api.vocab import one_of


class MePesantren(BaseModel):
    id: int
    name: str


class Me(BaseModel):
    user_id: int
    name: str
    staff: bool
    pesantren: MePesantren | None
    token_name: str
    token_prefix: str
    scopes: list[one_of(Scope)]
    created_at: datetime
    rate_limit: int = Field(description="Requests per window, for the pesantren's tokens together.")
    rate_window: int = Field(description="Seconds.")


@bp.get("/me")
@spec.validate(resp=responses(200, Me), tags=("read",))
@needs(Scope.READ)
def me():
    """The account the token acts as, its pesantren, the token's scopes and the rate limit."""
    user, token = acting_user(), g.api_token
    pesantren = user.pesantren
    return Me(
        user_id=user.id,
        name=user.name,
        staff=bool(user.is_staff),
        pesantren=MePesantren(id=pesantren.id, name=pesantren.name) if pesantren else None,
        token_name=token.name,
        token_prefix=token.prefix,
        scopes=sorted(s.value for s in parse_scopes(token.scopes)),
        created_at=token.created_at,
        rate_limit=int(current_app.config["API_RATE_LIMIT"]),
        rate_window=int(current_app.config["API_RATE_WINDOW"]),
    )
