import pytest

from exchange import create_app


def test_production_refuses_to_start_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("EXCHANGE_SECRET_KEY", raising=False)
    monkeypatch.delenv("EXCHANGE_DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="EXCHANGE_SECRET_KEY and EXCHANGE_DATABASE_URL"):
        create_app("production")


def test_every_setting_can_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EXCHANGE_SECRET_KEY", "s3cret")
    monkeypatch.setenv("EXCHANGE_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("EXCHANGE_SMTP_PORT", "587")
    monkeypatch.setenv("EXCHANGE_MAIL_BACKEND", "smtp")
    app = create_app("production")
    assert app.config["SMTP_PORT"] == 587 and app.config["MAIL_BACKEND"] == "smtp"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_proxy_fix_trusts_forwarded_headers_when_asked(tmp_path):
    url = f"sqlite:///{tmp_path}/x.sqlite3"
    app = create_app("testing", DATABASE_URL=url, PROXY_FIX=True)

    @app.route("/_scheme")
    def scheme():
        from flask import request

        return f"{request.scheme} {request.host} {request.remote_addr}"

    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "bursa.example",
        "X-Forwarded-For": "203.0.113.9",
    }
    body = app.test_client().get("/_scheme", headers=headers).get_data(as_text=True)
    assert body == "https bursa.example 203.0.113.9"
    plain = create_app("testing", DATABASE_URL=url)
    assert plain.wsgi_app.__class__.__name__ != "ProxyFix"


def test_development_creates_the_folder_of_its_sqlite_file(tmp_path):
    """A fresh clone has no instance/ folder: `make run` must still get a database."""
    from exchange import create_app as make

    target = tmp_path / "instance" / "exchange.sqlite3"
    app = make("development", DATABASE_URL=f"sqlite:///{target}")
    assert target.parent.is_dir()
    assert app.test_client().get("/healthz").status_code == 200
