"""Every staff chart read in Chromium at 390 px and at 1280 px (issue 27): no text clipped at the
picture's edges, no two labels over each other nor over a dot, no text under 12 px on screen,
a legend beside each chart, KPI figures on one line and no page that scrolls sideways.

The boxes are the browser's own (``getBoundingClientRect``), on the demo data: 100-odd pesantren
whose long names ("Pondok Pesantren Hidayatul Mubtadiin ...") differ only at the end.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.shared_out]

WIDTHS = (390, 1280)

# Run in the page: a list of problems, each a short sentence naming the chart and the text.
CHECK = """
() => {
  const problems = [];
  const tol = 0.5;
  const hit = (a, b) => a.left < b.right - tol && b.left < a.right - tol &&
                        a.top < b.bottom - tol && b.top < a.bottom - tol;
  const name = (el) => (el.closest('figure') || el).getAttribute('data-chart') ||
                       (el.closest('svg') && el.closest('svg').getAttribute('aria-label')) || '?';
  document.querySelectorAll('figure svg.chart').forEach((svg) => {
    const frame = svg.getBoundingClientRect();
    const scale = svg.getScreenCTM().a;
    const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim());
    for (const t of texts)
      if (t.textContent.includes('\u2026'))
        problems.push(`${name(svg)}: "${t.textContent.trim().slice(0, 40)}" is cut short`);
    const boxes = texts.map((t) => [t, t.getBoundingClientRect()]);
    for (const [t, b] of boxes) {
      const label = `${name(svg)}: "${t.textContent.trim().slice(0, 40)}"`;
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < 12 - 0.01) problems.push(`${label} is ${px.toFixed(1)} px`);
      if (b.left < frame.left - tol || b.right > frame.right + tol ||
          b.top < frame.top - tol || b.bottom > frame.bottom + tol)
        problems.push(`${label} is clipped`);
    }
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++)
        if (hit(boxes[i][1], boxes[j][1]))
          problems.push(`${name(svg)}: "${boxes[i][0].textContent.trim().slice(0, 30)}" over ` +
                        `"${boxes[j][0].textContent.trim().slice(0, 30)}"`);
    const dots = [...svg.querySelectorAll('circle')].map((c) => c.getBoundingClientRect());
    for (const [t, b] of boxes)
      if (t.closest('[data-over-dots]') === null && dots.some((d) => hit(b, d)))
        problems.push(`${name(svg)}: "${t.textContent.trim().slice(0, 30)}" over a dot`);
  });
  document.querySelectorAll('figure').forEach((fig) => {
    if (!fig.querySelector('svg')) return;
    const legend = fig.querySelector('.chart-legend');
    if (!legend || !legend.textContent.trim()) problems.push(`${name(fig)}: no legend`);
    fig.querySelectorAll('.chart-legend, .chart-legend *').forEach((el) => {
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (el.childNodes.length && px < 12) problems.push(`${name(fig)} legend: ${px} px`);
    });
  });
  document.querySelectorAll('.figure-value').forEach((el) => {
    if (el.getClientRects().length > 1 || el.scrollWidth > el.parentElement.clientWidth + 1)
      problems.push(`KPI "${el.textContent.trim()}" breaks or overflows`);
  });
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} px`);
  return problems;
}
"""


def _chart_pages(app) -> list[str]:
    from exchange.netting.models import NettingRun

    with app.app_context():
        from exchange.extensions import db

        run_id = db.session.scalar(select(NettingRun.id).order_by(NettingRun.id.desc()))
    pages = [
        "/staf/dasbor?dari=2020-01-01&sampai=2030-12-31",
        "/staf/dasbor/arus?dari=2020-01-01&sampai=2030-12-31",
        "/staf/dasbor/jaringan?dari=2020-01-01&sampai=2030-12-31",
        "/staf/dasbor/permintaan",
        "/staf/dasbor/harga?dari=2020-01-01&sampai=2030-12-31&komoditas=beras",
        "/staf/kliring",
    ]
    if run_id:
        pages.append(f"/kliring/{run_id}")
    return pages


def test_every_chart_reads_at_both_widths(app, _browser, live_url, request):
    from exchange.demo import seed_everything
    from exchange.extensions import db
    from exchange.netting.services import start_run
    from tests.factories import make_staff

    with app.app_context():
        seed_everything()
        start_run(None)  # a netting run of today's debts, for its picture
        email = make_staff().email
        db.session.remove()
    pages = _chart_pages(app)
    found, charts = [], 0
    for width in WIDTHS:
        context = _browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
        page = context.new_page()
        page.set_default_timeout(30000)
        sign_in(page, live_url, email)
        for path in pages:
            page.goto(live_url + path)
            charts += page.locator("figure svg.chart").count()
            found += [f"{width} px {path}: {p}" for p in page.evaluate(CHECK)]
            shot(page, request, f"{width}-{path.strip('/').split('?')[0].replace('/', '-')}")
        context.close()
    print("\n".join(found))
    print(f"\ncharts read: {charts} at {len(WIDTHS)} widths, {len(found)} problems")
    assert charts >= 12
    assert found == [], "\n".join(found)
