"""The staff's registry import (scope ``staff``), as the pages at /pesantren/impor do it: send
the spreadsheet, read its preview, confirm it; the managers still invited, and a new link for
one of them. The pages' own services (``pesantren.importing``, ``auth.invitations``)."""

from __future__ import annotations

import base64
import binascii

from flask import g, url_for
from flask_babel import gettext as _

from exchange.api import idempotency
from exchange.api import registry_schemas as r
from exchange.api import write_schemas as w
from exchange.api.guard import acting_user, needs
from exchange.api.scopes import Scope
from exchange.api.spec import responses, spec
from exchange.api.views import bp
from exchange.api.write_views import endpoint
from exchange.auth import invitations as invites
from exchange.errors import Invalid
from exchange.pesantren import importing

SHOWN = 300  # rows of each status in a preview, as the page lists


def _row(row) -> r.RegistryRowOut:
    values = row.values
    stored = values.get("stored") or {}
    shown = {**values, **stored}
    return r.RegistryRowOut(
        line=row.line,
        status=row.status.value,
        name=shown.get("name") or "",
        nspp=shown.get("nspp"),
        regency_code=shown.get("regency_code"),
        regency_name=shown.get("regency_name") or None,
        address=shown.get("address") or None,
        kopontren_name=shown.get("kopontren_name") or None,
        manager_name=shown.get("manager_name") or None,
        email=shown.get("email") or None,
        phone=shown.get("phone"),
        santri_count=shown.get("santri_count"),
        existing_pesantren_id=row.existing_id,
        problems=importing.problems_text(row),
    )


def _preview(upload, rows) -> r.RegistryImport:
    counts = dict.fromkeys(("new", "same", "refused"), 0)
    shown = []
    for row in rows:
        counts[row.status.value] += 1
        if counts[row.status.value] <= SHOWN:
            shown.append(_row(row))
    return r.RegistryImport(
        token=upload.token,
        filename=upload.filename,
        created_at=upload.created_at,
        confirmable=counts["new"] > 0,
        counts=r.RegistryCounts(**counts),
        lines=shown,
    )


def _decoded(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        # not a file at all: the pages' own words for a file that cannot be read
        message = _("Berkas tidak terbaca: unggah CSV atau XLSX (Excel).")
        raise Invalid(message, field="content_base64") from exc


@endpoint(
    "/staff/registry-imports",
    Scope.STAFF,
    json=r.RegistryImportIn,
    status=201,
    result=r.RegistryImport,
)
def upload_registry(json: r.RegistryImportIn, headers: w.WriteHeaders):
    """Send the registry spreadsheet (CSV or XLSX, base64): nothing of the registry changes
    yet; the answer is its preview, each row as it would be stored or why it is refused."""
    user = acting_user()
    kept = importing.upload_registry(user, json.filename, _decoded(json.content_base64))
    g.api_location = url_for("api.registry_import", token=kept.token)
    return _preview(*importing.preview(user, kept.token)), 201


@bp.get("/staff/registry-imports/<token>")
@spec.validate(resp=responses(200, r.RegistryImport), tags=("staff",))
@needs(Scope.STAFF)
def registry_import(token: str):
    """The preview of an upload not yet confirmed (the token's own, within a day; else 404)."""
    return _preview(*importing.preview(acting_user(), token))


@endpoint(
    "/staff/registry-imports/<token>/confirm",
    Scope.STAFF,
    result=r.RegistryImportResult,
)
def confirm_registry_import(token: str, headers: w.WriteHeaders):
    """Add every new row in one transaction: the pesantren verified, their managers invited by
    e-mail. An upload is confirmed once: again (with another Idempotency-Key), 404."""
    result = importing.confirm(acting_user(), token)
    return r.RegistryImportResult(created=result.created, same=result.same, refused=result.refused)


@bp.get("/staff/invitations")
@spec.validate(resp=responses(200, r.PendingInvitationList), tags=("staff",))
@needs(Scope.STAFF)
def invitations():
    """The invited managers who have not chosen a password yet, newest first."""
    return r.PendingInvitationList(
        items=[
            r.PendingInvitation(
                user_id=u.id,
                name=u.name,
                email=u.email,
                pesantren_id=u.pesantren_id,
                pesantren_name=u.pesantren.name if u.pesantren else None,
                invited_at=u.created_at,
            )
            for u in invites.pending_invitations()
        ]
    )


@endpoint("/staff/invitations/<int:user_id>/resend", Scope.STAFF, result=r.InvitationSent)
def resend_invitation(user_id: int, headers: w.WriteHeaders):
    """A new one-time link for an invited manager (the old one dies), queued by e-mail; the
    answer holds the WhatsApp text with the link, as the page shows it once."""
    user, link = invites.resend_invitation(acting_user(), user_id)
    idempotency.shown_once()  # the link is not kept with the stored answer
    text = invites.share_text(user, user.pesantren.name, link)
    return r.InvitationSent(
        user_id=user.id,
        name=user.name,
        pesantren_id=user.pesantren_id,
        pesantren_name=user.pesantren.name,
        share_text=text,
        whatsapp_url=invites.whatsapp_url(user.phone, text),
    )
