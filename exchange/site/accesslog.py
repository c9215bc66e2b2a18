"""Access logs without secrets: one-time tokens in paths (reset links, unsubscribe links) and
in the Referer are replaced by ``[token]`` before a line is written.

gunicorn uses ``ScrubbingLogger`` (``gunicorn.conf.py`` at the repository root names it);
the development server's ``werkzeug`` logger gets ``ScrubFilter``.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

# Paths whose last segment is a secret (exchange/auth/account_views.py, exchange/digests/views.py)
SECRET_PATHS = re.compile(r"(/akun/atur-ulang/|/ringkasan/berhenti/)[^\s/?#\"]+")
SECRET_PARAMS = re.compile(r"((?:^|[?&])(?:token|t)=)[^&\s\"]+")


def scrub(text: str | None) -> str | None:
    if not text:
        return text
    return SECRET_PARAMS.sub(r"\1[token]", SECRET_PATHS.sub(r"\1[token]", text))


class ScrubbingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "{referer}i", "{raw_uri}e", "{path_info}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = scrub(atoms[key])
        return atoms


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(scrub(a) if isinstance(a, str) else a for a in record.args)
        record.msg = scrub(record.msg) if isinstance(record.msg, str) else record.msg
        return True


def init_access_log() -> None:
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, ScrubFilter) for f in werkzeug.filters):
        werkzeug.addFilter(ScrubFilter())
