"""Who may do what: role decorators for views and pure object checks for services.

Services call the predicates too, so no path (HTML, API, CLI) can skip them. Another
pesantren's private object answers 404 (NotFound), never 403, so its existence is not leaked.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from exchange.errors import Forbidden, NotFound
from exchange.extensions import login_manager


def is_manager_of(user, pesantren_id: int | None) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_manager
        and pesantren_id is not None
        and user.pesantren_id == pesantren_id
    )


def can_trade(user) -> bool:
    """Only managers of verified pesantren post and trade."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_manager
        and user.pesantren is not None
        and user.pesantren.is_verified
    )


def can_edit_listing(user, listing) -> bool:
    return is_manager_of(user, listing.pesantren_id)


def can_act_on_deal(user, deal) -> bool:
    """Only the managers of the deal's two pesantren act on it (staff only read it)."""
    return is_manager_of(user, deal.seller_pesantren_id) or is_manager_of(
        user, deal.buyer_pesantren_id
    )


def require_own(user, obj_pesantren_id: int | None) -> None:
    """Refuse with 404 unless the user manages the pesantren that owns the object."""
    if not is_manager_of(user, obj_pesantren_id):
        raise NotFound()


def require_staff(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        raise NotFound()


def require_admin(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_admin:
        raise NotFound()


def require_trader(user) -> None:
    if not can_trade(user):
        raise Forbidden()


def _role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not check(current_user):
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


manager_required = _role_required(lambda u: u.is_manager)
staff_required = _role_required(lambda u: u.is_staff)
admin_required = _role_required(lambda u: u.is_admin)
