"""A fork server for the kill test: import the app once, then fork one sender per request.

Reads a line per run on stdin; for each, forks a child that runs the outbox sender
(``deliver_pending``, as ``flask exchange send-mail`` does) and exits. Prints ``pid N`` when the
child starts and ``exit N STATUS`` when it ends, so the test can SIGKILL the child mid-run
without paying the app's import time on every restart.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    from wsgi import app

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
