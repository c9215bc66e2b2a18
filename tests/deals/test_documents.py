"""The documents a cooperative signs: the contract of every akad, the handover record (BAST) and
the receipts (kuitansi), as printable pages and PDFs, for the parties and staff only."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import timedelta

import pytest
from pypdf import PdfReader

from exchange.clock import today_wib
from exchange.deals import acceptance, fulfilment, services
from exchange.deals.akad import Stage
from exchange.deals.models import Deal
from exchange.extensions import db
from tests.factories import deal_terms, make_deal, make_listing, make_manager, make_staff

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def week():
    """A week from today (WIB)."""
    return today_wib() + timedelta(days=7)


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def page_text(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).replace("\xa0", " ")


def _parties():
    seller = make_manager(
        kopontren_legal_number="188/BH/XVI.9/2019",
        address="Jl. Raya Kwanyar No. 5",
        signatory_name="H. Ahmad Faqih",
        signatory_position="Ketua Pengurus Kopontren",
    )
    buyer = make_manager(regency_code="3578", kopontren_legal_number="77/BH/XVI.2/2020")
    return seller, buyer


AKAD_CASES = {
    "tunai": {"slug": "garam_krosok", "terms": {}},
    "tempo": {"slug": "garam_krosok", "terms": {"payment_due_in": 37}},
    "salam": {"slug": "garam_krosok", "terms": {}},
    "murabahah": {
        "slug": "garam_krosok",
        "terms": {"cost_price": 1300, "margin": 200, "seller_owns": True},
    },
    "istisna": {"slug": "seragam", "terms": {"unit_price": 120_000, "quantity": 20}},
}


def signed_deal(akad: str, quantity: int = 20_000, halal: str | None = "ID35110001325901022"):
    """A signed deal under ``akad``; returns (seller, buyer, deal id)."""
    case = AKAD_CASES[akad]
    seller, buyer = _parties()
    terms = {"quantity": quantity, **case["terms"]}
    if due_in := terms.pop("payment_due_in", None):  # days from today, on the day it is signed
        terms["payment_due_date"] = today_wib() + timedelta(days=due_in)
    if akad == "istisna":
        total = terms["quantity"] * terms["unit_price"]
        terms["schedule"] = (
            Stage(today_wib() + timedelta(days=1), total // 2),
            Stage(week(), total - total // 2),
        )
        halal = None
    offer = make_listing(
        seller.pesantren,
        slug=case["slug"],
        quantity=max(terms["quantity"], 1000),
        akad=[akad],
        halal_cert=halal,
    )
    if akad == "murabahah":  # the buyer opens; only the seller states cost, margin, ownership
        stated = deal_terms(akad=akad, **terms)
        deal = make_deal(
            seller,
            buyer,
            offer=offer,
            terms=replace(stated, cost_price=None, margin=None, seller_owns=False),
        )
        services.counter_offer(seller, deal.id, 1, stated)
        acceptance.accept(buyer, deal.id, 2)
        return seller, buyer, deal.id
    deal = make_deal(seller, buyer, offer=offer, terms=deal_terms(akad=akad, **terms))
    acceptance.accept(seller, deal.id, 1)
    return seller, buyer, deal.id


EXPECTED = {
    "tunai": ["Jual Beli Tunai", "secara tunai pada saat serah terima barang"],
    "tempo": ["Jual Beli Tempo", "paling lambat tanggal", "tidak ada bunga, denda"],
    "salam": ["Akad Salam", "tanggungan (utang barang)", "lunas pada saat akad ini disepakati"],
    "murabahah": ["Akad Murabahah", "Harga pokok (perolehan) per satuan", "Rp 1.300", "Rp 200"],
    "istisna": ["Akad Istishna'", "sesuai pesanan", "Tahap 1", "Tahap 2", "20 stel"],
}


@pytest.mark.parametrize("akad", sorted(AKAD_CASES))
def test_the_contract_of_every_akad_names_parties_goods_price_and_clauses(app, client, auth, akad):
    with app.app_context():
        seller, buyer, deal_id = signed_deal(akad)
        deal = db.session.get(Deal, deal_id)
        number, total = deal.contract.number, deal.contract.total
        buyer_email, seller_name, buyer_kop = buyer.email, seller.pesantren.name, None
        buyer_kop = buyer.pesantren.kopontren_name
    assert re.fullmatch(r"BP/\d{4}/\d{2}/\d{6}", number)
    auth.login(buyer_email)
    page = client.get(f"/kesepakatan/{deal_id}/kontrak")
    pdf = client.get(f"/kesepakatan/{deal_id}/kontrak.pdf")
    assert page.status_code == 200 and pdf.status_code == 200
    assert page.headers["Cache-Control"] == "no-store" == pdf.headers["Cache-Control"]
    assert pdf.headers["Content-Type"] == "application/pdf"
    texts = {"page": page_text(page.text), "pdf": pdf_text(pdf.data)}
    for where, text in texts.items():
        for expected in [
            number,
            seller_name,
            buyer_kop,
            "H. Ahmad Faqih",
            "Ketua Pengurus Kopontren",
            "188/BH/XVI.9/2019",
            "Jl. Raya Kwanyar No. 5",
            "Kabupaten Sumenep",  # the seller's regency
            "PIHAK PERTAMA",
            "PIHAK KEDUA",
            "Musyawarah".lower(),
            "Basyarnas",
            "Meterai",
            "10.000",
            *EXPECTED[akad],
        ]:
            haystack = text.lower() if expected.islower() else text
            assert expected in haystack, (where, expected)
        assert "rupiah" in text  # the total in words (terbilang)
    if akad != "istisna":
        for text in texts.values():
            assert "20.000 kg" in text and "ID35110001325901022" in text
    assert f"Rp {total:,}".replace(",", ".") in texts["pdf"]


def test_the_contract_reads_in_english_for_an_english_reader(app, client, auth):
    with app.app_context():
        seller, buyer, deal_id = signed_deal("tempo")
        buyer.locale = "en"
        db.session.commit()
        email = buyer.email
    auth.login(email)
    page = page_text(client.get(f"/kesepakatan/{deal_id}/kontrak").text)
    pdf = pdf_text(client.get(f"/kesepakatan/{deal_id}/kontrak.pdf").data)
    for text in (page, pdf):
        assert "SALE CONTRACT" in text and "FIRST PARTY" in text
        assert "no interest, penalty" in text
        assert "20,000 kg" in text


def paid_and_handed_over():
    # tempo: paid after the handover, for what was received (the same under every akad rule)
    seller, buyer, deal_id = signed_deal("tempo", quantity=2000)
    fulfilment.ship(seller, deal_id, "Truk berangkat")
    fulfilment.receive(buyer, deal_id, 1900, 2, today_wib(), "Kurang 100 kg", "returned")
    fulfilment.record_payment(buyer, deal_id, 1900 * 1500, today_wib(), "Transfer BSI")
    deal = db.session.get(Deal, deal_id)
    return seller, buyer, deal


def test_bast_and_kuitansi_of_a_paid_handed_over_deal(app, client, auth):
    with app.app_context():
        seller, buyer, deal = paid_and_handed_over()
        deal_id, delivery_id, payment_id = deal.id, deal.delivery.id, deal.payments[0].id
        number, email = deal.contract.number, seller.email
    auth.login(email)
    detail = client.get(f"/kesepakatan/{deal_id}").text
    bast_url = f"/kesepakatan/{deal_id}/bast/{delivery_id}"
    receipt_url = f"/kesepakatan/{deal_id}/kuitansi/{payment_id}"
    for url in (bast_url, bast_url + ".pdf", receipt_url, receipt_url + ".pdf"):
        assert f'href="{url}"' in detail
    bast_page, bast_pdf = client.get(bast_url), client.get(bast_url + ".pdf")
    for resp in (bast_page, bast_pdf):
        assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    for text in (page_text(bast_page.text), pdf_text(bast_pdf.data)):
        assert "BERITA ACARA SERAH TERIMA BARANG" in text and number in text
        assert re.search(r"BAST/\d{4}/\d{2}/\d{6}", text)
        assert "2.000 kg" in text and "1.900 kg" in text and "100 kg" in text
        assert "kembali ke listing" in text and "Kurang 100 kg" in text
        assert "Yang menyerahkan" in text and "Yang menerima" in text
        assert "satu majelis" not in text  # paid in full later that day, after the handover
    receipt_page, receipt_pdf = client.get(receipt_url), client.get(receipt_url + ".pdf")
    for text in (page_text(receipt_page.text), pdf_text(receipt_pdf.data)):
        assert "KUITANSI" in text and re.search(r"KW/\d{4}/\d{2}/\d{6}", text)
        assert "Rp 2.850.000" in text
        assert "dua juta delapan ratus lima puluh ribu rupiah" in text
        assert "Transfer BSI" in text and "Sisa tagihan" in text and "Rp 0" in text
        assert "Meterai" not in text  # Rp 2.850.000 is under the stamp-duty threshold


def test_documents_answer_404_to_another_pesantren_and_staff_may_read(app, client, auth):
    with app.app_context():
        _seller, _buyer, deal = paid_and_handed_over()
        urls = [
            f"/kesepakatan/{deal.id}/kontrak",
            f"/kesepakatan/{deal.id}/kontrak.pdf",
            f"/kesepakatan/{deal.id}/bast/{deal.delivery.id}",
            f"/kesepakatan/{deal.id}/bast/{deal.delivery.id}.pdf",
            f"/kesepakatan/{deal.id}/kuitansi/{deal.payments[0].id}",
            f"/kesepakatan/{deal.id}/kuitansi/{deal.payments[0].id}.pdf",
        ]
        stranger, staff = make_manager(regency_code="3507"), make_staff()
        # another deal's payment id under this deal's address is not found either
        _s2, _b2, other = paid_and_handed_over()
        crossed = f"/kesepakatan/{deal.id}/kuitansi/{other.payments[0].id}"
        stranger_email, staff_email = stranger.email, staff.email
    auth.login(stranger_email)
    assert [client.get(u).status_code for u in urls] == [404] * len(urls)
    auth.logout()
    auth.login(staff_email)
    assert [client.get(u).status_code for u in urls] == [200] * len(urls)
    assert client.get(crossed).status_code == 404
    auth.logout()
    assert client.get(urls[0]).status_code == 302  # signed out: to the sign-in page


def test_a_large_receipt_has_room_for_a_meterai(app, client, auth):
    with app.app_context():
        seller, buyer, deal_id = signed_deal("tempo", quantity=10_000)
        fulfilment.record_payment(buyer, deal_id, 6_000_000, today_wib())
        payment_id = db.session.get(Deal, deal_id).payments[0].id
        email = buyer.email
    auth.login(email)
    text = pdf_text(client.get(f"/kesepakatan/{deal_id}/kuitansi/{payment_id}.pdf").data)
    assert "Meterai" in text and "Rp 9.000.000" in text  # paid so far / amount due


def test_the_profile_names_who_signs_for_the_kopontren(app, client, auth):
    with app.app_context():
        manager = make_manager()
        pesantren = manager.pesantren
        form = {
            "name": pesantren.name,
            "kopontren_name": pesantren.kopontren_name,
            "kopontren_legal_number": "12/BH/XVI.1/2018",
            "signatory_name": "Hj. Siti Aminah",
            "signatory_position": "Ketua Koperasi",
            "regency_code": pesantren.regency_code,
            "phone": "0812 3456 7890",
            "santri_count": 400,
        }
        email, pid = manager.email, pesantren.id
    auth.login(email)
    assert client.post(f"/pesantren/{pid}/ubah", data=form).status_code == 302
    assert "Hj. Siti Aminah, Ketua Koperasi" in client.get("/pesantren/saya").text


@pytest.mark.slow  # poppler in a subprocess
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_every_document_pdf_renders_to_an_image(app, client, auth, tmp_path):
    """Poppler draws each PDF (a broken file would fail here, not only in a reader's app)."""
    with app.app_context():
        _seller, buyer, deal = paid_and_handed_over()
        urls = {
            "contract": f"/kesepakatan/{deal.id}/kontrak.pdf",
            "bast": f"/kesepakatan/{deal.id}/bast/{deal.delivery.id}.pdf",
            "receipt": f"/kesepakatan/{deal.id}/kuitansi/{deal.payments[0].id}.pdf",
        }
        email = buyer.email
    auth.login(email)
    for name, url in urls.items():
        source = tmp_path / f"{name}.pdf"
        source.write_bytes(client.get(url).data)
        subprocess.run(
            ["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / name)], check=True
        )
        assert sorted(p.name for p in tmp_path.glob(f"{name}*.png")), name


def test_bast_and_kuitansi_read_in_english_for_an_english_reader(app, client, auth):
    with app.app_context():
        _seller, buyer, deal = paid_and_handed_over()
        buyer.locale = "en"
        db.session.commit()
        bast = f"/kesepakatan/{deal.id}/bast/{deal.delivery.id}"
        receipt = f"/kesepakatan/{deal.id}/kuitansi/{deal.payments[0].id}"
        email = buyer.email
    auth.login(email)
    for text in (page_text(client.get(bast).text), pdf_text(client.get(bast + ".pdf").data)):
        assert "HANDOVER RECORD OF GOODS" in text and "1,900 kg" in text
        assert "returned to the listing" in text
    for text in (page_text(client.get(receipt).text), pdf_text(client.get(receipt + ".pdf").data)):
        assert "RECEIPT" in text and "Received from" in text and "Rp 2,850,000" in text


def test_a_party_without_nspp_is_named_without_it():
    from exchange.deals.documents import pesantren_name

    assert pesantren_name({"name": "PP Al-Amien", "nspp": None}) == "PP Al-Amien"
    assert pesantren_name({"name": "PP Al-Amien", "nspp": "510035290001"}) == (
        "PP Al-Amien (NSPP 510035290001)"
    )
