"""The bounded store of visitors' pages, without an app: least recently used go first, within
both bounds; every part of the key makes another page."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange.listings.pagestore import Page, PageKey, PageStore


def key(n: int = 0, **kw) -> PageKey:
    values = {"path": "/pasar", "query": f"page={n}".encode(), "locale": "id", "version": 7}
    return PageKey(**(values | {"day": "2027-01-04"} | kw))


def test_the_least_recently_used_page_goes_first():
    store = PageStore(max_entries=2, max_bytes=1000)
    store.put(key(1), Page.of(b"one"))
    store.put(key(2), Page.of(b"two"))
    assert store.get(key(1)).body == b"one"  # now the most recent
    store.put(key(3), Page.of(b"three"))
    assert store.get(key(2)) is None
    assert store.get(key(1)).body == b"one" and store.get(key(3)).body == b"three"


def test_the_bytes_bound_evicts_and_a_page_too_large_is_not_kept():
    store = PageStore(max_entries=100, max_bytes=100)
    for n in range(5):
        assert store.put(key(n), Page.of(bytes(20)))
    assert len(store) == 5 and store.size_bytes == 100
    store.put(key(9), Page.of(bytes(25)))
    assert store.size_bytes <= 100 and store.get(key(0)) is None and store.get(key(1)) is None
    assert not store.put(key(10), Page.of(bytes(26)))  # over a quarter of the bytes
    assert store.get(key(10)) is None


def test_putting_a_key_again_replaces_its_page_and_its_bytes():
    store = PageStore(max_entries=5, max_bytes=100)
    store.put(key(1), Page.of(bytes(10)))
    store.put(key(1), Page.of(bytes(20)))
    assert len(store) == 1 and store.size_bytes == 20


@pytest.mark.parametrize(
    "other",
    [
        {"path": "/"},
        {"query": b"page=0&sort=newest"},
        {"locale": "en"},
        {"version": 8},
        {"day": "2027-01-05"},
    ],
)
def test_every_part_of_the_key_makes_another_page(other):
    store = PageStore(max_entries=10, max_bytes=1000)
    store.put(key(0), Page.of(b"kept"))
    assert store.get(key(0, **other)) is None


def test_the_etag_is_the_bodys_sha1_and_changes_with_it():
    assert Page.of(b"a").etag == "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"
    assert Page.of(b"a").etag != Page.of(b"b").etag


@given(
    st.integers(1, 8),
    st.integers(1, 200),
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 80)), max_size=60),
)
def test_the_store_never_passes_its_bounds(max_entries, max_bytes, puts):
    store = PageStore(max_entries=max_entries, max_bytes=max_bytes)
    for n, size in puts:
        kept = store.put(key(n), Page.of(bytes(size)))
        assert kept == (size * 4 <= max_bytes)
        if kept:
            assert store.get(key(n)).body == bytes(size)  # the newest page always stays
        assert len(store) <= max_entries and store.size_bytes <= max_bytes
        assert store.size_bytes == sum(len(p.body) for p in store._pages.values())


def test_a_store_holds_at_least_one_page():
    with pytest.raises(ValueError):
        PageStore(max_entries=0, max_bytes=10)
