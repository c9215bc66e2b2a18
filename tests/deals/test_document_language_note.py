"""An English reader of a document is told that the Indonesian text is the binding one (issue 27):
agreements between Indonesian parties are written in Indonesian (UU 24/2009, Pasal 31)."""

from __future__ import annotations

from exchange.extensions import db
from tests.deals.test_documents import page_text, signed_deal


def test_the_english_page_of_a_contract_says_the_indonesian_text_binds(app, client, auth):
    with app.app_context():
        _seller, buyer, deal_id = signed_deal("tempo")
        buyer.locale = "en"
        db.session.commit()
        email = buyer.email
    auth.login(email)
    page = page_text(client.get(f"/kesepakatan/{deal_id}/kontrak").text)
    assert "The binding document is the Indonesian one" in page
    assert "Law No. 24 of 2009" in page


def test_the_indonesian_page_needs_no_such_note(app, client, auth):
    with app.app_context():
        _seller, buyer, deal_id = signed_deal("tempo")
        email = buyer.email
    auth.login(email)
    page = page_text(client.get(f"/kesepakatan/{deal_id}/kontrak").text)
    assert "UU No. 24 Tahun 2009" not in page
