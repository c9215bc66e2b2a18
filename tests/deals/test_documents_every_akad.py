"""Issue 25: the contract, the handover record (BAST) and the receipt (kuitansi) of each of the
five akad, read as poppler's pdftotext reads them: the clauses, the amounts and the parties; and
each page says exactly what its PDF says (one document model)."""

from __future__ import annotations

import shutil

import pytest

from exchange.clock import today_wib
from exchange.deals import fulfilment
from exchange.deals.models import Deal
from exchange.extensions import db
from tests.deals.documents_text import page_document_text, pdf_words, pdftotext, words
from tests.deals.test_documents import signed_deal
from tests.factories import confirm_salam

pytestmark = [
    pytest.mark.clocks,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]

OWNED = "dimiliki penjual"
CLAUSES = {
    "tunai": ["Jual Beli Tunai", "dibayar tunai pada saat penyerahan", OWNED, "khiyar 'aib"],
    "tempo": ["Jual Beli Tempo", "tanggal jatuh tempo", "tidak ada bunga", OWNED],
    "salam": ["Akad Salam", "lunas pada saat akad", "tidak menjual kembali", "khiyar 'aib"],
    "murabahah": ["Akad Murabahah", "Rp 1.300", "Rp 200", "mengungkapkan harga pokok", OWNED],
    "istisna": ["Akad Istishna'", "sesuai pesanan", "Tahap 1", "(khiyar)"],
}


def _flat(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _handed_over_and_paid(akad: str):
    """Sign, hand over and pay in full as the akad wants; (buyer email, urls, total, names)."""
    quantity = 20 if akad == "istisna" else 2000
    seller, buyer, deal_id = signed_deal(akad, quantity=quantity)
    confirm_salam(deal_id, seller)
    deal = db.session.get(Deal, deal_id)
    total = deal.contract.total
    fulfilment.ship(seller, deal_id, "")
    grade = deal.current_terms.grade
    today = today_wib()
    if akad == "tunai":
        fulfilment.receive(buyer, deal_id, quantity, grade, today, "", paid_now=total)
    else:
        fulfilment.receive(buyer, deal_id, quantity, grade, today, "")
        if akad != "salam":
            fulfilment.record_payment(buyer, deal_id, total, today)
    db.session.expire_all()
    deal = db.session.get(Deal, deal_id)
    base = f"/kesepakatan/{deal_id}"
    urls = {
        "contract": (f"{base}/kontrak", deal.contract.number),
        "bast": (f"{base}/bast/{deal.delivery.id}", None),
        "receipt": (f"{base}/kuitansi/{deal.payments[0].id}", None),
    }
    names = (seller.pesantren.kopontren_name, buyer.pesantren.kopontren_name)
    return buyer.email, urls, total, names


@pytest.mark.slow
@pytest.mark.parametrize("akad", sorted(CLAUSES))
def test_contract_bast_and_kuitansi_of_every_akad(app, client, auth, akad):
    with app.app_context():
        email, urls, total, (seller_kop, buyer_kop) = _handed_over_and_paid(akad)
    auth.login(email)
    amount = f"Rp {total:,}".replace(",", ".")
    texts = {}
    for name, (url, _number) in urls.items():
        page = client.get(url)
        pdf = client.get(url + ".pdf")
        assert page.status_code == 200 and pdf.status_code == 200, name
        text = _flat(pdftotext(pdf.data))
        texts[name] = text
        number = text.split("Nomor: ")[1].split()[0]
        # the page and the PDF of one document say the same words, as often
        got, want = pdf_words(pdf.data, number), words(page_document_text(page.text))
        assert got == want, (name, got - want, want - got)
        assert seller_kop in text and buyer_kop in text, name
    contract, bast, receipt = texts["contract"], texts["bast"], texts["receipt"]
    for expected in CLAUSES[akad]:
        assert expected in contract, expected
    if akad in ("salam", "istisna"):  # goods not yet in being are never "owned by the seller"
        assert OWNED not in contract
    assert amount in contract and "PIHAK PERTAMA" in contract and "Basyarnas" in contract
    assert "BERITA ACARA SERAH TERIMA BARANG" in bast and "Lokasi penyerahan" in bast
    assert "Gudang Kopontren" not in bast.split("bertempat di")[1].split(",")[0]
    if akad in ("salam", "istisna"):
        assert "satu majelis" not in bast
    assert "KUITANSI" in receipt and amount in receipt and "Uang sejumlah" in receipt
    assert "Yang menerima (Penjual)" in receipt


def test_npwp_on_contract_and_kuitansi_and_ppn_only_for_a_pkp_seller_of_taxed_goods(
    app, client, auth
):
    from exchange.deals import acceptance, tax
    from exchange.pesantren.registry import clean_npwp
    from tests.factories import deal_terms, make_deal, make_listing, make_manager

    assert clean_npwp("01.234.567.8-901.000") == "012345678901000"
    assert tax.ppn(111_000, "beras", True, 11) is None  # PP 49/2022: exempt
    assert tax.ppn(111_000, "sabun", False, 11) is None  # no PKP
    assert tax.ppn(111_000, "sabun", True, 11) == {"rate": 11, "base": 100_000, "amount": 11_000}
    with app.app_context():
        seller = make_manager(npwp="012345678901000", is_pkp=True)
        buyer = make_manager(regency_code="3578", npwp="3578012345678901")
        soap = make_listing(seller.pesantren, slug="sabun", grade=1, akad=["tunai"])
        deal = make_deal(seller, buyer, offer=soap, terms=deal_terms(grade=1, unit_price=1110))
        acceptance.accept(seller, deal.id, 1)
        fulfilment.ship(seller, deal.id, "")
        fulfilment.receive(buyer, deal.id, 100, 1, today_wib(), "", paid_now=111_000)
        db.session.expire_all()
        deal = db.session.get(Deal, deal.id)
        receipt = f"/kesepakatan/{deal.id}/kuitansi/{deal.payments[0].id}.pdf"
        contract = f"/kesepakatan/{deal.id}/kontrak.pdf"
        email = buyer.email
    auth.login(email)
    text = _flat(pdftotext(client.get(contract).data))
    assert "01.234.567.8-901.000" in text and "3578012345678901" in text
    assert "PPN 11% (termasuk dalam harga)" in text and "Rp 11.000" in text
    text = _flat(pdftotext(client.get(receipt).data))
    assert "NPWP penjual" in text and "PPN 11% termasuk" in text


def test_the_ppn_is_what_the_contract_said_at_signing(app, client, auth):
    with app.app_context():
        seller, buyer, deal_id = signed_deal("tunai")  # garam krosok: the seller is no PKP
        seller.pesantren.is_pkp = True  # after signing: the contract keeps what it said
        db.session.commit()
        email = buyer.email
    auth.login(email)
    assert "PPN" not in _flat(pdftotext(client.get(f"/kesepakatan/{deal_id}/kontrak.pdf").data))
