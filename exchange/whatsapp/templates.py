"""The WhatsApp message templates: files in ``message_templates/<language>/<name>.json``.

Each file is the body of Meta's "create message template" request (name, language, category,
components), ready to submit for approval (README: "Connecting a real WhatsApp Business
account"). The code reads them to check a message's parameters before it is queued and to show
the text a reader will see. Pure: no Flask, no database.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "message_templates"
LANGUAGES = ("id", "en")
_PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")
# Meta's fixed text of an authentication template (its body has no text of its own).
CODE_TEXT = {
    "id": "{{1}} adalah kode verifikasi Anda. Demi keamanan, jangan bagikan kode ini.",
    "en": "{{1}} is your verification code. For your security, do not share this code.",
}


def language_for(locale: str | None) -> str:
    """The template language of a reader's locale: English when chosen, else Indonesian."""
    return "en" if locale == "en" else "id"


@cache
def load(name: str, language: str) -> dict:
    """A template's definition. Raises ValueError for an unknown name or language."""
    if language not in LANGUAGES or not re.fullmatch(r"[a-z_]+", name):
        raise ValueError(f"no template {name!r} in {language!r}")
    path = ROOT / language / f"{name}.json"
    if not path.is_file():
        raise ValueError(f"no template {name!r} in {language!r}")
    return json.loads(path.read_text(encoding="utf-8"))


def names() -> list[str]:
    return sorted(p.stem for p in (ROOT / "id").glob("*.json"))


def _component(definition: dict, kind: str) -> dict:
    return next((c for c in definition["components"] if c["type"] == kind), {})


def body_text(definition: dict) -> str:
    if definition.get("category") == "AUTHENTICATION":
        return CODE_TEXT[definition["language"]]
    return _component(definition, "BODY").get("text", "")


def body_count(definition: dict) -> int:
    """How many body parameters the template takes ({{1}} ... {{n}})."""
    return len(set(_PLACEHOLDER.findall(body_text(definition))))


def takes_button(definition: dict) -> bool:
    """The template has a button with a parameter: a URL with {{1}}, or the code's copy button."""
    buttons = _component(definition, "BUTTONS").get("buttons", [])
    return any(b["type"] == "OTP" or "{{1}}" in b.get("url", "") for b in buttons)


def check(name: str, language: str, body: list, button) -> None:
    """Raise ValueError unless the parameters fit the template (count, non-empty, one line:
    the API refuses new lines, tabs and more than four spaces in a parameter)."""
    definition = load(name, language)
    if len(body) != body_count(definition):
        raise ValueError(f"{name} takes {body_count(definition)} body parameters, not {len(body)}")
    if takes_button(definition) != (button is not None):
        raise ValueError(f"{name}: button parameter {'missing' if button is None else 'unused'}")
    for value in [*body, *([button] if button is not None else [])]:
        text = str(value)
        if not text.strip() or "\n" in text or "\t" in text or "     " in text:
            raise ValueError(f"{name}: bad parameter {text!r}")


def clean(value) -> str:
    """A parameter as the API accepts it: one line, no runs of spaces, at most 200 characters."""
    return re.sub(r"\s+", " ", str(value)).strip()[:200] or "-"


def preview(name: str, language: str, body: list, button=None, site: str = "") -> str:
    """The message as the reader sees it: the body with its parameters, the footer, the link."""
    definition = load(name, language)
    text = _PLACEHOLDER.sub(lambda m: str(body[int(m.group(1)) - 1]), body_text(definition))
    footer = _component(definition, "FOOTER").get("text")
    lines = [text, *([footer] if footer else [])]
    if button is not None and definition.get("category") != "AUTHENTICATION":
        lines.append(f"{site.rstrip('/')}/{button}")
    return "\n".join(lines)
