"""Every page and download a signed-in reader gets says ``Cache-Control: no-store`` (issue 23:
twenty lacked it, the staff audit CSV among them); static files and visitors' pages stay
cacheable."""

from __future__ import annotations

import pytest

from tests.security.crawl import get_paths, route_ids, world_with_everything
from tests.security.world import signed_in
from tests.share import share_of, shared_out


@pytest.fixture
def world(app):
    with app.app_context():
        return world_with_everything(app)


@pytest.mark.slow
def test_every_signed_in_answer_is_no_store(app, world):
    paths = shared_out(get_paths(app, route_ids(world)))
    missing, checked = [], 0
    for role in ("seller", "buyer", "staff", "admin"):
        client = signed_in(app, getattr(world, role))
        for path in paths:
            if path.startswith("/static/"):
                continue
            response = client.get(path)
            response.get_data()
            if response.status_code != 200:
                continue
            checked += 1
            if response.headers.get("Cache-Control") != "no-store":
                missing.append((role, path, response.headers.get("Cache-Control")))
    print(f"\nno-store: {checked} signed-in answers checked, {len(missing)} without it")
    assert checked > share_of(100)
    assert missing == []


def test_visitors_pages_and_static_files_stay_cacheable(app, world):
    visitor = app.test_client()
    assert visitor.get("/pasar").headers.get("Cache-Control") != "no-store"
    signed = signed_in(app, world.seller)
    assert signed.get("/static/style.css").headers.get("Cache-Control") != "no-store"
