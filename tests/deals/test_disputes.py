"""Staff find open disputes from the dashboard and resolve them: an agreed settlement, a
cancellation with a refund, or a referral to Basyarnas; each is in the deal's history, the audit
log and the parties' notifications."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from exchange.audit.models import AuditEvent
from exchange.clock import today_wib
from exchange.deals import acceptance, disputes, facts, fulfilment
from exchange.deals.models import Deal, DealEvent, Notification
from exchange.deals.states import Action, Context, Side, State, available_actions, decide
from exchange.errors import IllegalTransition, Invalid, NotFound
from exchange.extensions import db
from exchange.listings.models import Listing
from tests.factories import deal_terms, make_deal, make_listing, make_manager, make_staff

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS

DISPUTED = Context(State.DISPUTED, disputed_by=Side.BUYER, resume_state=State.SHIPPED)


# The lifecycle table ---------------------------------------------------------------------------


def test_only_staff_settle_cancel_with_refund_or_refer():
    assert decide(DISPUTED, Action.SETTLE, None, staff=True).next_state is State.SHIPPED
    assert decide(DISPUTED, Action.STAFF_CANCEL, None, staff=True).next_state is State.CANCELLED
    assert decide(DISPUTED, Action.REFER, None, staff=True).next_state is State.DISPUTED
    for side in (Side.SELLER, Side.BUYER, None):
        for action in (Action.SETTLE, Action.STAFF_CANCEL, Action.REFER):
            refused = decide(DISPUTED, action, side)
            assert not refused.allowed
    assert "staf" in decide(DISPUTED, Action.SETTLE, Side.BUYER).reason
    # staff act for neither side, nor as the expiry job
    assert not decide(DISPUTED, Action.RESOLVE, None, staff=True).allowed
    assert not decide(Context(State.NEGOTIATING), Action.EXPIRE, None, staff=True).allowed
    assert available_actions(DISPUTED, None, staff=True) == [
        Action.SETTLE,
        Action.STAFF_CANCEL,
        Action.REFER,
    ]


def test_a_dispute_is_referred_to_basyarnas_once():
    referred = Context(State.DISPUTED, disputed_by=Side.SELLER, dispute_referred=True)
    refused = decide(referred, Action.REFER, None, staff=True)
    assert not refused.allowed and "Basyarnas" in refused.reason
    assert Action.REFER not in available_actions(referred, None, staff=True)


# The services ----------------------------------------------------------------------------------


def disputed(paid: bool = True, quantity: int = 300):
    """A shipped tunai deal the buyer disputes; (seller, buyer, staff, deal id, offer id)."""
    seller, buyer = make_manager(), make_manager(regency_code="3578")
    offer = make_listing(seller.pesantren, quantity=1000, akad=["tunai"])
    deal = make_deal(seller, buyer, offer=offer, terms=deal_terms(quantity=quantity))
    acceptance.accept(seller, deal.id, 1)
    if paid:
        fulfilment.record_payment(buyer, deal.id, quantity * 1500, today_wib())
    fulfilment.ship(seller, deal.id)
    fulfilment.dispute(buyer, deal.id, "Karung basah, garam menggumpal")
    return seller, buyer, make_staff(), deal.id, offer.id


def _deal(deal_id) -> Deal:
    db.session.expire_all()
    return db.session.get(Deal, deal_id)


def _audit(kind: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)))


def _notified(deal_id: int, kind: str) -> set[int]:
    rows = db.session.scalars(
        select(Notification).where(Notification.deal_id == deal_id, Notification.kind == kind)
    )
    return {n.user_id for n in rows}


def test_staff_list_open_disputes_and_an_agreed_settlement_resumes_the_deal(app):
    with app.app_context():
        seller, buyer, staff, deal_id, _ = disputed()
        rows = disputes.open_disputes(staff)
        assert [r.deal.id for r in rows] == [deal_id] and rows[0].referred_at is None
        with pytest.raises(Invalid):
            disputes.settle(staff, deal_id, "   ")
        disputes.settle(staff, deal_id, "Penjual mengganti 20 karung; pembeli menerima")
        deal = _deal(deal_id)
        assert deal.state == State.SHIPPED and deal.disputed_by is None
        assert disputes.open_disputes(staff) == []
        event = deal.events[-1]
        assert (event.action, event.actor_id, event.actor_side) == ("settle", staff.id, None)
        assert "mengganti 20 karung" in event.note
        [audit] = _audit("dispute.settled")
        assert audit.actor_id == staff.id and "mengganti 20 karung" in audit.data["note"]
        assert len(_audit("deal.settle")) == 1
        assert _notified(deal_id, "deal.settle") == {seller.id, buyer.id}
        # the deal goes on: the buyer can now record the handover
        fulfilment.receive(buyer, deal_id, 300, 2, today_wib())
        assert _deal(deal_id).state == State.RECEIVED


def test_cancel_with_refund_returns_the_quantity_and_records_the_refund(app):
    with app.app_context():
        seller, buyer, staff, deal_id, offer_id = disputed()
        assert db.session.get(Listing, offer_id).remaining == 700
        with pytest.raises(Invalid) as no_note:
            disputes.cancel_with_refund(staff, deal_id, "")
        assert no_note.value.field == "note"
        assert _deal(deal_id).state == State.DISPUTED  # nothing half-written
        assert disputes.refund_owed_on_cancel(_deal(deal_id)) == 450_000  # all it paid
        disputes.cancel_with_refund(staff, deal_id, "Barang rusak seluruhnya")
        deal = _deal(deal_id)
        assert deal.state == State.CANCELLED and deal.reserved_quantity == 0
        db.session.expire_all()
        assert db.session.get(Listing, offer_id).remaining == 1000
        [audit] = _audit("dispute.cancelled_with_refund")
        assert audit.data["refund"] == 450_000 and audit.data["paid"] == 450_000
        assert "450.000" in deal.events[-1].note
        assert _notified(deal_id, "deal.staff_cancel") == {seller.id, buyer.id}
        with pytest.raises(IllegalTransition):
            disputes.settle(staff, deal_id, "terlambat")


def test_refer_to_basyarnas_keeps_the_dispute_open_once(app):
    with app.app_context():
        seller, buyer, staff, deal_id, _ = disputed(paid=False)
        disputes.refer_to_basyarnas(staff, deal_id, "Musyawarah gagal dua kali")
        [row] = disputes.open_disputes(staff)
        assert row.referred_at is not None and _deal(deal_id).state == State.DISPUTED
        with pytest.raises(IllegalTransition):
            disputes.refer_to_basyarnas(staff, deal_id, "lagi")
        assert len(_audit("dispute.referred")) == 1
        assert _notified(deal_id, "deal.refer") == {seller.id, buyer.id}
        # the award is recorded afterwards, e.g. as a cancellation (nothing was paid)
        disputes.cancel_with_refund(staff, deal_id, "Putusan Basyarnas: batal")
        assert _deal(deal_id).state == State.CANCELLED
        [audit] = _audit("dispute.cancelled_with_refund")
        assert audit.data["refund"] == 0  # nothing was paid, nothing is owed back


def test_managers_cannot_resolve_disputes(app):
    with app.app_context():
        seller, buyer, _staff, deal_id, _ = disputed()
        for user in (seller, buyer):
            with pytest.raises(NotFound):
                disputes.open_disputes(user)
            with pytest.raises(NotFound):
                disputes.settle(user, deal_id, "kami sepakat")
            with pytest.raises(NotFound):
                disputes.cancel_with_refund(user, deal_id, "batal")
        assert _deal(deal_id).state == State.DISPUTED


# The pages -------------------------------------------------------------------------------------


def test_the_dashboard_figure_leads_to_the_list_and_each_action_works_on_the_page(
    app, client, auth
):
    with app.app_context():
        seller, buyer, staff, deal_id, _ = disputed()
        staff_email, buyer_email = staff.email, buyer.email
    auth.login(staff_email)
    dashboard = client.get("/staf/dasbor").text
    assert 'href="/kesepakatan/sengketa"' in dashboard
    listing = client.get("/kesepakatan/sengketa").text
    assert f'href="/kesepakatan/sengketa/{deal_id}"' in listing and "Karung basah" in listing
    case = client.get(f"/kesepakatan/sengketa/{deal_id}").text
    assert "Riwayat" in case and "Ajukan sengketa" in case  # the deal's history
    assert "Rujuk ke Basyarnas" in case and "Batalkan dengan pengembalian dana" in case
    assert "dikembalikan penjual kepada pembeli: Rp\xa0450.000" in case
    # refer without the confirmation: refused, nothing recorded
    resp = client.post(f"/kesepakatan/sengketa/{deal_id}/refer", data={"note": "Musyawarah gagal"})
    assert resp.status_code == 400 and "Centang untuk menyatakan Anda yakin" in resp.text
    resp = client.post(
        f"/kesepakatan/sengketa/{deal_id}/refer", data={"note": "Musyawarah gagal", "confirm": "y"}
    )
    assert resp.status_code == 302
    case = client.get(f"/kesepakatan/sengketa/{deal_id}").text
    assert "dirujuk ke Basyarnas pada" in case and 'action="refer"' not in case
    assert "/refer" not in case
    resp = client.post(f"/kesepakatan/sengketa/{deal_id}/settle", data={"note": ""})
    assert resp.status_code == 400 and "Tuliskan catatan penyelesaian." in resp.text
    resp = client.post(
        f"/kesepakatan/sengketa/{deal_id}/staff_cancel",
        data={"note": "Putusan Basyarnas", "confirm": "y"},
    )
    assert resp.status_code == 302
    with app.app_context():
        assert _deal(deal_id).state == State.CANCELLED
    auth.logout()
    auth.login(buyer_email)
    detail = client.get(f"/kesepakatan/{deal_id}").text
    assert "Dirujuk ke Basyarnas (staf)" in detail and "Staf" in detail
    assert "Dibatalkan dengan pengembalian dana (staf)" in detail
    notes = client.get("/kesepakatan/notifikasi").text
    assert "dirujuk ke Badan Arbitrase Syariah Nasional" in notes
    assert "dana dikembalikan Rp" in notes


def test_a_settlement_through_the_page(app, client, auth):
    with app.app_context():
        _seller, _buyer, staff, deal_id, _ = disputed()
        email = staff.email
    auth.login(email)
    resp = client.post(
        f"/kesepakatan/sengketa/{deal_id}/settle", data={"note": "Diganti 20 karung"}
    )
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).text
    assert "Kesepakatan ini tidak sedang dalam sengketa." in page and "Diganti 20 karung" in page
    with app.app_context():
        assert _deal(deal_id).state == State.SHIPPED


def test_the_dispute_pages_answer_404_to_managers(app, client, auth):
    with app.app_context():
        _seller, buyer, _staff, deal_id, _ = disputed()
        email = buyer.email
    auth.login(email)
    assert client.get("/kesepakatan/sengketa").status_code == 404
    assert client.get(f"/kesepakatan/sengketa/{deal_id}").status_code == 404
    resp = client.post(f"/kesepakatan/sengketa/{deal_id}/settle", data={"note": "sepakat"})
    assert resp.status_code == 404
    with app.app_context():
        assert _deal(deal_id).state == State.DISPUTED


def test_the_dispute_forms_carry_csrf_and_refuse_without_it(app, client, auth):
    with app.app_context():
        _seller, _buyer, staff, deal_id, _ = disputed()
        email = staff.email
    auth.login(email)
    app.config["WTF_CSRF_ENABLED"] = True  # after signing in; the app fixture restores it
    page = client.get(f"/kesepakatan/sengketa/{deal_id}").text
    assert page.count('name="csrf_token"') >= 3  # the three forms (and sign-out)
    resp = client.post(f"/kesepakatan/sengketa/{deal_id}/settle", data={"note": "sepakat"})
    assert resp.status_code == 400
    with app.app_context():
        assert _deal(deal_id).state == State.DISPUTED
        assert db.session.scalar(select(DealEvent).where(DealEvent.action == "settle")) is None


def test_after_a_staff_cancellation_the_seller_records_the_refund_it_owes(app):
    """The refund is one record (the sharia branch's Refund row), made by the seller."""
    with app.app_context():
        seller, buyer, staff, deal_id, _ = disputed()
        disputes.cancel_with_refund(staff, deal_id, "Barang rusak seluruhnya")
        assert facts.overpaid(_deal(deal_id)) == 450_000
        fulfilment.refund(seller, deal_id, 450_000, today_wib(), "Transfer kembali")
        deal = _deal(deal_id)
        assert deal.refunded == 450_000 and facts.overpaid(deal) == 0
        assert disputes.refund_owed_on_cancel(deal) == 0
