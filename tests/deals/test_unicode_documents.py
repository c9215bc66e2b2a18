"""Contract PDFs keep every character a name was typed with (issue 23): Arabic (shaped, right to
left), Latin with combining marks, symbols and emoji. They used to print as ``?``."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from exchange.deals import acceptance
from tests.factories import make_deal, make_listing, make_manager

ARABIC = "معهد دار السلام"  # "Institute of the House of Peace"
COMBINING = "Pesantren Nu\u0301rul Hu\u0308da"  # u + combining acute, u + combining diaeresis
EMOJI = "Koperasi Garam 🌾 ✓ ★"


def _contract(app, client, auth):
    with app.app_context():
        seller = make_manager(name=ARABIC, signatory_name=COMBINING, signatory_position=EMOJI)
        buyer = make_manager(regency_code="3578", kopontren_name=EMOJI)
        offer = make_listing(seller.pesantren, quantity=1000)
        deal = make_deal(seller, buyer, offer=offer)
        acceptance.accept(seller, deal.id, 1)
        email, deal_id = buyer.email, deal.id
    auth.login(email)
    response = client.get(f"/kesepakatan/{deal_id}/kontrak.pdf")
    assert response.status_code == 200
    return response.data


def _fonts(data: bytes) -> set[str]:
    """The names of the fonts embedded in the PDF."""
    return {name.split("+")[-1] for name in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+_-]+)", data)
            for name in [name.decode()]}  # fmt: skip


def _text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    # shaped Arabic comes back as presentation forms: NFKC gives the letters typed
    return unicodedata.normalize("NFKC", text)


def test_a_contract_keeps_arabic_combining_marks_and_emoji(app, client, auth):
    data = _contract(app, client, auth)
    fonts = _fonts(data)
    assert {"NotoSans", "NotoNaskhArabic"} <= fonts, fonts
    assert any(f.startswith("Symbola") for f in fonts), fonts
    text = _text(data)
    assert "?" not in text  # no stand-in anywhere
    for word in ARABIC.split():
        # right-to-left runs are stored in visual order: either way round is the word
        assert word in text or word[::-1] in text, word
    assert unicodedata.normalize("NFKC", COMBINING) in text
    for symbol in ("🌾", "✓", "★"):
        assert symbol in text, symbol


@pytest.mark.slow  # poppler in a subprocess
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_poppler_reads_and_draws_the_unicode_contract(app, client, auth, tmp_path):
    source = tmp_path / "kontrak.pdf"
    source.write_bytes(_contract(app, client, auth))
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True
    )
    text = unicodedata.normalize("NFKC", out.stdout.decode())
    assert "🌾" in text and "★" in text
    assert any(w in text or w[::-1] in text for w in ARABIC.split())
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(source), str(tmp_path / "p")], check=True)
    assert list(tmp_path.glob("p*.png"))
