"""auth/permissions.py: the object checks every path (HTML, API, CLI) goes through. Another
pesantren's private object is NotFound; a stranger to trading is Forbidden."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from exchange.auth.permissions import (
    can_act_on_deal,
    can_edit_listing,
    can_trade,
    is_manager_of,
    require_own,
    require_staff,
    require_trader,
)
from exchange.auth.policy import Role
from exchange.errors import Forbidden, NotFound
from exchange.pesantren.policy import PesantrenStatus


def _user(role=Role.MANAGER, pesantren_id=1, status=PesantrenStatus.VERIFIED, signed_in=True):
    pesantren = SimpleNamespace(id=pesantren_id, status=status, is_verified=status == "verified")
    return SimpleNamespace(
        is_authenticated=signed_in,
        role=role,
        is_manager=role == Role.MANAGER,
        is_staff=role in (Role.STAFF, Role.ADMIN),
        is_admin=role == Role.ADMIN,
        pesantren_id=pesantren_id if role == Role.MANAGER else None,
        pesantren=pesantren if role == Role.MANAGER else None,
    )


def test_a_manager_manages_only_their_own_pesantren():
    assert is_manager_of(_user(), 1)
    assert not is_manager_of(_user(), 2)
    assert not is_manager_of(_user(signed_in=False), 1)
    assert not is_manager_of(_user(Role.STAFF), None)


def test_only_a_manager_of_a_verified_pesantren_trades():
    assert can_trade(_user())
    assert not can_trade(_user(status=PesantrenStatus.SUSPENDED))
    assert not can_trade(_user(Role.STAFF))
    with pytest.raises(Forbidden):
        require_trader(_user(status=PesantrenStatus.PENDING))


def test_listings_and_deals_are_for_their_own_managers():
    listing = SimpleNamespace(pesantren_id=1)
    deal = SimpleNamespace(seller_pesantren_id=1, buyer_pesantren_id=2)
    assert can_edit_listing(_user(), listing) and not can_edit_listing(
        _user(pesantren_id=3), listing
    )
    assert can_act_on_deal(_user(pesantren_id=2), deal)
    assert not can_act_on_deal(_user(Role.STAFF), deal)


def test_another_pesantrens_object_and_staff_pages_answer_not_found():
    with pytest.raises(NotFound):
        require_own(_user(), 2)
    with pytest.raises(NotFound):
        require_staff(_user())
    require_staff(_user(Role.ADMIN))
