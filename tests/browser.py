"""Browser tests: the app served on a free local port, driven by Debian's headless Chromium.

Use the ``page`` fixture (a Playwright page) and ``live_url``; screenshots go to
``test-output/<test name>/`` via ``shot(page, request, "step")``. When Chromium is not installed
the tests are skipped with a clear message (``.ci/run`` installs it, so CI always runs them).
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (path := shutil.which(name)):
            return path
    return None


@pytest.fixture
def live_url(app):
    """Serve the test app (same database as the test) in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def _browser():
    path = chromium_path()
    if path is None:
        pytest.skip(
            "Chromium is not installed (apt-get install chromium chromium-driver): "
            "browser tests SKIPPED"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser):
    # A phone-sized viewport: the interface is built for phones first.
    context = _browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def shot(page, request, step: str) -> Path:
    """Save a full-page screenshot under test-output/<test>/<step>.png."""
    folder = OUTPUT / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{step}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, live_url: str, email: str, password: str | None = None) -> None:
    """Sign in through the real form, as a person would."""
    from tests.factories import TEST_PASSWORD

    page.goto(live_url + "/akun/masuk")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password or TEST_PASSWORD)
    page.click("form button.primary")
