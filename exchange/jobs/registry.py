"""What each kind of job does, handed over once at start-up by the domain that owns the kind
(``create_app``, docs/wiring.md): the jobs machinery imports no domain.

A handler has three steps, each called by whichever worker takes the task:

- ``prepare(job) -> (snapshot, parts)``: read what the run needs (no writes); ``parts`` is a
  list of ``(key, payload)``, one solve task each (may be empty);
- ``solve(payload) -> result``: pure computation on one part's text, a text back;
- ``store(job, snapshot, results) -> run id``: write the run in the current transaction
  (flush, never commit); ``results`` maps each part's key to its result, in key order.

then ``after_store(run_id)`` once the store step has committed (upkeep outside the
transaction), ``run_endpoint``: the page of the run made (an endpoint taking ``run_id``), and
``runs_endpoint``: the list of the kind's runs.
"""

from __future__ import annotations

from typing import Protocol


class Handler(Protocol):
    run_endpoint: str
    runs_endpoint: str

    def prepare(self, job) -> tuple[str | None, list[tuple[str, str]]]: ...

    def solve(self, payload: str) -> str: ...

    def store(self, job, snapshot: str | None, results: dict[str, str]) -> int: ...

    def after_store(self, run_id: int) -> None: ...


_handlers: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> None:
    _handlers[str(kind)] = handler


def handler(kind: str) -> Handler:
    try:
        return _handlers[str(kind)]
    except KeyError:
        raise RuntimeError(f"no handler registered for jobs of kind {kind!r}") from None
