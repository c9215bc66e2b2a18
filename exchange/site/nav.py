"""The navigation: each role sees what it can do."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from exchange.auth.policy import Role
from exchange.deals.queries import unread_on_page


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: tuple[str, ...]  # "public", "anonymous", "manager", "staff", "admin"
    # Signed-in users find it under "Lainnya" (a <details> menu), keeping the bar short on a
    # phone; visitors see every item inline.
    more: bool = False


NAV = (
    NavItem("listings.market", _l("Pasar"), ("public",)),
    NavItem("pesantren.directory", _l("Pesantren"), ("public",), more=True),
    NavItem("dashboard.home", _l("Dasbor"), (Role.MANAGER,)),
    NavItem("listings.mine", _l("Listing saya"), (Role.MANAGER,)),
    NavItem("deals.index", _l("Kesepakatan"), (Role.MANAGER,)),
    NavItem("deals.notifications", _l("Notifikasi"), (Role.MANAGER,)),
    NavItem("pesantren.mine", _l("Pesantren saya"), (Role.MANAGER,), more=True),
    NavItem("matching.partners", _l("Mitra timbal balik"), (Role.MANAGER,), more=True),
    NavItem("netting.mine", _l("Kliring utang"), (Role.MANAGER,), more=True),
    NavItem("listings.standing", _l("Kebutuhan rutin"), (Role.MANAGER,), more=True),
    NavItem("freight.mine", _l("Angkutan bersama"), (Role.MANAGER,), more=True),
    NavItem("pools.index", _l("Patungan"), (Role.MANAGER,), more=True),
    NavItem("pesantren.queue", _l("Verifikasi"), ("staff",)),
    NavItem("staff.dashboard", _l("Arus dagang"), ("staff",)),
    NavItem("matching.runs", _l("Pencocokan"), ("staff",)),
    NavItem("netting.runs", _l("Kliring utang"), ("staff",), more=True),
    NavItem("freight.staff", _l("Angkutan bersama"), ("staff",), more=True),
    NavItem("catalogue.index", _l("Komoditas"), ("staff",), more=True),
    NavItem("pesantren.import_registry", _l("Impor pesantren"), ("staff",), more=True),
    NavItem("listings.standing_demand", _l("Kebutuhan rutin"), ("staff",), more=True),
    NavItem("digests.show", _l("Ringkasan"), (Role.MANAGER, "staff"), more=True),
    NavItem("auth.staff_accounts", _l("Akun staf"), (Role.ADMIN,), more=True),
    NavItem("auth.register", _l("Daftar"), ("anonymous",)),
    NavItem("auth.account", _l("Akun"), (Role.MANAGER, "staff"), more=True),
    NavItem("privacy.requests", _l("Permintaan data pribadi"), ("staff",), more=True),
)


def _roles() -> set[str]:
    roles = {"public"}
    if not current_user.is_authenticated:
        return roles | {"anonymous"}
    if current_user.is_manager:
        roles.add(Role.MANAGER)
    if current_user.is_staff:
        roles.add("staff")
    if current_user.is_admin:
        roles.add(Role.ADMIN)
    return roles


def nav_items() -> list[dict]:
    """The items the current user may use: url, label, whether it sits under "Lainnya", and
    for notifications the unread count (shown as a badge)."""
    items = _items(frozenset(_roles()), current_user.is_authenticated)
    if not any(item["counted"] for item in items):
        return items
    return [{**item, "count": _unread()} if item["counted"] else item for item in items]


def _items(roles: frozenset[str], signed_in: bool) -> list[dict]:
    """The items of a set of roles, in the reader's language, under this app's URL root: the
    same for everyone with those roles, so built once per process and kept in the app's
    extensions (no one's data is in them; the unread count is added per request)."""
    key = (roles, signed_in, str(get_locale()), request.script_root)
    built = current_app.extensions.setdefault("nav_items", {})
    if key not in built:
        built[key] = [
            {
                "url": url_for(item.endpoint),
                "label": str(item.label),
                "more": item.more and signed_in,
                "count": 0,
                "counted": item.endpoint == "deals.notifications",
            }
            for item in NAV
            if roles.intersection(item.roles)
        ]
    return built[key]


def _unread() -> int:
    return unread_on_page(current_user)


def register_nav(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
