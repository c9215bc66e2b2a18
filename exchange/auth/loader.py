"""Flask-Login wiring: sessions name the user and the password version they were made with."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import joinedload

from exchange.auth.models import User
from exchange.extensions import db, login_manager


def init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Silakan masuk untuk membuka halaman ini.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, version = session_id.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        # The pesantren with the user, in the same query: most manager pages read it
        # (trading rights, the dashboard), and a lazy load would be a query of its own.
        user = db.session.get(User, int(user_id), options=(joinedload(User.pesantren),))
        if user is None or user.session_version != int(version) or not user.is_active:
            return None
        return user
