"""The command line on a real sample, judged by the shared checker; and its errors."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / ".." / "shared" / "matching" / "samples"


pytestmark = pytest.mark.slow  # each test runs the CLI in a subprocess


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "exchange.matching", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def load_checker():
    spec = importlib.util.spec_from_file_location("shared_check", SAMPLES.parent / "check.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look themselves up there
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.skipif(
    not (SAMPLES / "jatim-1k.json").exists(),
    reason="shared samples not found at ../shared/matching/samples",
)
def test_cli_on_jatim_1k_is_feasible_and_optimal(tmp_path):
    out = tmp_path / "result.json"
    proc = run(SAMPLES / "jatim-1k.json", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "welfare=" in proc.stderr
    check = load_checker()
    optimum = json.loads((SAMPLES / "OPTIMA.json").read_text())["jatim-1k.json"]["optimum_welfare"]
    errors, fig = check.check(
        check.Instance.load(str(SAMPLES / "jatim-1k.json")), json.loads(out.read_text()), optimum
    )
    assert errors == []
    assert fig["welfare_ratio"] >= 0.999
    assert fig["reciprocal_recall"] == 1.0 and fig["reciprocal_precision"] == 1.0
    again = tmp_path / "again.json"
    run(SAMPLES / "jatim-1k.json", "--out", again)
    assert again.read_bytes() == out.read_bytes()


@pytest.mark.parametrize(
    "content, words",
    [
        (None, "cannot read"),
        ("{not json", "not valid JSON"),
        ('{"format": "something-else/1"}', "format"),
        (
            '{"format": "pesantren-exchange-instance/1", "commodities": [], "pesantren": [],'
            ' "listings": [{"id": "L1"}]}',
            "missing 'side'",
        ),
    ],
)
def test_bad_input_gives_a_message_and_exit_code_2(tmp_path, content, words):
    path = tmp_path / "in.json"
    if content is not None:
        path.write_text(content)
    proc = run(path, "--out", tmp_path / "out.json")
    assert proc.returncode == 2
    assert words in proc.stderr
    assert "Traceback" not in proc.stderr
