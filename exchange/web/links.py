"""Absolute links for e-mails and the digest page, built by the app's URL map (as ``url_for``).

The base address: in production always ``BASE_URL`` (``EXCHANGE_BASE_URL``; a request's Host
header is not trusted for links that leave the site). Elsewhere (development, tests) links
follow the server: the current request's address when there is a request, else ``BASE_URL``,
which ``make run`` sets from the ``HOST`` and ``PORT`` it serves on.

A link to an endpoint that does not exist raises ``BuildError``: no hand-written fallback path.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlsplit

from flask import Flask, has_request_context, request

Link = Callable[..., str]


def base_url(app: Flask) -> str:
    """The site's address without the trailing slash, as links in mail should use it."""
    if app.config.get("ENV_NAME") != "production" and has_request_context():
        return request.host_url.rstrip("/") + request.script_root.rstrip("/")
    return app.config["BASE_URL"].rstrip("/")


def link_builder(app: Flask) -> Link:
    """``link(endpoint, _anchor=None, **values)``: the page's absolute URL."""
    base = base_url(app)
    parts = urlsplit(base)
    adapter = app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http"
    )

    def link(endpoint: str, _anchor: str | None = None, **values) -> str:
        url = adapter.build(endpoint, values, force_external=True)
        if _anchor:
            url += "#" + quote(_anchor, safe="")
        return url

    return link
