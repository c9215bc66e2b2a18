"""Every page, in English and in Indonesian, holds no string of the other language (issue 27).

The strings come from the message catalogue: on an English page, the text of an element (or a
title, label or placeholder) that reads as an Indonesian msgid whose English differs; on an
Indonesian page, one that reads as such an English msgstr. A message with placeholders matches
with anything in their place. Strings that read the same in both languages (a name, "Status")
are no evidence and are left out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.security.crawl import get_paths, route_ids, world_with_everything
from tests.security.world import signed_in
from tests.share import share_of, shared_out

PO = Path(__file__).resolve().parents[2] / "exchange/translations/en/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{[^{}]*\}")
ROLES = ("visitor", "seller", "buyer", "staff", "admin")
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


def _normal(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _pattern(message: str) -> re.Pattern | None:
    """The message as a whole-text pattern; None for one with no letters outside placeholders."""
    parts = PLACEHOLDER.split(_normal(message).replace("%%", "%"))
    if not re.search(r"[A-Za-z]{3,}", "".join(parts)):
        return None
    return re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$", re.S)


def _pairs(message):
    if isinstance(message.id, str):
        return [(message.id, message.string)]
    return list(zip(message.id, message.string, strict=False))


def catalogue_patterns() -> tuple[list, list]:
    """(Indonesian patterns, English patterns): each a list of (pattern, source text)."""
    with PO.open("rb") as fh:
        catalogue = read_po(fh)
    pairs = [p for m in catalogue if m.id for p in _pairs(m)]
    ids = {_normal(i) for i, _ in pairs}
    ens = {_normal(e) for _, e in pairs}
    indonesian, english = [], []
    for msgid, msgstr in pairs:
        i, e = _normal(msgid), _normal(msgstr)
        if not e or i.casefold() == e.casefold():
            continue
        if i not in ens and (p := _pattern(i)):
            indonesian.append((p, i))
        if e not in ids and (p := _pattern(e)):
            english.append((p, e))
    return indonesian, english


class _Texts(HTMLParser):
    """The text of each element (its own text, between its tags) and the readable attributes."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0
        self._buffer: list[str] = []

    def _flush(self):
        text = _normal("".join(self._buffer))
        if text:
            self.texts.append(text)
        self._buffer = []

    def handle_starttag(self, tag, attrs):
        self._flush()
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and (name in ATTRIBUTES or (name == "value" and tag == "button")):
                self.texts.append(_normal(value))

    def handle_endtag(self, tag):
        self._flush()
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._buffer.append(data)


def page_texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    parser._flush()
    return parser.texts


def catalogue_names() -> tuple[list, list]:
    """The commodity catalogue's names, as (Indonesian, English) patterns found anywhere in a
    text (between word boundaries): a name is data, shown inside longer texts."""
    import csv

    rows = list(csv.DictReader((PO.parents[3] / "data/commodities.csv").open()))
    indonesian, english = [], []
    for row in rows:
        i, e = _normal(row["name_id"]), _normal(row["name_en"])
        if i.casefold() == e.casefold():
            continue
        indonesian.append((re.compile(r"(?<!\w)" + re.escape(i) + r"(?!\w)"), i))
        english.append((re.compile(r"(?<!\w)" + re.escape(e) + r"(?!\w)"), e))
    return indonesian, english


def leaks(texts: list[str], patterns: list, names: list = ()) -> list[str]:
    found = []
    for text in texts:
        for pattern, source in patterns:
            if pattern.match(text):
                found.append(f"{text!r} (catalogue: {source!r})")
                break
        for pattern, source in names:
            if pattern.search(text):
                found.append(f"{text!r} (commodity: {source!r})")
    return found


def _client(app, world, role: str, language: str):
    client = signed_in(app, None if role == "visitor" else getattr(world, role))
    if role == "visitor":
        client.get(f"/bahasa/{language}")
    else:
        client.post(f"/bahasa/{language}")
    return client


@pytest.fixture(scope="module")
def patterns():
    return catalogue_patterns()


def test_the_patterns_read_the_catalogue(patterns):
    indonesian, english = patterns
    assert len(indonesian) > 800 and len(english) > 800
    assert leaks(["Halaman 1 dari 12"], indonesian)
    assert leaks(["Page 1 of 12"], english)
    assert not leaks(["Page 1 of 12"], indonesian)


@pytest.mark.slow
def test_no_page_holds_a_string_of_the_other_language(app, patterns):
    with app.app_context():
        world = world_with_everything(app)
    paths = shared_out(p for p in get_paths(app, route_ids(world)) if not p.startswith("/bahasa/"))
    indonesian, english = patterns
    names_id, names_en = catalogue_names()
    found, pages = [], 0
    for language, other, names in (("en", indonesian, names_id), ("id", english, names_en)):
        for role in ROLES:
            client = _client(app, world, role, language)
            for path in paths:
                response = client.get(path, follow_redirects=True)
                if "html" not in (response.mimetype or "") or response.status_code != 200:
                    response.get_data()  # finish a streamed answer inside its context
                    continue
                body = response.get_data(as_text=True)
                pages += 1
                found += [
                    f"{language} {role} {path}: {x}" for x in leaks(page_texts(body), other, names)
                ]
    print(f"\nlanguage walk: {pages} pages, {len(found)} strings of the other language")
    assert pages > share_of(150)
    assert found == []
