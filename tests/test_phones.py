"""The one phone normaliser (exchange/phones.py): what people write, E.164 out."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange.phones import from_wa_id, masked, normalise_mobile, normalise_phone, wa_id


@pytest.mark.parametrize(
    "written",
    ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456.7890", "+6281234567890"],
)
def test_the_ways_people_write_a_number_give_one_form(written):
    assert normalise_phone(written) == "+6281234567890"


def test_an_east_java_fixed_line_is_a_phone_but_not_a_mobile():
    assert normalise_phone("031 123 4567") == "+62311234567"
    with pytest.raises(ValueError, match="phone_not_mobile"):
        normalise_mobile("031 123 4567")


@pytest.mark.parametrize(
    "written",
    ["", "812345678", "+1 415 555 0100", "0812", "08123456789012345", "08abc45678", "021"],
)
def test_what_is_not_an_indonesian_number_is_refused(written):
    with pytest.raises(ValueError, match="phone_format"):
        normalise_phone(written)


@given(st.from_regex(r"8[0-9]{8,12}", fullmatch=True), st.sampled_from(["0", "62", "+62", "+62 "]))
def test_every_prefix_gives_the_same_number_and_it_is_stable(rest, prefix):
    phone = normalise_phone(prefix + rest)
    assert phone == "+62" + rest
    assert normalise_phone(phone) == phone
    assert from_wa_id(wa_id(phone)) == phone


def test_a_masked_number_keeps_only_its_ends():
    assert masked("+6281234567890") == "+62 812-****-7890"
    assert from_wa_id("14155550100") is None
