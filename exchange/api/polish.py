"""What the generated document needs besides spectree's output, so that a generated client
(openapi-python-client) and Spectral read it right: one schema per title, operationIds named
for the views (no braces), the server, a contact, PDFs as PDFs, problems as problem+json.
"""

from __future__ import annotations

import json
import re

from exchange.api import links

PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
REF = "#/components/schemas/"
CONTACT = "Bursa Pesantren, OPOP Jawa Timur"


def _rule_path(rule: str) -> str:
    """A Flask rule (``/deals/<int:deal_id>``) as an OpenAPI path (``/deals/{deal_id}``)."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def operation_ids(doc: dict, url_map) -> None:
    """Each operation is named after its view function (``open_deal``, ``complete``)."""
    names = {}
    for rule in url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                names[(_rule_path(rule.rule), method.lower())] = rule.endpoint.split(".", 1)[1]
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            operation["operationId"] = names.get((path, method), operation.get("operationId"))


def unique_schemas(doc: dict) -> None:
    """spectree files a nested model under ``Parent.Child`` titled ``Child``: two schemas of
    one title, of which a generated client keeps one (the market once parsed as None). The
    same schema is kept once under its own name; a different one is named ``ParentChild``."""
    schemas = doc["components"]["schemas"]
    renamed = {}
    for key in sorted(k for k in schemas if "." in k):
        body = schemas.pop(key)
        base = key.rsplit(".", 1)[1]
        if base in schemas and schemas[base] == body:
            renamed[key] = base
            continue
        taken = base in schemas or base in renamed.values()
        name = key.replace(".", "") if taken else base
        body["title"] = name
        schemas[name] = body
        renamed[key] = name
    text = json.dumps(doc)
    for old, new in renamed.items():
        text = text.replace(f'"{REF}{old}"', f'"{REF}{new}"')
    doc.clear()
    doc.update(json.loads(text))


def drop_unused(doc: dict) -> None:
    """The query and header models become parameters: their schemas are referenced by none."""
    schemas = doc["components"]["schemas"]
    while True:
        text = json.dumps({k: v for k, v in doc.items() if k != "components"} | {"s": schemas})
        unused = [k for k in schemas if f'"{REF}{k}"' not in text]
        if not unused:
            return
        for key in unused:
            del schemas[key]


# The API takes dates of the years 2000 to 2100 (the models' ge/le, which pydantic's JSON
# Schema leaves out for dates): the document says so, as a pattern on every date. The pattern
# names the whole day: a generator that follows it (schemathesis, when its format draws miss
# the years) then draws days, not "2024-" and any text.
DATE_YEARS = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def date_years(node) -> None:
    if isinstance(node, dict):
        if node.get("format") == "date" and node.get("type") == "string":
            node.setdefault("pattern", DATE_YEARS)
        for value in node.values():
            date_years(value)
    elif isinstance(node, list):
        for value in node:
            date_years(value)


# The server refuses a NUL character anywhere in a request (exchange/site/guards.py: PostgreSQL
# cannot store one in text); every string of the document says so.
NO_NUL = "^[^\\u0000]*$"


def no_nul(node) -> None:
    if isinstance(node, dict):
        plain = not ({"pattern", "enum", "const"} & node.keys()) and node.get("format") != "binary"
        if node.get("type") == "string" and plain:
            node["pattern"] = NO_NUL
        for value in node.values():
            no_nul(value)
    elif isinstance(node, list):
        for value in node:
            no_nul(value)


def finish(doc: dict, url_map) -> dict:
    unique_schemas(doc)
    drop_unused(doc)
    operation_ids(doc, url_map)
    links.add(doc)
    date_years(doc)
    no_nul(doc)
    for path, operations in doc["paths"].items():
        for operation in operations.values():
            # spectree: the docstring's first line is the summary, the rest the description
            operation["description"] = operation.get("description") or operation["summary"]
            if path.endswith(".pdf"):
                operation["responses"]["200"]["content"] = PDF
            for code, answer in operation.get("responses", {}).items():
                content = answer.get("content")
                if int(code) >= 400 and content and "application/json" in content:
                    answer["content"] = {"application/problem+json": content["application/json"]}
    return doc
