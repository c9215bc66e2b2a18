"""Conditional answers for visitors' market pages: an ETag over the page, so a phone on a slow
link that has the page already gets "304 Not Modified" instead of the page again.

Only for visitors who are not signed in (the page then shows nothing of any pesantren's own);
a signed-in page is answered as before, never with a validator. ``no-cache`` makes the
browser ask every time (the market changes any minute); ``Vary: Cookie`` keeps a visitor's
copy apart from a signed-in one's.
"""

from __future__ import annotations

from flask import Response, make_response, request
from flask_login import current_user


def for_visitors(body) -> Response:
    response = make_response(body)
    if getattr(current_user, "is_authenticated", False) or response.status_code != 200:
        return response
    response.add_etag()
    response.cache_control.no_cache = True
    response.vary.add("Cookie")
    return response.make_conditional(request)
