"""Every POST route refuses a request without a CSRF token: generic over app.url_map, so the
other domains' forms are covered as soon as they are merged."""

from sqlalchemy import func, select
from werkzeug.routing import AnyConverter

from exchange.auth.models import User
from exchange.extensions import db
from exchange.pesantren.models import Pesantren
from tests.auth.test_register import form as registration
from tests.factories import TEST_PASSWORD, make_admin


def _post_urls(app) -> list[str]:
    urls = []
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        for rule in app.url_map.iter_rules():
            if "POST" not in (rule.methods or ()):
                continue
            values = {}
            for name in rule.arguments:
                converter = rule._converters.get(name)
                if isinstance(converter, AnyConverter):
                    values[name] = next(iter(converter.items))
                else:
                    values[name] = 1
            urls.append(adapter.build(rule.endpoint, values, method="POST"))
    return urls


def test_every_post_route_refuses_a_missing_token(app, client, csrf_on, auth):
    urls = _post_urls(app)
    assert "/akun/daftar" in urls and "/akun/keluar" in urls
    with app.app_context():
        admin = make_admin()
        email = admin.email
    # signed in, so that login_required cannot hide a missing check behind a redirect
    app.config["WTF_CSRF_ENABLED"] = False
    auth.login(email)
    app.config["WTF_CSRF_ENABLED"] = True
    exempt = {f"{view.__module__}.{view.__name__}" for view in app.view_functions.values()} & set(
        app.extensions["csrf"]._exempt_views
    )
    # RFC 8058 one-click unsubscribe: its signed token is the protection (tested in
    # tests/digests/test_views.py); here a forged token answers 404. The WhatsApp webhook: the
    # X-Hub-Signature-256 is (tests/whatsapp/test_channel.py); here none answers 403.
    assert exempt == {"exchange.digests.views.unsubscribe", "exchange.whatsapp.views.receive"}
    # The JSON API is the one exempt blueprint: it authenticates by bearer token only, so this
    # signed-in cookie session without a token is refused (401) before any view runs.
    assert {bp.name for bp in app.extensions["csrf"]._exempt_blueprints} == {"api"}
    for url in urls:
        response = client.post(url, data={"reason": "x"})
        if url.startswith("/ringkasan/berhenti/"):
            expected = 404
        elif url.startswith("/api/"):
            expected = 401
        elif url == "/whatsapp/webhook":
            expected = 403
        else:
            expected = 400
        assert response.status_code == expected, url


def test_sign_in_and_registration_without_token_store_nothing(app, client, csrf_on):
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(User))
    response = client.post("/akun/daftar", data=registration())
    assert response.status_code == 400
    response = client.post("/akun/masuk", data={"email": "x@y.id", "password": TEST_PASSWORD})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == before
        assert db.session.scalar(select(func.count()).select_from(Pesantren)) == 0


def test_forms_carry_a_token(app, client, csrf_on):
    page = client.get("/akun/daftar").get_data(as_text=True)
    assert 'name="csrf_token"' in page
