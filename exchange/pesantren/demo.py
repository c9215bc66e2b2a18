"""Demo data for `make run`: about 40 pesantren across the 38 regencies, a manager for each,
one staff and one admin account. Deterministic (a fixed seed), so the README's logins hold.
"""

from __future__ import annotations

import random

from sqlalchemy import func, select

from exchange.auth.models import Role, User
from exchange.db import utcnow
from exchange.extensions import db
from exchange.pesantren.models import Pesantren, PesantrenStatus
from exchange.pesantren.reference import load_regencies, regency_rows

DEMO_PASSWORD = "demo-pesantren-2027"
ADMIN_EMAIL = "admin@bursa-pesantren.id"
STAFF_EMAIL = "staf@bursa-pesantren.id"

# Who signs for each demo kopontren (its chair), in turn.
# Each demo pesantren has a signatory of its own (a contract between two demo pesantren must not
# name one person on both sides): first names and family names combined, distinct up to 143.
SIGNATORY_FIRST = (
    "H. Ahmad",
    "H. Zainal",
    "Hj. Siti",
    "H. Mahfudz",
    "KH. Abdul",
    "Hj. Nur",
    "H. Muhammad",
    "Ust. Fathur",
    "Hj. Umi",
    "H. Imam",
    "Ust. Lukman",
    "Hj. Khoirun",
    "H. Syamsul",
)
SIGNATORY_LAST = (
    "Faqih",
    "Arifin",
    "Aminah",
    "Ridwan",
    "Hamid",
    "Hasanah",
    "Rozaq",
    "Rohman",
    "Kulsum",
    "Baidowi",
    "Hakim",
)


def signatory_name(i: int) -> str:
    """The demo signatory of the i-th pesantren (0-based): distinct for i < 143."""
    first = SIGNATORY_FIRST[i % len(SIGNATORY_FIRST)]
    return f"{first} {SIGNATORY_LAST[(i // len(SIGNATORY_FIRST)) % len(SIGNATORY_LAST)]}"


NAMES = (
    "Al-Hikmah",
    "Darul Ulum",
    "Nurul Huda",
    "Miftahul Ulum",
    "Al-Falah",
    "Raudlatul Ulum",
    "Bustanul Ulum",
    "Al-Amien",
    "Mambaul Ulum",
    "Darussalam",
    "Nurul Jadid",
    "Al-Mubarok",
    "Sabilul Muttaqin",
    "Hidayatul Mubtadiin",
    "Al-Ikhlas",
    "Tarbiyatul Islam",
    "Annuqayah",
    "Al-Anwar",
    "Roudlotul Jannah",
    "Syafi'iyah",
    "Al-Islah",
    "Baitul Hikmah",
    "Nurul Iman",
)
# Regencies with a second demo pesantren: Madura's salt and the big rice regencies.
DOUBLE = ("3529", "3528", "3527", "3521", "3524")


def demo_is_loaded() -> bool:
    return (db.session.scalar(select(func.count()).select_from(Pesantren)) or 0) > 0


def manager_email(index: int) -> str:
    return f"pengelola{index:02d}@demo.bursa-pesantren.id"


def seed_demo_pesantren() -> dict:
    """Load the demo pesantren and accounts into an empty database. Returns counts."""
    rng = random.Random(2027)  # noqa: S311 - demo data, not security
    load_regencies()  # the commodities come with the listings (exchange/demo.py)
    regencies = regency_rows()
    plan = list(regencies) + [r for r in regencies if r["code"] in DOUBLE]
    pesantren = []
    for i, row in enumerate(plan, start=1):
        name = NAMES[(i * 7) % len(NAMES)]
        seat = row["name"].replace("Kabupaten ", "").replace("Kota ", "")
        santri = int(min(40000, max(60, rng.lognormvariate(6.2, 1.0))))
        p = Pesantren(
            name=f"Pondok Pesantren {name} {seat}",
            nspp=f"510035{row['code'][2:]}{i:04d}",
            kopontren_name=f"Kopontren {name}",
            kopontren_legal_number=f"{1000 + i}/BH/XVI.{i}/2019",
            signatory_name=signatory_name(i - 1),
            signatory_position="Ketua Pengurus Kopontren",
            regency_code=row["code"],
            address=f"Jl. Pesantren No. {i}, {seat}",
            lat=round(float(row["lat"]) + rng.uniform(-0.05, 0.05), 5),
            lon=round(float(row["lon"]) + rng.uniform(-0.05, 0.05), 5),
            phone=f"+62812{3000000 + i * 1379:07d}",
            santri_count=santri,
            products=", ".join(row["main_commodities"].split(";")[:3]).replace("_", " "),
            status=PesantrenStatus.VERIFIED if i % 13 else PesantrenStatus.PENDING,
            status_changed_at=utcnow(),
        )
        db.session.add(p)
        pesantren.append(p)
    db.session.flush()
    for i, p in enumerate(pesantren, start=1):
        _user(manager_email(i), f"Pengelola {p.kopontren_name}", Role.MANAGER, p.id)
    _user(STAFF_EMAIL, "Staf OPOP Jatim", Role.STAFF)
    _user(ADMIN_EMAIL, "Admin Bursa", Role.ADMIN)
    db.session.commit()
    return {"pesantren": len(pesantren), "managers": len(pesantren)}


def _user(email, name, role, pesantren_id=None):
    user = User(email=email, name=name, role=role, pesantren_id=pesantren_id)
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    return user
