"""A Chromium walk of a running demo app (``make run``) at 390 and 1280 px as visitor, manager,
staff and admin: every same-site page reachable by links (up to CAP per role and width), with its
status, sideways scroll and axe-core's serious or critical violations. Prints what it found.

    .venv/bin/python -m tests.phone_walk [BASE_URL] [CAP]    (default http://127.0.0.1:5000 40)
"""

import json
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

from playwright.sync_api import sync_playwright

from tests.browser import CHROMIUM_ARGS, chromium_path

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:5000"
CAP = int(sys.argv[2]) if len(sys.argv) > 2 else 40
AXE = (Path(__file__).parent / "js/node_modules/axe-core/axe.min.js").read_text()
PASSWORD = "demo-pesantren-2027"
ROLES = {
    "visitor": None,
    "manager": "pengelola01@demo.bursa-pesantren.id",
    "staff": "staf@bursa-pesantren.id",
    "admin": "admin@bursa-pesantren.id",
}
# Downloads, the sign-out link and the API are not pages to walk.
SKIP = re.compile(r"/keluar|\.csv|\.pdf|/unduh|format=|/api/|desimal=|/ekspor|/static/")
SERIOUS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.nodes.length)"""
LINKS = "els => els.map(e => e.getAttribute('href'))"


def walk(page, width: int, role: str, problems: list[str]) -> int:
    start = page.url
    seen, queue = set(), [start, BASE + "/pasar", BASE + "/"]
    while queue and len(seen) < CAP:
        url = queue.pop(0).split("#")[0]
        if url in seen or SKIP.search(url) or not url.startswith(BASE):
            continue
        seen.add(url)
        parts = urlparse(url)
        where = f"{role} {width} {parts.path}{'?' + parts.query if parts.query else ''}"
        response = page.goto(url)
        if response is None or response.status >= 500:
            problems.append(f"{where}: status {response and response.status}")
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width + 1:
            problems.append(f"{where}: {wide} px wide")
        page.evaluate("(source) => { (0, eval)(source); }", AXE)
        problems.extend(f"{where}: axe {v}" for v in page.evaluate(SERIOUS))
        for href in page.eval_on_selector_all("a[href]", LINKS):
            full = urljoin(url, href)
            if full.startswith(BASE) and full.split("#")[0] not in seen:
                queue.append(full)
    return len(seen)


def main() -> None:
    problems: list[str] = []
    counted = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        for role, email in ROLES.items():
            for width in (390, 1280):
                context = browser.new_context(viewport={"width": width, "height": 844})
                page = context.new_page()
                if email:
                    page.goto(BASE + "/akun/masuk")
                    page.fill("input[name=email]", email)
                    page.fill("input[name=password]", PASSWORD)
                    with page.expect_navigation():
                        page.click("form button.primary")
                counted[f"{role}@{width}"] = walk(page, width, role, problems)
                context.close()
        browser.close()
    print(json.dumps(counted))
    print(f"{sum(counted.values())} pages, {len(problems)} problems")
    print("\n".join(problems))


if __name__ == "__main__":
    main()
