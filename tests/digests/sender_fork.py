"""A fork server for the kill test: import the app once, then fork one sender per request.

Reads a line per run on stdin; for each, forks a child that runs the outbox sender
(``deliver_pending``, as ``flask exchange send-mail`` does) and exits. Prints ``pid N`` when the
child starts and ``exit N STATUS`` when it ends, so the test can SIGKILL the child mid-run
without paying the app's import time on every restart. ``EXCHANGE_TEST_CLOCK_AT`` (the test's
time) starts the app's clock there, so the senders live when the test does.
"""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import datetime


def main() -> None:
    from exchange import clock
    from wsgi import app

    at = os.environ.get("EXCHANGE_TEST_CLOCK_AT")
    with clock.starting_at(datetime.fromisoformat(at)) if at else contextlib.nullcontext():
        serve(app)


def serve(app) -> None:
    for _line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            from exchange.mail.outbox import deliver_pending

            code = 0
            try:
                with app.app_context():
                    deliver_pending()
            except BaseException:  # noqa: BLE001 - report by exit status
                code = 1
            os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {pid} {status}", flush=True)


if __name__ == "__main__":
    main()
