"""The pesantren registry: the 38 regencies of East Java and the pesantren in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.db import UTCDateTime, enum_type, intpk, str120, str255, timestamp
from exchange.extensions import db
from exchange.pesantren.policy import PesantrenStatus, is_trading  # noqa: F401 re-export


class Regency(db.Model):
    __tablename__ = "regencies"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str120]
    kind: Mapped[str] = mapped_column(String(10))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    @property
    def short_name(self) -> str:
        return short_regency_name(self.name)


def short_regency_name(name: str) -> str:
    """``Kab. Sumenep`` for ``Kabupaten Sumenep`` (cities keep their name)."""
    return name.replace("Kabupaten ", "Kab. ")


class Pesantren(db.Model):
    __tablename__ = "pesantren"
    __table_args__ = (CheckConstraint("santri_count >= 0", name="santri_nonnegative"),)

    id: Mapped[intpk]
    name: Mapped[str255]
    # Optional (DOMAIN.md section 6); usually 12 digits, kept as typed (a hint, not a refusal)
    nspp: Mapped[str | None] = mapped_column(String(20), unique=True)
    kopontren_name: Mapped[str255]
    # Legal-entity number of the cooperative (badan hukum koperasi)
    kopontren_legal_number: Mapped[str | None] = mapped_column(String(80))
    # Who signs contracts for the kopontren, and as what (jabatan), e.g. "Ketua Pengurus"
    signatory_name: Mapped[str | None] = mapped_column(String(120))
    signatory_position: Mapped[str | None] = mapped_column(String(120))
    # Tax: the NPWP (optional, 15 or 16 digits, kept as digits) and whether the kopontren is a
    # PKP (pengusaha kena pajak): contracts and receipts show them, PPN only for a PKP
    npwp: Mapped[str | None] = mapped_column(String(16))
    is_pkp: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    regency_code: Mapped[str] = mapped_column(ForeignKey("regencies.code"), index=True)
    address: Mapped[str] = mapped_column(String(500), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    phone: Mapped[str] = mapped_column(String(20))  # stored as +62...
    santri_count: Mapped[int] = mapped_column(Integer, default=0)
    products: Mapped[str] = mapped_column(Text, default="")
    # [{"number": "ID35...", "product": "Garam", "format_ok": true}]
    halal_certificates: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[PesantrenStatus] = mapped_column(
        enum_type(PesantrenStatus, 12, "status_valid"), default=PesantrenStatus.PENDING, index=True
    )
    status_reason: Mapped[str | None] = mapped_column(String(500))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[timestamp]

    regency: Mapped[Regency] = relationship(lazy="joined")
    managers = relationship("User", back_populates="pesantren")

    @property
    def is_verified(self) -> bool:
        return is_trading(self.status)

    def __repr__(self) -> str:
        return f"<Pesantren {self.id} {self.name}>"


class PesantrenStatusChange(db.Model):
    """Every status change of a pesantren: who, when, why (append-only)."""

    __tablename__ = "pesantren_status_changes"

    id: Mapped[intpk]
    pesantren_id: Mapped[int] = mapped_column(ForeignKey("pesantren.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[PesantrenStatus | None] = mapped_column(
        enum_type(PesantrenStatus, 12, "from_status_valid")
    )
    to_status: Mapped[PesantrenStatus] = mapped_column(
        enum_type(PesantrenStatus, 12, "to_status_valid")
    )
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[timestamp]

    actor = relationship("User")
