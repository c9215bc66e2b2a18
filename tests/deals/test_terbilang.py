import pytest

from exchange.deals.terbilang import rupiah_in_words, terbilang


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"),
        (11, "sebelas"),
        (19, "sembilan belas"),
        (100, "seratus"),
        (1001, "seribu satu"),
        (12_500, "dua belas ribu lima ratus"),
        (2_500_000, "dua juta lima ratus ribu"),
        (150_000_000_000, "seratus lima puluh miliar"),
    ],
)
def test_amounts_in_indonesian_words(n, words):
    assert terbilang(n) == words


def test_rupiah_in_words():
    assert rupiah_in_words(1_500) == "seribu lima ratus rupiah"
