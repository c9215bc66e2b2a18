"""Walk the app as each role: every GET route, the forms each page holds, and a marker of
markup sent through each query parameter and form field (issue 23).

The marker closes an attribute and opens an element (``"><i data-inj="NAME">``): escaped, it
reads ``&#34;&gt;&lt;i data-inj=...``; unescaped, the page holds a live ``<i data-inj`` element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import select

from exchange.auth.models import User
from exchange.deals import acceptance, facts, fulfilment, moves
from exchange.extensions import db
from tests.factories import make_deal, make_listing, make_manager, make_staff
from tests.pools.helpers import open_pool_of_two
from tests.security.world import build_world

ROOT = Path(__file__).resolve().parents[2]
RAW = re.compile(r'<i data-inj="([^"]*)"')


def marker(name: str) -> str:
    return f'"><i data-inj="{name}">x</i>'


def raw_markers(response) -> list[str]:
    """The names whose marker the response holds as live markup (HTML answers only)."""
    if "html" not in (response.mimetype or ""):
        return []
    return RAW.findall(response.get_data(as_text=True))


def world_with_everything(app):
    """``build_world`` plus a signed and paid deal, a netting run and a deletion request, so the
    documents, netting and privacy pages have something to show. Call inside an app context."""
    from exchange.netting.services import start_run
    from exchange.privacy.services import request_deletion
    from tests.netting.helpers import tempo_deal

    w = build_world()
    seller = db.session.scalar(select(User).where(User.email == w.seller))
    offer = make_listing(seller.pesantren, quantity=500)
    buyer = make_manager(regency_code="3578")
    signed = make_deal(seller, buyer, offer=offer)
    acceptance.accept(seller, signed.id, 1)
    w.signed_deal_id = signed.id
    deal = moves.load_deal(signed.id)
    w.payment_id = fulfilment.record_payment(
        buyer, signed.id, deal.current_terms.total, facts.contract_date(deal)
    ).id
    partner = make_manager(regency_code="3515")
    tempo_deal(seller, partner, 100)
    tempo_deal(partner, seller, 100)
    w.netting_run_id = start_run(None).id
    w.spare_staff_id = make_staff().id
    w.deletion_id = request_deletion(make_manager(regency_code="3509")).id
    w.pool_id = open_pool_of_two(seller)
    from tests.freight.helpers import trip_with

    w.trip_id, _deal = trip_with(seller)
    from exchange.jobs.policy import JobKind
    from exchange.jobs.services import start_job

    w.job_id = start_job(None, JobKind.CLEARING).id  # its page, with the run it made
    db.session.remove()
    return w


def route_ids(w) -> dict:
    return {
        "listing_id": w.offer_id,
        "deal_id": w.signed_deal_id,
        "pesantren_id": w.seller_pesantren,
        "proposal_id": 999,
        "commodity_id": 1,
        "user_id": w.spare_staff_id,
        "token": "tidak-ada",
        "code": "en",
        "action": "ship",
        "name": "summary",
        "filename": "style.css",
        "request_id": w.deletion_id,
        "payment_id": w.payment_id,
        "delivery_id": 999_999,
        "run_id": w.netting_run_id,
        "notification_id": 999_999,
        "token_id": 999_999,
        "standing_id": 999_999,
        "pool_id": w.pool_id,
        "trip_id": w.trip_id,
        "job_id": w.job_id,
    }


def get_paths(app, ids: dict) -> list[str]:
    """Every GET route with its placeholders filled (static files and the health check aside)."""
    paths = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "site.healthz"):
            continue
        if rule.endpoint.startswith("api.") and rule.endpoint not in ("api.docs", "api.openapi"):
            continue  # JSON answers: no markup to escape (the docs page is HTML)
        paths.add(
            re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule)
        )
    return sorted(paths)


def query_names(app) -> list[str]:
    """Every query parameter a view reads: ``request.args`` in the code, and the GET forms'
    fields (bound to ``request.args`` through WTForms) in the templates."""
    names = set()
    pattern = re.compile(r"""(?:args|values)(?:\.get(?:list)?\(|\[)\s*["']([A-Za-z_]\w*)["']""")
    for path in (ROOT / "exchange").rglob("*.py"):
        names.update(pattern.findall(path.read_text()))
    for path in (ROOT / "exchange").rglob("forms.py"):
        names.update(re.findall(r"^\s+(\w+)\s*=\s*\w*Field\(", path.read_text(), re.M))
    # the market's filters are read by name through a small helper
    names.update(["price_min", "price_max", "from", "to", "km", "grade", "regency", "sort"])
    return sorted(names)


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> type (input type or tag)


class _FormParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = (a.get("action") or self.page).split("#")[0]
            self._current = Form((a.get("method") or "get").lower(), action)
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "select", "textarea", "button"):
            name = a.get("name")
            kind = a.get("type", tag) if tag == "input" else tag
            if name and kind not in ("submit", "button", "image", "reset"):
                self._current.fields.setdefault(name, kind)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms_of(page: str, response) -> list[Form]:
    """The forms of an HTML answer (none for a PDF, a CSV or JSON)."""
    if "html" not in (response.mimetype or ""):
        return []
    parser = _FormParser(page)
    parser.feed(response.get_data(as_text=True))
    return parser.forms


def marked_form(form: Form) -> dict[str, str]:
    """Every field of the form carries its marker, the CSRF token aside."""
    return {name: marker(name) for name in form.fields if name != "csrf_token"}
