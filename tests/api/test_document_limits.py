"""The document states the limits the server enforces, so a client (and schemathesis) that
keeps to it is never refused as not fitting the schema (found by the stateful run)."""

from __future__ import annotations

import re

from exchange.api.spec import document


def _dates(node, where=""):
    if isinstance(node, dict):
        if node.get("format") == "date":
            yield where, node
        for key, value in node.items():
            yield from _dates(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _dates(value, f"{where}/{i}")


def test_every_date_of_the_document_says_the_years_the_server_takes(app):
    with app.app_context():
        doc = document()
    found = list(_dates(doc))
    assert found
    for where, schema in found:
        pattern = schema.get("pattern")
        assert pattern, f"{where}: no pattern for the years 2000-2100"
        assert re.search(pattern, "2000-01-01") and re.search(pattern, "2100-12-31"), where
        assert not re.search(pattern, "0196-05-13") and not re.search(pattern, "2101-01-01")


def test_every_date_pattern_names_a_whole_day_so_a_generator_driven_by_it_draws_days(app):
    """A pattern of only the year ("2024-" and anything) leaves a generator that follows it
    (schemathesis, once a few format draws missed the years) drawing strings that are no date:
    the stateful run almost never made a payment, a handover or a listing. The pattern names
    the whole day."""
    with app.app_context():
        doc = document()
    for where, schema in _dates(doc):
        pattern = re.compile(schema["pattern"])
        for day in ("2000-01-01", "2024-02-29", "2059-10-31", "2100-12-31"):
            assert pattern.search(day), (where, day)
        for other in ("2024-13-01", "2024-00-10", "2024-01-32", "2024-01-1", "2024-01-01x"):
            assert not pattern.search(other), (where, other)


NEEDED = ("commodity", "quantity", "grade", "price", "window_start", "window_end", "akad")


def _admits_null(schema: dict) -> bool:
    options = schema.get("anyOf", [schema])
    return any(o.get("type") == "null" or "type" not in o and "$ref" not in o for o in options)


def test_a_listing_patch_admits_null_only_for_fields_a_listing_may_leave_empty(app):
    """The server refuses ``null`` for a field every listing needs (its commodity, window...):
    the document does not offer it (the stateful run sent ``{"window_end": null}``)."""
    with app.app_context():
        patch = document()["components"]["schemas"]["ListingPatch"]["properties"]
    for name in NEEDED:
        assert not _admits_null(patch[name]), name
    for name in ("lat", "lon", "min_quantity", "max_distance_km"):
        assert _admits_null(patch[name]), name
