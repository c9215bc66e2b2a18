"""The PDF renderer reads its fonts once a process and shapes text only when a document needs
it (exchange/deals/pdf.py). Neither may change what a document holds: a document comes out
byte for byte the same (but its creation date), whatever was rendered before it in the same
process. (Before the fonts were shared, the Arabic document below came out with the same bytes.)"""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader

from exchange.deals.documents import Block, Document, Signature
from exchange.deals.pdf import needs_shaping, render_document_pdf

ARABIC = "معهد دار السلام"


def _document(name: str) -> Document:
    return Document(
        kind="contract",
        title="AKAD JUAL BELI",
        subtitle="Tunai",
        number="BP/2027/04/000001",
        blocks=[
            Block(heading="Pasal 1", paragraphs=[f"Penjual: {name}. " * 30]),
            Block(heading="Pasal 2", facts=[("Barang", "Beras"), ("Jumlah", "1.000 kg")]),
        ],
        place_date="Surabaya, 30 April 2027",
        signatures=[
            Signature("Penjual", name, "Ketua", "Kopontren A"),
            Signature("Pembeli", "Budi", "Ketua", "Kopontren B"),
        ],
    )


def _fonts(data: bytes) -> set[str]:
    return {n.decode().split("+")[-1] for n in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+_-]+)", data)}


def _text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in pages))


def _without_dates(data: bytes) -> bytes:
    """The file without its creation date and the file identifier made from it."""
    data = re.sub(rb"/CreationDate \(D:[^)]*\)", b"", data)
    return re.sub(rb"/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"", data)


def test_only_text_that_must_be_shaped_turns_shaping_on():
    assert not needs_shaping(_document("Pondok Pesantren Darul Ulum"))
    assert not needs_shaping(_document("Pesantren Nurul Hudâ"))  # precomposed: no mark
    assert needs_shaping(_document(ARABIC))
    assert needs_shaping(_document("Pesantren Nu\u0301rul Huda"))  # a combining mark
    assert needs_shaping(_document("Kopontren \u2764\ufe0f"))  # an emoji variation selector


def test_each_document_embeds_its_own_glyphs_whatever_came_before():
    arabic_first = render_document_pdf(_document(ARABIC))
    latin = render_document_pdf(_document("Pondok Pesantren Darul Ulum"))
    arabic_again = render_document_pdf(_document(ARABIC))

    assert _without_dates(arabic_again) == _without_dates(arabic_first)
    assert "NotoNaskhArabic" in _fonts(arabic_first)
    assert "Pondok Pesantren Darul Ulum" in _text(latin)
    for word in ARABIC.split():
        assert word in _text(arabic_again) or word[::-1] in _text(arabic_again)
