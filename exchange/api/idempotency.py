"""``Idempotency-Key`` on every write: a retry gets the first answer back and never acts twice.

The key is claimed (a row with status 0, committed, UNIQUE per token) before the view runs, so
two requests with one key at once cannot both act: the second is told the first is still
running (409). The answer is stored after the view; a 5xx frees the key for a retry.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from flask import Response, current_app, g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from exchange.api.models import IdempotentAnswer
from exchange.db import utcnow
from exchange.errors import TITLES, Conflict, DomainError
from exchange.extensions import db

HEADER = "Idempotency-Key"
MAX_KEY = 80
# A claim this old with no answer was left by a request that died (a killed worker): free.
ABANDONED = timedelta(minutes=2)
# Stored answers are kept this long; a retry after that acts again (clients retry in minutes).
KEEP = timedelta(hours=24)


class KeyReused(DomainError):
    status_code = 422
    default_message = _l("Idempotency-Key ini sudah dipakai untuk permintaan yang lain.")


class StillRunning(Conflict):
    default_message = _l("Permintaan dengan Idempotency-Key ini masih diproses. Coba lagi nanti.")


def is_write(view) -> bool:
    return bool(getattr(view, "api_write", False))


def write(view):
    """Mark a view as a write: it needs an Idempotency-Key (below ``spec.validate``)."""
    view.api_write = True
    return view


def _fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def client_token(key: str) -> str:
    """The services' own double-submit token for this key (64 characters at most)."""
    return "api-" + hashlib.sha256(f"{g.api_token.id}:{key}".encode()).hexdigest()[:40]


def replay(retry: bool = True):
    """Claim the key, or answer with the stored answer. Raises KeyReused, StillRunning."""
    view = current_app.view_functions.get(request.endpoint or "")
    token = getattr(g, "api_token", None)
    key = request.headers.get(HEADER, "")
    if token is None or not is_write(view) or not key or len(key) > MAX_KEY:
        return None  # a missing or overlong key is refused by the view's header schema
    fingerprint = _fingerprint()
    prune(utcnow(), token.id)
    db.session.add(
        IdempotentAnswer(token_id=token.id, key=key, fingerprint=fingerprint, status=0, body="")
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    else:
        g.api_idempotency = key
        return None
    found = db.session.scalar(
        select(IdempotentAnswer).where(
            IdempotentAnswer.token_id == token.id, IdempotentAnswer.key == key
        )
    )
    if (
        found is not None
        and found.status == 0
        and retry
        and utcnow() - found.created_at > ABANDONED
    ):
        db.session.delete(found)
        db.session.commit()
        return replay(retry=False)
    if found is None or found.status == 0:
        raise StillRunning()
    if found.fingerprint != fingerprint:
        raise KeyReused()
    mimetype = "application/problem+json" if found.status >= 400 else "application/json"
    response = Response(found.body, status=found.status, mimetype=mimetype)
    response.headers["Idempotent-Replayed"] = "true"
    return response


SHOWN_ONCE = _l(
    "Jawaban ini memuat tautan sekali pakai yang hanya ditampilkan sekali dan tidak disimpan; "
    "kirim ulang dengan kunci baru untuk tautan baru."
)


def shown_once() -> None:
    """The answer holds a secret shown once (an invitation link): a retry with the key gets a
    409 that says so instead of the answer, which is not stored."""
    g.api_answer_once = True


def remember(response) -> None:
    """Store the answer under the claimed key. A 5xx, or a request the schema refused before
    the view ran, frees the key instead: the corrected retry may use it. An answer shown once
    is stored as the 409 its retry gets."""
    key = getattr(g, "api_idempotency", None)
    if key is None or g.get("database_unavailable"):
        return  # nothing to write to (the 503 of site/outage.py): the claim ends with KEEP
    g.api_idempotency = None
    db.session.rollback()  # whatever the view left unfinished is not ours to commit
    where = (IdempotentAnswer.token_id == g.api_token.id, IdempotentAnswer.key == key)
    if response.status_code >= 500 or g.get("api_request_invalid"):
        db.session.execute(delete(IdempotentAnswer).where(*where))
    else:
        row = db.session.scalar(select(IdempotentAnswer).where(*where))
        if row is not None and g.get("api_answer_once") and response.status_code < 300:
            row.status = 409
            row.body = json.dumps(
                {
                    "type": Conflict.problem_type,
                    "title": str(TITLES[409]),
                    "status": 409,
                    "detail": str(SHOWN_ONCE),
                }
            )
        elif row is not None:
            row.status = response.status_code
            row.body = response.get_data(as_text=True)
    db.session.commit()


def prune(now: datetime, token_id: int | None = None) -> int:
    """Forget the answers older than KEEP: a token's own at each of its writes (the table holds
    about a day of writes per token), or every token's. Returns how many (the caller commits)."""
    stmt = delete(IdempotentAnswer).where(IdempotentAnswer.created_at < now - KEEP)
    if token_id is not None:
        stmt = stmt.where(IdempotentAnswer.token_id == token_id)
    return db.session.execute(stmt).rowcount
