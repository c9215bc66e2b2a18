"""Spreadsheets in and out (exchange/sheets.py): formulas never run, our exports read back."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from exchange.sheets import (
    SheetError,
    clean_cell,
    csv_bytes,
    formula_like,
    read_sheet,
    xlsx_bytes,
)


@pytest.mark.parametrize(
    "text", ["=1+1", "@SUM(A1)", "+SUM(A1)", "-1+2", '=HYPERLINK("http://x")', "\t=1"]
)
def test_formulas_are_refused(text):
    assert formula_like(text) and clean_cell(text) is None


@pytest.mark.parametrize("text", ["+62 812 3456 7890", "-5", "0812-3456", "Pondok", ""])
def test_numbers_and_text_pass(text):
    assert not formula_like(text) and clean_cell(text) == text.strip()


def test_our_csv_and_xlsx_read_back_as_written_and_formulas_stay_text():
    rows = [["=1+1", 12, "Pondok; Al-Falah", "+62 812"]]
    for name, data in (("a.csv", csv_bytes(["a", "b", "c", "d"], rows)),):
        header, body = read_sheet(name, data)
        assert header == ["a", "b", "c", "d"]
        assert [clean_cell(c) for c in body[0]] == ["=1+1", "12", "Pondok; Al-Falah", "+62 812"]
    header, body = read_sheet("a.xlsx", xlsx_bytes(["a", "b", "c", "d"], rows))
    assert [clean_cell(c) for c in body[0]] == ["=1+1", "12", "Pondok; Al-Falah", "+62 812"]


def test_a_formula_cell_of_an_xlsx_is_refused():
    book = Workbook()
    book.active.append(["nama", "jumlah"])
    book.active.append(["Pondok", "=2*3"])
    out = io.BytesIO()
    book.save(out)
    _header, body = read_sheet("a.xlsx", out.getvalue())
    assert clean_cell(body[0][1]) is None


def test_comma_csv_in_windows_encoding_and_limits():
    header, body = read_sheet(
        "a.csv", "nama,kota\r\nPondok Ma'had,Situbondo é\r\n".encode("cp1252")
    )
    assert header == ["nama", "kota"] and body == [["Pondok Ma'had", "Situbondo é"]]
    with pytest.raises(SheetError) as err:
        read_sheet("a.csv", b"a\n" + b"1\n" * 11, max_rows=10)
    assert err.value.code == "too_many_rows"
    assert read_sheet("a.csv", b"a\n" + b"1\n" * 10, max_rows=10)[1] == [["1"]] * 10
    with pytest.raises(SheetError) as err:
        read_sheet("a.pdf", b"%PDF-1.4")
    assert err.value.code == "format"
