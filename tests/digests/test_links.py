"""Every link in a sent digest (through a real SMTP server) and on the digest page lands on the
page it names, signed in as the reader, filtered as it says."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email.policy import default
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import select

from exchange.db import utcnow
from exchange.digests import services
from exchange.extensions import db
from exchange.listings.models import Side
from exchange.mail.outbox import deliver_pending
from exchange.matching.models import Proposal
from exchange.matching.services import run_clearing
from exchange.web.links import base_url, link_builder
from tests.factories import TEST_PASSWORD, make_deal, make_listing, make_manager

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS

BASE = "http://127.0.0.1:5000"
URL = re.compile(r"https?://[^\s\"'<>]+")


def busy_reader():
    """A seller with a new counterpart, a clearing proposal, a reciprocal partner, a deal
    waiting on it, a listing that ends soon and a market note."""
    now = utcnow()
    reader, buyer = make_manager("3529"), make_manager("3528")
    salt = make_listing(
        reader.pesantren, quantity=500, price=1200, created_at=now - timedelta(days=3)
    )
    make_listing(reader.pesantren, Side.REQUEST, slug="beras", price=13500, days=5)
    make_listing(buyer.pesantren, Side.REQUEST, quantity=200, price=2000, created_at=now)
    make_listing(buyer.pesantren, slug="beras", quantity=400, price=12000, created_at=now)
    run_clearing(now=now)
    make_deal(seller=reader, offer=salt)  # the seller's turn to answer
    return reader, salt


def links_of(body: str) -> list[str]:
    return sorted({u.rstrip(".,)") for u in URL.findall(body)})


def follow(client, url: str, base: str, reader_salt, server: str = "http://localhost"):
    """Open one digest link with the test client and check the page it lands on."""
    if url.startswith("https://wa.me/?text="):
        text = unquote(url.split("=", 1)[1])
        assert text.startswith("*Ringkasan Harian Bursa Pesantren")
        return
    assert url.startswith(base + "/"), url
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    page = client.get(path, base_url=server)  # the signed-in client's host
    assert page.status_code == 200, (url, page.status_code)
    html = page.get_data(as_text=True)
    if parts.fragment:  # e.g. the proposal's card on the dashboard
        assert f'id="{parts.fragment}"' in html, url
    if parts.path == "/pasar" and parts.query:
        # the market note's link shows that commodity only
        slug = parts.query.split("commodity=")[1].split("&")[0]
        assert f'<option value="{slug}" selected' in html, url
        if slug == "garam_krosok":
            assert f'href="/pasar/{reader_salt}"' in html
            assert "Beras medium</a>" not in html
    return html


def test_every_link_in_a_sent_digest_lands_on_its_page(app, client, auth, smtp_server):
    with app.app_context():
        reader, salt = busy_reader()
        email, salt_id = reader.email, salt.id
        services.run_digests("daily", now=utcnow() + timedelta(minutes=1))
        deliver_pending()
    [envelope] = [m for m in smtp_server.messages if m.rcpt_tos == [email]]
    message = message_from_bytes(envelope.content, policy=default)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for section in (
        "Usulan baru",
        "Saran terbaik",
        "Mitra timbal balik",
        "Tawar-menawar",
        "Listing Anda yang segera berakhir",
        "Catatan pasar",
    ):
        assert section in text, section
    text_links = links_of(text)
    assert links_of(html.replace("&amp;", "&")) == text_links
    assert any("commodity=garam_krosok" in u for u in text_links)
    assert not any("komoditas" in u for u in text_links)
    assert any("/dasbor#usulan-" in u for u in text_links)
    assert any(u.startswith("https://wa.me/?text=") for u in text_links)
    auth.login(email)
    for url in text_links:
        if "/ringkasan/berhenti/" not in url:
            follow(client, url, BASE, salt_id)
    unsubscribe = next(u for u in text_links if "/ringkasan/berhenti/" in u)
    page = client.get(urlsplit(unsubscribe).path)  # only asks; a POST would unsubscribe
    assert page.status_code == 200 and "Ya, berhenti" in page.get_data(as_text=True)


def test_each_proposal_links_to_its_own_card_with_its_direction(app, client, auth):
    with app.app_context():
        reader, _salt = busy_reader()
        email = reader.email
        proposals = db.session.scalars(select(Proposal).order_by(Proposal.id)).all()
        selling = {p.id: p.seller_pesantren_id == reader.pesantren_id for p in proposals}
    assert sorted(selling.values()) == [False, True]  # it sells salt and buys rice
    auth.login(email)
    html = client.get("/ringkasan/").get_data(as_text=True)
    for pid, sells in selling.items():
        item = html.split(f'href="http://localhost/dasbor#usulan-{pid}">')[1].split("</a>")[0]
        assert ("menjual ke" if sells else "membeli dari") in item


def test_links_on_the_digest_page_follow_the_server_in_development(app, client, auth):
    with app.app_context():
        reader, salt = busy_reader()
        email, salt_id = reader.email, salt.id
    server = "http://127.0.0.1:5201"  # as under make run PORT=5201
    client.post("/akun/masuk", data={"email": email, "password": TEST_PASSWORD}, base_url=server)
    html = client.get("/ringkasan/", base_url=server).get_data(as_text=True)
    links = [u for u in links_of(html) if not u.startswith("https://wa.me")]
    assert len(links) > 5 and not any(u.startswith(BASE) for u in links)
    for url in links:
        follow(client, url, server, salt_id, server)


def test_production_links_use_the_configured_base_url(app):
    app.config.update(ENV_NAME="production", BASE_URL="https://bursa.example.id/")
    with app.test_request_context("/", base_url="http://10.0.0.5:8000"):
        assert base_url(app) == "https://bursa.example.id"
        link = link_builder(app)
        assert link("listings.market", commodity="garam_krosok") == (
            "https://bursa.example.id/pasar?commodity=garam_krosok"
        )
    app.config["ENV_NAME"] = "testing"
    with app.test_request_context("/", base_url="http://127.0.0.1:5201"):
        assert base_url(app) == "http://127.0.0.1:5201"
