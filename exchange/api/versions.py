"""Versions over HTTP: an ETag on every answer that shows one object (its version and a digest
of the body), ``If-None-Match`` on reads (304), ``If-Match`` on writes to a deal or a listing
(412 when the object moved on since the version the tag names)."""

from __future__ import annotations

import hashlib
import re

from flask import Response, g, request
from flask_babel import lazy_gettext as _l

from exchange.deals.models import Deal
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.listings.models import Listing

_TAG = re.compile(r'(?:W/)?"v(\d+)\.[0-9a-f]*"')


class StaleVersion(DomainError):
    status_code = 412
    problem_type = "/api/v1/problems/stale-version"
    default_message = _l(
        "Data ini sudah berubah sejak versi yang dikirim di If-Match; baca lagi lalu ulangi."
    )


def shows(version: int) -> None:
    """The answer shows one object at this version (the ETag is computed after the view)."""
    g.api_version = version


def _current_version() -> int | None:
    """The version of the deal or listing the write names, when the token's pesantren is a
    party to it or owns it (else the view answers its 404)."""
    args, pid = request.view_args or {}, getattr(g.get("api_user"), "pesantren_id", None)
    if "deal_id" in args:
        deal = db.session.get(Deal, args["deal_id"])
        if deal is not None and pid in (deal.seller_pesantren_id, deal.buyer_pesantren_id):
            return deal.version
    elif "listing_id" in args:
        listing = db.session.get(Listing, args["listing_id"])
        if listing is not None and listing.pesantren_id == pid:
            return listing.version
    return None


def check_if_match() -> None:
    """Refuse a write whose If-Match names another version (``*`` matches any). Raises
    StaleVersion."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*" or request.method == "GET":
        return
    current = _current_version()
    named = {int(v) for v in _TAG.findall(header)}
    if current is not None and current not in named:
        raise StaleVersion()


def tag(response: Response):
    """Add the ETag to an answer that showed one object; a GET whose If-None-Match names it
    gets 304 without a body."""
    version = g.pop("api_version", None)
    if version is None or response.status_code not in (200, 201) or response.direct_passthrough:
        return response
    digest = hashlib.sha256(response.get_data()).hexdigest()[:16]
    etag = f'"v{version}.{digest}"'
    response.headers["ETag"] = etag
    wanted = request.headers.get("If-None-Match", "")
    if request.method == "GET" and (etag in wanted or wanted.strip() == "*"):
        not_modified = Response(status=304)
        not_modified.headers["ETag"] = etag
        return not_modified
    return response
