from datetime import UTC, datetime

import pytest

from exchange.digests.builder import PlainFormatter, build_manager_digest
from exchange.digests.periods import window
from exchange.digests.rows import ManagerRows, NettingRow
from exchange.netting import services
from tests.netting.helpers import triangle

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS

NOW = datetime(2027, 1, 3, 23, 0, tzinfo=UTC)


def test_the_digest_has_a_section_for_a_pending_confirmation():
    rows = ManagerRows(netting=(NettingRow(7, 70_000, "http://x/kliring/7"),))
    digest = build_manager_digest(rows, window("daily", NOW), NOW, PlainFormatter())
    (section,) = [s for s in digest.sections if s.key == "netting"]
    assert section.items[0].title == "Kliring #7 menunggu konfirmasi"
    assert "Rp 70.000" in section.items[0].detail and section.items[0].url.endswith("/kliring/7")


def test_the_digest_page_mentions_the_run_until_the_pesantren_answers(app, client, auth):
    with app.app_context():
        (a, _b, _c), _ = triangle()
        run = services.start_run(None)
        auth.login(a)
        page = client.get("/ringkasan/").get_data(as_text=True)
        assert f"Kliring #{run.id} menunggu konfirmasi" in page
        services.confirm(a, run.id)
        page = client.get("/ringkasan/").get_data(as_text=True)
        assert f"Kliring #{run.id} menunggu konfirmasi" not in page
