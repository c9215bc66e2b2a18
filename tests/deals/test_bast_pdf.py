"""The handover record (BAST) as a signed paper: its signatures stay on the page of its last
clause, whatever the length of the text above them, and it states only what was true at the
handover, never a payment or anything else recorded after it (issue 27)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from exchange.clock import today_wib
from exchange.deals import documents, fulfilment
from exchange.deals.models import Deal
from exchange.deals.pdf import render_document_pdf
from exchange.extensions import db
from tests.deals.documents_text import pdftotext
from tests.deals.test_documents import page_text, paid_and_handed_over, pdf_text, signed_deal

SAME_SESSION = "Lunas dan diserahkan dalam satu majelis"
LAST_CLAUSE_END = "sebagaimana mestinya"  # the end of the BAST's closing clause
SIGNATURE_LINES = ("Yang menyerahkan (PIHAK PERTAMA)", "Yang menerima (PIHAK KEDUA)")
NOTE = "Sebagian karung basah karena hujan di jalan, dihitung ulang bersama di gudang. "


@pytest.mark.slow  # poppler in a subprocess, several renders
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_signatures_stay_on_the_page_of_the_last_clause(app, tmp_path):
    """A note of any length pushes the text down; the signatures never land on a page of their
    own: the page that carries them also ends the closing clause."""
    spread = 0
    with app.test_request_context():
        _seller, _buyer, deal = paid_and_handed_over()
        for length in (0, 100, 400, 900, 1300, 1800):
            deal.delivery.note = (NOTE * 30)[:length]  # never committed: only rendered
            data = render_document_pdf(documents.bast_document(deal, deal.delivery))
            source = tmp_path / f"bast-{length}.pdf"
            source.write_bytes(data)
            drawn = tmp_path / f"bast-{length}"
            subprocess.run(["pdftoppm", "-r", "30", "-png", str(source), str(drawn)], check=True)
            pages = [p for p in pdftotext(data).split("\f") if p.strip()]
            assert len(list(tmp_path.glob(f"bast-{length}-*.png"))) == len(pages), length
            flat = [" ".join(p.split()) for p in pages]
            with_signatures = [i for i, p in enumerate(flat) if SIGNATURE_LINES[1] in p]
            assert len(with_signatures) == 1, (length, flat)
            page = flat[with_signatures[0]]
            assert SIGNATURE_LINES[0] in page, length
            assert LAST_CLAUSE_END in page, (length, page)  # not orphaned on a page of its own
            spread = max(spread, len(pages))
        db.session.rollback()
    assert spread > 1  # some of the notes did push the record onto a second page


def test_a_payment_recorded_after_the_handover_is_not_on_the_bast(app, client, auth):
    """Tempo: handed over, then paid in full later the same day. The BAST records the handover;
    it does not say the goods were paid for "in one session" with it."""
    with app.app_context():
        _seller, buyer, deal = paid_and_handed_over()
        assert deal.same_session_at is not None  # the deal itself is flagged (fulfilment.py)
        url = f"/kesepakatan/{deal.id}/bast/{deal.delivery.id}"
        email = buyer.email
    auth.login(email)
    for text in (page_text(client.get(url).text), pdf_text(client.get(url + ".pdf").data)):
        assert "BERITA ACARA SERAH TERIMA BARANG" in text
        assert SAME_SESSION not in text
        assert "Transfer BSI" not in text  # the later payment's note


def test_a_payment_made_at_the_handover_is_on_the_bast(app, client, auth):
    """Tunai paid in full at the handover itself: that is part of what the record records."""
    with app.app_context():
        seller, buyer, deal_id = signed_deal("tunai", quantity=2000)
        fulfilment.ship(seller, deal_id, "")
        total = db.session.get(Deal, deal_id).contract.total
        fulfilment.receive(buyer, deal_id, 2000, 2, today_wib(), "", paid_now=total)
        db.session.expire_all()
        deal = db.session.get(Deal, deal_id)
        url = f"/kesepakatan/{deal.id}/bast/{deal.delivery.id}"
        email = buyer.email
    auth.login(email)
    for text in (page_text(client.get(url).text), pdf_text(client.get(url + ".pdf").data)):
        assert SAME_SESSION in text
