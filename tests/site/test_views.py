from sqlalchemy import create_engine

from exchange import create_app


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_503_when_database_does_not_answer(tmp_path):
    # A SQLite path inside a missing folder cannot be opened.
    app = create_app("testing", DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    create_engine("sqlite://").dispose()


def test_home_is_indonesian_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert 'lang="id"' in page
    assert "Bursa dagang antarpesantren" in page


def test_language_switch_is_remembered(client):
    response = client.get("/bahasa/en?next=/")
    assert response.status_code == 302
    assert "lang=en" in response.headers["Set-Cookie"]
    page = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in page


def test_language_switch_refuses_foreign_next(client):
    response = client.get("/bahasa/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
