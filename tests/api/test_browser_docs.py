"""The API's docs page in Chromium: Swagger UI renders the document with every file from this
server (no CDN, no request elsewhere) under the site's Content-Security-Policy."""

import pytest

from tests.browser import shot

pytestmark = [pytest.mark.browser, pytest.mark.shared_out]


def test_docs_page_renders_the_operations_offline(page, live_url, request):
    elsewhere, refused = [], []
    page.on("request", lambda r: None if r.url.startswith(live_url) else elsewhere.append(r.url))
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(live_url + "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    text = page.locator("#swagger-ui").inner_text()
    assert "/api/v1/listings" in text and "Bursa Pesantren API" in text
    shot(page, request, "01-docs")
    assert [u for u in elsewhere if not u.startswith("data:")] == []
    assert refused == []
