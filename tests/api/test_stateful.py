"""Schemathesis's stateful run with tokens, every check on: scenarios follow the document's
links (a created listing to its edits, a deal to its next moves, a proposal to the deal
opened from it) through a seeded world (tests/api/stateful_world.py) in which every write
can succeed. No check may fail, and every write operation of the document must get at least
one 2xx, so a new write the run cannot reach fails this test.

Counts: in ``make test`` three short scenarios, every check on (the 2xx of every write is not
asked of so few); ``make test-api-deep`` (EXCHANGE_TEST_DEEP=1) runs the full count, prints
each operation's status codes and asks every write for a 2xx."""

from __future__ import annotations

import base64
import itertools
import os
import re
import time
import zlib
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from sqlalchemy import select

from exchange.api.spec import document
from exchange.catalogue.models import Commodity
from exchange.clock import today_wib
from exchange.deals import facts
from exchange.deals import queries as deal_queries
from exchange.deals.models import Deal
from exchange.extensions import db
from exchange.listings.models import Listing
from exchange.pools import queries as pool_queries
from exchange.pools.models import Pool
from tests.api.stateful_world import Snapshot, build
from tests.depth import DEEP, examples
from tests.pesantren.import_helpers import registry_csv, registry_rows

SCENARIOS = int(os.environ.get("EXCHANGE_API_STATEFUL_SCENARIOS", 0)) or examples(3, 500)
STEPS = int(os.environ.get("EXCHANGE_API_STATEFUL_STEPS", 0)) or examples(10, 20)
WRITES = {"post", "put", "patch", "delete"}

# Besides the defaults: a schema-valid request may still be refused by a rule of the domain
# (400: more than the listing's remaining, a date before the contract; its problem type is
# not the schema's, see _not_a_schema_refusal), by the lifecycle (409), by an If-Match that
# names no version (412), or by an Idempotency-Key already used for another request (422).
#
# A request that does not fit the document may be refused with 412 when its If-Match names
# no version: the precondition is checked before the body (it is refused all the same).
CONFIG = {
    "checks": {
        "negative_data_rejection": {
            "expected-statuses": [
                *("400", "401", "403", "404", "405", "406", "409", "412", "415", "422"),
                *("428", "429", "5xx"),
            ]
        },
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "412", "422", "429"]
        },
    }
}


def _not_a_schema_refusal(ctx, response, case):
    """A request generated to fit the document is never refused as not fitting it."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    kind = (response.json() or {}).get("type", "") if response.content else ""
    assert kind != "/api/v1/problems/invalid-request", (
        f"A schema-valid request was refused as not fitting the schema: {response.text[:300]}"
    )
    return None


# The dates the server checks against today (exchange/deals/bounds.py, the listings' window):
# a payment, a handover or a refund happened between the contract day and today; a new due
# date, a handover or a window lies ahead. A generated date falls anywhere in 2000-2100, so
# almost never there: half the time a body's date (a valid one: a case stays as valid or
# invalid as it was generated) becomes such a day, as a client's would be.
DAYS_FROM_TODAY = {
    "paid_on": (0, 0),
    "received_on": (0, 0),
    "refunded_on": (0, 0),
    "new_due": (1, 30),
    "handover_date": (1, 30),
    "payment_due_date": (31, 60),
    "window_start": (0, 7),
    "window_end": (8, 60),
}
DAY = re.compile(r"(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")


def _reason(response) -> str:
    """A refusal's problem type and first message (the field's, when it names one)."""
    try:
        problem = response.json() or {}
    except ValueError:
        return response.text[:100]
    errors = problem.get("errors") or [{}]
    field, detail = errors[0].get("field", ""), errors[0].get("detail") or problem.get("detail")
    return f"{problem.get('type', '')} {field}: {str(detail)[:100]}"


@st.composite
def _from_catalogue(draw, body, catalogue):
    """A listing body (or a batch's rows) with, half the time, a commodity of the catalogue in
    one of its grades."""
    if not isinstance(body, dict):
        return body
    if isinstance(body.get("items"), list):
        items = [draw(_from_catalogue(item, catalogue)) for item in body["items"]]
        return {**body, "items": items}
    if not {"commodity", "grade"} <= body.keys() or not draw(st.booleans()):
        return body
    slug, grades = draw(st.sampled_from(catalogue))
    return {**body, "commodity": slug, "grade": draw(st.sampled_from(grades or ("",)))}


def _is_day(value) -> bool:
    if not isinstance(value, str) or not DAY.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@st.composite
def _near_today(draw, body, today: date):
    if not isinstance(body, dict):
        return body
    out = dict(body)
    for key, value in body.items():
        if isinstance(value, dict):
            out[key] = draw(_near_today(value, today))
        elif key in DAYS_FROM_TODAY and _is_day(value) and draw(st.booleans()):
            low, high = DAYS_FROM_TODAY[key]
            out[key] = (today + timedelta(days=draw(st.integers(low, high)))).isoformat()
    return out


def _read_first(operation_id: str, path: dict, body: dict, caller: int | None = None) -> dict:
    """The body of a client that read the object just before writing: for a deal (GET
    /deals/{id}) it pays the balance, receives the contracted quantity, refunds what was
    overpaid, waits a week, counters a rupiah above the current terms and names the terms
    version it saw; for a listing (GET /commodities, GET /listings/{id}) it posts or edits one
    with a window ahead, the tunai akad and the pesantren's own place, as the listing rules
    want; for a pool (GET /pools/{id}) it agrees with the first of the offers the pool names
    for it; a registry upload sends a small valid sheet of two new pesantren. Random fields it
    does not read (a note, a quantity) stay as generated. ``caller``: the pesantren of the
    call's token. Call inside an app context."""
    today = today_wib()
    if operation_id == "upload_registry":
        rows = registry_rows(2, start=100 + 2 * next(SHEETS))  # new names, NSPP and e-mails
        sheet = base64.b64encode(registry_csv(rows)).decode()
        return {"filename": "binaan.csv", "content_base64": sheet}
    if operation_id in LISTING_EDITS:
        return {**body, **_listing_as_read(operation_id, path.get("listing_id"), today)}
    if operation_id == "agree_pool" and caller is not None:
        pool = db.session.get(Pool, path.get("pool_id")) if _an_id(path.get("pool_id")) else None
        offers = pool_queries.seller_choices(pool, caller, today)[1] if pool else []
        return {**body, "offer_id": offers[0].id, "proposal_id": None} if offers else body
    deal_id = path.get("deal_id")
    deal = db.session.get(Deal, deal_id) if _an_id(deal_id) else None
    if deal is None:
        return body
    balance = facts.amount_due(deal) - (deal.paid - deal.refunded)
    terms = deal.current_terms
    read = {
        "pay": {"amount": balance, "paid_on": today.isoformat()},
        "receive": {
            "quantity_received": terms.quantity,
            "received_on": today.isoformat(),
            "grade_received": None,
            "shortfall_outcome": None,
            "paid_now": max(balance, 0),
        },
        "refund": {"amount": facts.overpaid(deal), "refunded_on": today.isoformat()},
        "wait": {"new_due": (today + timedelta(days=7)).isoformat()},
        "counter": {"seen_version": deal.terms_version, "terms": _terms_as_read(terms, today)},
        "accept": {"seen_version": deal.terms_version},
        "tie_bundle": {"other_deal_id": _first_candidate(deal)},
        "settle_bundle": {"paid_on": today.isoformat()},
    }.get(operation_id, {})
    if any(isinstance(v, int) and v < 1 and k != "paid_now" for k, v in read.items()):
        return body  # nothing to pay or refund: the client would not make the move
    return {**body, **read}


def _an_id(value) -> bool:
    return isinstance(value, int) and 1 <= value < 2**31


def _first_candidate(deal) -> int:
    """One of the deal's ``bundle_candidates``, handed over the same day if one is (ribawi
    legs of one class are exchanged in one session); 0, a refusal, when it has none."""
    day = deal.current_terms.handover_date
    found = deal_queries.bundle_candidates(deal)
    best = max(found, key=lambda c: (c.current_terms.handover_date == day, -c.id), default=None)
    return best.id if best is not None else 0


LISTING_EDITS = {"create_listing", "update_listing", "patch_listing"}
SHEETS = itertools.count()  # the uploads' rows: each one's own


def _terms_as_read(terms, today: date) -> dict:
    return {
        "quantity": terms.quantity,
        "unit_price": int(terms.unit_price) + 1,
        "akad": str(terms.akad.value if hasattr(terms.akad, "value") else terms.akad),
        "handover_date": max(terms.handover_date, today + timedelta(days=3)).isoformat(),
        "handover_place": terms.handover_place,
        "transport": terms.transport,
        "grade": terms.grade,
        "payment_due_date": terms.payment_due_date and terms.payment_due_date.isoformat(),
        "cost_price": terms.cost_price,
        "margin": terms.margin,
        "seller_owns": terms.seller_owns,
        "schedule": list(terms.payment_schedule or []),
    }


def _listing_as_read(operation_id: str, listing_id, today: date) -> dict:
    window = {
        "window_start": (today + timedelta(days=1)).isoformat(),
        "window_end": (today + timedelta(days=30)).isoformat(),
        "akad": ["tunai"],
        "lat": None,
        "lon": None,
        "min_quantity": None,
        "made_to_order": False,
    }
    listing = db.session.get(Listing, listing_id) if isinstance(listing_id, int) else None
    if operation_id == "create_listing" or listing is None:
        first = db.session.scalars(select(Commodity).order_by(Commodity.slug)).first()
        return window | {"commodity": first.slug, "grade": first.grades[-1]}
    shown = {
        "side": listing.side.value,
        "commodity": listing.commodity.slug,
        "grade": listing.commodity.grade_label(listing.grade),
        "max_distance_km": None,
    }
    if operation_id == "patch_listing":
        return {"window_end": window["window_end"]}
    return window | shown


def _write_operations(doc: dict) -> list[str]:
    return sorted(
        op["operationId"]
        for ops in doc["paths"].values()
        for method, op in ops.items()
        if method in WRITES
    )


def _machine(app, actors, snapshot, seen: dict[str, Counter], samples: dict, progress: dict):
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, config=SchemathesisConfig.from_dict(CONFIG)
    )
    pools = {
        "listing_id": actors.listing_ids,
        "deal_id": actors.deal_ids,
        "run_id": list(actors.run_tokens),
        "pool_id": list(actors.pool_tokens),
        "standing_id": actors.standing_ids,
        "proposal_id": actors.proposal_ids,
        "token": actors.import_tokens,
        "user_id": actors.invited_ids,
    }
    pools = {k: v for k, v in pools.items() if v}  # none seeded: left as generated
    trip_pairs = sorted(actors.trip_deals)

    @schema.hook("before_generate_path_parameters")
    def seeded_ids(context, strategy):
        """A root call's path names an object of the seeded world (a link names its own)."""

        # A deal (pool) move names, half the time, a deal (pool) on which it is a move at the
        # scenario's start (else any seeded one): with twenty deals, a move only one of them
        # admits would otherwise rarely meet it.
        operation = context.operation.definition.raw if context.operation else {}
        ready = actors.ready.get(operation.get("operationId"), [])
        ready_id = {
            k: st.one_of(st.sampled_from(ready or [0]), st.sampled_from(pools[k]))
            for k in ("deal_id", "pool_id")
        }

        def pick(generated):
            if not isinstance(generated, dict):  # a negative case: left as generated
                return st.just(generated)
            if "trip_id" in generated:
                pair = st.sampled_from(trip_pairs)
                return pair.map(lambda p: {**generated, "trip_id": p[0], "deal_id": p[1]})
            seeded = {
                k: v
                for k, v in generated.items()
                if k in pools and isinstance(v, str if k == "token" else int)
            }
            return st.fixed_dictionaries(
                {
                    k: (ready_id[k] if k in ready_id and ready else st.sampled_from(pools[k]))
                    if k in seeded
                    else st.just(v)
                    for k, v in generated.items()
                }
            )

        return strategy.flatmap(pick)

    today = today_wib()
    with app.app_context():
        catalogue = [(c.slug, tuple(c.grades)) for c in db.session.scalars(select(Commodity))]

    @schema.hook("before_generate_body")
    def days_near_today(context, strategy):
        """Dates the server checks against today are, half the time, such days; a listing's
        commodity and grade are, half the time, the catalogue's (as a client that read GET
        /commodities sends)."""
        strategy = strategy.flatmap(lambda body: _near_today(body, today))
        return strategy.flatmap(lambda body: _from_catalogue(body, catalogue))

    @schema.hook("before_generate_headers")
    def if_match_as_read(context, strategy):
        """A client sends If-Match with the ETag it last read (the links carry it) or none; a
        made-up tag is refused with 412 before anything else, so it is kept a quarter of the
        time only."""

        def pick(headers):
            if not isinstance(headers, dict) or "If-Match" not in headers:
                return st.just(headers)
            dropped = {k: v for k, v in headers.items() if k != "If-Match"}
            return st.integers(0, 3).map(lambda n: headers if n == 0 else dropped)

        return strategy.flatmap(pick)

    calls = itertools.count()
    base = schema.as_state_machine()

    class Machine(base):
        def setup(self):
            progress["scenarios"] += 1
            with app.app_context():
                snapshot.restore()

        def before_call(self, case):
            """The seeded world's token for the object the call names, as explicit auth (the
            ignored_auth check then probes the call without it and with a wrong one)."""
            path = dict(case.path_parameters or {})
            with app.app_context():  # its own session, closed with it
                token = actors.token_for(case.operation.definition.raw["operationId"], path)
            case.headers = dict(case.headers or {})
            case.headers["Authorization"] = f"Bearer {token}"
            case._has_explicit_auth = True
            key = case.headers.get("Idempotency-Key")
            meta = case.meta
            positive = meta is not None and meta.generation.mode.is_positive
            # Half the positive moves (by the key Hypothesis drew: a replay repeats it) come
            # from a client that read the deal first; a negative case is left as generated
            if positive and isinstance(case.body, dict) and zlib.crc32(str(key).encode()) % 2:
                with app.app_context():
                    op = case.operation.definition.raw["operationId"]
                    caller = next((p for p, t in actors.token_of.items() if t == token), None)
                    case.body = _read_first(op, path, case.body, caller)
            if isinstance(key, str):
                # every call is a new request (the replay of a key is tests/api/test_writes.py's)
                case.headers["Idempotency-Key"] = f"{key}-{next(calls)}"[-80:]

        def after_call(self, response, case):
            super().after_call(response, case)
            op = case.operation.definition.raw["operationId"]
            seen[op][response.status_code] += 1
            if response.status_code >= 400:
                samples[(op, response.status_code, _reason(response))] += 1

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            try:
                super().validate_response(
                    response, case, additional_checks=[_not_a_schema_refusal], **kwargs
                )
            except FailureGroup as failed:  # kept: a replay that cannot repeat it must not hide it
                progress["failures"].append(str(failed)[:2000])
                raise

    return Machine


@pytest.mark.slow
@pytest.mark.deep
def test_stateful_run_passes_every_check_and_every_write_succeeds_once(app):
    app.config["API_RATE_LIMIT"] = 10**9
    started = time.perf_counter()
    with app.app_context():
        actors = build()
        snapshot = Snapshot()
        writes = _write_operations(document())
    print(f"\nworld built in {time.perf_counter() - started:.1f} s")
    seen: dict[str, Counter] = defaultdict(Counter)
    samples: Counter = Counter()  # (operation, status, reason) -> calls
    progress: dict = {"scenarios": 0, "failures": [], "replays_lost": 0}
    machine = _machine(app, actors, snapshot, seen, samples, progress)
    attempt = 0
    while attempt < 3:
        # The world answers the same choices alike from its snapshot, but not always (times,
        # schemathesis's own feedback from answers): a replay Hypothesis cannot repeat stops a
        # run with Flaky. As schemathesis's own runner does, that is not a failure: failures
        # are kept as they happen, and a fresh run of the full count follows, with a fresh seed
        # (Hypothesis's count of the scenarios the ended run made is not known: it also starts
        # scenarios it does not count); the calls of every run count.
        # No app context around the run: each request pushes its own, so its session ends with
        # it. Under an outer context the requests shared that context's session, which stayed
        # in a transaction after them: on PostgreSQL its locks held the next scenario's TRUNCATE
        # until the lock timeout, the scenario's setup failed, and Hypothesis reported it as
        # FlakyStrategyDefinition (the run ended at once).
        try:
            machine.run(
                settings=settings(
                    max_examples=SCENARIOS,
                    stateful_step_count=STEPS,
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                    derandomize=attempt == 0,
                    database=None,
                )
            )
            break
        except Flaky as flaky:
            print(f"run ended by {type(flaky).__name__}: {str(flaky)[:300]}")
            assert not progress["failures"], "\n\n".join(progress["failures"])
            progress["replays_lost"] += 1
            attempt += 1
    assert not progress["failures"], "\n\n".join(progress["failures"])
    calls = sum(sum(codes.values()) for codes in seen.values())
    print(
        f"\nstateful: {SCENARIOS} scenarios asked a run ({progress['scenarios']} started, with "
        f"Hypothesis's own), up to {STEPS} steps, {calls} calls, "
        f"{len(seen)} operations, {progress['replays_lost']} runs ended by Flaky and resumed"
    )
    for op in sorted(seen):
        print(f"  {op:24} {dict(sorted(seen[op].items()))}")
    if DEEP:  # why writes were refused: each operation's three most frequent reasons
        shown: Counter = Counter()
        for (op, code, reason), n in samples.most_common():
            if op in writes and shown[op] < 3:
                shown[op] += 1
                print(f"  {op} {code} x{n}: {reason}")
    missing = [op for op in writes if not any(200 <= c < 300 for c in seen.get(op, ()))]
    if DEEP:
        assert not missing, f"write operations without a 2xx: {missing}"
