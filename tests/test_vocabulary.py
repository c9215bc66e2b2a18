"""The akad, deal states and roles are written as their enums' members, not as string literals:
a literal is a copy that drifts (``"salam"`` beside ``Akad.SALAM``).

The scan reads every module of ``exchange`` token by token and counts the string literals that are
exactly an akad code, a deal state or a role. The modules that define the enums are left out.
The files listed in ``LEFT`` hold the word as another vocabulary's name, each with its reason."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

from exchange.akad import Akad
from exchange.auth.policy import Role
from exchange.deals.states import State

ROOT = Path(__file__).resolve().parent.parent / "exchange"
# Deal states that are not also another vocabulary's word ("expired", "withdrawn", "rejected",
# "completed" and "cancelled" are listing, pesantren, run or shortfall words as well).
DEAL_ONLY = {State.NEGOTIATING, State.SIGNED, State.SHIPPED, State.RECEIVED, State.DISPUTED}
# "staff" is also a blueprint's and an API tag's name: the role is checked as manager and admin.
WORDS = {a.value for a in Akad} | {s.value for s in DEAL_ONLY} | {Role.MANAGER, Role.ADMIN}
DEFINITIONS = {"akad.py", "deals/states.py", "auth/policy.py", "pesantren/policy.py"}
LEFT = {
    # Three names that are the word "signed" without being a deal's state: the WhatsApp message
    # kind "signed" (a contract was made), in its policy and the API's schema, and the CSV
    # column of the number of contracts signed.
    "api/account_schemas.py": 1,
    "whatsapp/policy.py": 1,
    "dashboard/reports.py": 1,
}


def _literals(path: Path) -> int:
    found = 0
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    for tok in tokens:
        if tok.type != tokenize.STRING:
            continue
        try:
            value = ast.literal_eval(tok.string)
        except (ValueError, SyntaxError):
            continue  # an f-string
        if isinstance(value, str) and value in WORDS:
            found += 1
    return found


def test_no_akad_state_or_role_is_written_as_a_string_literal():
    counts = {}
    for path in sorted(ROOT.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name not in DEFINITIONS and (n := _literals(path)):
            counts[name] = n
    assert counts == LEFT
