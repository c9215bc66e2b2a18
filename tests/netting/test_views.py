import re

import pytest
from sqlalchemy import select

from exchange.deals.models import Payment
from exchange.extensions import db
from exchange.netting import services
from tests.factories import make_manager, make_staff
from tests.netting.helpers import triangle

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def test_staff_see_the_figures_and_the_picture(app, client, auth):
    with app.app_context():
        triangle()
        staff = make_staff()
        auth.login(staff)
        resp = client.post("/staf/kliring/jalankan", follow_redirects=True)
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200
        assert "Rp\u00a0210.000" in page and "Rp\u00a0260.000" in page and "80,8%" in page
        assert "<svg" in page and "Uang yang tidak perlu ditransfer" in page
        assert "Jalankan kliring" in client.get("/staf/kliring").get_data(as_text=True)


def test_each_party_sees_its_set_off_confirms_and_others_get_404(app, client, auth):
    with app.app_context():
        (a, b, c), (ab, bc, ca) = triangle()
        run = services.start_run(None)
        auth.login(a)
        page = client.get(f"/kliring/{run.id}").get_data(as_text=True)
        assert "Usulan untuk pesantren Anda" in page and "Rp\u00a070.000" in page
        assert "masih membayar Rp\u00a010.000" in page  # owes 100.000, is owed 90.000
        assert "bukan dalam satu transfer" in page  # deal by deal (issue 27)
        assert "<svg" not in page
        assert client.post(f"/kliring/{run.id}/konfirmasi").status_code == 302
        services.confirm(b, run.id)
        services.confirm(c, run.id)
        pay = db.session.scalar(select(Payment).where(Payment.deal_id == ab))
        receipt = client.get(f"/kesepakatan/{ab}/kuitansi/{pay.id}").get_data(as_text=True)
        assert "muqassah" in receipt
        auth.logout()
        auth.login(make_manager(regency_code="3507"))
        assert client.get(f"/kliring/{run.id}").status_code == 404
        assert client.post(f"/kliring/{run.id}/tolak").status_code == 404


def test_the_party_page_speaks_english_when_chosen(app, client, auth):
    with app.app_context():
        (a, _b, _c), _ = triangle()
        run_id = services.start_run(None).id
        a.locale = "en"
        db.session.commit()
        email = a.email
    auth.login(email)
    page = client.get(f"/kliring/{run_id}").get_data(as_text=True)
    assert "Your proposed set-off" in page and "After netting you still pay" in page


def test_answers_need_the_csrf_token(app, client, auth):
    with app.app_context():
        (a, _b, _c), _ = triangle()
        run = services.start_run(None)
        auth.login(a)
        app.config["WTF_CSRF_ENABLED"] = True
        try:
            assert client.post(f"/kliring/{run.id}/konfirmasi").status_code == 400
            page = client.get(f"/kliring/{run.id}").get_data(as_text=True)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            resp = client.post(f"/kliring/{run.id}/konfirmasi", data={"csrf_token": token})
            assert resp.status_code == 302
        finally:
            app.config["WTF_CSRF_ENABLED"] = False
