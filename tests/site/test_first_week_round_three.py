"""Smaller things from a manager's first week, round three (issue 27, item 4)."""

from __future__ import annotations

from tests.factories import (
    TEST_PASSWORD,
    make_admin,
    make_deal,
    make_listing,
    make_manager,
    make_staff,
)
from tests.security.world import signed_in


def test_the_market_marks_the_readers_own_listings(app):
    with app.app_context():
        me, other = make_manager(), make_manager(regency_code="3578")
        mine = make_listing(me.pesantren).id
        theirs = make_listing(other.pesantren, slug="beras", price=13000).id
        email = me.email
    page = signed_in(app, email).get("/pasar").get_data(as_text=True)
    cards = {
        c.split('href="/pasar/')[1].split('"')[0]: c for c in page.split('<li class="card')[1:]
    }
    assert "Listing Anda" in cards[str(mine)] and " mine" in cards[str(mine)][:10]
    assert "Listing Anda" not in cards[str(theirs)]
    visitor = signed_in(app, None).get("/pasar").get_data(as_text=True)
    assert "Listing Anda" not in visitor


def test_a_deal_page_links_to_both_pesantren_profiles(app):
    with app.app_context():
        buyer = make_manager(regency_code="3578")
        deal = make_deal(buyer=buyer)
        seller_id, buyer_id, deal_id = deal.seller_pesantren_id, deal.buyer_pesantren_id, deal.id
        email = buyer.email
    page = signed_in(app, email).get(f"/kesepakatan/{deal_id}").get_data(as_text=True)
    assert f'href="/pesantren/{seller_id}"' in page
    assert f'href="/pesantren/{buyer_id}"' in page


def test_staff_and_admin_land_on_the_staff_dashboard(app):
    with app.app_context():
        staff, admin = make_staff().email, make_admin().email
    for email in (staff, admin):
        client = signed_in(app, None)
        response = client.post("/akun/masuk", data={"email": email, "password": TEST_PASSWORD})
        assert response.headers["Location"].endswith("/staf/dasbor"), email


def test_the_verification_queue_shows_who_registered(app):
    from tests.factories import make_pesantren, make_user

    with app.app_context():
        from exchange.auth.models import Role

        pending = make_pesantren(status="pending", name="Pondok Pesantren Baru Daftar")
        make_user(Role.MANAGER, pesantren=pending, name="Ustadz Fulan", email="fulan@contoh.id")
        staff = make_staff().email
    page = signed_in(app, staff).get("/pesantren/verifikasi").get_data(as_text=True)
    card = page.split("Pondok Pesantren Baru Daftar")[1]
    assert "Didaftarkan oleh Ustadz Fulan (fulan@contoh.id)" in card


def test_when_the_buyer_collects_the_seller_marks_the_goods_ready(app):
    from exchange.deals import acceptance
    from tests.factories import deal_terms

    with app.app_context():
        seller = make_manager()
        deal = make_deal(seller=seller, terms=deal_terms(transport="buyer"))
        acceptance.accept(seller, deal.id, 1)
        email, deal_id = seller.email, deal.id
    client = signed_in(app, email)
    page = client.get(f"/kesepakatan/{deal_id}").get_data(as_text=True)
    assert "Tandai siap diambil" in page and "Tandai dikirim" not in page
    client.post("/bahasa/en")
    page = client.get(f"/kesepakatan/{deal_id}").get_data(as_text=True)
    assert f"<h1>Deal #{deal_id}" in page and "Deals #" not in page


def test_a_recorded_payment_is_named_in_the_success_message(app):
    from exchange.clock import today_wib
    from exchange.deals import acceptance
    from exchange.i18n import short_date

    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal = make_deal(seller=seller, buyer=buyer)
        acceptance.accept(seller, deal.id, 1)
        email, deal_id = buyer.email, deal.id
    client = signed_in(app, email)
    day = today_wib()
    page = client.post(
        f"/kesepakatan/{deal_id}/bayar",
        data={"amount": "150000", "paid_on": day.isoformat(), "note": "Transfer BSI"},
        follow_redirects=True,
    ).get_data(as_text=True)
    with app.test_request_context():
        when = short_date(day)
    assert f"Pembayaran Rp\u00a0150.000 tanggal {when} dicatat" in page


def test_a_pending_deletion_request_is_shown_instead_of_the_form(app):
    from exchange.privacy.services import request_deletion

    with app.app_context():
        manager = make_manager()
        request_deletion(manager)
        email = manager.email
    page = signed_in(app, email).get("/akun/data-saya").get_data(as_text=True)
    assert "Permintaan penghapusan Anda sedang diproses" in page
    assert "Kirim permintaan penghapusan" not in page


def test_staff_are_asked_before_anonymising(app):
    from exchange.auth.models import User
    from exchange.extensions import db
    from exchange.privacy.services import request_deletion

    with app.app_context():
        manager = make_manager()
        request_id = request_deletion(manager).id
        user_id, staff = manager.id, make_staff().email
    client = signed_in(app, staff)
    listing = client.get("/staf/privasi").get_data(as_text=True)
    assert f'href="/staf/privasi/{request_id}/laksanakan"' in listing
    question = client.get(f"/staf/privasi/{request_id}/laksanakan").get_data(as_text=True)
    assert "Ini tidak dapat dibatalkan" in question and 'name="confirmed"' in question
    # a POST without the confirmation only asks again
    client.post(f"/staf/privasi/{request_id}/laksanakan")
    with app.app_context():
        assert db.session.get(User, user_id).is_active_account
    done = client.post(f"/staf/privasi/{request_id}/laksanakan", data={"confirmed": "1"})
    assert done.status_code == 302
    with app.app_context():
        assert not db.session.get(User, user_id).is_active_account


def test_rejecting_without_a_reason_errors_next_to_the_card(app):
    from tests.factories import make_pesantren

    with app.app_context():
        first = make_pesantren(status="pending", name="Pondok Pesantren Pertama").id
        second = make_pesantren(status="pending", name="Pondok Pesantren Kedua").id
        staff = make_staff().email
    response = signed_in(app, staff).post(f"/pesantren/{second}/tolak", data={"reason": " "})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    card = page.split(f'id="p{second}"')[1]
    assert "Tuliskan alasannya" in card.split("</form>")[0]
    assert 'aria-invalid="true"' in card.split("</form>")[0]
    assert "Tuliskan alasannya" not in page.split(f'id="p{first}"')[1].split("</form>")[0]


def test_a_clearing_run_opens_to_its_proposals(app):
    from exchange.listings.models import Side
    from exchange.matching.services import run_clearing

    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3528")
        make_listing(seller.pesantren, price=1400)
        make_listing(buyer.pesantren, side=Side.REQUEST, price=1800, max_distance_km=500)
        run_id = run_clearing().id
        staff = make_staff().email
        names = seller.pesantren.name, buyer.pesantren.name
    client = signed_in(app, staff)
    runs = client.get("/staf/pencocokan").get_data(as_text=True)
    assert f'href="/staf/pencocokan/{run_id}"' in runs
    page = client.get(f"/staf/pencocokan/{run_id}").get_data(as_text=True)
    assert names[0] in page and names[1] in page and "menunggu jawaban" in page
    assert client.get("/staf/pencocokan/99999").status_code == 404


def test_csv_downloads_offer_a_decimal_comma_variant_for_excel(app):
    from exchange.dashboard.tables import Column, write_csv

    columns = (Column("name", "Nama"), Column("km", "Jarak", "float"), Column("n", "N", "int"))
    rows = [("Sampang", 34.5, 1200), ("-x", -2.25, 3)]
    plain = "".join(write_csv(columns, rows))
    excel = "".join(write_csv(columns, rows, decimal_comma=True))
    assert "Sampang;34.5;1200" in plain
    assert "Sampang;34,5;1200" in excel and "'-x;-2,25;3" in excel
    with app.app_context():
        staff = make_staff().email
    page = signed_in(app, staff).get("/staf/dasbor").get_data(as_text=True)
    assert "desimal=koma" in page and "CSV untuk Excel (desimal koma)" in page


def test_demo_signatories_differ_per_pesantren():
    from exchange.pesantren.demo import signatory_name

    names = [signatory_name(i) for i in range(143)]
    assert len(set(names)) == 143


def test_reciprocal_partners_say_kami_and_open_a_negotiation_each_way(app):
    from exchange.listings.models import Side
    from exchange.matching.services import run_clearing

    with app.app_context():
        me = make_manager("3529")
        both = make_manager("3528").pesantren
        make_listing(me.pesantren, slug="garam_krosok", quantity=500, price=1200)
        make_listing(me.pesantren, side=Side.REQUEST, slug="beras", quantity=80, price=14000)
        # the same commodity both ways with this partner: listed neither way
        make_listing(me.pesantren, side=Side.REQUEST, slug="jagung", quantity=50, price=9000)
        make_listing(me.pesantren, slug="jagung", quantity=50, price=4000, grade=1)
        wants_salt = make_listing(both, side=Side.REQUEST, slug="garam_krosok", price=2000).id
        sells_rice = make_listing(both, slug="beras", quantity=100, price=12000, grade=2).id
        make_listing(both, slug="jagung", quantity=60, price=4500)
        make_listing(both, side=Side.REQUEST, slug="jagung", quantity=60, price=9500, grade=1)
        run_clearing()
        from sqlalchemy import select

        from exchange.extensions import db
        from exchange.matching.models import RunPartnerFlow
        from tests.factories import commodity

        corn = commodity("jagung").id
        ways = db.session.scalars(
            select(RunPartnerFlow.seller_pesantren_id).where(RunPartnerFlow.commodity_id == corn)
        ).all()
        assert sorted(ways) == sorted([me.pesantren_id, both.id])  # the run saw corn both ways
        email, both_id, my_pid = me.email, both.id, me.pesantren_id
    client = signed_in(app, email)
    html = client.get("/mitra").get_data(as_text=True)
    card = html[html.index(f'id="mitra-{both_id}"') :].split("</div>")[0]
    assert "Bisa memasok kami" in card and "Bisa membeli dari kami" in card
    assert "dari kita" not in card
    assert f'href="/kesepakatan/baru?listing={sells_rice}"' in card
    assert f'href="/kesepakatan/baru?listing={wants_salt}"' in card
    assert "Jagung" not in card
    public = signed_in(app, None).get(f"/pesantren/{my_pid}/mitra").get_data(as_text=True)
    assert "Bisa memasok kami" not in public and "Buka negosiasi" not in public


def test_istisna_is_not_offered_for_food(app):
    with app.app_context():
        manager = make_manager()
        salt = make_listing(manager.pesantren).id  # garam krosok: food, not made to order
        email = manager.email
    client = signed_in(app, email)
    edit = client.get(f"/listing/{salt}/ubah").get_data(as_text=True)
    assert 'value="istisna"' not in edit and 'value="tunai"' in edit
    new = client.get("/listing/baru?side=offer", follow_redirects=True).get_data(as_text=True)
    assert 'value="istisna"' in new  # the commodity is not chosen yet: the script hides it
    assert "data-made-to-order" in new
