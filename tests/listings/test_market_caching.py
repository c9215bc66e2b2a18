"""Visitors' market pages answer "304 Not Modified" to a browser that has them; signed-in pages
never carry a validator. Static files have content-hashed addresses cached for a year."""

import re

from tests.factories import make_listing, make_manager


def test_a_visitor_gets_304_for_an_unchanged_market_and_the_page_after_a_change(app, client):
    with app.app_context():
        listing_id = make_listing(make_manager().pesantren, price=1200).id
    for path in ("/pasar", f"/pasar/{listing_id}"):
        first = client.get(path)
        etag = first.headers["ETag"]
        assert first.status_code == 200 and "no-cache" in first.headers["Cache-Control"]
        assert "Cookie" in first.headers["Vary"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
    etag = client.get("/pasar").headers["ETag"]
    with app.app_context():
        make_listing(make_manager("3578").pesantren, price=1300)
    changed = client.get("/pasar", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_signed_in_pages_carry_no_validator(app, client, auth):
    with app.app_context():
        manager = make_manager()
        listing_id = make_listing(manager.pesantren, price=1200).id
        email = manager.email
    auth.login(email)
    for path in ("/pasar", f"/pasar/{listing_id}"):
        page = client.get(path, headers={"If-None-Match": "*"})
        assert page.status_code == 200 and "ETag" not in page.headers


def test_static_files_have_hashed_addresses_cached_for_a_year(app, client):
    html = client.get("/pasar").get_data(as_text=True)
    (css,) = re.findall(r'href="(/static/style\.css\?v=[0-9a-f]{12})"', html)
    long = client.get(css)
    assert long.status_code == 200
    assert "max-age=31536000" in long.headers["Cache-Control"]
    assert "immutable" in long.headers["Cache-Control"]
    stale = client.get("/static/style.css?v=000000000000")
    assert "immutable" not in stale.headers.get("Cache-Control", "")
