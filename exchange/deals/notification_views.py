"""A manager's notifications: the list, marking them read, and opening one where it points."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from exchange.clock import today_wib
from exchange.deals import notify as deal_notify
from exchange.deals import queries
from exchange.deals.views import bp


@bp.route("/notifikasi", methods=["GET", "POST"])
@login_required
def notifications():
    if request.method == "POST":
        deal_notify.mark_notifications_read(current_user)
        return redirect(url_for("deals.notifications"))
    items = queries.notifications(current_user)
    return render_template("deals/notifications.html", items=items, today=today_wib())


@bp.route("/notifikasi/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Opening a notification marks it read and goes where it points."""
    item = queries.notification_of(current_user, notification_id)  # another's: 404
    deal_notify.mark_notifications_read(current_user, ids=[item.id])
    if item.deal_id:
        return redirect(url_for("deals.detail", deal_id=item.deal_id))
    return redirect(
        item.url if item.url and item.url.startswith("/") else url_for("deals.notifications")
    )
