"""The digest builder: rows in, sections out, with a fixed clock and no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote

from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.digests.builder import (
    PlainFormatter,
    build_manager_digest,
    median,
    share_text,
    whatsapp_link,
)
from exchange.digests.periods import period_key, window
from exchange.digests.rows import (
    DealTaskRow,
    DisputeRow,
    ExpiringListingRow,
    ManagerRows,
    MarketRow,
    MoveRow,
    PartnerRow,
    PendingPesantrenRow,
    ProposalRow,
    StaffRows,
    SuggestionRow,
    TradeFigureRow,
)
from exchange.digests.staff_builder import build_staff_digest
from tests.depth import examples

NOW = datetime(2027, 1, 3, 23, 0, tzinfo=UTC)  # Monday 4 Jan 2027, 06:00 WIB
WIN = window("daily", NOW)
FMT = PlainFormatter()


class EnglishFormatter(PlainFormatter):
    locale = "en"


def manager(**rows):
    return build_manager_digest(ManagerRows(**rows), WIN, NOW, FMT, "http://x/ringkasan")


def section(digest, key):
    return next(s for s in digest.sections if s.key == key)


def test_period_keys_follow_the_wib_calendar():
    assert period_key("daily", NOW) == "2027-01-04"  # already Monday in Jakarta
    assert period_key("weekly", NOW) == "2027-W01"
    assert period_key("daily", NOW - timedelta(hours=8)) == "2027-01-03"
    assert WIN.end - WIN.start == timedelta(days=1)
    assert window("weekly", NOW).start == NOW - timedelta(days=7)


def test_empty_rows_give_an_empty_digest():
    assert manager().is_empty
    assert build_staff_digest(StaffRows(), WIN, NOW, FMT).is_empty
    # figures that are all zero are not news either
    zero = StaffRows(trade=(TradeFigureRow("offers_new", 0, 5, "u"),))
    assert build_staff_digest(zero, WIN, NOW, FMT).is_empty


def test_heading_names_the_period_and_day():
    assert manager().heading == "Ringkasan Harian Bursa Pesantren, 2027-01-04"
    weekly = build_manager_digest(ManagerRows(), window("weekly", NOW), NOW, FMT)
    assert weekly.heading.startswith("Ringkasan Mingguan")


def test_proposals_newest_first_with_links():
    old = ProposalRow(1, "Garam krosok", "kg", "PP A", 1000, 1500, NOW - timedelta(hours=5), "u1")
    new = ProposalRow(
        2, "Beras", "kg", "PP B", 200, 12000, NOW - timedelta(hours=1), "u2", selling=False
    )
    s = section(manager(proposals=(old, new)), "proposals")
    assert [i.url for i in s.items] == ["u2", "u1"]
    assert s.items[0].title == "Beras: membeli dari PP B"  # the reader buys
    assert s.items[1].title == "Garam krosok: menjual ke PP A"  # the reader sells
    assert s.items[0].detail == "200 kg @ Rp 12.000"


def test_a_suggested_request_says_the_counterparty_buys():
    offer = SuggestionRow(1, "Ikan laut", "kg", "PP Al-Islah", 100, 30000, 2.0, "s1")
    request = SuggestionRow(
        2, "Ikan laut", "kg", "PP Al-Islah", 100, 30000, 1.0, "s2", side="request"
    )
    s = section(manager(suggestions=(offer, request)), "suggestions")
    assert [i.title for i in s.items] == [
        "PP Al-Islah menjual Ikan laut",
        "PP Al-Islah ingin membeli Ikan laut",
    ]


def test_only_the_best_suggestions():
    rows = tuple(
        SuggestionRow(i, "Garam", "kg", f"PP {i}", 100, 1000, score=i / 10, url=f"s{i}")
        for i in range(8)
    )
    s = section(manager(suggestions=rows), "suggestions")
    assert [i.url for i in s.items] == ["s7", "s6", "s5", "s4", "s3"]
    assert s.more == 3


def test_partners_listed_by_name():
    rows = (
        PartnerRow(2, "PP Zainul", "Kab. Sumenep", "garam", "beras", "p2"),
        PartnerRow(1, "PP Amanah", "Kab. Jember", "gula", "garam", "p1"),
    )
    s = section(manager(partners=rows), "partners")
    assert [i.title for i in s.items] == ["PP Amanah (Kab. Jember)", "PP Zainul (Kab. Sumenep)"]
    assert s.items[0].detail == "Mereka memasok gula; Anda memasok garam"


def test_moves_show_when_they_expire_and_drop_expired_ones():
    soon = MoveRow(5, "Beras", "kg", "PP A", 100, 11000, NOW + timedelta(hours=3), "m5")
    later = MoveRow(4, "Beras", "kg", "PP B", 100, 11500, NOW + timedelta(days=2), "m4")
    gone = MoveRow(3, "Beras", "kg", "PP C", 100, 11500, NOW - timedelta(hours=1), "m3")
    s = section(manager(moves=(later, gone, soon)), "moves")
    assert [i.url for i in s.items] == ["m5", "m4"]
    assert "berakhir 2027-01-04 09.00 WIB" in s.items[0].detail


def test_deal_tasks_name_the_action_and_due_date():
    rows = (
        DealTaskRow(9, "ship", "Garam", "PP A", 1_500_000, "d9", due=date(2027, 1, 10)),
        DealTaskRow(7, "pay", "Beras", "PP B", 2_400_000, "d7", due=date(2027, 1, 5)),
        DealTaskRow(8, "rate", "Gula", "PP C", 300_000, "d8"),
    )
    s = section(manager(deal_tasks=rows), "deals")
    assert [i.title for i in s.items] == [
        "Bayar: kesepakatan #7",
        "Kirim barang: kesepakatan #9",
        "Beri penilaian: kesepakatan #8",
    ]
    assert s.items[0].detail == "Beras: menjual ke PP B · Rp 2.400.000 · paling lambat 2027-01-05"


def test_expiring_listings_soonest_first():
    rows = (
        ExpiringListingRow(2, "request", "Beras", "kg", 300, date(2027, 1, 9), "l2"),
        ExpiringListingRow(1, "offer", "Garam krosok", "kg", 700, date(2027, 1, 5), "l1"),
    )
    s = section(manager(expiring=rows), "expiring")
    assert [i.title for i in s.items] == ["Penawaran Garam krosok", "Permintaan Beras"]
    assert s.items[0].detail == "sisa 700 kg · berakhir 2027-01-05"


def test_market_note_compares_medians_with_the_last_period():
    row = MarketRow(
        "garam_krosok",
        "Garam krosok",
        "kg",
        "mk",
        offers_now=(1500, 1700, 1600),
        offers_before=(1400, 1600),
        requests_now=(1800,),
    )
    quiet = MarketRow("beras", "Beras", "kg", "mb", offers_before=(12000,))
    s = section(manager(market=(row, quiet)), "market")
    assert len(s.items) == 1  # no listing this period: no note
    assert s.items[0].detail == (
        "Penawaran: median Rp 1.600/kg (periode lalu Rp 1.500, +7%) · "
        "Permintaan: median Rp 1.800/kg (periode lalu: belum ada)"
    )


def test_median_rounds_half_up_in_whole_rupiah():
    assert median([]) is None
    assert median([3, 1, 2]) == 2
    assert median([1000, 1001]) == 1001


@settings(max_examples=examples(20, 50))
@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=30))
def test_median_splits_the_prices(values):
    m = median(values)
    assert sum(v < m for v in values) <= len(values) // 2
    assert sum(v > m for v in values) <= len(values) // 2


def test_long_sections_are_cut_and_counted():
    rows = tuple(
        ExpiringListingRow(i, "offer", "Garam", "kg", 1, date(2027, 1, 5), f"l{i}")
        for i in range(14)
    )
    s = section(manager(expiring=rows), "expiring")
    assert len(s.items) == 10 and s.more == 4
    assert manager(expiring=rows).item_count == 14


def test_staff_digest_sections():
    rows = StaffRows(
        trade=(
            TradeFigureRow("requests_new", 3, 1, "t"),
            TradeFigureRow("trade_value", 5_000_000, 0, "t"),
            TradeFigureRow("offers_new", 4, 6, "t"),
        ),
        pending=(
            PendingPesantrenRow(3, "PP Baru", "Kab. Pamekasan", NOW - timedelta(days=4), "v"),
        ),
        disputes=(DisputeRow(1, 12, "Garam", "PP A – PP B", NOW - timedelta(days=2), "d"),),
    )
    d = build_staff_digest(rows, WIN, NOW, FMT)
    assert [s.key for s in d.sections] == ["trade", "pending", "disputes"]
    trade = section(d, "trade")
    assert [i.title for i in trade.items] == [
        "Nilai perdagangan",
        "Penawaran baru",
        "Permintaan baru",
    ]
    assert trade.items[0].detail == "Rp 5.000.000 (periode lalu Rp 0)"
    assert section(d, "pending").items[0].detail == "Kab. Pamekasan · menunggu 4 hari"
    assert section(d, "disputes").items[0].title == "Sengketa kesepakatan #12"


def test_english_reader_gets_english_commodity_names():
    row = ExpiringListingRow(1, "offer", "Garam krosok", "kg", 5, date(2027, 1, 5), "l", "Raw salt")
    d = build_manager_digest(ManagerRows(expiring=(row,)), WIN, NOW, EnglishFormatter())
    assert d.sections[0].items[0].title.endswith("Raw salt")


def test_same_rows_same_digest():
    rows = ManagerRows(
        expiring=(ExpiringListingRow(1, "offer", "Garam", "kg", 5, date(2027, 1, 5), "l"),)
    )
    assert build_manager_digest(rows, WIN, NOW, FMT) == build_manager_digest(rows, WIN, NOW, FMT)


def test_whatsapp_share_is_short_and_links_the_page():
    rows = tuple(
        ExpiringListingRow(i, "offer", "Garam", "kg", 5, date(2027, 1, 5), f"l{i}")
        for i in range(3)
    )
    d = manager(expiring=rows)
    text = share_text(d)
    assert text.splitlines() == [
        "*Ringkasan Harian Bursa Pesantren, 2027-01-04*",
        "• Listing Anda yang segera berakhir (3): Penawaran Garam",
        "http://x/ringkasan",
    ]
    link = whatsapp_link(text)
    assert link.startswith("https://wa.me/?text=")
    assert unquote(link.removeprefix("https://wa.me/?text=")) == text
