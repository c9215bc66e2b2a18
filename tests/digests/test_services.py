"""Digest runs against the database: content, empty digests, language, idempotence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from exchange.auth.models import DigestFrequency
from exchange.digests import services
from exchange.digests.models import DigestRecord
from exchange.extensions import db
from exchange.mail.models import OutboxMessage
from exchange.pesantren.models import PesantrenStatus
from tests.factories import make_listing, make_manager, make_pesantren, make_staff

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS

NOW = datetime(2027, 1, 3, 23, 0, tzinfo=UTC)  # Monday 4 Jan 2027, 06:00 WIB
TODAY = date(2027, 1, 4)


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def expiring_listing(user, **kw):
    kw.setdefault("created_at", NOW - timedelta(days=20))
    return make_listing(user.pesantren, start=TODAY - timedelta(days=20), days=23, **kw)


def test_a_manager_gets_their_expiring_listing_and_market_note(app):
    with app.app_context():
        reader = make_manager()
        listing = expiring_listing(reader, price=1500)
        other = make_manager()
        make_listing(other.pesantren, price=1700, created_at=NOW - timedelta(hours=3))
        make_listing(other.pesantren, price=1400, created_at=NOW - timedelta(hours=30))
        counts = services.run_digests("daily", now=NOW)
        assert counts == {"queued": 2, "empty": 0, "skipped": 0}
        mail = next(m for m in outbox() if m.to_address == reader.email)
        assert mail.subject == "Ringkasan Harian Bursa Pesantren, 4 Jan 2027"
        assert "Listing Anda yang segera berakhir" in mail.text_body
        assert "Penawaran Garam krosok" in mail.text_body
        assert "berakhir 7 Jan 2027" in mail.text_body
        assert f"http://127.0.0.1:5000/pasar/{listing.id}" in mail.text_body
        assert "Catatan pasar" in mail.text_body
        assert "median Rp\u00a01.700/kg (periode lalu Rp\u00a01.400, +21%)" in mail.text_body
        assert f'href="http://127.0.0.1:5000/pasar/{listing.id}"' in mail.html_body
        assert mail.dedupe_key == f"digest:daily:2027-01-04:{reader.id}"


def test_every_digest_carries_one_click_unsubscribe(app):
    with app.app_context():
        reader = make_manager()
        expiring_listing(reader)
        services.run_digests("daily", now=NOW)
        [mail] = outbox()
        url = mail.headers["List-Unsubscribe"].strip("<>")
        assert url.startswith("http://127.0.0.1:5000/ringkasan/berhenti/")
        assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert url in mail.text_body and url in mail.html_body


def test_nothing_to_say_means_no_mail(app):
    with app.app_context():
        make_manager()
        make_staff()
        counts = services.run_digests("daily", now=NOW)
        assert counts == {"queued": 0, "empty": 2, "skipped": 0}
        assert outbox() == []


def test_only_readers_of_the_period_get_it(app):
    with app.app_context():
        daily, weekly, none = make_manager(), make_manager(), make_manager()
        weekly.digest_frequency = DigestFrequency.WEEKLY.value
        none.digest_frequency = DigestFrequency.NONE.value
        db.session.commit()
        for user in (daily, weekly, none):
            expiring_listing(user)
        assert services.run_digests("daily", now=NOW)["queued"] == 1
        assert services.run_digests("weekly", now=NOW)["queued"] == 1
        assert sorted(m.to_address for m in outbox()) == sorted([daily.email, weekly.email])
        assert outbox()[1].subject.startswith("Ringkasan Mingguan")


def test_a_rerun_sends_nothing_twice(app):
    with app.app_context():
        for _ in range(3):
            expiring_listing(make_manager())
        assert services.run_digests("daily", now=NOW)["queued"] == 3
        assert services.run_digests("daily", now=NOW + timedelta(hours=2))["queued"] == 0
        assert len(outbox()) == 3
        # the next day is a new period
        assert services.run_digests("daily", now=NOW + timedelta(days=1))["queued"] == 3


def test_the_database_refuses_a_second_digest_for_the_period(app, monkeypatch):
    """Two schedulers racing: both see everyone as due; the unique key lets one through."""
    with app.app_context():
        users = [make_manager() for _ in range(3)]
        for user in users:
            expiring_listing(user)
        services.run_digests("daily", now=NOW)
        everyone = [u.id for u in users]
        monkeypatch.setattr(services, "_due_user_ids", lambda period, key: everyone)
        counts = services.run_digests("daily", now=NOW)
        assert counts == {"queued": 0, "empty": 0, "skipped": 3}
        assert len(outbox()) == 3
        assert db.session.scalar(select(func.count()).select_from(DigestRecord)) == 3


def test_digest_in_the_readers_language(app):
    with app.app_context():
        reader = make_manager()
        reader.locale = "en"
        db.session.commit()
        expiring_listing(reader, price=12500)
        make_listing(reader.pesantren, price=12500, created_at=NOW - timedelta(hours=1))
        services.run_digests("daily", now=NOW)
        [mail] = outbox()
        assert "Raw salt" in mail.text_body or "salt" in mail.text_body.lower()
        assert "Garam krosok" not in mail.text_body
        assert "Rp\u00a012,500" in mail.text_body  # English grouping
        assert '<html lang="en">' in mail.html_body


def test_staff_digest_lists_pesantren_waiting_and_new_listings(app):
    with app.app_context():
        staff = make_staff()
        waiting = make_pesantren(name="PP Menunggu", status=PesantrenStatus.PENDING)
        trader = make_manager()
        make_listing(trader.pesantren, created_at=NOW - timedelta(hours=2))
        services.run_digests("daily", now=NOW)
        mail = next(m for m in outbox() if m.to_address == staff.email)
        assert "Pesantren menunggu verifikasi" in mail.text_body
        assert waiting.name in mail.text_body
        assert "Penawaran baru" in mail.text_body
        assert "1 (periode lalu 0)" in mail.text_body


def test_inactive_accounts_get_nothing(app):
    with app.app_context():
        reader = make_manager()
        reader.is_active_account = False
        db.session.commit()
        expiring_listing(reader)
        assert services.run_digests("daily", now=NOW)["queued"] == 0
