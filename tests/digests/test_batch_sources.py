"""The digest run reads suggestions and partners for many readers at once; on a generated market
it finds exactly what the listing page's suggestions and the partners page find per reader."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from exchange.db import utcnow
from exchange.digests import match_sources
from exchange.digests.periods import window
from exchange.extensions import db
from exchange.listings.models import Listing, Side
from exchange.matching.queries import suggestions_for
from exchange.web.links import link_builder
from tests.factories import make_listing, make_manager

SLUGS = ("garam_krosok", "beras", "gula_pasir")
REGENCIES = ("3529", "3528", "3578", "3509", "3510")


def market(rng: random.Random, n: int = 30) -> list[int]:
    now = utcnow()
    ids = []
    for i in range(n):
        pesantren = make_manager(REGENCIES[i % len(REGENCIES)]).pesantren
        ids.append(pesantren.id)
        for _ in range(rng.randint(1, 3)):
            slug = rng.choice(SLUGS)
            base = {"garam_krosok": 1500, "beras": 12500, "gula_pasir": 16000}[slug]
            make_listing(
                pesantren,
                side=rng.choice([Side.OFFER, Side.REQUEST]),
                slug=slug,
                price=int(base * rng.uniform(0.8, 1.25)),
                created_at=now - timedelta(hours=rng.uniform(0, 20)),
            )
    return ids


def test_batched_partners_and_suggestions_agree_with_the_pages(app):
    with app.app_context():
        ids = market(random.Random(15))
        now = utcnow() + timedelta(minutes=1)
        win = window("daily", now)
        link = link_builder(app)
        run = match_sources.load_market(win, now)
        batched = match_sources.new_partners(ids, run, link)
        one_by_one = match_sources.partners_of_one(ids, match_sources.load_market(win, now), link)
        assert batched, "the generated market should have reciprocal partners"

        def key(rows):
            return {
                pid: sorted((r.pesantren_id, r.they_supply, r.you_supply) for r in found)
                for pid, found in rows.items()
            }

        assert key(batched) == key(one_by_one)

        suggested = match_sources.best_suggestions(ids, run, link)
        assert suggested
        for pid in ids:
            expected: dict[int, float] = {}
            for listing in run_listings(pid):
                for row in suggestions_for(listing, None, run.today).rows:
                    score = row.explanation.surplus_per_unit
                    expected[row.listing_id] = max(score, expected.get(row.listing_id, score))
            got = {r.listing_id: r.score for r in suggested.get(pid, [])}
            assert got == expected, pid


def run_listings(pesantren_id: int) -> list[int]:
    return list(db.session.scalars(select(Listing.id).where(Listing.pesantren_id == pesantren_id)))
