"""Static files under addresses that change with their content, cached for a year.

``url_for('static', filename=...)`` gets ``?v=<first 12 hex of the file's SHA-256>``; an answer
to that exact address is ``public, max-age=31536000, immutable`` (a new file has a new address,
so no browser keeps an old stylesheet). Any other address of a static file is served with
Flask's default lifetime. Digests are computed once per file (again when its mtime changes).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request

ONE_YEAR = 365 * 24 * 3600


def init_static_cache(app: Flask) -> None:
    folder = Path(app.static_folder or "")
    seen: dict[str, tuple[float, str]] = {}

    def digest(filename: str) -> str | None:
        path = (folder / filename).resolve()
        if folder.resolve() not in path.parents or not path.is_file():
            return None
        mtime = path.stat().st_mtime
        known = seen.get(filename)
        if known is None or known[0] != mtime:
            known = (mtime, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
            seen[filename] = known
        return known[1]

    @app.url_defaults
    def versioned(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            v = digest(values["filename"])
            if v:
                values["v"] = v

    default_age = app.get_send_file_max_age

    def max_age(filename: str | None) -> int | None:
        if filename and request.args.get("v") and request.args.get("v") == digest(filename):
            return ONE_YEAR
        return default_age(filename)

    app.get_send_file_max_age = max_age  # type: ignore[method-assign]

    @app.after_request
    def immutable(response):
        if request.endpoint == "static" and response.cache_control.max_age == ONE_YEAR:
            response.cache_control.public = True
            response.cache_control.immutable = True
        return response
