"""Visitors' pages: kept rendered in this process, and answered conditionally.

A visitor (not signed in) sees on ``/``, ``/pasar`` and ``/pasar/<id>`` nothing of a session:
no CSRF token (the visitor's forms are GETs; the language switch is a link), nothing of an
account. The only per-session bits of ``base.html`` are flashed messages and the language.
So ``visitor_page`` keeps a visitor's rendered body under (path, raw query string, locale,
market version, today in WIB) in a bounded LRU store (``pagestore.py``) and serves it again
until the market moves (``versions.py``) or the day changes (listings whose window ended leave
the market at WIB midnight with no write). It stays out of the way when:

- the reader is signed in (always rendered afresh, never stored, never a validator);
- the session holds flashed messages (the page would show them once; it is rendered);
- rendering touched the session (a CSRF token, a flash): that body is not stored;
- the answer is not a 200, or the store is switched off (``PAGE_CACHE_ENABLED``).

Every visitor's page carries an ETag and Last-Modified (the market version's time, or WIB
midnight when later) and answers 304 to If-None-Match / If-Modified-Since. ``no-cache`` makes
the browser ask every time; ``Vary: Cookie`` keeps a visitor's copy apart from a signed-in one's.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from functools import wraps

from flask import Flask, Response, current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

from exchange.clock import WIB, today_wib
from exchange.listings import versions
from exchange.listings.pagestore import Page, PageKey, PageStore

_STORE = "visitor_pages"


def store(app: Flask) -> PageStore | None:
    """This process's store of visitors' pages, or None when switched off."""
    if not app.config.get("PAGE_CACHE_ENABLED"):
        return None
    found = app.extensions.get(_STORE)
    if found is None:
        found = app.extensions[_STORE] = PageStore(
            int(app.config["PAGE_CACHE_ENTRIES"]), int(app.config["PAGE_CACHE_BYTES"])
        )
    return found


def _visitor() -> bool:
    return not getattr(current_user, "is_authenticated", False)


def visitor_page(view):
    """Serve a visitor's page from the store when it is current; render and keep it when not.
    Signed-in readers get the view's answer as it is."""

    @wraps(view)
    def cached(*args, **kwargs):
        pages = store(current_app)
        if not _visitor():
            return make_response(view(*args, **kwargs))
        version = versions.current() if pages is not None else None
        if version is None or request.method not in ("GET", "HEAD") or "_flashes" in session:
            return _conditional(make_response(view(*args, **kwargs)), version)
        day = today_wib()
        key = PageKey(
            request.path, request.query_string, str(get_locale()), version.number, str(day)
        )
        page = pages.get(key)
        if page is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or session.modified:
                return _conditional(response, version)
            page = Page.of(response.get_data(), response.mimetype)
            pages.put(key, page)
        response = Response(page.body, mimetype=page.mimetype)
        response.set_etag(page.etag)
        return _conditional(response, version)

    return cached


def _conditional(response: Response, version: versions.Version | None) -> Response:
    if response.status_code != 200:
        return response
    if response.get_etag()[0] is None:
        response.add_etag()
    if version is not None:
        response.last_modified = last_modified(version.last_modified, today_wib())
    response.cache_control.no_cache = True
    response.vary.add("Cookie")
    return response.make_conditional(request)


def last_modified(version_seconds: int, day) -> datetime:
    """The later of the market version's time and the start of ``day`` in WIB (pages change
    at midnight too: listings whose window ended leave the market)."""
    midnight = datetime.combine(day, time(), tzinfo=WIB).astimezone(UTC)
    return max(datetime.fromtimestamp(version_seconds, UTC), midnight)
