from exchange.pesantren.states import REASON_REQUIRED, next_status, staff_actions


def test_the_lifecycle():
    assert next_status("pending", "verify", "staff") == "verified"
    assert next_status("pending", "reject", "staff") == "rejected"
    assert next_status("verified", "suspend", "staff") == "suspended"
    assert next_status("suspended", "reinstate", "staff") == "verified"
    assert next_status("rejected", "resubmit", "manager") == "pending"


def test_refused_moves():
    assert next_status("verified", "verify", "staff") is None
    assert next_status("pending", "suspend", "staff") is None
    assert next_status("rejected", "resubmit", "staff") is None
    assert next_status("pending", "verify", "manager") is None


def test_buttons_per_status_and_reasons():
    assert staff_actions("pending") == ["verify", "reject"]
    assert staff_actions("verified") == ["suspend"]
    assert staff_actions("suspended") == ["reinstate"]
    assert staff_actions("rejected") == []
    assert {"reject", "suspend"} == REASON_REQUIRED
