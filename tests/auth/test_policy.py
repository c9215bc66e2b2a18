"""auth/policy.py: what a role may do."""

from exchange.auth.policy import Role, can_see_private, is_staff_role, may_trade


def test_staff_and_admins_review():
    assert [r for r in Role if is_staff_role(r)] == [Role.STAFF, Role.ADMIN]
    assert not is_staff_role(None)


def test_only_a_manager_of_a_trading_pesantren_trades():
    assert may_trade(Role.MANAGER, True)
    assert not may_trade(Role.MANAGER, False)
    assert not may_trade(Role.STAFF, True)


def test_private_objects_are_for_their_own_and_staff():
    assert can_see_private(Role.MANAGER, own=True)
    assert not can_see_private(Role.MANAGER, own=False)
    assert can_see_private(Role.ADMIN, own=False)
