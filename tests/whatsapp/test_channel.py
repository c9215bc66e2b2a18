"""The channel end to end: the scheduler's jobs queue, the outbox sends to the local Cloud API,
the webhook records statuses and the BERHENTI reply."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from exchange.auth.models import User
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.deals import acceptance, fulfilment
from exchange.extensions import db
from exchange.mail.models import OutboxChannel, OutboxMessage, OutboxStatus
from exchange.mail.outbox import deliver_pending
from exchange.scheduler import jobs
from exchange.whatsapp.models import WhatsAppContact
from exchange.whatsapp.webhook import signature
from tests.factories import deal_terms, make_deal, make_listing, make_manager
from tests.whatsapp.conftest import APP_SECRET, VERIFY_TOKEN, confirm_number


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 0, 0, tzinfo=UTC)  # 07:00 WIB


def sent(box, template):
    return [m for m in box.accepted if m.template == template]


def emails_to(user) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.dedupe_key).where(
                OutboxMessage.channel == OutboxChannel.EMAIL, OutboxMessage.to_address == user.email
            )
        )
    )


def webhook(client, payload, secret=APP_SECRET):
    raw = json.dumps(payload).encode()
    return client.post(
        "/whatsapp/webhook",
        data=raw,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature(secret, raw)},
    )


def event(value):
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }


def reply(wa_id: str, text: str):
    return event(
        {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "6281100000000", "phone_number_id": "1"},
            "contacts": [{"profile": {"name": "Pengelola"}, "wa_id": wa_id}],
            "messages": [
                {
                    "from": wa_id,
                    "id": "wamid.in1",
                    "timestamp": "1",
                    "type": "text",
                    "text": {"body": text},
                }
            ],
        }
    )


def paying_buyer(box, **choices):
    """A tempo deal handed over and unpaid: the buyer (WhatsApp confirmed) is due to pay."""
    seller, buyer = make_manager(), make_manager("3578")
    confirm_number(box, buyer, **choices)
    due = today_wib() + timedelta(days=30)
    offer = make_listing(seller.pesantren, akad=["tempo"])
    deal = make_deal(
        seller, buyer, offer=offer, terms=deal_terms(akad="tempo", payment_due_date=due)
    )
    acceptance.accept(seller, deal.id, 1)
    fulfilment.ship(seller, deal.id)
    fulfilment.receive(buyer, deal.id, 100, 2, today_wib())
    return buyer, deal.id, due


def test_the_daily_digest_arrives_as_a_template_with_its_count_and_link(app, provider):
    with app.app_context():
        user = make_manager()
        confirm_number(provider, user)
        make_listing(user.pesantren, days=3)  # ends soon: the digest says so
        counts = jobs.send_digests("daily", now=utcnow())
        assert counts["queued"] == 1 and counts["delivery"]["sent"] == 1
        (digest,) = sent(provider, "bursa_digest")
        assert digest.to == "6281234567001" and digest.language == "id"
        assert digest.body[0] == "harian" and int(digest.body[1]) >= 1
        assert digest.button == "ringkasan/?periode=daily"
        assert emails_to(user) == []  # WhatsApp only, as chosen


def test_a_digest_chosen_both_ways_goes_both_ways_and_english_readers_get_english(app, provider):
    with app.app_context():
        user = make_manager()
        user.locale = "en"
        db.session.commit()
        confirm_number(provider, user, digest="both")
        make_listing(user.pesantren, days=3)
        jobs.send_digests("daily", now=utcnow())
        (digest,) = sent(provider, "bursa_digest")
        assert digest.language == "en" and digest.body[0] == "daily"
        assert len(emails_to(user)) == 1


def test_a_payment_reminder_arrives_with_the_deal_amount_and_date(app, provider):
    with app.app_context():
        buyer, deal_id, due = paying_buyer(provider)
        # reminders start at the due date (issue 25), not the handover
        queued = jobs.send_reminders(at(due))
        (payment,) = sent(provider, "bursa_payment_due")
        assert payment.body[:3] == [f"#{deal_id}", "Garam krosok (garam rakyat)", "Rp 150.000"]
        assert payment.body[3].endswith(str(due.year))
        assert payment.button == f"kesepakatan/{deal_id}"
        # nothing else waits on the buyer: WhatsApp only means no reminder e-mail
        assert queued == 0 and emails_to(buyer) == []
        jobs.send_reminders(at(due))  # a rerun the same day
        assert len(sent(provider, "bursa_payment_due")) == 1


def test_a_provider_failure_is_retried_later(app, provider):
    with app.app_context():
        _, _, due = paying_buyer(provider)
        deliver_pending()  # the deal's own messages (goods shipped) first
        provider.failures = [503]
        jobs.send_reminders(at(due))
        assert sent(provider, "bursa_payment_due") == []
        row = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.subject == "bursa_payment_due")
        )
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        assert "503" in row.last_error and row.next_attempt_at > utcnow()
        assert deliver_pending()["sent"] == 0  # not due yet: backoff
        assert deliver_pending(now=row.next_attempt_at + timedelta(seconds=1))["sent"] == 1
        assert len(sent(provider, "bursa_payment_due")) == 1


def test_a_new_proposal_reaches_the_seller_on_whatsapp(app, provider):
    with app.app_context():
        seller = make_manager()
        confirm_number(provider, seller)
        deal = make_deal(seller)
        deliver_pending()
        (proposal,) = sent(provider, "bursa_proposal")
        assert proposal.body == [f"#{deal.id}", "Garam krosok (garam rakyat)"]
        assert proposal.button == f"kesepakatan/{deal.id}"


def test_a_berhenti_reply_stops_further_messages_and_email_takes_over(app, client, provider):
    with app.app_context():
        buyer, deal_id, due = paying_buyer(provider)
        make_deal(make_manager(), buyer)  # a proposal message waiting in the outbox
        email = buyer.email
    response = webhook(client, reply("6281234567001", " Berhenti "))
    assert response.status_code == 200
    with app.app_context():
        buyer = db.session.scalar(select(User).where(User.email == email))
        contact = db.session.scalar(select(WhatsAppContact))
        assert contact.opted_out_at is not None
        before = provider.count()
        deliver_pending()
        jobs.send_reminders(at(due))
        seller = make_manager()
        make_deal(seller, buyer)
        deliver_pending()
        assert provider.count() == before  # nothing more on WhatsApp
        assert emails_to(buyer)  # the reminder went by e-mail (the fallback)


def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(app, client, provider):
    with app.app_context():
        confirm_number(provider, make_manager())
    assert webhook(client, reply("6281234567001", "BERHENTI"), secret="wrong").status_code == 403
    raw = json.dumps(reply("6281234567001", "BERHENTI")).encode()
    assert (
        client.post("/whatsapp/webhook", data=raw, content_type="application/json").status_code
        == 403
    )
    with app.app_context():
        assert db.session.scalar(select(WhatsAppContact)).opted_out_at is None


def test_delivery_statuses_are_recorded_on_the_message(app, client, provider):
    with app.app_context():
        confirm_number(provider, make_manager())
        row = db.session.scalar(select(OutboxMessage))
        wamid = row.provider_id
    assert wamid == provider.accepted[0].id
    status = {"id": wamid, "status": "delivered", "timestamp": "1", "recipient_id": "6281234567001"}
    assert (
        webhook(client, event({"messaging_product": "whatsapp", "statuses": [status]})).status_code
        == 200
    )
    with app.app_context():
        assert db.session.get(OutboxMessage, row.id).delivery_status == "delivered"


def test_the_subscription_handshake_echoes_the_challenge_for_our_token_only(client, provider):
    ok = client.get(
        "/whatsapp/webhook",
        query_string={
            "hub.mode": "subscribe",
            "hub.verify_token": VERIFY_TOKEN,
            "hub.challenge": "42",
        },
    )
    assert (ok.status_code, ok.get_data(as_text=True)) == (200, "42")
    bad = client.get(
        "/whatsapp/webhook",
        query_string={"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "42"},
    )
    assert bad.status_code == 403


def test_a_refusal_by_the_provider_fails_for_good_and_a_bad_token_is_retried(app, provider):
    with app.app_context():
        seller = make_manager()
        confirm_number(provider, seller)
        provider.failures = [400, 401]
        make_deal(seller)
        make_deal(seller)
        deliver_pending()
        rows = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.subject == "bursa_proposal")
            .order_by(OutboxMessage.id)
        ).all()
        assert [(r.status, r.last_error[:3]) for r in rows] == [
            (OutboxStatus.FAILED, "400"),
            (OutboxStatus.PENDING, "401"),  # a token to renew: tried again later
        ]
