"""The heaviest pages stay light: HTML plus CSS under 150 KB, no scripts, no CDN."""

from pathlib import Path

from exchange.demo import seed_demo
from exchange.extensions import db

LIMIT = 150 * 1024
CSS = Path(__file__).resolve().parents[2] / "exchange" / "static" / "style.css"


def test_biggest_pages_are_under_150_kb(app, client):
    with app.app_context():
        seed_demo()
        db.session.remove()
    css = CSS.stat().st_size
    for url in ("/", "/akun/daftar", "/pesantren/", "/komoditas/"):
        html = client.get(url).get_data(as_text=True)
        assert len(html.encode()) + css < LIMIT, url
        assert "<script" not in html and "//cdn" not in html
        print(f"{url}: {len(html.encode()) + css} bytes with CSS")
