"""Absolute links for e-mails, built outside any request from ``BASE_URL``."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.routing import BuildError

Link = Callable[..., str]


def link_builder(app: Flask) -> Link:
    """``link(endpoint, fallback_path, **values)``: the page's absolute URL.

    The fallback path is used while the endpoint's domain is not installed (a page of another
    branch), so an e-mail never fails to render over a missing link.
    """
    base = app.config["BASE_URL"].rstrip("/")
    parts = urlsplit(base)
    adapter = app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http"
    )

    def link(endpoint: str, fallback: str, **values) -> str:
        try:
            return adapter.build(endpoint, values, force_external=True)
        except BuildError:
            return base + fallback

    return link
