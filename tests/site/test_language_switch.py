"""A link cannot change a signed-in account's saved language; the form (POST, CSRF) does."""

from exchange.auth.models import User
from exchange.extensions import db
from tests.factories import make_manager


def _locale(app, uid):
    with app.app_context():
        return db.session.get(User, uid).locale


def test_a_get_only_sets_the_cookie_and_never_the_account(app, client, auth):
    with app.app_context():
        manager = make_manager()
        email, uid = manager.email, manager.id
    auth.login(email)
    response = client.get("/bahasa/en?next=/pasar")
    assert response.status_code == 302 and "lang=en" in response.headers["Set-Cookie"]
    assert _locale(app, uid) == "id"


def test_the_form_saves_the_choice_and_needs_its_csrf_token(app, client, auth, csrf_on):
    import re

    with app.app_context():
        manager = make_manager()
        email, uid = manager.email, manager.id
    app.config["WTF_CSRF_ENABLED"] = False
    auth.login(email)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/bahasa/en").status_code == 400  # no token: refused
    assert _locale(app, uid) == "id"
    page = client.get("/pasar").get_data(as_text=True)
    assert 'action="/bahasa/en"' in page and ">English</button>" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/bahasa/en", data={"csrf_token": token, "next": "/pasar"})
    assert response.status_code == 302 and response.headers["Location"] == "/pasar"
    assert _locale(app, uid) == "en"
    assert 'lang="en"' in client.get("/pasar").get_data(as_text=True)


def test_visitors_still_get_a_plain_link(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/bahasa/en?next=' in page
