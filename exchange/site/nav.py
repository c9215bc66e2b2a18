"""The navigation: each role sees what it can do. Links appear once their page exists."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: tuple[str, ...]  # "public", "anonymous", "manager", "staff", "admin"


NAV = (
    NavItem("listings.market", _l("Pasar"), ("public",)),
    NavItem("pesantren.directory", _l("Pesantren"), ("public",)),
    NavItem("dashboard.home", _l("Dasbor"), ("manager",)),
    NavItem("listings.mine", _l("Listing saya"), ("manager",)),
    NavItem("deals.index", _l("Kesepakatan"), ("manager",)),
    NavItem("pesantren.mine", _l("Pesantren saya"), ("manager",)),
    NavItem("pesantren.queue", _l("Verifikasi"), ("staff",)),
    NavItem("staff.dashboard", _l("Arus dagang"), ("staff",)),
    NavItem("matching.runs", _l("Pencocokan"), ("staff",)),
    NavItem("catalogue.index", _l("Komoditas"), ("staff",)),
    NavItem("auth.staff_accounts", _l("Akun staf"), ("admin",)),
    NavItem("auth.register", _l("Daftar"), ("anonymous",)),
    NavItem("auth.account", _l("Akun"), ("manager", "staff")),
)


def _roles() -> set[str]:
    roles = {"public"}
    if not current_user.is_authenticated:
        return roles | {"anonymous"}
    if current_user.is_manager:
        roles.add("manager")
    if current_user.is_staff:
        roles.add("staff")
    if current_user.is_admin:
        roles.add("admin")
    return roles


def nav_items() -> list[dict]:
    roles = _roles()
    views = current_app.view_functions
    return [
        {"url": url_for(item.endpoint), "label": item.label}
        for item in NAV
        if item.endpoint in views and roles.intersection(item.roles)
    ]


def register_nav(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
