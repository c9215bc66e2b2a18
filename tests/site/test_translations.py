"""The English catalogue is complete and safe, and English readers get English pages."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.factories import make_manager

PO = Path(__file__).resolve().parents[2] / "exchange/translations/en/LC_MESSAGES/messages.po"

# %(name)s, %d, %% ... ; {name} ; HTML tags
PLACEHOLDER = re.compile(
    r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]|\{[^{}]*\}|<[^<>]+>"
)


@pytest.fixture(scope="module")
def catalogue():
    with PO.open("rb") as fh:
        return read_po(fh)


def _messages(catalogue):
    return [m for m in catalogue if m.id]


def _pairs(message):
    """(source, translation) pairs: one for a plain message, one per form for plurals."""
    if isinstance(message.id, str):
        return [(message.id, message.string)]
    singular, plural = message.id[0], message.id[1]
    forms = list(message.string)
    return [(singular, forms[0])] + [(plural, form) for form in forms[1:]]


def test_catalogue_is_not_empty(catalogue):
    assert len(_messages(catalogue)) > 500


def test_every_message_is_translated(catalogue):
    untranslated = [m.id for m in _messages(catalogue) if not all(t for _, t in _pairs(m))]
    assert untranslated == []


def test_no_message_is_fuzzy(catalogue):
    assert [m.id for m in _messages(catalogue) if m.fuzzy] == []


def test_placeholders_and_tags_match(catalogue):
    wrong = []
    for message in _messages(catalogue):
        for source, translation in _pairs(message):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
                wrong.append((source, translation))
    assert wrong == []


def test_plural_messages_have_every_form(catalogue):
    for message in _messages(catalogue):
        if not isinstance(message.id, str):
            assert len(message.string) == catalogue.num_plurals


def test_home_page_in_english(client):
    client.get("/bahasa/en")
    page = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "The inter-pesantren trade exchange" in page
    assert ">Market</a>" in page
    assert ">Pasar</a>" not in page
    assert "Sign in" in page


def test_market_page_in_english(client):
    client.get("/bahasa/en")
    page = client.get("/pasar").get_data(as_text=True)
    assert "Market: offers and requests" in page
    assert ">Market</a>" in page
    assert ">Pasar</a>" not in page
    assert "Saring dan urutkan" not in page
    assert "Filter and sort" in page


def test_signed_in_manager_reads_english_navigation(app, client, auth):
    with app.app_context():
        email = make_manager().email
    auth.login(email)
    client.post("/bahasa/en")  # signed in: the form, which saves the choice
    page = client.get("/pasar").get_data(as_text=True)
    assert "My listings" in page
    assert "Listing saya" not in page
    assert "Sign out" in page


def test_the_catalogue_holds_every_message_of_the_code(catalogue):
    """What ``make extract-messages`` finds in the code and the templates (templates/_macros
    too: pybabel skips folders named with "_" unless given as an input path) is in the
    catalogue, not marked obsolete (issue 27: the pager read "Halaman 1 dari 12" in English)."""
    from babel.messages.extract import extract_from_dir

    root = PO.parents[4]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "N_": None}
    keywords["lazy_pgettext"] = ((1, "c"), 2)
    keywords["ngettext"] = (1, 2)
    found = set()
    for folder, mapping in (
        (root, [("exchange/**.py", "python"), ("templates/**.html", "jinja2")]),
        (root / "templates/_macros", [("*.html", "jinja2")]),
    ):
        for *_, message, _comments, _context in extract_from_dir(
            str(folder), mapping, keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _messages(catalogue)}
    assert sorted(found - known) == []
