"""The template files: well formed, both languages alike, ready to submit."""

import json

import pytest

from exchange.whatsapp import templates
from exchange.whatsapp.policy import CODE_TEMPLATE, TEMPLATES


def test_every_kind_has_a_template_in_both_languages_with_the_same_parameters():
    assert sorted([*TEMPLATES.values(), CODE_TEMPLATE]) == templates.names()
    for name in templates.names():
        id_, en = templates.load(name, "id"), templates.load(name, "en")
        assert id_["name"] == en["name"] == name
        assert (id_["language"], en["language"]) == ("id", "en")
        assert id_["category"] == en["category"] in {"UTILITY", "AUTHENTICATION"}
        assert templates.body_count(id_) == templates.body_count(en)
        assert templates.takes_button(id_) and templates.takes_button(en)
        for definition in (id_, en):
            body = next(c for c in definition["components"] if c["type"] == "BODY")
            if "text" in body:  # the example Meta's review asks for, one value per parameter
                assert len(body["example"]["body_text"][0]) == templates.body_count(definition)


def test_a_template_file_is_json_meta_accepts_as_is():
    raw = (templates.ROOT / "id" / "bursa_payment_due.json").read_text(encoding="utf-8")
    assert json.loads(raw)["components"][2]["buttons"][0]["url"].endswith("/{{1}}")


def test_the_preview_shows_what_the_reader_reads():
    text = templates.preview(
        "bursa_payment_due",
        "id",
        ["#12", "Garam", "Rp 1.500", "4 Jan 2027"],
        "kesepakatan/12",
        site="http://x.test/",
    )
    assert (
        text.splitlines()[0]
        == "Pembayaran #12 (Garam) sebesar Rp 1.500 jatuh tempo paling lambat 4 Jan 2027."
    )
    assert text.splitlines()[-1] == "http://x.test/kesepakatan/12"


@pytest.mark.parametrize(
    "body, button",
    [(["#1"], "kesepakatan/1"), (["#1", "Garam"], None), (["#1", "Gar\nam"], "kesepakatan/1")],
)
def test_parameters_that_do_not_fit_are_refused_before_queueing(body, button):
    with pytest.raises(ValueError):
        templates.check("bursa_proposal", "id", body, button)
    templates.check("bursa_proposal", "id", ["#1", "Garam"], "kesepakatan/1")
