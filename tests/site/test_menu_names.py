"""The staff menu names matching and netting apart, in both languages: "Pencocokan" (listing
matching, the engine's runs) and "Kliring utang" (debt netting, muqassah); the matching pages
never call their runs "kliring" or "clearing"."""

from __future__ import annotations

from flask_babel import force_locale

from exchange.site.nav import NAV
from tests.factories import make_staff


def _labels(app, locale: str) -> dict[str, str]:
    with app.test_request_context(), force_locale(locale):
        return {i.endpoint: str(i.label) for i in NAV}


def test_matching_and_netting_have_names_a_reader_can_tell_apart(app):
    for locale in ("id", "en"):
        labels = _labels(app, locale)
        matching, netting = labels["matching.runs"], labels["netting.runs"]
        assert matching != netting
        assert "clearing" not in matching.lower() and "kliring" not in matching.lower()
    assert _labels(app, "en")["netting.runs"] == "Debt netting"


def test_the_matching_runs_page_does_not_say_kliring(client, auth, app):
    with app.app_context():
        staff = make_staff().email
    auth.login(staff)
    page = client.get("/staf/pencocokan")
    assert page.status_code == 200
    content = page.text[page.text.index("<h1") :].lower()  # the page, not the menu
    assert "kliring" not in content and "clearing" not in content
