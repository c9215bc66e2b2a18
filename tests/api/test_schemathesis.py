"""Schemathesis against the OpenAPI document, in-process on the WSGI app (both databases):
no answer is a 5xx, and every answer matches its documented status, content type and schema.

Bounded: 5 examples per operation in ``make test`` (two runs of ~65 operations), 25 in ``make
test-deep`` (tests/depth.py); EXCHANGE_API_FUZZ_EXAMPLES sets any other count.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import bearer, build_world
from tests.depth import examples

EXAMPLES = int(os.environ.get("EXCHANGE_API_FUZZ_EXAMPLES", 0)) or examples(5, 25)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) of the document, read from an app that needs no database."""
    from exchange import create_app
    from exchange.api.spec import document

    app = create_app("testing", DATABASE_URL="sqlite://")
    with app.app_context():
        doc = document()
    return sorted((m.upper(), p) for p, ops in doc["paths"].items() for m in ops)


@pytest.fixture(scope="module")
def schema(_app):
    """The document as schemathesis reads it, loaded once a module: it is the same for every
    operation, and reading it takes about a second."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _app)


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


@pytest.mark.deep
@pytest.mark.parametrize(("method", "path"), _operations())
def test_api_answers_match_the_document(app, schema, world, method, path):
    operation = schema[path][method]
    token = world.staff_token if path.startswith("/api/v1/staff") else world.seller_token

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case):
        case.call_and_validate(headers=bearer(token), checks=CHECKS)

    run()
