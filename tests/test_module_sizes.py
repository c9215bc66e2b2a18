"""Files stay small (STYLE.md): no module of exchange passes 400 lines; split it by what it
answers before it does (matching/queries/, dashboard/figures.py)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "exchange"


def test_no_module_is_over_400_lines():
    sizes = {
        p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in ROOT.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 400} == {}
